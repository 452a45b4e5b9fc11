import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { fieldErrorsFromZod } from '../domain/problem-details';
import { answerNotification } from '../application/answer-notification';
import { serviceRepositories } from '../store/service-repositories';
import { resumeWaitingWorkflow } from '../workflow/workflow-control';
import { authenticateDepartment } from './authentication';
import { httpHandler } from './http-handler';
import { json, problemResponse } from './http-responses';
import { readJsonBody } from './request-body';

const repositories = serviceRepositories();

const answerSchema = z.strictObject({
  outcome: z.enum(['CONFIRMED', 'REJECTED'], { error: 'Answer CONFIRMED or REJECTED.' }),
  departmentReference: z.string().max(100, 'Keep departmentReference to 100 characters or fewer.').optional(),
  reason: z.string().max(500, 'Keep reason to 500 characters or fewer.').optional(),
});

async function confirm(event: APIGatewayProxyEventV2) {
  const department = await authenticateDepartment(event, repositories.departments);
  const parsed = answerSchema.safeParse(readJsonBody(event));
  if (!parsed.success) return problemResponse(422, 'The answer needs correcting.', fieldErrorsFromZod(parsed.error));

  const outcome = await answerNotification(
    { notifications: repositories.notifications, resumeWorkflow: resumeWaitingWorkflow, now: () => new Date() },
    department.id, event.pathParameters?.notificationId ?? '', parsed.data,
  );
  switch (outcome.kind) {
    case 'not-found': return problemResponse(404, 'There is no notification with this id for your department.');
    case 'conflict': return problemResponse(409, `This notification is ${outcome.notification.status} and does not await this answer.`);
    default: return json(200, { id: outcome.notification.id, status: outcome.notification.status });
  }
}

export const handler = httpHandler({
  'POST /v1/notifications/{notificationId}/confirmation': confirm,
});
