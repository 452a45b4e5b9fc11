// `npm run openapi`: writes docs/openapi.json from the schemas that validate requests.
// test/unit/openapi-document.test.ts fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildOpenApiDocument } from '../lambdas/api/openapi-document';

const OPENAPI_FILE = path.resolve(__dirname, '..', 'docs', 'openapi.json');

writeFileSync(OPENAPI_FILE, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
console.log(`Wrote ${path.relative(process.cwd(), OPENAPI_FILE)}`);
