import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { powertoolsLayerParameterName, powertoolsVersion, powertoolsVersionOf } from '../../lib/powertools-layer';
import { synthesizeTemplate } from '../../local/synthesized-template';

const readJson = (file: string) => JSON.parse(readFileSync(path.join(PROJECT_ROOT, file), 'utf8'));

/**
 * The functions run Powertools from its published layer on AWS and from node_modules here: the
 * layer the stack names must be the version the project is built and tested with.
 */
describe('Powertools layer version', () => {
  it('is the one version package.json names, package-lock installs and node_modules holds', () => {
    const version = powertoolsVersion();
    const installed = readdirSync(path.join(PROJECT_ROOT, 'node_modules', '@aws-lambda-powertools')).map((name) => [
      name,
      readJson(`node_modules/@aws-lambda-powertools/${name}/package.json`).version,
    ]);
    expect(installed.length).toBeGreaterThanOrEqual(4);
    expect(installed.filter(([, v]) => v !== version)).toEqual([]);
  });

  it("is the layer the synthesized template resolves at deploy time, from that version's SSM parameter", () => {
    const parameters = Object.values((synthesizeTemplate().Parameters ?? {}) as Record<string, { Type: string; Default?: string }>);
    expect(parameters.filter((p) => String(p.Default).startsWith('/aws/service/powertools/'))).toEqual([
      { Type: 'AWS::SSM::Parameter::Value<String>', Default: powertoolsLayerParameterName(powertoolsVersion()) },
    ]);
  }, 120_000);

  it('cannot diverge between package.json and package-lock.json, nor between the packages', () => {
    const packageJson = readJson('package.json');
    const packageLock = readJson('package-lock.json');
    const version = powertoolsVersionOf(packageJson, packageLock);

    const bumpedInJson = { ...packageJson, dependencies: { ...packageJson.dependencies, '@aws-lambda-powertools/logger': '9.9.9' } };
    expect(() => powertoolsVersionOf(bumpedInJson, packageLock)).toThrow(/package.json @aws-lambda-powertools\/logger 9\.9\.9/);

    const locationOfTracer = 'node_modules/@aws-lambda-powertools/tracer';
    const bumpedInLock = {
      ...packageLock,
      packages: { ...packageLock.packages, [locationOfTracer]: { ...packageLock.packages[locationOfTracer], version: '9.9.9' } },
    };
    expect(() => powertoolsVersionOf(packageJson, bumpedInLock)).toThrow(
      /package-lock.json node_modules\/@aws-lambda-powertools\/tracer 9\.9\.9/,
    );

    const ranged = { ...packageJson, dependencies: { ...packageJson.dependencies, '@aws-lambda-powertools/metrics': `^${version}` } };
    expect(() => powertoolsVersionOf(ranged, packageLock)).toThrow(/one exact version/);
  });
});
