import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describeError, logger, pathIds, withLambdaContext } from '../observability/logger';
import { UNEXPECTED_ERROR_MESSAGE } from '../observability/metric-names';
import { HttpProblem, problemResponse, type HttpResponse } from '../http/http-responses';

export type RouteHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'SlowDown',
]);
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Errors of storage or the workflow service that a client may safely retry: throttling, the
 * service's own 5xx, and network failures. Any other AWS error (a ValidationException, an
 * AccessDenied) is our fault and must not hide behind a 503.
 */
export function isServiceUnavailable(error: unknown): boolean {
  const e = error as {
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
    $retryable?: { throttling?: boolean };
    name?: string;
    code?: string;
  };
  if (!e || typeof e !== 'object') return false;
  if (NETWORK_ERRORS.has(e.code ?? '') || ['TimeoutError', 'AbortError'].includes(e.name ?? '')) return true;
  if (e.$metadata === undefined) return false;
  return (
    THROTTLING_ERRORS.has(e.name ?? '') ||
    e.$retryable?.throttling === true ||
    e.$fault === 'server' ||
    (e.$metadata.httpStatusCode ?? 0) >= 500
  );
}

/**
 * Turns a table of routes (API Gateway route keys) into a Lambda handler: problems become
 * problem+json answers, storage outages a 503 to retry, anything else a 500 without details.
 */
export function httpHandler(routes: Record<string, RouteHandler>) {
  return withLambdaContext(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const route = routes[event.routeKey];
    if (!route) return problemResponse(404, 'There is nothing at this address.');
    try {
      return await route(event);
    } catch (error) {
      if (error instanceof HttpProblem) return error.response;
      if (isServiceUnavailable(error)) {
        logger.error('Request failed: a service it depends on is unavailable', { routeKey: event.routeKey, ...describeError(error) });
        return problemResponse(503, 'The service is briefly unavailable. Nothing was lost: try again in a moment.', undefined, {
          'retry-after': '1',
        });
      }
      // A fault of ours: the message below is what the UnexpectedErrors metric filter counts (lib/service-monitoring.ts).
      logger.error(UNEXPECTED_ERROR_MESSAGE, { routeKey: event.routeKey, ...describeError(error) });
      return problemResponse(500, 'Something went wrong on our side. Try again later.');
    }
  }, pathIds);
}
