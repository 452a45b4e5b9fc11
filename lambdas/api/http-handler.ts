import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describeError, logger } from '../observability/logger';
import { HttpProblem, problemResponse, type HttpResponse } from './http-responses';

export type RouteHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

/** Errors of storage or the workflow service that a client may safely retry. */
function isServiceUnavailable(error: unknown): boolean {
  const e = error as { $metadata?: unknown; $fault?: string; name?: string; code?: string };
  return e?.$metadata !== undefined || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'].includes(e?.code ?? '')
    || ['TimeoutError', 'AbortError'].includes(e?.name ?? '');
}

/**
 * Turns a table of routes (API Gateway route keys) into a Lambda handler: problems become
 * problem+json answers, storage outages a 503 to retry, anything else a 500 without details.
 */
export function httpHandler(routes: Record<string, RouteHandler>) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const route = routes[event.routeKey];
    if (!route) return problemResponse(404, 'There is nothing at this address.');
    try {
      return await route(event);
    } catch (error) {
      if (error instanceof HttpProblem) return error.response;
      logger.error('Request failed', { routeKey: event.routeKey, ...describeError(error) });
      if (isServiceUnavailable(error)) {
        return problemResponse(503, 'The service is briefly unavailable. Nothing was lost: try again in a moment.', undefined, { 'retry-after': '1' });
      }
      return problemResponse(500, 'Something went wrong on our side. Try again later.');
    }
  };
}
