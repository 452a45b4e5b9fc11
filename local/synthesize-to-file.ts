import { writeFileSync } from 'node:fs';
import { synthesizeTemplate } from './synthesized-template';

/** Child process of the one-machine runtime: synthesizes the template into the file named, then exits with aws-cdk-lib. */
const [, , outFile] = process.argv;
if (!outFile) throw new Error('Usage: synthesize-to-file.ts <template.json>');
writeFileSync(outFile, JSON.stringify(synthesizeTemplate()));
