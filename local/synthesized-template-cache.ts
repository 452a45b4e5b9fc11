import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../lib/project-root';
// A type only: this module must not load aws-cdk-lib (the child process does).
import type { CloudFormationTemplate } from './synthesized-template';

/** What the template is made from: the app's composition, the CDK context and the CDK library's version. */
const SOURCES = [
  'bin',
  'lib',
  'cdk.json',
  'local/synthesized-template.ts',
  'node_modules/aws-cdk-lib/package.json',
  // What lib/ reads from lambdas/: the declarations are each function's grants and environment.
  'lambdas/function-declarations.ts',
  'lambdas/store/dynamodb/table-layout.ts',
  'lambdas/observability/metric-names.ts',
];

function filesUnder(relative: string): string[] {
  const full = path.join(PROJECT_ROOT, relative);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [relative];
  return readdirSync(full)
    .sort()
    .flatMap((name) => filesUnder(path.join(relative, name)));
}

/**
 * Changes whenever a source of the template does, or what else it is made from: the environment
 * CDK reads (account, region) and the checkout (handlers are named by their path in it).
 */
export function templateSourcesHash(): string {
  const hash = createHash('sha256');
  for (const part of [PROJECT_ROOT, process.env.CDK_DEFAULT_ACCOUNT ?? '', process.env.CDK_DEFAULT_REGION ?? ''])
    hash.update(part).update('\0');
  for (const file of SOURCES.flatMap(filesUnder))
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(path.join(PROJECT_ROOT, file)))
      .update('\0');
  return hash.digest('hex');
}

/**
 * The synthesized template for the one-machine runtime, from `<dataDir>/synthesized/` (or
 * `TUO_SYNTH_CACHE_DIR`, which the test suite shares between its services) while the sources are
 * unchanged, otherwise synthesized anew in a child process: aws-cdk-lib (well over 100 MB once
 * loaded) never stays resident in the service.
 */
export async function loadSynthesizedTemplate(dataDir: string): Promise<CloudFormationTemplate> {
  const directory = process.env.TUO_SYNTH_CACHE_DIR || path.join(dataDir, 'synthesized');
  const file = path.join(directory, `template-${templateSourcesHash().slice(0, 16)}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as CloudFormationTemplate;
  mkdirSync(directory, { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'local/synthesize-to-file.ts'), partial], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NODE_OPTIONS: '' },
    maxBuffer: 16 * 1024 * 1024,
  });
  renameSync(partial, file); // Whole or not at all: a crash mid-write leaves no half template to reuse.
  return JSON.parse(readFileSync(file, 'utf8')) as CloudFormationTemplate;
}
