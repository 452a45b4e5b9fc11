import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { departmentIdSchema, isActiveDepartment, parseDepartmentConfiguration } from '../domain/department-configuration';
import { fieldErrorsFromZod } from '../domain/problem-details';
import { checkWebhookTarget } from '../domain/webhook-target-policy';
import { checkResolvedWebhookHost } from '../delivery/resolve-webhook-host';
import { issueApiKey, registerDepartment, rotateSigningSecret } from '../application/register-department';
import type { DepartmentRecord } from '../domain/department';
import { serviceRepositories } from '../store/service-repositories';
import { serviceSettings } from '../service-settings';
import { authenticateOperator, hashApiKey } from '../http/authentication';
import { httpHandler } from './http-handler';
import { HttpProblem, json, problemResponse } from '../http/http-responses';
import type { EndpointHealth, EndpointStatus } from '../domain/endpoint-health';
import { InvalidCursorError } from '../store/notification-repository';
import { readJsonBody, readQuery, wholeNumberParameter } from '../http/request-body';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.departmentsApi);

const repositories = serviceRepositories();
const changes = (actor: string) => ({ trail: repositories.departmentChanges, actor });

/**
 * The department id in the path. Naming a new department with a malformed id is a bad request
 * (400); looking one up that cannot exist answers 404 without touching storage.
 */
function departmentIdFrom(event: APIGatewayProxyEventV2, purpose: 'create' | 'lookup' = 'lookup'): string {
  const id = event.pathParameters?.departmentId ?? '';
  if (!departmentIdSchema.safeParse(id).success) {
    throw purpose === 'create'
      ? HttpProblem.of(400, 'The departmentId in the path must be 2 to 40 characters of a-z, 0-9 and -.')
      : HttpProblem.of(404, 'There is no department with this id.');
  }
  return id;
}

function configurationView(department: DepartmentRecord) {
  return {
    id: department.id,
    name: department.name,
    description: department.description,
    ...(department.webhookUrl ? { webhookUrl: department.webhookUrl } : {}),
    delivery: department.delivery ?? 'push',
    ...(department.rateLimitPerSecond ? { rateLimitPerSecond: department.rateLimitPerSecond } : {}),
    events: department.events,
    fields: department.fields,
    confirmation: department.confirmation,
    adapter: department.adapter ?? { type: 'standard-webhooks' },
    active: department.active,
    suspended: department.suspended ?? false,
    ...(department.disabledReason ? { disabledReason: department.disabledReason, disabledAt: department.disabledAt } : {}),
  };
}

async function putDepartment(event: APIGatewayProxyEventV2) {
  const operator = authenticateOperator(event);
  const id = departmentIdFrom(event, 'create');
  const parsed = parseDepartmentConfiguration(readJsonBody(event));
  if (!parsed.ok) return problemResponse(422, 'The department configuration needs correcting.', parsed.errors);
  const policy = { allowLoopbackHttp: serviceSettings.allowLoopbackWebhooks, allowPrivateTargets: serviceSettings.allowPrivateWebhooks };
  const webhookUrl = parsed.value.webhookUrl;
  if (webhookUrl) {
    let target = checkWebhookTarget(webhookUrl, policy);
    if (target.ok) target = await checkResolvedWebhookHost(webhookUrl, policy);
    if (!target.ok) {
      return problemResponse(422, 'The department configuration needs correcting.', [{ pointer: '/webhookUrl', detail: target.reason }]);
    }
  }
  const outcome = await registerDepartment(repositories.departments, id, parsed.value, hashApiKey, new Date(), changes(operator));
  if (outcome.kind === 'replaced') return json(200, configurationView(outcome.department));
  return json(
    201,
    { ...configurationView(outcome.department), signingSecret: outcome.signingSecret, apiKey: outcome.apiKey },
    { location: `/v1/departments/${id}` },
  );
}

async function listDepartments() {
  const departments = await repositories.departments.list();
  return json(
    200,
    departments.filter(isActiveDepartment).map(({ id, name, description, events, fields }) => ({ id, name, description, events, fields })),
  );
}

async function issueSigningSecret(event: APIGatewayProxyEventV2) {
  const operator = authenticateOperator(event);
  const id = departmentIdFrom(event);
  const rotated = await rotateSigningSecret(repositories.departments, id, new Date(), changes(operator));
  if (!rotated) return problemResponse(404, 'There is no department with this id.');
  return json(201, { id, signingSecret: rotated.signingSecret, previousSecretsRetireAt: rotated.previousSecretsRetireAt });
}

/** The endpoint's health as operators see it (CONTRACT sections 4 and 9); a pull department has no endpoint to fail. */
function endpointView(department: DepartmentRecord, health: EndpointHealth) {
  const status: EndpointStatus = department.active ? health.status : 'disabled';
  return {
    status,
    since: (status === 'disabled' ? department.disabledAt : health.since) ?? department.createdAt,
    lastError: (status === 'disabled' ? department.disabledReason : health.lastError) ?? null,
    consecutiveFailures: health.consecutiveFailures,
  };
}

async function getDepartment(event: APIGatewayProxyEventV2) {
  authenticateOperator(event);
  const id = departmentIdFrom(event);
  const [department, health] = await Promise.all([repositories.departments.get(id), repositories.endpoints.get(id)]);
  if (!department) return problemResponse(404, 'There is no department with this id.');
  return json(200, { ...configurationView(department), endpoint: endpointView(department, health) });
}

const eventsQuerySchema = z.object({
  after: z.optional(z.string().check(z.minLength(1), z.maxLength(400))),
  limit: z._default(wholeNumberParameter('limit', 1, 100), 50),
});

/** GET /v1/operator/events (CONTRACT section 9): changes of endpoint health and failed notifications, in order. */
async function operatorEvents(event: APIGatewayProxyEventV2) {
  authenticateOperator(event);
  const query = readQuery(event, eventsQuerySchema);
  try {
    const page = await repositories.operatorEvents.list({ after: query.after, limit: query.limit });
    return json(200, { items: page.items, next: page.next });
  } catch (error) {
    if (error instanceof InvalidCursorError) return problemResponse(400, 'The cursor is not one this service issued.');
    throw error;
  }
}

const apiKeyRequestSchema = z.strictObject({
  revokePrevious: z._default(z.boolean({ error: 'revokePrevious is true or false.' }), false),
});

async function issueDepartmentApiKey(event: APIGatewayProxyEventV2) {
  const operator = authenticateOperator(event);
  const id = departmentIdFrom(event);
  // The body is optional: none keeps the earlier keys working for 24 hours, as {} does.
  const hasBody = (event.body ?? '').length > 0;
  const parsed = apiKeyRequestSchema.safeParse(hasBody ? readJsonBody(event) : {});
  if (!parsed.success) return problemResponse(422, 'The request needs correcting.', fieldErrorsFromZod(parsed.error));
  const issued = await issueApiKey(repositories.departments, id, parsed.data, hashApiKey, new Date(), changes(operator));
  if (!issued) return problemResponse(404, 'There is no department with this id.');
  return json(201, { id, apiKey: issued.apiKey, previousKeysRetireAt: issued.previousKeysRetireAt });
}

/** Every change to the department's configuration and credentials: who, when, which fields. */
async function listDepartmentChanges(event: APIGatewayProxyEventV2) {
  authenticateOperator(event);
  const id = departmentIdFrom(event);
  const [department, changes] = await Promise.all([repositories.departments.get(id), repositories.departmentChanges.list(id)]);
  if (!department && changes.length === 0) return problemResponse(404, 'There is no department with this id.');
  return json(200, {
    departmentId: id,
    changes: changes.map(({ at, actor, action, changedFields }) => ({ at, actor, action, changedFields })),
  });
}

export const handler = httpHandler({
  'GET /v1/departments': listDepartments,
  'GET /v1/departments/{departmentId}': getDepartment,
  'GET /v1/operator/events': operatorEvents,
  'PUT /v1/departments/{departmentId}': putDepartment,
  'POST /v1/departments/{departmentId}/signing-secrets': issueSigningSecret,
  'POST /v1/departments/{departmentId}/api-keys': issueDepartmentApiKey,
  'GET /v1/departments/{departmentId}/changes': listDepartmentChanges,
});
