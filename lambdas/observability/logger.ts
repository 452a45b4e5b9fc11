import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions, LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { Context } from 'aws-lambda';
import { DEPARTMENT_ID_PATTERN, isNotificationId, isSubmissionId } from '../domain/identifiers';
import { METRICS_SERVICE_NAME } from './metric-names';

/** The ids a log line may carry: never personal data, secrets or task tokens. */
export interface LogIds {
  readonly submissionId?: string;
  readonly notificationId?: string;
  readonly departmentId?: string;
}

/**
 * Powertools' logger, one child per invocation: the Lambda context (`function_request_id`…) and
 * the ids are that invocation's keys, so nothing carries over to the next invocation of a warm
 * container, nor to another invocation running at the same time in the one-machine runtime
 * (which runs every function in one process).
 */
class ServiceLogger extends Logger {
  protected override createLogger(options?: ConstructorOptions): ServiceLogger {
    return new ServiceLogger(options);
  }

  forInvocation(context: Context | undefined): ServiceLogger {
    const child = this.createChild() as ServiceLogger;
    // A child is a new instance: without this each would say cold_start: true.
    child.coldStart = this.getColdStart();
    if (context) child.addContext(context);
    return child;
  }
}

const serviceLogger = new ServiceLogger({ serviceName: METRICS_SERVICE_NAME });
const invocationLogger = new AsyncLocalStorage<ServiceLogger>();
const current = (): Logger => invocationLogger.getStore() ?? serviceLogger;

/**
 * The service's structured logger: the invocation's own inside a handler wrapped by
 * `withLambdaContext`. Log ids and outcomes only: never personal data, request bodies, secrets,
 * API keys or task tokens (the Lambda event is never logged: it may hold any of them).
 */
export const logger = {
  debug: (message: string, attributes: LogAttributes = {}) => current().debug(message, attributes),
  info: (message: string, attributes: LogAttributes = {}) => current().info(message, attributes),
  warn: (message: string, attributes: LogAttributes = {}) => current().warn(message, attributes),
  error: (message: string, attributes: LogAttributes = {}) => current().error(message, attributes),
  /** Puts these ids on every later line of this invocation (once a use case has made them known). */
  appendIds: (ids: LogIds) => current().appendKeys(knownIds(ids)),
};

/** Only values shaped like the service's ids: a path parameter can hold anything a caller typed. */
function knownIds(ids: LogIds): LogAttributes {
  const known: Record<string, string> = {};
  if (ids.submissionId && isSubmissionId(ids.submissionId)) known.submissionId = ids.submissionId;
  if (ids.notificationId && isNotificationId(ids.notificationId)) known.notificationId = ids.notificationId;
  if (ids.departmentId && DEPARTMENT_ID_PATTERN.test(ids.departmentId)) known.departmentId = ids.departmentId;
  return known;
}

/** The ids an HTTP route's path names (`{submissionId}`, `{notificationId}`, `{departmentId}`). */
export const pathIds = (event: { readonly pathParameters?: Record<string, string | undefined> }): LogIds => ({
  submissionId: event.pathParameters?.submissionId,
  notificationId: event.pathParameters?.notificationId,
  departmentId: event.pathParameters?.departmentId,
});

/**
 * Runs a Lambda handler with its own logger: every line it writes carries the Lambda context and
 * the ids the event names. An error it throws is logged (name and first line of its message,
 * without the event's secrets) before Lambda sees it.
 */
export function withLambdaContext<E, R>(
  handler: (event: E) => Promise<R>,
  idsOf: (event: E) => LogIds = () => ({}),
  secretsOf: (event: E) => readonly (string | undefined)[] = () => [],
): (event: E, context?: Context) => Promise<R> {
  return (event, context) => {
    const child = serviceLogger.forInvocation(context);
    child.appendKeys(knownIds(idsOf(event) ?? {}));
    return invocationLogger.run(child, async () => {
      try {
        return await handler(event);
      } catch (error) {
        child.error('Invocation failed', describeError(error, secretsOf(event)));
        throw error;
      }
    });
  };
}

/**
 * What may be logged of an unexpected error: its class and a message stripped of anything after
 * a newline, and of the given secrets (a task token an AWS error message may quote).
 */
export function describeError(error: unknown, secrets: readonly (string | undefined)[] = []): { errorName: string; errorMessage: string } {
  const name = (error as { name?: string })?.name ?? 'Error';
  let message = String((error as { message?: string })?.message ?? error).split('\n')[0];
  for (const secret of secrets) if (secret) message = message.split(secret).join('[redacted]');
  return { errorName: name, errorMessage: message.slice(0, 300) };
}
