import * as path from 'node:path';

/** The repository's root: function entries are named relative to it. (No CDK here: the one-machine runtime imports it.) */
export const PROJECT_ROOT = path.resolve(__dirname, '..');
