import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';

/** Repository root: entries are given relative to it so the local runtime can load the same files. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/**
 * Metadata key on every function's CloudFormation resource naming its source entry and
 * exported handler. The one-machine runtime reads it from the synthesized template to run
 * the very handler that the deployed function runs.
 */
export const HANDLER_METADATA_KEY = 'TellUsOnce:Handler';

export interface HandlerReference {
  /** Source file relative to the repository root, e.g. `lambdas/api/submissions-api.ts`. */
  readonly entry: string;
  /** Exported function name. */
  readonly handler: string;
}

export interface ServiceFunctionProps {
  readonly entry: string;
  readonly handler?: string;
  readonly description: string;
  readonly environment?: Record<string, string>;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /**
   * Files the handler reads at run time, copied into the bundle: `[from, to]`, `from` relative to
   * the repository root, `to` relative to the bundle (next to the handler).
   */
  readonly bundleCopies?: ReadonlyArray<readonly [string, string]>;
  /** Modules left out of the bundle (beyond the AWS SDK, which the runtime provides). */
  readonly externalModules?: string[];
}

/** One place for the defaults every Lambda of the service shares (runtime, architecture, bundling, logs). */
export class ServiceFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const handler = props.handler ?? 'handler';
    super(scope, id, {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'tell-us-once',
        ...props.environment,
      },
      logGroup: new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.THREE_MONTHS }),
      tracing: lambda.Tracing.ACTIVE,
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: OutputFormat.CJS,
        // The Node.js 22 runtime ships AWS SDK v3; leaving it out keeps bundles small.
        externalModules: ['@aws-sdk/*', ...(props.externalModules ?? [])],
        ...(props.bundleCopies?.length ? {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (inputDir: string, outputDir: string) => props.bundleCopies!.map(([from, to]) =>
              `mkdir -p "${path.posix.join(outputDir, to)}" && cp -R "${path.posix.join(inputDir, from)}/." "${path.posix.join(outputDir, to)}"`),
          },
        } : {}),
      },
    });
    const reference: HandlerReference = { entry: props.entry, handler };
    (this.node.defaultChild as lambda.CfnFunction).addMetadata(HANDLER_METADATA_KEY, reference);
  }
}
