import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { serviceLogGroup } from './service-log-group';
import type { EnvironmentVariable, FunctionDeclaration } from '../lambdas/function-declarations';
import { POWERTOOLS_EXTERNAL_MODULES, powertoolsLayer } from './powertools-layer';
import { PROJECT_ROOT } from './project-root';

/** Repository root: entries are given relative to it so the local runtime can load the same files. */
export { PROJECT_ROOT };

/**
 * Metadata key on every function's CloudFormation resource naming its source entry and
 * exported handler. The one-machine runtime reads it from the synthesized template to run
 * the very handler that the deployed function runs.
 */
export const HANDLER_METADATA_KEY = 'TellUsOnce:Handler';

/** What the Node.js Lambda runtime provides (AWS SDK v3), so no bundle carries it. */
export const LAMBDA_RUNTIME_EXTERNAL_MODULES = ['@aws-sdk/*'];

export interface HandlerReference {
  /** Source file relative to the repository root, e.g. `lambdas/api/submissions-api.ts`. */
  readonly entry: string;
  /** Exported function name. */
  readonly handler: string;
  /** What the bundling leaves out for the runtime or a layer to provide (bench/lambda-bundles.ts bundles with the same). */
  readonly externalModules: readonly string[];
}

/** Values of the service's settings, as the stack knows them; each function is given the ones it declares. */
export type ServiceSettingValues = Partial<Record<EnvironmentVariable, string>>;

export interface ServiceFunctionProps {
  /** What the function is, reads and calls (lambdas/function-declarations.ts). */
  readonly declaration: FunctionDeclaration;
  /** Setting values; only the variables the function declares are set. */
  readonly settings: ServiceSettingValues;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /**
   * Files the handler reads at run time, copied into the bundle: `[from, to]`, `from` relative to
   * the repository root, `to` relative to the bundle (next to the handler).
   */
  readonly bundleCopies?: ReadonlyArray<readonly [string, string]>;
  /** Files the build makes for the handler to read at run time, written into the bundle's folder once esbuild has run. */
  readonly writeToBundle?: (outputDir: string) => void;
  /** Modules left out of the bundle (beyond the AWS SDK, which the runtime provides, and Powertools, which its layer provides). */
  readonly externalModules?: string[];
  /** Encrypts the function's log group (the service's customer-managed key). */
  readonly encryptionKey: kms.IKey;
  /** Caps how many copies run at once; unset, the function shares the account's pool. */
  readonly reservedConcurrentExecutions?: number;
}

/** One place for the defaults every Lambda of the service shares (runtime, architecture, bundling, logs). */
export class ServiceFunction extends NodejsFunction {
  readonly declaration: FunctionDeclaration;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const { declaration } = props;
    const handler = declaration.handler ?? 'handler';
    const externalModules = [...LAMBDA_RUNTIME_EXTERNAL_MODULES, ...POWERTOOLS_EXTERNAL_MODULES, ...(props.externalModules ?? [])];
    super(scope, id, {
      entry: path.join(PROJECT_ROOT, declaration.entry),
      handler,
      description: declaration.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'tell-us-once',
      },
      logGroup: serviceLogGroup(scope, `${id}Logs`, props.encryptionKey),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: lambda.Tracing.ACTIVE,
      // Every handler logs through Powertools (lambdas/observability/logger.ts), which comes from its layer.
      layers: [powertoolsLayer(scope)],
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node24',
        format: OutputFormat.CJS,
        // The Node.js Lambda runtime ships AWS SDK v3 and the layer Powertools; leaving them out keeps bundles small.
        externalModules,
        ...(props.bundleCopies?.length || props.writeToBundle
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => {
                  // Called once, as the bundling runs (never when bundling is skipped); writes in this process.
                  props.writeToBundle?.(outputDir);
                  return (props.bundleCopies ?? []).map(
                    ([from, to]) =>
                      `mkdir -p "${path.posix.join(outputDir, to)}" && cp -R "${path.posix.join(inputDir, from)}/." "${path.posix.join(outputDir, to)}"`,
                  );
                },
              },
            }
          : {}),
      },
    });
    this.declaration = declaration;
    this.useSettings(props.settings);
    // Synth fails when a variable the function needs was never given a value.
    this.node.addValidation({
      validate: () =>
        declaration.environment
          .filter((name) => !(name in this.settingsGiven))
          .map((name) => `${declaration.entry} declares ${name}, which the stack never set`),
    });
    const reference: HandlerReference = { entry: declaration.entry, handler, externalModules };
    (this.node.defaultChild as lambda.CfnFunction).addMetadata(HANDLER_METADATA_KEY, reference);

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'The AWS-managed basic execution role grants only CreateLogGroup, CreateLogStream and PutLogEvents, which every function needs for its own (KMS-encrypted) log group.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so AWS requires Resource "*".',
      },
    );
  }

  private readonly settingsGiven: ServiceSettingValues = {};

  /** Sets the declared variables among these values (e.g. the public URL, known once the API exists). */
  useSettings(values: ServiceSettingValues): void {
    for (const name of [...this.declaration.environment, ...(this.declaration.optionalEnvironment ?? [])]) {
      const value = values[name];
      if (value === undefined) continue;
      this.settingsGiven[name] = value;
      this.addEnvironment(name, value);
    }
  }
}
