import { departmentAdapterSchema } from '../domain/department-adapter';
// The OpenAPI 3.1 description of the public contract (CONTRACT sections 2 to 6 and 11), built from the
// very zod schemas that validate requests, so the document cannot drift from the code.
// `npm run openapi` writes it to docs/openapi.json; GET /openapi.json serves it.
import * as z from 'zod';
import { changeOfAddressRequestSchema, DEPARTMENT_ID_PATTERN, SUPPORTED_EVENT_TYPES } from '../domain/change-of-address-request';
import { departmentAnswerSchema } from '../domain/department-answer';
import { DELIVERY_CHANNELS, departmentConfigurationSchema } from '../domain/department-configuration';
import { OPERATOR_EVENT_TYPES } from '../domain/operator-event';
import { ENTITLEABLE_FIELDS } from '../domain/entitlement';
import { AUDIT_EVENT_TYPES } from '../domain/audit-event';
import { correctionRequestSchema } from '../domain/correction-request';
import { CORRECTED_EVENT_TYPE, WITHDRAWN_EVENT_TYPE } from '../domain/notification-event';
import { NOTIFICATION_KINDS, NOTIFICATION_STATUSES, SUBMISSION_STATUSES } from '../domain/notification-status';
import { withdrawalRequestSchema } from '../domain/withdrawal-request';
import { RECEIPT_TYPE } from '../domain/notification-receipt';

type JsonSchema = Record<string, unknown>;

/** A request schema as a client must send it (transforms and defaults seen from the input side). */
function requestSchema(schema: z.core.$ZodType, formats: Record<string, JsonSchema> = {}): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema; // OpenAPI 3.1 documents default to JSON Schema 2020-12 already.
  // Rules zod checks in code (refinements, transforms) that JSON Schema can state as a format.
  for (const [path, extra] of Object.entries(formats)) Object.assign(at(json, path), extra);
  return json;
}

function at(schema: JsonSchema, path: string): JsonSchema {
  return path.split('.').reduce<JsonSchema>((node, key) => (node.properties as Record<string, JsonSchema>)[key], schema);
}

function responseSchema(schema: z.core.$ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'output' }) as JsonSchema;
  delete json.$schema;
  return json;
}

const departmentId = z.string().regex(DEPARTMENT_ID_PATTERN);
const nullableText = z.string().nullable();
/** What a department wrote back about the citizen: erased with the citizen's personal data. */
const answerText = (what: string) =>
  nullableText.describe(`The department's ${what}, if it gave one; null once the citizen's personal data is erased`);

const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z
      .array(
        z.object({
          pointer: z.string().describe('JSON Pointer into the request body (for a query string: into its parameters)'),
          detail: z.string(),
          parameter: z.string().optional().describe('The query parameter at fault, for an error in the query string'),
        }),
      )
      .optional(),
  })
  .describe('RFC 9457 problem details');

const notificationSummary = z.object({
  id: z.string(),
  department: departmentId,
  kind: z.enum(NOTIFICATION_KINDS).describe('change: the report itself; correction: address.corrected; withdrawal: address.withdrawn'),
  status: z.enum(NOTIFICATION_STATUSES),
});
const acceptedCorrection = z.object({
  id: z.string().describe("The correction's id; the same for the same Idempotency-Key"),
  changed: z.array(z.enum(ENTITLEABLE_FIELDS)).describe('The field names whose values the correction changed'),
  notifications: z
    .array(notificationSummary)
    .describe('The address.corrected notifications, one per department already delivered to and entitled to a changed field'),
});
const acceptedWithdrawal = z.object({
  id: z.string().describe("The submission's id"),
  status: z.enum(SUBMISSION_STATUSES),
  withdrawnAt: z.string(),
  notifications: z
    .array(notificationSummary)
    .describe(
      'Every notification of the submission: those not yet delivered WITHDRAWN, and an address.withdrawn notice for each department already delivered to',
    ),
});
const acceptedSubmission = z.object({
  id: z.string(),
  reference: z.string().describe('Short and human-friendly, for example TUO-7F3K-9QX2'),
  status: z
    .enum(SUBMISSION_STATUSES)
    .describe(
      'IN_PROGRESS when the submission is new; a retry with the same Idempotency-Key and body answers the same submission as it stands now',
    ),
  notifications: z.array(notificationSummary),
});
const submission = z.object({
  id: z.string(),
  reference: z.string(),
  type: z.enum(SUPPORTED_EVENT_TYPES),
  status: z.enum(SUBMISSION_STATUSES),
  createdAt: z.string().describe('RFC 3339 timestamp'),
  finalisedAt: nullableText.describe('When every notification reached a final status'),
  erasedAt: nullableText.describe("When the citizen's personal data was erased"),
  notifications: z.array(
    notificationSummary.extend({
      corrects: z.string().optional().describe('A correction: the notification it corrects'),
      withdraws: z.string().optional().describe('A withdrawal notice: the notification it withdraws'),
      attempts: z.number().int(),
      lastError: nullableText,
      deliveredAt: nullableText,
      respondedAt: nullableText,
      departmentReference: answerText('reference'),
      reason: answerText('reason for rejecting'),
    }),
  ),
});
const publicDepartment = z.object({
  id: departmentId,
  name: z.string(),
  description: z.string(),
  events: z.array(z.enum(SUPPORTED_EVENT_TYPES)),
  fields: z.array(z.enum(ENTITLEABLE_FIELDS)),
});
const departmentView = publicDepartment.extend({
  webhookUrl: z.string().optional().describe('Where pushes go; none for a pull department'),
  delivery: z.enum(DELIVERY_CHANNELS).describe('push: signed webhooks; pull: the department collects from its feed'),
  rateLimitPerSecond: z.number().int().optional().describe('At most this many deliveries in any one-second interval (sliding)'),
  confirmation: z.object({ required: z.boolean(), timeoutSeconds: z.number().int() }),
  adapter: departmentAdapterSchema,
  active: z.boolean().describe('False once its endpoint answered 410, until a PUT re-enables it'),
  suspended: z.boolean().describe('Suspended by an operator: not choosable, not listed, every API key refused'),
  disabledReason: z.string().optional(),
  disabledAt: z.string().optional(),
});
const createdDepartment = departmentView.extend({
  signingSecret: z.string().describe('whsec_..., shown once'),
  apiKey: z.string().describe("The department's API key, shown once; only its hash is stored"),
});
const issuedSecret = z.object({
  id: departmentId,
  signingSecret: z.string(),
  previousSecretsRetireAt: nullableText.describe('Until when the earlier secrets still sign; null if there were none'),
});
const apiKeyRequest = z.strictObject({
  revokePrevious: z.boolean().default(false).describe('true refuses every earlier key at once; otherwise they keep working for 24 hours'),
});
const issuedApiKey = z.object({
  id: departmentId,
  apiKey: z.string().describe('Shown once; only its hash is stored'),
  previousKeysRetireAt: nullableText.describe('Until when the earlier keys still work; null when none does'),
});
const departmentChanges = z.object({
  departmentId,
  changes: z.array(
    z.object({
      at: z.string(),
      actor: z.string().describe('The operator: the IAM caller ARN on AWS, `arn:aws:iam::local:user/operator` on one machine'),
      action: z.enum(['CREATED', 'REPLACED', 'SIGNING_SECRET_ISSUED', 'API_KEY_ISSUED']),
      changedFields: z.array(z.string()).describe('Names only: never a value, secret or key'),
    }),
  ),
});
const auditTrail = z.object({
  submissionId: z.string(),
  events: z.array(
    z.object({
      at: z.string(),
      type: z.enum(AUDIT_EVENT_TYPES),
      actor: z.string().describe('citizen, service, operator or department:<id>'),
      department: departmentId.nullable(),
      notificationId: z.string().optional(),
      kind: z.enum(NOTIFICATION_KINDS).optional().describe('SENT and DELIVERED: what was sent'),
      attempt: z.number().int().optional(),
      fields: z
        .array(z.enum(ENTITLEABLE_FIELDS))
        .optional()
        .describe('The data that left (SENT) or that a correction changed (CORRECTED): field names, never values'),
      outcome: z.string().optional(),
      channel: z.enum(['push', 'pull']).optional().describe('DELIVERED: how the data first reached the department'),
      departmentReference: z
        .string()
        .optional()
        .describe("CONFIRMED: the department's reference; removed once the personal data is erased"),
      reason: z.string().optional().describe("REJECTED: the department's reason; removed once the personal data is erased"),
      detail: z.string().optional(),
    }),
  ),
});
const departmentNotifications = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      type: nullableText.describe('address.changed, address.corrected or address.withdrawn; null once erased'),
      kind: z.enum(NOTIFICATION_KINDS),
      reference: nullableText,
      status: z.enum(NOTIFICATION_STATUSES),
      createdAt: z.string(),
      deliveredAt: nullableText,
      respondedAt: nullableText,
      departmentReference: answerText('reference'),
      reason: answerText('reason for rejecting'),
      confirmationUrl: z.string(),
      data: z.record(z.string(), z.unknown()).nullable().describe('The entitled fields this department was sent; null once erased'),
    }),
  ),
  nextCursor: nullableText.describe('Pass as `cursor` for the next page; null on the last'),
});
const endpointHealth = z.object({
  status: z
    .enum(['healthy', 'failing', 'disabled'])
    .describe('failing: 5 or more failed attempts in a row over 15 minutes or more; disabled: it answered 410'),
  since: z.string().describe('When it entered this status'),
  lastError: nullableText,
  consecutiveFailures: z.number().int(),
});
const departmentWithHealth = departmentView.extend({ endpoint: endpointHealth });
const feedPage = z.object({
  items: z.array(
    z
      .object({
        id: z.string().describe('The notification id, also its webhook-id'),
        status: z.enum(NOTIFICATION_STATUSES),
      })
      .catchall(z.unknown())
      .describe(
        "Exactly the JSON body a push of this notification carries (NotificationEvent, or the department's field mapping), plus id and status",
      ),
  ),
  next: z.string().describe('Pass back as `after` for later items'),
});
const operatorEvents = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      type: z.enum(OPERATOR_EVENT_TYPES),
      department: departmentId,
      notificationId: z.string().optional(),
      detail: z.string(),
    }),
  ),
  next: z.string().describe('Pass back as `after` for later events'),
});
const receipt = z.object({
  receipt: z
    .string()
    .describe(
      `A compact JWS (ES256, header typ "${RECEIPT_TYPE}" and kid) of a ReceiptClaims payload; verify it with the key of that kid at /.well-known/jwks.json (docs/receipts.md)`,
    ),
});
const receiptClaims = z
  .object({
    iss: z.string().describe("The service's public address; its keys are at <iss>/.well-known/jwks.json"),
    iat: z.number().int().describe('When the receipt was issued, in seconds since the epoch'),
    reference: z.string(),
    submissionId: z.string(),
    type: z.enum(SUPPORTED_EVENT_TYPES),
    notifications: z.array(
      z.object({
        department: departmentId,
        kind: z.enum(NOTIFICATION_KINDS),
        status: z.enum(NOTIFICATION_STATUSES),
        deliveredAt: nullableText,
        respondedAt: nullableText,
        departmentReference: answerText('reference'),
        fields: z
          .array(z.enum(ENTITLEABLE_FIELDS))
          .describe("The names of the citizen's data fields sent to this department; never their values"),
      }),
    ),
  })
  .describe('The payload of a receipt: no personal data values');
const jsonWebKeySet = z.object({
  keys: z.array(
    z.object({
      kty: z.literal('EC'),
      crv: z.literal('P-256'),
      x: z.string(),
      y: z.string(),
      kid: z.string().describe('The RFC 7638 thumbprint of the key'),
      alg: z.literal('ES256'),
      use: z.literal('sig'),
    }),
  ),
});
const answerAccepted = z.object({ id: z.string(), status: z.enum(NOTIFICATION_STATUSES) });
const tokenRequest = z.strictObject({ sub: z.string().min(1).max(255) });
const tokenResponse = z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int() });
const notificationEvent = z.object({
  type: z.enum([...SUPPORTED_EVENT_TYPES, CORRECTED_EVENT_TYPE, WITHDRAWN_EVENT_TYPE]),
  timestamp: z.string(),
  data: z
    .object({
      notificationId: z.string(),
      reference: z.string(),
      confirmationUrl: z.string(),
      corrects: z.string().optional().describe('address.corrected: the notification it corrects'),
      changed: z.array(z.enum(ENTITLEABLE_FIELDS)).optional().describe('address.corrected: the entitled field names whose values changed'),
      withdraws: z.string().optional().describe('address.withdrawn: the notification the citizen withdrew (no personal data)'),
    })
    .catchall(z.unknown())
    .describe('Only the fields the department is entitled to, besides these (address.corrected: all of them, as corrected)'),
});

const json = (schema: string | JsonSchema) => ({
  'application/json': { schema: typeof schema === 'string' ? { $ref: `#/components/schemas/${schema}` } : schema },
});
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const ok = (description: string, schema: string | JsonSchema, headers?: JsonSchema) => ({
  description,
  content: json(schema),
  ...(headers ? { headers } : {}),
});
const body = (schema: string) => ({ required: true, content: json(schema) });
const pathParameter = (name: string, schema: JsonSchema = { type: 'string' }) => ({ name, in: 'path', required: true, schema });

const BAD_INPUT = {
  400: problem('Malformed JSON, or a malformed path parameter or header'),
  413: problem('The body is over 64 KiB'),
  415: problem('The body is not JSON'),
  422: problem('The body breaks a rule; `errors` names each field at fault'),
};

/** The whole document. Pure: the same schemas always give the same document. */
export function buildOpenApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tell Us Once',
      version: '1.0.0',
      summary: 'Report a change of address once; every department the citizen chooses is told.',
      description:
        'Every 4xx and 5xx answer is application/problem+json (RFC 9457). Unknown routes answer 404, wrong methods 405. Notifications to departments are signed per Standard Webhooks v1 (see the `notification` webhook).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: [
      { name: 'citizen', description: 'Citizens report a change and follow it (OIDC bearer token)' },
      { name: 'department', description: 'Departments collect and answer notifications (API key)' },
      { name: 'operator', description: 'Operators register departments (IAM on AWS, admin token on one machine)' },
      { name: 'public', description: 'No authentication' },
      { name: 'one-machine', description: 'Only when running on one machine (`npm start`)' },
    ],
    paths: {
      '/v1/submissions': {
        post: {
          tags: ['citizen'],
          operationId: 'submitChangeOfAddress',
          summary: 'Report a change of address once, choosing the departments to tell',
          security: [{ citizen: [] }],
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: true,
              schema: { type: 'string', pattern: '^[\\x20-\\x7e]{1,255}$' },
              description: 'New for each submission; the same key and body answer the same submission again',
            },
          ],
          requestBody: body('ChangeOfAddressRequest'),
          responses: {
            202: ok('Stored; the departments are being told', 'AcceptedSubmission', {
              Location: { schema: { type: 'string' }, description: '/v1/submissions/{id}' },
            }),
            ...BAD_INPUT,
            401: problem('No valid citizen token'),
          },
        },
      },
      '/v1/submissions/{submissionId}': {
        get: {
          tags: ['citizen'],
          operationId: 'getSubmission',
          summary: 'Follow a submission, department by department',
          security: [{ citizen: [] }],
          parameters: [pathParameter('submissionId')],
          responses: {
            200: ok("The submission and each notification's progress", 'Submission'),
            401: problem('No valid citizen token'),
            404: problem("No such submission, or another citizen's"),
          },
        },
        delete: {
          tags: ['citizen'],
          operationId: 'erasePersonalData',
          summary: "Erase the citizen's personal data now (once the submission is final); the anonymised trail stays",
          security: [{ citizen: [] }],
          parameters: [pathParameter('submissionId')],
          responses: {
            204: { description: 'Erased' },
            401: problem('No valid citizen token'),
            404: problem("No such submission, or another citizen's"),
            409: problem('Not final yet'),
          },
        },
      },
      '/v1/submissions/{submissionId}/events': {
        get: {
          tags: ['citizen'],
          operationId: 'getAuditTrail',
          summary: "Who received which of the citizen's data, when, and what they answered",
          security: [{ citizen: [] }],
          parameters: [pathParameter('submissionId')],
          responses: {
            200: ok('The audit trail, oldest first', 'AuditTrail'),
            401: problem('No valid citizen token'),
            404: problem("No such submission, or another citizen's"),
          },
        },
      },
      '/v1/submissions/{submissionId}/corrections': {
        post: {
          tags: ['citizen'],
          operationId: 'correctSubmission',
          summary: 'Correct parts of what was sent; departments already told get an address.corrected notification',
          description:
            'Each of person, previousAddress, newAddress and movedOn given replaces that part whole, validated as on submission. A department not yet delivered to receives the corrected data in its first delivery; one entitled to none of the changed fields is not told. The submission is IN_PROGRESS again until the corrections are final.',
          security: [{ citizen: [] }],
          parameters: [
            pathParameter('submissionId'),
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: true,
              schema: { type: 'string', pattern: '^[\\x20-\\x7e]{1,255}$' },
              description: 'New for each correction; the same key and body answer the same correction again',
            },
          ],
          requestBody: body('CorrectionRequest'),
          responses: {
            202: ok('Stored; the departments already told are being told of the correction', 'AcceptedCorrection'),
            ...BAD_INPUT,
            401: problem('No valid citizen token'),
            404: problem("No such submission, or another citizen's"),
            409: problem('The personal data was erased, or the submission was withdrawn'),
          },
        },
      },
      '/v1/submissions/{submissionId}/withdrawal': {
        post: {
          tags: ['citizen'],
          operationId: 'withdrawSubmission',
          summary:
            'Withdraw a report made by mistake: what is not yet delivered is never sent; departments already told get address.withdrawn',
          description: 'Safe to repeat: withdrawing again changes nothing. WITHDRAWN is final.',
          security: [{ citizen: [] }],
          parameters: [pathParameter('submissionId')],
          requestBody: { required: false, content: json('WithdrawalRequest') },
          responses: {
            202: ok('Withdrawn; the departments already told are being told', 'AcceptedWithdrawal'),
            ...BAD_INPUT,
            401: problem('No valid citizen token'),
            404: problem("No such submission, or another citizen's"),
            409: problem('The personal data was erased'),
          },
        },
      },
      '/v1/submissions/{submissionId}/receipt': {
        get: {
          tags: ['citizen'],
          operationId: 'getReceipt',
          summary: 'A signed proof of notification: when each department was told, which field names it was sent, and what it answered',
          security: [{ citizen: [] }],
          parameters: [pathParameter('submissionId')],
          responses: {
            200: ok('The receipt, signed by the service; its payload is a ReceiptClaims', 'Receipt'),
            401: problem('No valid citizen token'),
            404: problem("No such submission, or another citizen's"),
          },
        },
      },
      '/.well-known/jwks.json': {
        get: {
          tags: ['public'],
          operationId: 'getReceiptKeys',
          summary: 'The public keys that verify receipts (JWKS)',
          security: [],
          responses: { 200: ok('The JSON Web Key Set', 'JsonWebKeySet') },
        },
      },
      '/v1/departments/{departmentId}/notifications': {
        get: {
          tags: ['department'],
          operationId: 'listDepartmentNotifications',
          summary: "A department's notifications by status (by default those awaiting its answer)",
          security: [{ department: [] }],
          parameters: [
            pathParameter('departmentId', { type: 'string', pattern: DEPARTMENT_ID_PATTERN.source }),
            {
              name: 'status',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: [...NOTIFICATION_STATUSES], default: 'DELIVERED' },
            },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 } },
            { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
          ],
          responses: {
            200: ok('One page, oldest first', 'DepartmentNotifications'),
            400: problem('A query parameter or the cursor is not valid'),
            401: problem('No or a wrong API key'),
            404: problem('Not the department of this key'),
          },
        },
      },
      '/v1/departments/{departmentId}/feed': {
        get: {
          tags: ['department'],
          operationId: 'readFeed',
          summary: 'A department collects its notifications (push or pull departments alike), in the order they were created',
          description:
            'The first time a notification is served, here or by a push answered 2xx, it becomes DELIVERED (recorded before this 200) and its confirmation timeout starts; a FAILED one becomes DELIVERED too. Corrections (address.corrected) and withdrawal notices (address.withdrawn) are served as their push carries them. A notification WITHDRAWN before delivery is never served, nor, once the report is withdrawn, one never delivered; items of an erased submission are left out, except withdrawal notices, which carry no personal data. Items carry no Standard Webhooks signature: see docs/adapters.md.',
          security: [{ department: [] }],
          parameters: [
            pathParameter('departmentId', { type: 'string', pattern: DEPARTMENT_ID_PATTERN.source }),
            {
              name: 'after',
              in: 'query',
              required: false,
              schema: { type: 'string' },
              description: 'A `next` from an earlier read; from the first item without it',
            },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
            {
              name: 'wait',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: 20 },
              description: 'Hold the request up to this many seconds, answering as soon as an item arrives',
            },
          ],
          responses: {
            200: ok('At most `limit` items after the cursor', 'FeedPage'),
            400: problem('`limit`, `wait` or `after` is not valid'),
            401: problem('No or a wrong API key'),
            404: problem('Not the department of this key'),
          },
        },
      },
      '/v1/operator/events': {
        get: {
          tags: ['operator'],
          operationId: 'listOperatorEvents',
          summary: "Every change of an endpoint's health and every FAILED notification, in the order they occurred",
          security: [{ operator: [] }],
          parameters: [
            { name: 'after', in: 'query', required: false, schema: { type: 'string' }, description: 'A `next` from an earlier read' },
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
          ],
          responses: {
            200: ok('Events after the cursor, oldest first', 'OperatorEvents'),
            400: problem('`limit` or `after` is not valid'),
            401: problem('Not an operator'),
            403: problem('Not an operator (IAM on AWS)'),
          },
        },
      },
      '/v1/notifications/{notificationId}/redeliver': {
        post: {
          tags: ['operator'],
          operationId: 'redeliverNotification',
          summary: 'Send a FAILED notification again, under the same webhook-id',
          security: [{ operator: [] }],
          parameters: [pathParameter('notificationId')],
          responses: {
            202: ok('Redelivery started (or already under way)', 'AnswerAccepted'),
            401: problem('Not an operator'),
            403: problem('Not an operator (IAM on AWS)'),
            404: problem('No such notification'),
            409: problem('The notification is not FAILED, or its department is disabled'),
          },
        },
      },
      '/v1/departments': {
        get: {
          tags: ['public'],
          operationId: 'listDepartments',
          summary: 'The active departments, and what each would receive',
          security: [],
          responses: { 200: ok('Every active department', { type: 'array', items: { $ref: '#/components/schemas/PublicDepartment' } }) },
        },
      },
      '/v1/departments/{departmentId}': {
        get: {
          tags: ['operator'],
          operationId: 'getDepartment',
          summary: "A department's configuration (never a secret or key) and the health of its endpoint",
          security: [{ operator: [] }],
          parameters: [pathParameter('departmentId', { type: 'string', pattern: DEPARTMENT_ID_PATTERN.source })],
          responses: {
            200: ok('The department', 'DepartmentWithHealth'),
            400: problem('A malformed department id'),
            401: problem('Not an operator'),
            403: problem('Not an operator (IAM on AWS)'),
            404: problem('No such department'),
          },
        },
        put: {
          tags: ['operator'],
          operationId: 'putDepartment',
          summary: 'Create or replace a department',
          security: [{ operator: [] }],
          parameters: [pathParameter('departmentId', { type: 'string', pattern: DEPARTMENT_ID_PATTERN.source })],
          requestBody: body('DepartmentConfiguration'),
          responses: {
            200: ok('Replaced; the signing secrets and API key are kept', 'Department'),
            201: ok('Created; the signing secret and API key are shown once', 'CreatedDepartment'),
            ...BAD_INPUT,
            401: problem('Not an operator'),
            403: problem('Not an operator (IAM on AWS)'),
          },
        },
      },
      '/v1/departments/{departmentId}/signing-secrets': {
        post: {
          tags: ['operator'],
          operationId: 'rotateSigningSecret',
          summary: 'Issue a new signing secret; for 24 hours both secrets sign every delivery',
          security: [{ operator: [] }],
          parameters: [pathParameter('departmentId', { type: 'string', pattern: DEPARTMENT_ID_PATTERN.source })],
          responses: {
            201: ok('The new secret, shown once', 'IssuedSigningSecret'),
            401: problem('Not an operator'),
            403: problem('Not an operator (IAM on AWS)'),
            404: problem('No such department'),
          },
        },
      },
      '/v1/departments/{departmentId}/api-keys': {
        post: {
          tags: ['operator'],
          operationId: 'issueApiKey',
          summary: 'Issue a new API key; the earlier ones keep working for 24 hours unless revokePrevious',
          security: [{ operator: [] }],
          parameters: [pathParameter('departmentId', { type: 'string', pattern: DEPARTMENT_ID_PATTERN.source })],
          requestBody: { required: false, content: json('ApiKeyRequest') },
          responses: {
            201: ok('The new key, shown once', 'IssuedApiKey'),
            ...BAD_INPUT,
            401: problem('Not an operator'),
            403: problem('Not an operator (IAM on AWS)'),
            404: problem('No such department'),
          },
        },
      },
      '/v1/departments/{departmentId}/changes': {
        get: {
          tags: ['operator'],
          operationId: 'listDepartmentChanges',
          summary: "Every change to a department's configuration and credentials: who, when, which fields (never a value or secret)",
          security: [{ operator: [] }],
          parameters: [pathParameter('departmentId', { type: 'string', pattern: DEPARTMENT_ID_PATTERN.source })],
          responses: {
            200: ok('Oldest first', 'DepartmentChanges'),
            401: problem('Not an operator'),
            403: problem('Not an operator (IAM on AWS), or not in an operator role'),
            404: problem('No such department'),
          },
        },
      },
      '/v1/notifications/{notificationId}/confirmation': {
        post: {
          tags: ['department'],
          operationId: 'answerNotification',
          summary: 'A department confirms or rejects a notification it received',
          security: [{ department: [] }],
          parameters: [pathParameter('notificationId')],
          requestBody: body('DepartmentAnswer'),
          responses: {
            200: ok('Recorded (or the same answer again: no change)', 'AnswerAccepted'),
            ...BAD_INPUT,
            401: problem('No or a wrong API key'),
            404: problem("Another department's notification, or an unknown one"),
            409: problem('A different answer was given, the notification no longer awaits one, or none is required'),
          },
        },
      },
      '/openapi.json': {
        get: {
          tags: ['public'],
          operationId: 'getOpenApiDocument',
          summary: 'This document',
          security: [],
          responses: { 200: ok('The OpenAPI 3.1 document', { type: 'object' }) },
        },
      },
      '/healthz': {
        get: {
          tags: ['one-machine'],
          operationId: 'health',
          summary: 'Ready once every part can serve',
          security: [],
          responses: { 200: ok('Ready', responseSchema(z.object({ status: z.literal('ok') }))), 503: problem('Starting up') },
        },
      },
      '/dev/token': {
        post: {
          tags: ['one-machine'],
          operationId: 'issueDevelopmentToken',
          summary: 'The development identity provider: a citizen token for any `sub`',
          security: [],
          requestBody: { required: true, content: json(responseSchema(tokenRequest)) },
          responses: {
            200: ok('A token the API verifies like a real one', responseSchema(tokenResponse)),
            400: problem('Malformed JSON'),
            422: problem('No `sub`'),
          },
        },
      },
    },
    webhooks: {
      notification: {
        post: {
          summary: 'What a department receives at its webhookUrl',
          description:
            'Signed per Standard Webhooks v1 (symmetric). 2xx: delivered. 410: the endpoint is disabled and the notification FAILED. Other 4xx but 408/429: FAILED at once. 408, 429, 5xx, timeouts and network errors: retried with exponential backoff and jitter over at least 72 hours.',
          parameters: [
            {
              name: 'webhook-id',
              in: 'header',
              required: true,
              schema: { type: 'string' },
              description: 'The notification id, the same on every retry',
            },
            { name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'string' } },
            {
              name: 'webhook-signature',
              in: 'header',
              required: true,
              schema: { type: 'string' },
              description: 'v1,<base64>; space-separated during a secret rotation',
            },
          ],
          requestBody: body('NotificationEvent'),
          responses: { 200: { description: 'Delivered (any 2xx)' }, 410: { description: "The department's endpoint is disabled" } },
        },
      },
    },
    components: {
      securitySchemes: {
        citizen: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An OpenID Connect token (GOV.UK One Login on AWS; POST /dev/token on one machine). Its `sub` identifies the citizen.',
        },
        department: { type: 'http', scheme: 'bearer', description: 'The API key returned once when the department was registered' },
        operator: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'AWS Signature Version 4 (IAM) on AWS; `Bearer <admin token>` on one machine',
        },
      },
      schemas: {
        ChangeOfAddressRequest: requestSchema(changeOfAddressRequestSchema, {
          'person.dateOfBirth': { format: 'date' },
          'person.email': { format: 'email' },
          'person.nationalInsuranceNumber': { description: 'HMRC format, spaces ignored, e.g. QQ 12 34 56 C' },
          'previousAddress.postcode': { description: 'A UK postcode, normalised to upper case with one space' },
          'newAddress.postcode': { description: 'A UK postcode, normalised to upper case with one space' },
          movedOn: { format: 'date' },
        }),
        DepartmentConfiguration: requestSchema(departmentConfigurationSchema, {
          webhookUrl: {
            format: 'uri',
            description: 'https (http to loopback on one machine); private, link-local and metadata addresses are refused unless allowed',
          },
        }),
        DepartmentAnswer: requestSchema(departmentAnswerSchema),
        CorrectionRequest: requestSchema(correctionRequestSchema, {
          'person.dateOfBirth': { format: 'date' },
          'person.email': { format: 'email' },
          movedOn: { format: 'date' },
        }),
        WithdrawalRequest: requestSchema(withdrawalRequestSchema),
        AcceptedCorrection: responseSchema(acceptedCorrection),
        AcceptedWithdrawal: responseSchema(acceptedWithdrawal),
        Problem: responseSchema(problemSchema),
        AcceptedSubmission: responseSchema(acceptedSubmission),
        Submission: responseSchema(submission),
        PublicDepartment: responseSchema(publicDepartment),
        Department: responseSchema(departmentView),
        DepartmentWithHealth: responseSchema(departmentWithHealth),
        FeedPage: responseSchema(feedPage),
        OperatorEvents: responseSchema(operatorEvents),
        CreatedDepartment: responseSchema(createdDepartment),
        IssuedSigningSecret: responseSchema(issuedSecret),
        ApiKeyRequest: requestSchema(apiKeyRequest),
        IssuedApiKey: responseSchema(issuedApiKey),
        DepartmentChanges: responseSchema(departmentChanges),
        AnswerAccepted: responseSchema(answerAccepted),
        Receipt: responseSchema(receipt),
        ReceiptClaims: responseSchema(receiptClaims),
        JsonWebKeySet: responseSchema(jsonWebKeySet),
        AuditTrail: responseSchema(auditTrail),
        DepartmentNotifications: responseSchema(departmentNotifications),
        NotificationEvent: responseSchema(notificationEvent),
      },
    },
  };
}
