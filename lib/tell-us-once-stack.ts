import { CfnOutput, CfnParameter, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DEFAULT_RETENTION_DAYS } from '../lambdas/function-declarations';
import { CitizenSignInKey } from './citizen-sign-in-key';
import { ServiceEncryptionKey } from './encryption-key';
import { NotificationWorkflow } from './notification-workflow';
import { EDGE_FIREWALL_REGION } from './edge-firewall';
import { PublicApi, type ApiThrottling } from './public-api';
import { PublicDistribution } from './public-distribution';
import { ReceiptSigningKey } from './receipt-signing-key';
import { RetentionSweeper } from './retention-sweeper';
import type { ServiceSettingValues } from './service-function';
import { ServiceMonitoring } from './service-monitoring';
import { ServiceTable } from './service-table';
import { SubmissionReconciler } from './submission-reconciler';
import { TraceSampling } from './trace-sampling';
import { WebPages } from './web-pages';

export interface IdentityProviderSettings {
  /** OpenID Connect issuer whose tokens identify citizens (GOV.UK One Login in production). */
  readonly issuer: string;
  /** The audience (client id) tokens must be issued for. */
  readonly audience: string;
  /** Where the issuer publishes its signing keys. */
  readonly jwksUrl: string;
  /** The client id the web pages sign citizens in with (authorization code flow). */
  readonly clientId: string;
  /** Where the provider sends citizens back; `<publicBaseUrl>/sign-in/callback` when not given. */
  readonly redirectUri?: string;
}

export interface TellUsOnceStackProps extends StackProps {
  readonly identityProvider: IdentityProviderSettings;
  /** The API's public address (a custom domain); the API Gateway endpoint when not given. */
  readonly publicBaseUrl?: string;
  /** The API stage's default throttling. */
  readonly apiThrottling: ApiThrottling;
  /** How many deliveries to departments may run at once (reserved concurrency of the delivery Lambda). */
  readonly deliveryConcurrency: number;
  /** Where alarms are emailed (an SNS email subscription); alarms go to the SNS topic either way. */
  readonly alarmEmail?: string;
  /** Days personal data is kept after a submission is final (default DEFAULT_RETENTION_DAYS). */
  readonly retentionDays?: number;
  /** A verified SES sender; when given, citizens are emailed the outcome of their report. */
  readonly notifyFromAddress?: string;
  /** The operator's explicit choice to let departments' webhooks be in private address ranges (e.g. over a VPN). */
  readonly allowPrivateWebhooks?: boolean;
  /**
   * The IAM roles whose sessions are operators. IAM lets any principal with execute-api:Invoke
   * call the operator routes; the handlers then refuse every caller whose role is not listed.
   */
  readonly operatorRoleArns?: string[];
  /**
   * CloudFront and AWS WAF in front of the API (default). The web ACL lives in us-east-1 (the edge
   * firewall stack), so its ARN reaches this stack as the `WebAclArn` parameter at deployment.
   * Off only for a quick trial: then clients call API Gateway directly.
   */
  readonly edgeProtection?: boolean;
}

/** Composes the service: its keys, one table, the notification workflow, the public API and the web pages, their upkeep and monitoring. */
export class TellUsOnceStack extends Stack {
  constructor(scope: Construct, id: string, props: TellUsOnceStackProps) {
    super(scope, id, props);
    const { key: encryptionKey } = new ServiceEncryptionKey(this, 'EncryptionKey');
    const data = new ServiceTable(this, 'Data', { encryptionKey });
    // No secret is ever put in the environment: departments' signing secrets live in the
    // (CMK-encrypted) table and are read when a notification is signed.
    // Each function is given the settings it declares (lambdas/function-declarations.ts).
    const settings: ServiceSettingValues = {
      TABLE_NAME: data.table.tableName,
      RETENTION_SECONDS: String((props.retentionDays ?? DEFAULT_RETENTION_DAYS) * 24 * 3600),
      ...(props.allowPrivateWebhooks ? { TUO_ALLOW_PRIVATE_WEBHOOKS: 'true' } : {}),
      ...(props.operatorRoleArns?.length ? { OPERATOR_ROLE_ARNS: props.operatorRoleArns.join(',') } : {}),
      OIDC_ISSUER: props.identityProvider.issuer,
      OIDC_AUDIENCE: props.identityProvider.audience,
      OIDC_JWKS_URL: props.identityProvider.jwksUrl,
    };
    const workflow = new NotificationWorkflow(this, 'Workflow', {
      table: data,
      settings,
      encryptionKey,
      deliveryConcurrency: props.deliveryConcurrency,
      notifyFromAddress: props.notifyFromAddress,
    });
    const receiptSigningKey = new ReceiptSigningKey(this, 'ReceiptSigning');
    const signInKey = new CitizenSignInKey(this, 'CitizenSignIn');
    // The API and the web pages: functions built alike, routes served by the API's one HTTP API.
    const served = { table: data, receiptSigningKey, stateMachine: workflow.stateMachine, settings, encryptionKey };
    const web = new WebPages(this, 'Web', { ...served, identityProvider: props.identityProvider, signInKey });
    const api = new PublicApi(this, 'Api', {
      ...served,
      identityProvider: props.identityProvider,
      throttling: props.apiThrottling,
      operatorRoleArns: props.operatorRoleArns,
      moreRoutes: web.routes,
    });
    let edge: PublicDistribution | undefined;
    if (props.edgeProtection ?? true) {
      const webAclArn = new CfnParameter(this, 'WebAclArn', {
        type: 'String',
        description: 'The WebAclArn output of the edge firewall stack (AWS WAF for CloudFront lives in us-east-1)',
        allowedPattern: `^arn:aws:wafv2:${EDGE_FIREWALL_REGION}:[0-9]{12}:global/webacl/.+$`,
        constraintDescription: 'must be the ARN of a CloudFront-scope AWS WAF web ACL (in us-east-1)',
      });
      edge = new PublicDistribution(this, 'Edge', { httpApi: api.httpApi, webAclArn: webAclArn.valueAsString });
    }
    const publicBaseUrl = props.publicBaseUrl ?? (edge ? `https://${edge.distribution.distributionDomainName}` : api.httpApi.apiEndpoint);
    workflow.usePublicBaseUrl(publicBaseUrl);
    api.usePublicBaseUrl(publicBaseUrl);
    web.usePublicBaseUrl(publicBaseUrl);
    new RetentionSweeper(this, 'Retention', { table: data, settings, encryptionKey });
    new SubmissionReconciler(this, 'Recovery', { table: data, stateMachine: workflow.stateMachine, settings, encryptionKey });
    new TraceSampling(this, 'Tracing');
    const monitoring = new ServiceMonitoring(this, 'Monitoring', {
      httpApi: api.httpApi,
      stateMachine: workflow.stateMachine,
      functions: [...api.functions, ...workflow.functions],
      encryptionKey,
      alarmEmail: props.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: api.httpApi.apiEndpoint });
    new CfnOutput(this, 'PublicUrl', { value: publicBaseUrl, description: 'Where citizens, departments and operators reach the service' });
    // Its public key is what the service registers with GOV.UK One Login (docs/deploy.md).
    new CfnOutput(this, 'CitizenSignInKeyArn', { value: signInKey.key.keyArn });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: monitoring.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: monitoring.dashboard.dashboardName });
  }
}
