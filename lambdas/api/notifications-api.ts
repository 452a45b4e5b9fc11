import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { departmentAnswerSchema } from '../domain/department-answer';
import { answerNotification } from '../application/answer-notification';
import { listDepartmentNotifications } from '../application/list-department-notifications';
import { redeliverNotification } from '../application/redeliver-notification';
import { NOTIFICATION_STATUSES } from '../domain/notification-status';
import { fieldErrorsFromZod } from '../domain/problem-details';
import { serviceSettings } from '../service-settings';
import { isNotificationId } from '../domain/identifiers';
import type { AnswerSnapshot } from '../store/answer-snapshot';
import { InvalidCursorError } from '../store/notification-repository';
import { serviceRepositories } from '../store/service-repositories';
import { resumeWaitingWorkflow, startWorkflowExecution } from '../workflow-engine/step-functions-workflow-engine';
import { authenticateDepartment, authenticateOperator } from '../http/authentication';
import { httpHandler } from './http-handler';
import { json, problemResponse } from '../http/http-responses';
import { readJsonBody, readQuery, wholeNumberParameter } from '../http/request-body';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.notificationsApi);

const repositories = serviceRepositories();

const listingQuerySchema = z.object({
  status: z._default(z.enum(NOTIFICATION_STATUSES, { error: `status is one of ${NOTIFICATION_STATUSES.join(', ')}.` }), 'DELIVERED'),
  limit: z._default(wholeNumberParameter('limit', 1, 100), 25),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});

async function confirm(event: APIGatewayProxyEventV2) {
  const notificationId = event.pathParameters?.notificationId ?? '';
  let read: AnswerSnapshot | undefined;
  // The key's department and the notification in one read (DynamoDB: one BatchGetItem).
  const department = await authenticateDepartment(event, {
    get: async (departmentId) => {
      if (!repositories.answerSnapshots || !isNotificationId(notificationId)) return repositories.departments.get(departmentId);
      read = await repositories.answerSnapshots.read({ departmentId, notificationId });
      return read.department;
    },
  });
  const parsed = departmentAnswerSchema.safeParse(readJsonBody(event));
  if (!parsed.success) return problemResponse(422, 'The answer needs correcting.', fieldErrorsFromZod(parsed.error));

  const outcome = await answerNotification(
    { ...repositories, resumeWorkflow: resumeWaitingWorkflow, now: () => new Date() },
    department.id,
    notificationId,
    parsed.data,
    read,
  );
  switch (outcome.kind) {
    case 'not-found':
      return problemResponse(404, 'There is no notification with this id for your department.');
    case 'conflict':
      return problemResponse(409, `This notification is ${outcome.notification.status} and does not await this answer.`);
    default:
      return json(200, { id: outcome.notification.id, status: outcome.notification.status });
  }
}

/** A department's own notifications by status (by default those awaiting its answer), oldest first. */
async function listForDepartment(event: APIGatewayProxyEventV2) {
  const department = await authenticateDepartment(event, repositories.departments);
  if (event.pathParameters?.departmentId !== department.id) return problemResponse(404, 'There is no such department for your key.');
  const query = readQuery(event, listingQuerySchema);
  try {
    const page = await listDepartmentNotifications({ ...repositories, publicBaseUrl: serviceSettings.publicBaseUrl }, department, query);
    return json(200, { items: page.items, nextCursor: page.nextCursor ?? null });
  } catch (error) {
    if (error instanceof InvalidCursorError) return problemResponse(400, 'The cursor is not one this service issued.');
    throw error;
  }
}

async function redeliver(event: APIGatewayProxyEventV2) {
  authenticateOperator(event);
  const outcome = await redeliverNotification(
    { ...repositories, startWorkflow: startWorkflowExecution, now: () => new Date() },
    event.pathParameters?.notificationId ?? '',
  );
  switch (outcome.kind) {
    case 'not-found':
      return problemResponse(404, 'There is no notification with this id.');
    case 'conflict':
      return problemResponse(409, outcome.detail);
    case 'started':
      return json(202, { id: outcome.notification.id, status: outcome.notification.status });
  }
}

export const handler = httpHandler({
  'POST /v1/notifications/{notificationId}/confirmation': confirm,
  'GET /v1/departments/{departmentId}/notifications': listForDepartment,
  'POST /v1/notifications/{notificationId}/redeliver': redeliver,
});
