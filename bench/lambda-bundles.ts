import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { PROJECT_ROOT } from '../lib/service-function';
import type { CloudFormationTemplate } from '../local/synthesized-template';
import { lambdaFunctions, LOCAL_REGION } from '../local/template-resources';

/** The most a Lambda bundle may weigh (issue 7). */
export const BUNDLE_LIMIT_BYTES = 500 * 1024;

export interface LambdaBundle {
  readonly logicalId: string;
  readonly entry: string;
  readonly bytes: number;
  /** Time to load the bundle's module (require) in a fresh Node process, as a cold start does; undefined when not measured. */
  readonly initMs?: number;
}

/**
 * Bundles one handler exactly as `lib/service-function.ts` has CDK's NodejsFunction do it
 * (esbuild: bundle, platform node, target node22, CommonJS, minified, external source map,
 * `@aws-sdk/*` left to the Lambda runtime).
 */
export function bundleLambda(entry: string, outfile: string): number {
  buildSync({
    entryPoints: [path.join(PROJECT_ROOT, entry)],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    external: ['@aws-sdk/*'],
    outfile,
    logLevel: 'warning',
  });
  return statSync(outfile).size;
}

/** Module initialisation of a bundle: require() timed in a fresh process with the function's environment. */
function measureInit(bundle: string, environment: Record<string, string>): number {
  const script = 'const t=process.hrtime.bigint();require(process.argv[1]);process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
  const output = execFileSync(process.execPath, ['-e', script, bundle], {
    env: {
      PATH: process.env.PATH,
      ...environment,
      NODE_OPTIONS: '',
      AWS_REGION: LOCAL_REGION,
      AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
      // The Lambda runtime provides the AWS SDK; here it comes from the project's node_modules.
      NODE_PATH: path.join(PROJECT_ROOT, 'node_modules'),
    },
    encoding: 'utf8',
  });
  return Number(output);
}

/** Every function of the synthesized template, bundled as CDK bundles it; optionally with its module initialisation time. */
export function measureLambdaBundles(template: CloudFormationTemplate, options: { init: boolean }): LambdaBundle[] {
  const directory = mkdtempSync(path.join(tmpdir(), 'tuo-bundles-'));
  try {
    return [...lambdaFunctions(template).values()].map((fn) => {
      const outfile = path.join(directory, fn.logicalId, 'index.js');
      const bytes = bundleLambda(fn.entry, outfile);
      const initMs = options.init ? measureInit(outfile, fn.environment) : undefined;
      return { logicalId: fn.logicalId, entry: fn.entry, bytes, initMs };
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
