import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { PROJECT_ROOT } from './project-root';

/**
 * Powertools for AWS Lambda (TypeScript) comes to the functions from its published Lambda layer
 * (account 094274105915, `AWSLambdaPowertoolsTypeScriptV2`), mounted at /opt/nodejs/node_modules,
 * so the bundles leave it out (docs/architecture.md, "Powertools from its Lambda layer").
 */

/** What the bundling leaves out for the layer to provide. */
export const POWERTOOLS_EXTERNAL_MODULES = ['@aws-lambda-powertools/*'];

/**
 * The utilities the layer installs, each at the layer's version, with their npm dependencies
 * (the Tracer's `aws-xray-sdk-core`, `@aws/lambda-invoke-store`) and zod: the `utilities` list of
 * the layer's build, layers/src/layer-publisher-stack.ts in aws-powertools/powertools-lambda-typescript
 * (read at v2.35.0, commit 1e5fe1b). It ships no `@aws-sdk/*` client: the runtime provides those.
 */
export const POWERTOOLS_LAYER_UTILITIES = [
  'commons',
  'event-handler',
  'jmespath',
  'logger',
  'metrics',
  'tracer',
  'parameters',
  'idempotency',
  'batch',
  'parser',
] as const;

/** The npm packages a bundle may leave for the layer to provide (the layer's utilities). */
export const POWERTOOLS_LAYER_PACKAGES: readonly string[] = POWERTOOLS_LAYER_UTILITIES.map((u) => `@aws-lambda-powertools/${u}`);

const POWERTOOLS_SCOPE = '@aws-lambda-powertools/';

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
interface PackageLock {
  packages?: Record<string, { version?: string }>;
}

/**
 * The one Powertools version of the project: every `@aws-lambda-powertools/*` package.json names
 * (exactly, no range) and package-lock installs must be the same version, since the layer holds all
 * of them at one version. Throws naming the packages that differ.
 */
export function powertoolsVersionOf(packageJson: PackageJson, packageLock: PackageLock): string {
  const declared = Object.entries({ ...packageJson.devDependencies, ...packageJson.dependencies })
    .filter(([name]) => name.startsWith(POWERTOOLS_SCOPE))
    .map(([name, spec]) => [`package.json ${name}`, spec] as const);
  const installed = Object.entries(packageLock.packages ?? {})
    .filter(([location]) => location.startsWith(`node_modules/${POWERTOOLS_SCOPE}`))
    .map(([location, entry]) => [`package-lock.json ${location}`, entry.version ?? '(no version)'] as const);
  if (declared.length === 0 || installed.length === 0)
    throw new Error('No @aws-lambda-powertools/* package in package.json and package-lock.json');
  const versions = new Set([...declared, ...installed].map(([, version]) => version));
  if (versions.size !== 1 || !/^\d+\.\d+\.\d+$/.test([...versions][0])) {
    throw new Error(
      `Powertools must be one exact version everywhere (its Lambda layer holds one): ${[...declared, ...installed].map(([where, v]) => `${where} ${v}`).join(', ')}`,
    );
  }
  return [...versions][0];
}

/** The Powertools version package.json and package-lock.json name (the layer's version). */
export function powertoolsVersion(root = PROJECT_ROOT): string {
  const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
  return powertoolsVersionOf(read('package.json'), read('package-lock.json'));
}

/**
 * The public SSM parameter Powertools publishes for each release in every commercial region, whose
 * value is that release's layer version ARN (docs/getting-started/lambda-layers.md, "Lookup Layer
 * ARN via AWS SSM Parameter Store"; written by .github/workflows/update_ssm.yml).
 */
export function powertoolsLayerParameterName(version: string): string {
  return `/aws/service/powertools/typescript/generic/all/${version}`;
}

/**
 * The stack's one reference to the layer of the project's Powertools version: CloudFormation reads
 * the ARN from the SSM parameter at deploy time, so no layer number is written here.
 */
export function powertoolsLayer(scope: Construct): lambda.ILayerVersion {
  const stack = Stack.of(scope);
  const id = 'PowertoolsLayer';
  const existing = stack.node.tryFindChild(id) as lambda.ILayerVersion | undefined;
  if (existing) return existing;
  const arn = ssm.StringParameter.valueForStringParameter(stack, powertoolsLayerParameterName(powertoolsVersion()));
  return lambda.LayerVersion.fromLayerVersionArn(stack, id, arn);
}
