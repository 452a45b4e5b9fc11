import { Duration, Validations } from 'aws-cdk-lib';
import * as apigwv1 from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { CitizenSignInKey } from './citizen-sign-in-key';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { serviceLogGroup } from './service-log-group';
import { FUNCTIONS, type FunctionDeclaration } from '../lambdas/function-declarations';
import { grantDeclaredAccess } from './function-access';
import { OperatorAccess } from './operator-access';
import { ServiceFunction, type ServiceFunctionProps, type ServiceSettingValues } from './service-function';
import type { ReceiptSigningKey } from './receipt-signing-key';
import type { ServiceTable } from './service-table';
import type { IdentityProviderSettings } from './tell-us-once-stack';

export interface ApiThrottling {
  /** Steady-state requests per second, across all clients, on every route of the stage. */
  readonly rateLimit: number;
  /** Requests the stage absorbs at once above the steady rate. */
  readonly burstLimit: number;
}

export interface PublicApiProps {
  readonly table: ServiceTable;
  readonly stateMachine: sfn.IStateMachine;
  readonly settings: ServiceSettingValues;
  readonly encryptionKey: kms.IKey;
  /** Signs proofs of notification, for the API and the web pages; its public key is the JWKS. */
  readonly receiptSigningKey: ReceiptSigningKey;
  readonly identityProvider: IdentityProviderSettings;
  /** Signs the web pages' private_key_jwt assertions at the provider's token endpoint. */
  readonly signInKey: CitizenSignInKey;
  readonly throttling: ApiThrottling;
  /** The operator roles (context `operatorRoleArns`); the operator policy is attached to them. */
  readonly operatorRoleArns?: readonly string[];
}

/** `web`: the pages, which authenticate from their session cookie (docs/web.md). */
type Access = 'public' | 'citizen' | 'department' | 'operator' | 'web';

/** Why each kind of route has no API Gateway authorizer (cdk-nag AwsSolutions-APIG4). */
const UNAUTHORISED_ROUTE_REASONS: Partial<Record<Access, string>> = {
  public: 'Deliberately public (CONTRACT sections 4 and 11): the list of departments a citizen may choose, the OpenAPI document, and the public key (JWKS) anyone verifies receipts with.',
  web: 'Web pages (docs/web.md): browsers send no Authorization header, so the handler authenticates from the HttpOnly session cookie, which names a server-side session with an expiry (created once the OpenID provider signed the citizen in, or the department\'s API key was checked against its hash); sign-in pages, the sign-in callback (checked by state, PKCE and the ID token) and GOV.UK Frontend assets are public by nature.',
  department: 'Departments authenticate with an API key that the handler checks against its SHA-256 hash in the table (CONTRACT section 3); API Gateway HTTP APIs cannot check such keys without a Lambda authorizer doing the same lookup.',
};

/**
 * Each route's own throttle (API Gateway route settings), so a flood on one route (junk tokens at
 * the citizens' routes, say) answers 429 there and leaves every other route serving. Per client
 * limits are the edge firewall's (lib/edge-firewall.ts); these cap what all clients together send.
 */
const ROUTE_LIMITS: Record<Access, ApiThrottling> = {
  public: { rateLimit: 25, burstLimit: 50 },
  citizen: { rateLimit: 25, burstLimit: 50 },
  department: { rateLimit: 50, burstLimit: 100 },
  operator: { rateLimit: 10, burstLimit: 20 },
  web: { rateLimit: 25, burstLimit: 50 },
};
/** Reporting a move starts a workflow, and signing in is where credentials get guessed: both lower. */
const REPORT_LIMIT: ApiThrottling = { rateLimit: 10, burstLimit: 20 };
const SIGN_IN_LIMIT: ApiThrottling = { rateLimit: 5, burstLimit: 10 };

function routeLimit(method: string, path: string, access: Access): ApiThrottling {
  if (method === 'POST' && path.endsWith('/sign-in')) return SIGN_IN_LIMIT;
  if (method === 'POST' && path === '/v1/submissions') return REPORT_LIMIT;
  return ROUTE_LIMITS[access];
}

/**
 * The HTTP API of CONTRACT sections 4 to 6. Citizens' routes pass API Gateway's JWT authorizer
 * (the OIDC issuer and audience) and the handler verifies the token again (signature, issuer,
 * audience, expiry: the same code path as on one machine). Departments are authenticated by the
 * handler (hashed API key); operator routes use IAM. Anything else reaches the fallback handler,
 * so unknown routes and wrong methods answer problem+json too.
 */
export class PublicApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** What an operator may call: the IAM routes, and nothing else. */
  readonly operatorAccess: OperatorAccess;
  /** Every Lambda behind the API, for monitoring. */
  readonly functions: ServiceFunction[] = [];
  private readonly feedFunction: ServiceFunction;
  private readonly webPages: ServiceFunction;

  constructor(scope: Construct, id: string, props: PublicApiProps) {
    super(scope, id);
    const settings: ServiceSettingValues = {
      ...props.settings,
      STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
      RECEIPT_SIGNING_KEY_ARN: props.receiptSigningKey.key.keyArn,
    };
    const resources = {
      table: props.table,
      encryptionKey: props.encryptionKey,
      stateMachine: props.stateMachine,
      receiptSigningKey: props.receiptSigningKey.key,
      citizenSignInKey: props.signInKey.key,
    };
    const fn = (name: string, declaration: FunctionDeclaration, more: Partial<ServiceFunctionProps> = {}) => {
      const created = new ServiceFunction(this, name, { declaration, settings, encryptionKey: props.encryptionKey, ...more });
      grantDeclaredAccess(created, resources);
      return created;
    };
    const api = (name: string, declaration: FunctionDeclaration, more: Partial<ServiceFunctionProps> = {}) => {
      const created = fn(name, declaration, more);
      this.functions.push(created);
      return created;
    };

    const submissions = api('SubmissionsFunction', FUNCTIONS.submissionsApi);
    const departments = api('DepartmentsFunction', FUNCTIONS.departmentsApi);
    const notifications = api('NotificationsFunction', FUNCTIONS.notificationsApi);
    const openApi = api('OpenApiFunction', FUNCTIONS.openApi);
    // A feed read may hold the request up to 20 s (`wait`), within API Gateway's 30 s.
    // Not in `functions` (the throttling alarm takes at most 10 metrics); its faults count in the API's 5xx alarm.
    const feed = fn('FeedFunction', FUNCTIONS.feedApi, { timeout: Duration.seconds(28) });
    this.feedFunction = feed;

    // The web pages: server-rendered with GOV.UK Frontend, which the bundle carries (docs/web.md).
    const govukFrontend = ['node_modules/govuk-frontend/dist/govuk', 'govuk-frontend/govuk'] as const;
    const webPages = fn('WebPagesFunction', FUNCTIONS.webPages, {
      // Citizens sign in with the authorization code flow (docs/web.md); the key is a KMS key id, not a secret.
      settings: {
        ...settings,
        OIDC_CLIENT_ID: props.identityProvider.clientId,
        OIDC_CLIENT_KEY_ID: props.signInKey.key.keyArn,
        ...(props.identityProvider.redirectUri ? { OIDC_REDIRECT_URI: props.identityProvider.redirectUri } : {}),
      },
      bundleCopies: [['lambdas/web/templates', 'templates'], govukFrontend],
      // nunjucks loads chokidar only to watch templates, which a Lambda never does.
      externalModules: ['chokidar', 'fsevents'],
    });
    const webAssets = fn('WebAssetsFunction', FUNCTIONS.webAssets, {
      bundleCopies: [['lambdas/web/static', 'static'], govukFrontend],
      // Serves files only: no log, metric or trace of its own, so no Powertools layer.
      powertools: false,
    });
    const receiptKeys = fn('ReceiptKeysFunction', FUNCTIONS.receiptKeys);
    // Not in `functions`: the throttling alarm takes at most 10 metrics (lib/service-monitoring.ts);
    // the pages' faults still count in the API's 5xx alarm.
    this.webPages = webPages;

    const iam = new HttpIamAuthorizer();
    const jwt = new HttpJwtAuthorizer('CitizenJwt', props.identityProvider.issuer, {
      jwtAudience: [props.identityProvider.audience],
    });
    const routes: Array<[apigw.HttpMethod, string, ServiceFunction, Access]> = [
      [apigw.HttpMethod.POST, '/v1/submissions', submissions, 'citizen'],
      [apigw.HttpMethod.GET, '/v1/submissions/{submissionId}', submissions, 'citizen'],
      [apigw.HttpMethod.DELETE, '/v1/submissions/{submissionId}', submissions, 'citizen'],
      [apigw.HttpMethod.GET, '/v1/submissions/{submissionId}/events', submissions, 'citizen'],
      [apigw.HttpMethod.POST, '/v1/submissions/{submissionId}/corrections', submissions, 'citizen'],
      [apigw.HttpMethod.POST, '/v1/submissions/{submissionId}/withdrawal', submissions, 'citizen'],
      [apigw.HttpMethod.GET, '/v1/submissions/{submissionId}/receipt', submissions, 'citizen'],
      [apigw.HttpMethod.GET, '/.well-known/jwks.json', receiptKeys, 'public'],
      [apigw.HttpMethod.GET, '/v1/departments', departments, 'public'],
      [apigw.HttpMethod.PUT, '/v1/departments/{departmentId}', departments, 'operator'],
      [apigw.HttpMethod.GET, '/v1/departments/{departmentId}', departments, 'operator'],
      [apigw.HttpMethod.GET, '/v1/operator/events', departments, 'operator'],
      [apigw.HttpMethod.GET, '/v1/departments/{departmentId}/feed', feed, 'department'],
      [apigw.HttpMethod.POST, '/v1/departments/{departmentId}/signing-secrets', departments, 'operator'],
      [apigw.HttpMethod.POST, '/v1/departments/{departmentId}/api-keys', departments, 'operator'],
      [apigw.HttpMethod.GET, '/v1/departments/{departmentId}/changes', departments, 'operator'],
      [apigw.HttpMethod.GET, '/v1/departments/{departmentId}/notifications', notifications, 'department'],
      [apigw.HttpMethod.POST, '/v1/notifications/{notificationId}/confirmation', notifications, 'department'],
      [apigw.HttpMethod.POST, '/v1/notifications/{notificationId}/redeliver', notifications, 'operator'],
      [apigw.HttpMethod.GET, '/openapi.json', openApi, 'public'],
      [apigw.HttpMethod.GET, '/assets/{proxy+}', webAssets, 'web'],
      // Citizen pages: each handler finds the citizen's server-side session from the session cookie.
      [apigw.HttpMethod.GET, '/', webPages, 'web'],
      [apigw.HttpMethod.GET, '/sign-in', webPages, 'web'],
      [apigw.HttpMethod.GET, '/sign-in/callback', webPages, 'web'],
      [apigw.HttpMethod.POST, '/sign-out', webPages, 'web'],
      [apigw.HttpMethod.GET, '/signed-out', webPages, 'web'],
      [apigw.HttpMethod.GET, '/journey/{step}', webPages, 'web'],
      [apigw.HttpMethod.POST, '/journey/{step}', webPages, 'web'],
      [apigw.HttpMethod.GET, '/submissions/{submissionId}', webPages, 'web'],
      [apigw.HttpMethod.GET, '/submissions/{submissionId}/confirmation', webPages, 'web'],
      [apigw.HttpMethod.GET, '/submissions/{submissionId}/progress', webPages, 'web'],
      [apigw.HttpMethod.GET, '/submissions/{submissionId}/correct', webPages, 'web'],
      [apigw.HttpMethod.POST, '/submissions/{submissionId}/correct', webPages, 'web'],
      [apigw.HttpMethod.GET, '/submissions/{submissionId}/correct/{step}', webPages, 'web'],
      [apigw.HttpMethod.POST, '/submissions/{submissionId}/correct/{step}', webPages, 'web'],
      [apigw.HttpMethod.GET, '/submissions/{submissionId}/withdraw', webPages, 'web'],
      [apigw.HttpMethod.POST, '/submissions/{submissionId}/withdraw', webPages, 'web'],
      [apigw.HttpMethod.GET, '/submissions/{submissionId}/proof', webPages, 'web'],
      [apigw.HttpMethod.GET, '/submissions/{submissionId}/proof/receipt', webPages, 'web'],
      // Department pages: the handler finds the department's server-side session from the session cookie.
      [apigw.HttpMethod.GET, '/department', webPages, 'web'],
      [apigw.HttpMethod.GET, '/department/sign-in', webPages, 'web'],
      [apigw.HttpMethod.POST, '/department/sign-in', webPages, 'web'],
      [apigw.HttpMethod.POST, '/department/sign-out', webPages, 'web'],
      [apigw.HttpMethod.POST, '/department/notifications/{notificationId}', webPages, 'web'],
      // Operator pages: IAM, like the operator API (docs/web.md); signing in and out is public.
      [apigw.HttpMethod.GET, '/operator', webPages, 'operator'],
      [apigw.HttpMethod.POST, '/operator/notifications/{notificationId}/redeliver', webPages, 'operator'],
      [apigw.HttpMethod.GET, '/operator/sign-in', webPages, 'web'],
      [apigw.HttpMethod.POST, '/operator/sign-in', webPages, 'web'],
      [apigw.HttpMethod.POST, '/operator/sign-out', webPages, 'web'],
    ];
    // Answers 404 problem+json and nothing else: no Powertools layer.
    const fallback = api('FallbackFunction', FUNCTIONS.fallback, { powertools: false });
    fallback.useSettings({ API_ROUTE_KEYS: JSON.stringify(routes.map(([method, path]) => `${method} ${path}`)) });

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Tell Us Once public API',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('Fallback', fallback),
    });
    const accessLogs = serviceLogGroup(this, 'AccessLogs', props.encryptionKey);
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttling,
      // Ids, routes, statuses and timings only: no addresses, tokens or bodies.
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: apigwv1.AccessLogFormat.custom(JSON.stringify({
          requestId: '$context.requestId',
          requestTime: '$context.requestTime',
          routeKey: '$context.routeKey',
          status: '$context.status',
          responseLength: '$context.responseLength',
          responseLatency: '$context.responseLatency',
          integrationStatus: '$context.integrationStatus',
          integrationError: '$context.integrationErrorMessage',
          authorizerError: '$context.authorizer.error',
        })),
      },
    });

    Validations.of(this.httpApi.node.findChild('DefaultRoute')).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The $default route only answers 404 or 405 problem+json for unknown routes and wrong methods; it reads and changes nothing.',
    });

    const integrations = new Map<ServiceFunction, HttpLambdaIntegration>();
    const integrationFor = (target: ServiceFunction) => {
      let integration = integrations.get(target);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${target.node.id}Integration`, target);
        integrations.set(target, integration);
      }
      return integration;
    };
    const stage = this.stage.node.defaultChild as apigw.CfnStage;
    // A JSON map in CloudFormation's own spelling: CDK passes it through unconverted.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const [method, path, target, access] of routes) {
      const added = this.httpApi.addRoutes({
        path,
        methods: [method],
        integration: integrationFor(target),
        authorizer: access === 'operator' ? iam : access === 'citizen' ? jwt : undefined,
      });
      const reason = UNAUTHORISED_ROUTE_REASONS[access];
      if (reason) for (const route of added) Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason });
      const { rateLimit, burstLimit } = routeLimit(method, path, access);
      routeSettings[`${method} ${path}`] = { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit };
      // Route settings name routes by key: the stage must come after them, or the deployment fails.
      for (const route of added) stage.node.addDependency(route);
    }
    stage.routeSettings = routeSettings;
    this.operatorAccess = new OperatorAccess(this, 'OperatorAccess', {
      httpApi: this.httpApi,
      routes: routes.filter(([, , , access]) => access === 'operator').map(([method, path]) => ({ method, path })),
      operatorRoleArns: props.operatorRoleArns,
    });
  }

  /** Where departments answer: confirmation URLs handed out by the API start with it; receipts name it as their issuer. */
  usePublicBaseUrl(url: string): void {
    for (const fn of [...this.functions, this.webPages, this.feedFunction]) fn.useSettings({ PUBLIC_BASE_URL: url });
  }
}
