import { Duration, Validations } from 'aws-cdk-lib';
import * as apigwv1 from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { serviceLogGroup } from './service-log-group';
import { FUNCTIONS, type FunctionDeclaration } from '../lambdas/function-declarations';
import { httpFunctionFactory, type HttpFunctionProps } from './http-function';
import { OperatorAccess } from './operator-access';
import type { ServiceFunction } from './service-function';
import type { IdentityProviderSettings } from './tell-us-once-stack';

export interface ApiThrottling {
  /** Steady-state requests per second, across all clients, on every route of the stage. */
  readonly rateLimit: number;
  /** Requests the stage absorbs at once above the steady rate. */
  readonly burstLimit: number;
}

export interface PublicApiProps extends HttpFunctionProps {
  /** The citizens' routes pass API Gateway's JWT authorizer for this issuer and audience. */
  readonly identityProvider: IdentityProviderSettings;
  readonly throttling: ApiThrottling;
  /** The operator roles (context `operatorRoleArns`); the operator policy is attached to them. */
  readonly operatorRoleArns?: readonly string[];
  /** Routes of other constructs this API serves too (the web pages, lib/web-pages.ts). */
  readonly moreRoutes?: readonly PublicRoute[];
}

/** Who may call a route; `web`: the pages, which authenticate from their session cookie (docs/web.md). */
export type RouteAccess = 'public' | 'citizen' | 'department' | 'operator' | 'web';

/** A route of the HTTP API: its method and path, the function that serves it, who may call it. */
export type PublicRoute = readonly [apigw.HttpMethod, string, ServiceFunction, RouteAccess];

/** Why each kind of route has no API Gateway authorizer (cdk-nag AwsSolutions-APIG4). */
const UNAUTHORISED_ROUTE_REASONS: Partial<Record<RouteAccess, string>> = {
  public:
    'Deliberately public (CONTRACT sections 4 and 11): the list of departments a citizen may choose, the OpenAPI document, and the public key (JWKS) anyone verifies receipts with.',
  web: "Web pages (docs/web.md): browsers send no Authorization header, so the handler authenticates from the HttpOnly session cookie, which names a server-side session with an expiry (created once the OpenID provider signed the citizen in, or the department's API key was checked against its hash); sign-in pages, the sign-in callback (checked by state, PKCE and the ID token) and GOV.UK Frontend assets are public by nature.",
  department:
    'Departments authenticate with an API key that the handler checks against its SHA-256 hash in the table (CONTRACT section 3); API Gateway HTTP APIs cannot check such keys without a Lambda authorizer doing the same lookup.',
};

/**
 * Each route's own throttle (API Gateway route settings), so a flood on one route (junk tokens at
 * the citizens' routes, say) answers 429 there and leaves every other route serving. Per client
 * limits are the edge firewall's (lib/edge-firewall.ts); these cap what all clients together send.
 */
const ROUTE_LIMITS: Record<RouteAccess, ApiThrottling> = {
  public: { rateLimit: 25, burstLimit: 50 },
  citizen: { rateLimit: 25, burstLimit: 50 },
  department: { rateLimit: 50, burstLimit: 100 },
  operator: { rateLimit: 10, burstLimit: 20 },
  web: { rateLimit: 25, burstLimit: 50 },
};
/** Reporting a move starts a workflow, and signing in is where credentials get guessed: both lower. */
const REPORT_LIMIT: ApiThrottling = { rateLimit: 10, burstLimit: 20 };
const SIGN_IN_LIMIT: ApiThrottling = { rateLimit: 5, burstLimit: 10 };

function routeLimit(method: string, path: string, access: RouteAccess): ApiThrottling {
  if (method === 'POST' && path.endsWith('/sign-in')) return SIGN_IN_LIMIT;
  if (method === 'POST' && path === '/v1/submissions') return REPORT_LIMIT;
  return ROUTE_LIMITS[access];
}

/**
 * The HTTP API of CONTRACT sections 4 to 6, with its functions and routes, and the one API Gateway
 * HTTP API that serves them and the web pages' routes (`moreRoutes`): every route is wired here the
 * same way (authoriser by access, its own throttle, the cdk-nag reason for no authoriser). Citizens' routes pass API Gateway's JWT authorizer
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

  constructor(scope: Construct, id: string, props: PublicApiProps) {
    super(scope, id);
    const fn = httpFunctionFactory(this, props);
    const api = (name: string, declaration: FunctionDeclaration) => {
      const created = fn(name, declaration);
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
    const receiptKeys = fn('ReceiptKeysFunction', FUNCTIONS.receiptKeys);

    const iam = new HttpIamAuthorizer();
    const jwt = new HttpJwtAuthorizer('CitizenJwt', props.identityProvider.issuer, {
      jwtAudience: [props.identityProvider.audience],
    });
    const routes: PublicRoute[] = [
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
      ...(props.moreRoutes ?? []),
    ];
    const fallback = api('FallbackFunction', FUNCTIONS.fallback);
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
        format: apigwv1.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
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
    for (const fn of [...this.functions, this.feedFunction]) fn.useSettings({ PUBLIC_BASE_URL: url });
  }
}
