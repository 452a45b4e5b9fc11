import * as z from 'zod/mini';
import './english-validation-messages';
import { PARTITIONS } from './store/dynamodb/table-layout';

/**
 * Every Lambda of the service, declared in one place: its source, the environment it reads (checked
 * at cold start) and the AWS actions it calls on which resources. lib/ derives each function's
 * environment variables and IAM grants from this; the one-machine runtime enforces those grants
 * from the synthesized template (local/local-iam.ts), and test/workflow/least-privilege.test.ts
 * fails when a grant is never used.
 *
 * Only zod here (its mini build: every handler's bundle holds this module, and classic zod is 90 KB
 * that esbuild cannot tree-shake): this module is read by CDK code and by handlers alike.
 */

/** How long personal data is kept after a submission is final, unless the stack says otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;

const flag = z.pipe(
  z.optional(z.string()),
  z.transform((v) => ['1', 'true', 'yes'].includes((v ?? '').toLowerCase())),
);
const text = () => z.string().check(z.minLength(1));

/** Each environment variable a function may be given, and how it is read: one owner per setting. */
export const ENVIRONMENT_VARIABLES = {
  TABLE_NAME: text(),
  STATE_MACHINE_ARN: z.string().check(z.regex(/^arn:[\w-]+:states:[\w-]+:\d{12}:stateMachine:.+$/, 'a state machine ARN')),
  /** Base URL departments answer at, e.g. `https://api.example`; trailing slashes are dropped. */
  PUBLIC_BASE_URL: z.pipe(
    z.url(),
    z.transform((url) => url.replace(/\/+$/, '')),
  ),
  RETENTION_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive()), DEFAULT_RETENTION_DAYS * 24 * 3600),
  OIDC_ISSUER: text(),
  OIDC_AUDIENCE: text(),
  OIDC_JWKS_URL: z.url(),
  /** The operator's explicit choice to allow webhook targets in private address ranges. */
  TUO_ALLOW_PRIVATE_WEBHOOKS: flag,
  /** IAM roles whose sessions are operators (context `operatorRoleArns`); unset: any IAM-authorised caller. */
  OPERATOR_ROLE_ARNS: z.pipe(
    z.optional(z.string()),
    z.transform((v) =>
      (v ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    ),
  ),
  /** The API's route keys, JSON: the fallback tells 404 from 405 with them. */
  API_ROUTE_KEYS: z._default(z.string(), '[]'),
  /** The asymmetric KMS key (ECC_NIST_P256) that signs receipts (lib/receipt-signing-key.ts). */
  RECEIPT_SIGNING_KEY_ARN: text(),
  /** Web sign-in (authorization code flow, docs/web.md): the client, its KMS signing key, where the provider returns. */
  OIDC_CLIENT_ID: text(),
  OIDC_CLIENT_KEY_ID: text(),
  OIDC_REDIRECT_URI: z.url(),
  OIDC_POST_LOGOUT_REDIRECT_URI: z.url(),
  OIDC_VTR: text(),
  OIDC_SCOPES: text(),
  CITIZEN_NOTIFIER: z.optional(z.enum(['ses', 'outbox'])),
  NOTIFY_FROM_ADDRESS: z.optional(z.email()),
  // One machine only (never set on AWS):
  /** Multiplies every retry interval and wait of the workflow. */
  TUO_TIME_SCALE: z._default(z.coerce.number().check(z.positive()), 1),
  TUO_ALLOW_LOOPBACK_WEBHOOKS: flag,
  TUO_DEV_TOKEN_URL: z.optional(z.url()),
  OUTBOX_DIR: z.optional(text()),
  /** SHA-256 of the admin token, with which an operator signs in to the pages. */
  TUO_OPERATOR_TOKEN_SHA256: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
} as const;

export type EnvironmentVariable = keyof typeof ENVIRONMENT_VARIABLES;

/** The resources of the stack a function may be granted access to; lib/function-access.ts names their ARNs. */
export type ServiceResource =
  /** Items of the service table (with `partitions`: only items whose partition key starts so). */
  | 'table'
  /** The table's listing index (lambdas/store/dynamodb/table-layout.ts). */
  | 'listingIndex'
  /** The table's feed index: each department's notifications in creation order (table-layout.ts). */
  | 'feedIndex'
  /** The notification workflow (StartExecution, and SendTask* for its task tokens). */
  | 'stateMachine'
  /** The executions of the notification workflow. */
  | 'workflowExecutions'
  /** The verified SES identity citizens are emailed from (only when one is configured). */
  | 'citizenEmailSender'
  /** The asymmetric key that signs receipts (lib/receipt-signing-key.ts). */
  | 'receiptSigningKey'
  /** The asymmetric key the web pages sign their private_key_jwt assertions with (lib/citizen-sign-in-key.ts). */
  | 'citizenSignInKey';

export interface AccessDeclaration {
  readonly on: ServiceResource;
  readonly actions: readonly string[];
  /** `dynamodb:LeadingKeys`: the partition key prefixes of the items the function touches. */
  readonly partitions?: readonly string[];
}

export interface FunctionDeclaration {
  /** Source file relative to the repository root. */
  readonly entry: string;
  readonly handler?: string;
  readonly description: string;
  /** Variables the stack must set. */
  readonly environment: readonly EnvironmentVariable[];
  /** Variables read when present (optional features, or one machine only). */
  readonly optionalEnvironment?: readonly EnvironmentVariable[];
  readonly access: readonly AccessDeclaration[];
}

const { department, submission, notification, journey, webSession, feed, operatorEvents } = PARTITIONS;
const OIDC: EnvironmentVariable[] = ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_JWKS_URL'];

export const FUNCTIONS = {
  submissionsApi: {
    entry: 'lambdas/api/submissions-api.ts',
    description: 'Citizens report a change and follow its progress',
    environment: ['TABLE_NAME', 'STATE_MACHINE_ARN', 'PUBLIC_BASE_URL', ...OIDC],
    // The notifier settings: erasure on request also erases the local outbox's copies (SES keeps none).
    optionalEnvironment: ['RECEIPT_SIGNING_KEY_ARN', 'CITIZEN_NOTIFIER', 'OUTBOX_DIR'],
    access: [
      {
        on: 'table',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
          'dynamodb:BatchGetItem',
        ],
        partitions: [submission, notification, department],
      },
      { on: 'stateMachine', actions: ['states:StartExecution'] },
      // Signs receipts; GetPublicKey for the `kid` the receipt names.
      { on: 'receiptSigningKey', actions: ['kms:Sign', 'kms:GetPublicKey'] },
    ],
  },
  departmentsApi: {
    entry: 'lambdas/api/departments-api.ts',
    description: 'Operators register departments; anyone lists them',
    environment: ['TABLE_NAME'],
    optionalEnvironment: ['TUO_ALLOW_PRIVATE_WEBHOOKS', 'TUO_ALLOW_LOOPBACK_WEBHOOKS', 'OPERATOR_ROLE_ARNS'],
    access: [
      // Query: the department's change trail (GET /v1/departments/{id}/changes), in its own partition.
      // GetItem of its endpoint health (GET /v1/departments/{id}), an item of the department's partition too.
      { on: 'table', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], partitions: [department] },
      // GET /v1/operator/events: reads the operator events' partition, never writes it.
      { on: 'table', actions: ['dynamodb:Query'], partitions: [operatorEvents] },
      { on: 'listingIndex', actions: ['dynamodb:Query'] },
    ],
  },
  notificationsApi: {
    entry: 'lambdas/api/notifications-api.ts',
    description: 'Departments answer notifications',
    environment: ['TABLE_NAME', 'STATE_MACHINE_ARN', 'PUBLIC_BASE_URL'],
    optionalEnvironment: ['OPERATOR_ROLE_ARNS'],
    access: [
      {
        on: 'table',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        partitions: [department, notification, submission],
      },
      // A listed page's submissions and their personal data, read together; an answer reads the
      // key's department and the notification together.
      { on: 'table', actions: ['dynamodb:BatchGetItem'], partitions: [department, notification, submission] },
      { on: 'listingIndex', actions: ['dynamodb:Query'] },
      { on: 'stateMachine', actions: ['states:StartExecution', 'states:SendTaskSuccess'] },
    ],
  },
  feedApi: {
    entry: 'lambdas/api/feed-api.ts',
    description: 'Departments collect their notifications from their feed',
    environment: ['TABLE_NAME', 'STATE_MACHINE_ARN', 'PUBLIC_BASE_URL'],
    access: [
      // The department (its API key), the notifications it serves and marks delivered (the trail's
      // DELIVERED entry is written with that) and their submissions (the data, reopened when a
      // FAILED one is collected).
      { on: 'table', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], partitions: [department, notification, submission] },
      { on: 'feedIndex', actions: ['dynamodb:Query'], partitions: [feed] },
      // A notification collected when no workflow was working on it: a run awaits its answer.
      { on: 'stateMachine', actions: ['states:StartExecution'] },
    ],
  },
  openApi: {
    entry: 'lambdas/api/openapi-api.ts',
    description: 'Serves the OpenAPI document of the API',
    environment: [],
    access: [],
  },
  // The web pages (docs/web.md): one function per concern, so each bundle holds only what its pages use.
  citizenSignInPages: {
    entry: 'lambdas/web/citizen-sign-in-pages.ts',
    description: 'Web pages: citizens sign in and out (OpenID Connect)',
    environment: ['TABLE_NAME', 'PUBLIC_BASE_URL', 'OIDC_ISSUER'],
    optionalEnvironment: [
      'OIDC_CLIENT_ID',
      'OIDC_CLIENT_KEY_ID',
      'OIDC_REDIRECT_URI',
      'OIDC_POST_LOGOUT_REDIRECT_URI',
      'OIDC_VTR',
      'OIDC_SCOPES',
    ],
    access: [
      // Its sessions only: the pending sign-in (created, then taken once) and the citizen's (ended at sign-out).
      { on: 'table', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], partitions: [webSession] },
      // Citizens' sign-in: the client's private_key_jwt assertion at the provider's token endpoint.
      { on: 'citizenSignInKey', actions: ['kms:Sign'] },
    ],
  },
  citizenJourneyPages: {
    entry: 'lambdas/web/citizen-pages.ts',
    description: 'Web pages: the citizen reports a change of address',
    environment: ['TABLE_NAME', 'STATE_MACHINE_ARN', 'OIDC_ISSUER'],
    access: [
      // The session (read), the journey, and sending: submitChangeOfAddress, as POST /v1/submissions does.
      {
        on: 'table',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:BatchGetItem'],
        partitions: [journey, webSession, submission, notification, department],
      },
      // The departments a citizen may choose.
      { on: 'listingIndex', actions: ['dynamodb:Query'] },
      { on: 'stateMachine', actions: ['states:StartExecution'] },
    ],
  },
  afterSendingPages: {
    entry: 'lambdas/web/after-sending-pages.ts',
    description: 'Web pages: the citizen follows, corrects or withdraws a report',
    environment: ['TABLE_NAME', 'STATE_MACHINE_ARN', 'OIDC_ISSUER'],
    access: [
      // Progress (the audit trail is a Query), and a correction's draft journey; correctSubmission and
      // withdrawSubmission, as the API's routes do.
      {
        on: 'table',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
        partitions: [journey, webSession, submission, notification, department],
      },
      { on: 'listingIndex', actions: ['dynamodb:Query'] },
      { on: 'stateMachine', actions: ['states:StartExecution'] },
    ],
  },
  proofOfNotificationPages: {
    entry: 'lambdas/web/proof-of-notification-pages.ts',
    description: 'Web pages: the proof of notification and its signed receipt',
    environment: ['TABLE_NAME', 'PUBLIC_BASE_URL', 'OIDC_ISSUER'],
    optionalEnvironment: ['RECEIPT_SIGNING_KEY_ARN'],
    access: [
      // Reads only: the submission, its notifications and their audit entries, the departments.
      {
        on: 'table',
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
        partitions: [webSession, submission, notification, department],
      },
      { on: 'listingIndex', actions: ['dynamodb:Query'] },
      // Signs receipts, as the API does.
      { on: 'receiptSigningKey', actions: ['kms:Sign', 'kms:GetPublicKey'] },
    ],
  },
  departmentPages: {
    entry: 'lambdas/web/department-pages.ts',
    description: 'Web pages: departments answer the changes awaiting them',
    environment: ['TABLE_NAME', 'STATE_MACHINE_ARN', 'PUBLIC_BASE_URL'],
    access: [
      // Its session, and answerNotification as the confirmation API does; a notification collected
      // when no workflow was working on it gets a run that awaits its answer.
      {
        on: 'table',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchGetItem'],
        partitions: [webSession, submission, notification, department],
      },
      { on: 'listingIndex', actions: ['dynamodb:Query'] },
      { on: 'stateMachine', actions: ['states:StartExecution', 'states:SendTaskSuccess'] },
    ],
  },
  operatorPages: {
    entry: 'lambdas/web/operator-pages.ts',
    description: 'Web pages: operators watch deliveries and redeliver',
    environment: ['TABLE_NAME', 'STATE_MACHINE_ARN'],
    optionalEnvironment: ['TUO_OPERATOR_TOKEN_SHA256', 'OPERATOR_ROLE_ARNS'],
    access: [
      // Its session, and redeliverNotification as POST /v1/notifications/{id}/redeliver does.
      {
        on: 'table',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        partitions: [webSession, submission, notification, department],
      },
      // The operator events, as GET /v1/operator/events lists them: read only.
      { on: 'table', actions: ['dynamodb:Query'], partitions: [operatorEvents] },
      { on: 'listingIndex', actions: ['dynamodb:Query'] },
      { on: 'stateMachine', actions: ['states:StartExecution'] },
    ],
  },
  receiptKeys: {
    entry: 'lambdas/api/receipt-keys-api.ts',
    description: 'Publishes the public key that verifies receipts (JWKS)',
    environment: [],
    optionalEnvironment: ['RECEIPT_SIGNING_KEY_ARN'],
    // Publishes the public key only: it cannot sign.
    access: [{ on: 'receiptSigningKey', actions: ['kms:GetPublicKey'] }],
  },
  webAssets: {
    entry: 'lambdas/web/static-assets.ts',
    description: "GOV.UK Frontend assets and the pages' script",
    environment: [],
    access: [],
  },
  fallback: {
    entry: 'lambdas/api/fallback-api.ts',
    description: 'Answers unknown routes and wrong methods',
    environment: ['API_ROUTE_KEYS'],
    access: [],
  },
  deliverNotification: {
    entry: 'lambdas/workflow/deliver-notification.ts',
    description: 'Sends one signed notification to a department, then waits for its answer',
    environment: ['TABLE_NAME', 'PUBLIC_BASE_URL'],
    optionalEnvironment: ['TUO_ALLOW_PRIVATE_WEBHOOKS', 'TUO_ALLOW_LOOPBACK_WEBHOOKS', 'TUO_TIME_SCALE'],
    access: [
      // The department's partition holds its endpoint health and send-rate window (`ENDPOINT`) too.
      // BatchGetItem: a delivery's notification, submission, personal data, department and endpoint in one request.
      // Its audit entries are written with the notification's own writes (UpdateItem): it puts no item there.
      {
        on: 'table',
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
        partitions: [notification, submission, department],
      },
      // Changes of endpoint health and FAILED notifications, for operators: only ever added.
      { on: 'table', actions: ['dynamodb:PutItem'], partitions: [operatorEvents] },
      // Its own task: resumed when there is nothing to wait for, failed with a delivery to retry.
      { on: 'stateMachine', actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'] },
    ],
  },
  expireNotification: {
    entry: 'lambdas/workflow/expire-notification.ts',
    description: 'Marks a notification whose department did not answer in time',
    environment: ['TABLE_NAME'],
    access: [
      { on: 'table', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], partitions: [notification, submission] },
    ],
  },
  finaliseSubmission: {
    entry: 'lambdas/workflow/finalise-submission.ts',
    description: 'Sets the final status of a submission and tells the citizen',
    environment: ['TABLE_NAME', 'RETENTION_SECONDS'],
    optionalEnvironment: ['CITIZEN_NOTIFIER', 'NOTIFY_FROM_ADDRESS', 'OUTBOX_DIR'],
    access: [
      // One BatchGetItem reads the submission, its personal data, notifications and departments.
      { on: 'table', actions: ['dynamodb:BatchGetItem'], partitions: [submission, notification, department] },
      // Conditional writes to the submission's partition only: the round's claim, the erasure's schedule, the status.
      { on: 'table', actions: ['dynamodb:UpdateItem'], partitions: [submission] },
      { on: 'citizenEmailSender', actions: ['ses:SendEmail'] },
    ],
  },
  eraseDuePersonalData: {
    entry: 'lambdas/maintenance/erase-due-personal-data.ts',
    description: 'Erases personal data after its retention period',
    environment: ['TABLE_NAME'],
    // The notifier settings: erasure also erases the local outbox's copies (SES keeps none).
    optionalEnvironment: ['CITIZEN_NOTIFIER', 'OUTBOX_DIR'],
    access: [
      // The submission, its corrections (Query: their fingerprints) and its trail (Query: the departments' free text).
      {
        on: 'table',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
        partitions: [submission],
      },
      // The departments' free text about the citizen on each notification.
      { on: 'table', actions: ['dynamodb:UpdateItem'], partitions: [notification] },
      { on: 'listingIndex', actions: ['dynamodb:Query'] },
    ],
  },
  reconcileSubmissions: {
    entry: 'lambdas/maintenance/reconcile-submissions.ts',
    description: 'Resumes the workflow of submissions whose execution ended before they were final',
    environment: ['TABLE_NAME', 'STATE_MACHINE_ARN'],
    access: [
      { on: 'table', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], partitions: [submission] },
      // A submission's notifications, read together to see which are not final yet.
      { on: 'table', actions: ['dynamodb:BatchGetItem'], partitions: [notification] },
      { on: 'listingIndex', actions: ['dynamodb:Query'] },
      { on: 'stateMachine', actions: ['states:StartExecution'] },
      { on: 'workflowExecutions', actions: ['states:DescribeExecution'] },
    ],
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionName = keyof typeof FUNCTIONS;

/**
 * Cold start: the function's environment, parsed with its declared schema. A missing or malformed
 * variable stops the function at once, naming the variable, instead of failing a request later.
 */
export function checkEnvironment(declaration: FunctionDeclaration, env: NodeJS.ProcessEnv = process.env): void {
  const shape = Object.fromEntries([
    ...declaration.environment.map((name) => [name, ENVIRONMENT_VARIABLES[name]]),
    ...(declaration.optionalEnvironment ?? []).map((name) => [name, z.optional(ENVIRONMENT_VARIABLES[name])]),
  ]);
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`${declaration.entry} cannot start: its environment is not as declared (${problems})`);
  }
}
