import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isBuiltin } from 'node:module';
import { buildSync } from 'esbuild';
import { HANDLER_METADATA_KEY, PROJECT_ROOT, type HandlerReference } from '../lib/service-function';
import type { CloudFormationTemplate } from '../local/synthesized-template';
import { lambdaFunctions, LOCAL_REGION } from '../local/template-resources';

/**
 * The most any Lambda bundle may weigh, the web pages' included (issue 13; issue 7 allowed 500 KB).
 * Powertools and its X-Ray SDK come from Powertools' Lambda layer (lib/powertools-layer.ts) and the
 * AWS SDK from the runtime, so no bundle carries them; the web pages carry nunjucks' runtime, their
 * templates compiled beside the bundle (lambdas/web/template-precompiler.ts).
 */
export const BUNDLE_LIMIT_BYTES = 150 * 1024;

export interface LambdaBundle {
  readonly logicalId: string;
  readonly entry: string;
  readonly bytes: number;
  /** The packages the bundle requires but does not hold (Node.js built-ins left out), for the runtime or a layer to provide. */
  readonly externalImports: readonly string[];
  /** The npm packages the bundle holds. */
  readonly bundledPackages: readonly string[];
  /** The files the bundle holds, as esbuild names them (relative to the project). */
  readonly bundledInputs: readonly string[];
  /** The function's layers, as the template gives them. */
  readonly layers: readonly unknown[];
  /**
   * Module initialisation, as a cold start does it: require() of the bundle in a fresh Node process,
   * its external packages (AWS SDK, Powertools) loaded from node_modules as Lambda loads them from
   * the runtime and the layer; undefined when not measured.
   */
  readonly initMs?: number;
  /** The same with the external packages already loaded: the bundle's own share. */
  readonly ownInitMs?: number;
}

/**
 * Bundles one handler exactly as `lib/service-function.ts` has CDK's NodejsFunction do it
 * (esbuild: bundle, platform node, target node24, CommonJS, minified, external source map, the
 * function's external modules as its template metadata names them).
 */
export function bundleLambda(
  entry: string,
  outfile: string,
  externalModules: readonly string[],
): { bytes: number; externalImports: string[]; bundledPackages: string[]; bundledInputs: string[] } {
  const result = buildSync({
    entryPoints: [path.join(PROJECT_ROOT, entry)],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    external: [...externalModules],
    outfile,
    logLevel: 'warning',
    metafile: true,
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined)!;
  const externalImports = [...new Set(output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path))].sort();
  const bundledPackages = [
    ...new Set(
      Object.keys(output.inputs)
        .map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1])
        .filter((name): name is string => name !== undefined),
    ),
  ].sort();
  const bundledInputs = Object.keys(output.inputs).sort();
  return { bytes: statSync(outfile).size, externalImports, bundledPackages, bundledInputs };
}

/**
 * Module initialisation of a bundle: require() timed in a fresh process with the function's
 * environment, as a cold start loads it; the median of `runs` processes.
 */
function measureInit(bundle: string, environment: Record<string, string>, runs: number, preload: readonly string[]): number {
  const times = Array.from({ length: runs }, () => initOnce(bundle, environment, preload)).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** One cold load of the bundle; `preload` packages are required first, untimed. */
function initOnce(bundle: string, environment: Record<string, string>, preload: readonly string[]): number {
  const script =
    'for(const p of process.argv.slice(2))require(p);const t=process.hrtime.bigint();require(process.argv[1]);process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
  const output = execFileSync(process.execPath, ['-e', script, bundle, ...preload], {
    env: {
      PATH: process.env.PATH,
      ...environment,
      NODE_OPTIONS: '',
      AWS_REGION: LOCAL_REGION,
      AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
      // The Lambda runtime provides the AWS SDK (/var/runtime/node_modules) and the layer Powertools
      // (/opt/nodejs/node_modules), both on Lambda's NODE_PATH; here they come from the project's node_modules.
      NODE_PATH: path.join(PROJECT_ROOT, 'node_modules'),
    },
    encoding: 'utf8',
  });
  return Number(output);
}

function isInstalled(name: string): boolean {
  try {
    require.resolve(name, { paths: [PROJECT_ROOT] });
    return true;
  } catch {
    return false;
  }
}

/** Every function of the synthesized template, bundled as CDK bundles it; optionally with its module initialisation time. */
export function measureLambdaBundles(template: CloudFormationTemplate, options: { init: boolean; initRuns?: number }): LambdaBundle[] {
  const directory = mkdtempSync(path.join(tmpdir(), 'tuo-bundles-'));
  try {
    return [...lambdaFunctions(template).values()].map((fn) => {
      const resource = template.Resources[fn.logicalId];
      const reference = resource.Metadata?.[HANDLER_METADATA_KEY] as HandlerReference;
      const outfile = path.join(directory, fn.logicalId, 'index.js');
      const { bytes, externalImports, bundledPackages, bundledInputs } = bundleLambda(fn.entry, outfile, reference.externalModules);
      const runs = options.initRuns ?? 5;
      const initMs = options.init ? measureInit(outfile, fn.environment, runs, []) : undefined;
      // The own share: with the external packages the runtime and the layer provide loaded first (not chokidar, which nothing loads).
      const provided = externalImports.filter((name) => isInstalled(name));
      const ownInitMs = options.init ? measureInit(outfile, fn.environment, runs, provided) : undefined;
      const layers = (resource.Properties?.Layers ?? []) as unknown[];
      return {
        logicalId: fn.logicalId,
        entry: fn.entry,
        bytes,
        externalImports,
        bundledPackages,
        bundledInputs,
        layers,
        initMs,
        ownInitMs,
      };
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
