import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ServiceFunction } from './service-function';

export interface PublicApiProps {
  readonly table: dynamodb.ITable;
  readonly stateMachine: sfn.IStateMachine;
  readonly environment: Record<string, string>;
}

type Access = 'public' | 'citizen' | 'department' | 'operator';

/**
 * The HTTP API of CONTRACT sections 4 to 6. Citizens and departments are authenticated by the
 * handlers themselves (JWT and hashed API key); operator routes use IAM. Anything else reaches
 * the fallback handler, so unknown routes and wrong methods answer problem+json too.
 */
export class PublicApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  private readonly functions: ServiceFunction[] = [];

  constructor(scope: Construct, id: string, props: PublicApiProps) {
    super(scope, id);
    const environment = { ...props.environment, STATE_MACHINE_ARN: props.stateMachine.stateMachineArn };
    const fn = (name: string, entry: string, description: string) => {
      const created = new ServiceFunction(this, name, { entry, description, environment });
      this.functions.push(created);
      return created;
    };

    const submissions = fn('SubmissionsFunction', 'lambdas/api/submissions-api.ts', 'Citizens report a change and follow its progress');
    const departments = fn('DepartmentsFunction', 'lambdas/api/departments-api.ts', 'Operators register departments; anyone lists them');
    const notifications = fn('NotificationsFunction', 'lambdas/api/notifications-api.ts', 'Departments answer notifications');

    // The web pages: server-rendered with GOV.UK Frontend, which the bundle carries (docs/web.md).
    const govukFrontend = ['node_modules/govuk-frontend/dist/govuk', 'govuk-frontend/govuk'] as const;
    const webPages = new ServiceFunction(this, 'WebPagesFunction', {
      entry: 'lambdas/web/web-pages.ts',
      description: 'Web pages for citizens, departments and operators',
      environment,
      bundleCopies: [['lambdas/web/templates', 'templates'], govukFrontend],
      // nunjucks loads chokidar only to watch templates, which a Lambda never does.
      externalModules: ['chokidar', 'fsevents'],
    });
    const webAssets = new ServiceFunction(this, 'WebAssetsFunction', {
      entry: 'lambdas/web/static-assets.ts',
      description: 'GOV.UK Frontend assets and the pages\' script',
      bundleCopies: [['lambdas/web/static', 'static'], govukFrontend],
    });

    this.functions.push(webPages);
    props.table.grantReadWriteData(webPages);
    // The pages send reports, pass departments' answers on and ask for redelivery, as the API does.
    props.stateMachine.grantStartExecution(webPages);
    props.stateMachine.grantTaskResponse(webPages);
    props.table.grantReadWriteData(submissions);
    props.table.grantReadWriteData(departments);
    props.table.grantReadWriteData(notifications);
    props.stateMachine.grantStartExecution(submissions);
    props.stateMachine.grantTaskResponse(notifications);
    props.stateMachine.grantStartExecution(notifications); // Redelivery runs the same workflow.

    const iam = new HttpIamAuthorizer();
    const routes: Array<[apigw.HttpMethod, string, ServiceFunction, Access]> = [
      [apigw.HttpMethod.POST, '/v1/submissions', submissions, 'citizen'],
      [apigw.HttpMethod.GET, '/v1/submissions/{submissionId}', submissions, 'citizen'],
      [apigw.HttpMethod.DELETE, '/v1/submissions/{submissionId}', submissions, 'citizen'],
      [apigw.HttpMethod.GET, '/v1/submissions/{submissionId}/events', submissions, 'citizen'],
      [apigw.HttpMethod.GET, '/v1/departments', departments, 'public'],
      [apigw.HttpMethod.PUT, '/v1/departments/{departmentId}', departments, 'operator'],
      [apigw.HttpMethod.POST, '/v1/departments/{departmentId}/signing-secrets', departments, 'operator'],
      [apigw.HttpMethod.GET, '/v1/departments/{departmentId}/notifications', notifications, 'department'],
      [apigw.HttpMethod.POST, '/v1/notifications/{notificationId}/confirmation', notifications, 'department'],
      [apigw.HttpMethod.POST, '/v1/notifications/{notificationId}/redeliver', notifications, 'operator'],
      [apigw.HttpMethod.GET, '/assets/{proxy+}', webAssets, 'public'],
      // Citizen pages: each handler verifies the citizen's token from the session cookie.
      [apigw.HttpMethod.GET, '/', webPages, 'public'],
      [apigw.HttpMethod.GET, '/sign-in', webPages, 'public'],
      [apigw.HttpMethod.POST, '/sign-in', webPages, 'public'],
      [apigw.HttpMethod.POST, '/sign-out', webPages, 'public'],
      [apigw.HttpMethod.GET, '/journey/{step}', webPages, 'public'],
      [apigw.HttpMethod.POST, '/journey/{step}', webPages, 'public'],
      [apigw.HttpMethod.GET, '/submissions/{submissionId}', webPages, 'public'],
      [apigw.HttpMethod.GET, '/submissions/{submissionId}/confirmation', webPages, 'public'],
      [apigw.HttpMethod.GET, '/submissions/{submissionId}/progress', webPages, 'public'],
      // Department pages: the handler verifies the department's API key from its session cookie.
      [apigw.HttpMethod.GET, '/department', webPages, 'public'],
      [apigw.HttpMethod.GET, '/department/sign-in', webPages, 'public'],
      [apigw.HttpMethod.POST, '/department/sign-in', webPages, 'public'],
      [apigw.HttpMethod.POST, '/department/sign-out', webPages, 'public'],
      [apigw.HttpMethod.POST, '/department/notifications/{notificationId}', webPages, 'public'],
      // Operator pages: IAM, like the operator API (docs/web.md); signing in and out is public.
      [apigw.HttpMethod.GET, '/operator', webPages, 'operator'],
      [apigw.HttpMethod.POST, '/operator/notifications/{notificationId}/redeliver', webPages, 'operator'],
      [apigw.HttpMethod.GET, '/operator/sign-in', webPages, 'public'],
      [apigw.HttpMethod.POST, '/operator/sign-in', webPages, 'public'],
      [apigw.HttpMethod.POST, '/operator/sign-out', webPages, 'public'],
    ];
    const fallback = new ServiceFunction(this, 'FallbackFunction', {
      entry: 'lambdas/api/fallback-api.ts',
      description: 'Answers unknown routes and wrong methods',
      environment: { API_ROUTE_KEYS: JSON.stringify(routes.map(([method, path]) => `${method} ${path}`)) },
    });

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Tell Us Once public API',
      createDefaultStage: true,
      defaultIntegration: new HttpLambdaIntegration('Fallback', fallback),
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
    for (const [method, path, target, access] of routes) {
      this.httpApi.addRoutes({
        path,
        methods: [method],
        integration: integrationFor(target),
        authorizer: access === 'operator' ? iam : undefined,
      });
    }
  }

  /** Where departments answer: confirmation URLs handed out by the API start with it. */
  usePublicBaseUrl(url: string): void {
    for (const fn of this.functions) fn.addEnvironment('PUBLIC_BASE_URL', url);
  }
}
