import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BUNDLE_LIMIT_BYTES, bundleLambda, measureLambdaBundles, type LambdaBundle } from '../../bench/lambda-bundles';
import { HANDLER_METADATA_KEY, PROJECT_ROOT, type HandlerReference } from '../../lib/service-function';
import { PRECOMPILED_TEMPLATES_FOLDER } from '../../lambdas/web/template-names';
import { writePrecompiledTemplates } from '../../lambdas/web/template-precompiler';
import { POWERTOOLS_LAYER_PACKAGES, powertoolsLayerParameterName, powertoolsVersion } from '../../lib/powertools-layer';
import { synthesizeTemplate, type CloudFormationTemplate } from '../../local/synthesized-template';

/**
 * Small bundles keep cold starts short: every function, bundled as CDK bundles it, stays within
 * the limit bench/lambda-bundles.ts states (150 KB, the web pages' functions included).
 * On one machine the handlers take Powertools from node_modules; on AWS only the runtime and the
 * attached layer can provide what a bundle leaves out, so that is checked here.
 */
describe('Lambda bundles', () => {
  let template: CloudFormationTemplate;
  let bundles: LambdaBundle[];
  beforeAll(() => {
    template = synthesizeTemplate();
    bundles = measureLambdaBundles(template, { init: false });
  }, 120_000);

  /** The functions whose layers include the Powertools layer of the project's version. */
  function hasPowertoolsLayer(bundle: LambdaBundle): boolean {
    const parameterName = powertoolsLayerParameterName(powertoolsVersion());
    const parameters = (template.Parameters ?? {}) as Record<string, { Type?: string; Default?: string }>;
    return bundle.layers.some((layer) => {
      const ref = (layer as { Ref?: string }).Ref;
      return (
        ref !== undefined && parameters[ref]?.Type === 'AWS::SSM::Parameter::Value<String>' && parameters[ref].Default === parameterName
      );
    });
  }

  it('are each within the stated limit of 150 KB, the web pages included', () => {
    expect(bundles.length).toBeGreaterThanOrEqual(9);
    const over = bundles
      .filter((b) => b.bytes > BUNDLE_LIMIT_BYTES)
      .map((b) => `${b.entry}: ${(b.bytes / 1024).toFixed(0)} KB, over ${(BUNDLE_LIMIT_BYTES / 1024).toFixed(0)} KB`);
    expect(over).toEqual([]);
    expect(bundles.filter((b) => b.entry.startsWith('lambdas/web/')).length).toBeGreaterThanOrEqual(2);
  });

  it("carry no template compiler: the web pages render templates compiled at build time with nunjucks' runtime", () => {
    const pages = bundles.filter((b) => b.bundledPackages.includes('nunjucks'));
    expect(pages.map((b) => b.entry)).toContain('lambdas/web/citizen-pages.ts');
    expect(pages.flatMap((b) => b.bundledInputs.filter((input) => /nunjucks\/src\/(compiler|parser|lexer)\.js$/.test(input)))).toEqual([]);
  });

  it('serve pages as deployed: a page function bundled, its templates compiled beside it, renders with no compiler', () => {
    const [logicalId, resource] = Object.entries(template.Resources).find(
      ([, r]) => (r.Metadata?.[HANDLER_METADATA_KEY] as HandlerReference | undefined)?.entry === 'lambdas/web/citizen-sign-in-pages.ts',
    )!;
    const directory = mkdtempSync(path.join(tmpdir(), 'tuo-pages-'));
    try {
      const outfile = path.join(directory, 'index.js');
      bundleLambda(
        'lambdas/web/citizen-sign-in-pages.ts',
        outfile,
        (resource.Metadata![HANDLER_METADATA_KEY] as HandlerReference).externalModules,
      );
      // What lib/web-pages.ts has the bundling write beside the handler.
      writePrecompiledTemplates(path.join(directory, PRECOMPILED_TEMPLATES_FOLDER));
      const invoke = (routeKey: string) =>
        JSON.parse(
          execFileSync(
            process.execPath,
            [
              '-e',
              `require(process.argv[1]).handler(JSON.parse(process.argv[2]), {}).then((r) => process.stdout.write(JSON.stringify(r)))`,
              outfile,
              JSON.stringify({ routeKey, rawPath: '/', headers: {}, requestContext: { domainName: 'tell-us-once.example' } }),
            ],
            {
              env: {
                PATH: process.env.PATH,
                NODE_PATH: path.join(PROJECT_ROOT, 'node_modules'),
                AWS_REGION: 'eu-west-2',
                AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
                POWERTOOLS_LOG_LEVEL: 'ERROR',
                TABLE_NAME: 'table',
                PUBLIC_BASE_URL: 'https://tell-us-once.example',
                OIDC_ISSUER: 'https://issuer.example/',
              },
              encoding: 'utf8',
            },
          ),
        ) as { statusCode: number; body: string };
      const signedOut = invoke('GET /signed-out');
      expect(signedOut.statusCode).toBe(200);
      expect(signedOut.body).toContain('You have signed out');
      // GOV.UK Frontend's template and components, compiled at build time.
      expect(signedOut.body).toContain('govuk-header');
      expect(signedOut.body).toContain('govuk-footer');
      const missing = invoke('GET /no-such-page');
      expect(missing.statusCode).toBe(404);
      expect(missing.body).toContain('Page not found');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
    expect(logicalId).toMatch(/^WebCitizenSignInFunction/);
  });

  it('leave out only what the Lambda runtime (AWS SDK v3) or the attached Powertools layer provides', () => {
    const unprovided = bundles.flatMap((b) =>
      b.externalImports
        .filter((name) => !name.startsWith('@aws-sdk/'))
        .filter((name) => !(POWERTOOLS_LAYER_PACKAGES.includes(name) && hasPowertoolsLayer(b)))
        .map((name) => `${b.entry} requires ${name}`),
    );
    expect(unprovided).toEqual([]);
  });

  it('take Powertools from its layer exactly where they use it, and carry none of it themselves', () => {
    const usesPowertools = (b: LambdaBundle) => b.externalImports.some((name) => name.startsWith('@aws-lambda-powertools/'));
    expect(bundles.filter(usesPowertools).length).toBeGreaterThanOrEqual(9);
    expect(
      bundles.flatMap((b) =>
        b.bundledPackages
          .filter((name) => name.startsWith('@aws-lambda-powertools/') || name === 'aws-xray-sdk-core')
          .map((name) => `${b.entry} carries ${name}`),
      ),
    ).toEqual([]);
    expect(
      bundles
        .filter((b) => usesPowertools(b) !== hasPowertoolsLayer(b))
        .map((b) => `${b.entry}: ${usesPowertools(b) ? 'uses Powertools without the layer' : 'has the layer but no use for it'}`),
    ).toEqual([]);
  });
});
