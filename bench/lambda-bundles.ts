import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { PROJECT_ROOT } from '../lib/service-function';
import type { CloudFormationTemplate } from '../local/synthesized-template';
import { lambdaFunctions, LOCAL_REGION } from '../local/template-resources';

/**
 * The most a Lambda bundle may weigh: issue 13's 150 KB, plus what Powertools Tracer brings (its
 * X-Ray SDK, about 115 KB in each bundle) until the functions take Powertools from its published
 * Lambda layer instead of their bundles (docs/performance.md). Issue 7 allowed 500 KB.
 */
export const BUNDLE_LIMIT_BYTES = (150 + 120) * 1024;

/**
 * Bundles still over the limit, each with the ceiling it must not pass while it is: the web pages
 * carry nunjucks (86 KB, templates compiled at run time) and an OpenID client (docs/performance.md).
 */
export const BUNDLE_LIMIT_EXCEPTIONS: Readonly<Record<string, number>> = {
  'lambdas/web/web-pages.ts': 430 * 1024,
};

/** The limit one function's bundle is held to. */
export function bundleLimitBytes(entry: string): number {
  return BUNDLE_LIMIT_EXCEPTIONS[entry] ?? BUNDLE_LIMIT_BYTES;
}

export interface LambdaBundle {
  readonly logicalId: string;
  readonly entry: string;
  readonly bytes: number;
  /** Time to load the bundle's module (require) in a fresh Node process, as a cold start does; undefined when not measured. */
  readonly initMs?: number;
}

/**
 * Bundles one handler exactly as `lib/service-function.ts` has CDK's NodejsFunction do it
 * (esbuild: bundle, platform node, target node24, CommonJS, minified, external source map,
 * `@aws-sdk/*` left to the Lambda runtime).
 */
export function bundleLambda(entry: string, outfile: string): number {
  buildSync({
    entryPoints: [path.join(PROJECT_ROOT, entry)],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    external: ['@aws-sdk/*'],
    outfile,
    logLevel: 'warning',
  });
  return statSync(outfile).size;
}

/**
 * Module initialisation of a bundle: require() timed in a fresh process with the function's
 * environment, as a cold start loads it; the median of `runs` processes.
 */
function measureInit(bundle: string, environment: Record<string, string>, runs: number): number {
  const times = Array.from({ length: runs }, () => initOnce(bundle, environment)).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function initOnce(bundle: string, environment: Record<string, string>): number {
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
export function measureLambdaBundles(template: CloudFormationTemplate, options: { init: boolean; initRuns?: number }): LambdaBundle[] {
  const directory = mkdtempSync(path.join(tmpdir(), 'tuo-bundles-'));
  try {
    return [...lambdaFunctions(template).values()].map((fn) => {
      const outfile = path.join(directory, fn.logicalId, 'index.js');
      const bytes = bundleLambda(fn.entry, outfile);
      const initMs = options.init ? measureInit(outfile, fn.environment, options.initRuns ?? 5) : undefined;
      return { logicalId: fn.logicalId, entry: fn.entry, bytes, initMs };
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
