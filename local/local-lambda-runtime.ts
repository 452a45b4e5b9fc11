import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { Context } from 'aws-lambda';
import { PROJECT_ROOT } from '../lib/project-root';
import type { LocalIam } from './local-iam';
import type { LocalFunction } from './template-resources';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** One finished invocation, for observers such as the benchmark (`npm run bench`). */
export interface LambdaInvocation {
  readonly logicalId: string;
  readonly durationMs: number;
  readonly failed: boolean;
}

/**
 * Runs the service's Lambda handlers in this process: the same source files the deployed
 * functions are bundled from, called with an event and a Lambda-like context.
 */
export class LocalLambdaRuntime {
  private readonly handlers = new Map<string, LambdaHandler>();

  constructor(
    private readonly functions: Map<string, LocalFunction>,
    private readonly onInvoke?: (invocation: LambdaInvocation) => void,
    /** Enforces each function's execution role on every AWS SDK call it makes. */
    private readonly iam?: LocalIam,
  ) {}

  /** Loads every handler; call once the environment the handlers read is in place. */
  load(): void {
    for (const fn of this.functions.values()) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(path.join(PROJECT_ROOT, fn.entry)) as Record<string, unknown>;
      const handler = module[fn.handler];
      if (typeof handler !== 'function') throw new Error(`${fn.entry} exports no function ${fn.handler}`);
      this.handlers.set(fn.logicalId, handler as LambdaHandler);
    }
  }

  async invoke(logicalId: string, event: unknown): Promise<unknown> {
    const handler = this.handlers.get(logicalId);
    if (!handler) throw new Error(`No local handler for function ${logicalId}`);
    const deadline = Date.now() + 30_000;
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: logicalId,
      functionVersion: '$LATEST',
      invokedFunctionArn: logicalId,
      memoryLimitInMB: '512',
      awsRequestId: randomUUID(),
      logGroupName: `/local/${logicalId}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    } as Context;
    const fn = this.functions.get(logicalId)!;
    // Events and results cross a JSON boundary on AWS; so they do here.
    const run = () => handler(jsonRoundTrip(event, 'request'), context);
    const call = this.iam ? () => this.iam!.runAs({ name: logicalId, roleLogicalId: fn.roleLogicalId }, run) : run;
    if (!this.onInvoke) return jsonRoundTrip(await call());
    const started = performance.now();
    let failed = true;
    try {
      const result = jsonRoundTrip(await call());
      failed = false;
      return result;
    } finally {
      this.onInvoke({ logicalId, durationMs: performance.now() - started, failed });
    }
  }
}

/** Lambda's synchronous invocation quota: 6 MB for the request and for the response. */
export const LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024;

class LambdaLimitError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

function withinPayloadLimit(json: string, direction: 'request' | 'response'): string {
  const size = Buffer.byteLength(json, 'utf8');
  if (size <= LAMBDA_PAYLOAD_BYTES) return json;
  throw direction === 'request'
    ? new LambdaLimitError(
        'RequestEntityTooLargeException',
        `Request must be smaller than ${LAMBDA_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
      )
    : new LambdaLimitError(
        'Function.ResponseSizeTooLarge',
        `Response payload size (${size} bytes) exceeded maximum allowed payload size (${LAMBDA_PAYLOAD_BYTES} bytes).`,
      );
}

function jsonRoundTrip<T>(value: T, direction: 'request' | 'response' = 'response'): T {
  return value === undefined ? value : JSON.parse(withinPayloadLimit(JSON.stringify(value), direction));
}
