import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { readFeed } from '../application/read-feed';
import { serviceSettings } from '../service-settings';
import { InvalidCursorError } from '../store/notification-repository';
import { serviceMetrics } from '../observability/service-metrics';
import { serviceRepositories } from '../store/service-repositories';
import { startWorkflowExecution } from '../workflow-engine/step-functions-workflow-engine';
import { authenticateDepartment } from '../http/authentication';
import { httpHandler } from './http-handler';
import { json, problemResponse } from '../http/http-responses';
import { readQuery, wholeNumberParameter } from '../http/request-body';

const repositories = serviceRepositories();

export const feedQuerySchema = z.object({
  after: z.optional(z.string().check(z.minLength(1), z.maxLength(400))),
  limit: z._default(wholeNumberParameter('limit', 1, 100), 50),
  wait: z.optional(wholeNumberParameter('wait', 1, 20)),
});

/** GET /v1/departments/{departmentId}/feed (CONTRACT section 8): the department's own feed, long-polled with `wait`. */
async function feed(event: APIGatewayProxyEventV2) {
  const department = await authenticateDepartment(event, repositories.departments);
  if (event.pathParameters?.departmentId !== department.id) return problemResponse(404, 'There is no such department for your key.');
  const query = readQuery(event, feedQuerySchema);
  try {
    const page = await readFeed(
      {
        ...repositories,
        startWorkflow: startWorkflowExecution,
        metrics: serviceMetrics,
        publicBaseUrl: serviceSettings.publicBaseUrl,
        now: () => new Date(),
      },
      department,
      { after: query.after, limit: query.limit, waitSeconds: query.wait },
    );
    return json(200, { items: page.items, next: page.next });
  } catch (error) {
    if (error instanceof InvalidCursorError) return problemResponse(400, 'The cursor is not one this service issued.');
    throw error;
  }
}

export const handler = httpHandler({
  'GET /v1/departments/{departmentId}/feed': feed,
});
