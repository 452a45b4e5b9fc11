import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { NotificationWorkflow } from './notification-workflow';
import { PublicApi } from './public-api';
import { RetentionSweeper } from './retention-sweeper';
import { ServiceTable } from './service-table';

export interface IdentityProviderSettings {
  /** OpenID Connect issuer whose tokens identify citizens (GOV.UK One Login in production). */
  readonly issuer: string;
  /** The audience (client id) tokens must be issued for. */
  readonly audience: string;
  /** Where the issuer publishes its signing keys. */
  readonly jwksUrl: string;
}

export interface TellUsOnceStackProps extends StackProps {
  readonly identityProvider: IdentityProviderSettings;
  /** The API's public address (a custom domain); the API Gateway endpoint when not given. */
  readonly publicBaseUrl?: string;
  /** Days personal data is kept after a submission is final (default 30). */
  readonly retentionDays?: number;
  /** A verified SES sender; when given, citizens are emailed the outcome of their report. */
  readonly notifyFromAddress?: string;
}

/** Composes the service: one table, the notification workflow and the public API. */
export class TellUsOnceStack extends Stack {
  constructor(scope: Construct, id: string, props: TellUsOnceStackProps) {
    super(scope, id, props);
    const { table } = new ServiceTable(this, 'Data');
    const environment: Record<string, string> = {
      TABLE_NAME: table.tableName,
      RETENTION_SECONDS: String((props.retentionDays ?? 30) * 24 * 3600),
      OIDC_ISSUER: props.identityProvider.issuer,
      OIDC_AUDIENCE: props.identityProvider.audience,
      OIDC_JWKS_URL: props.identityProvider.jwksUrl,
    };
    const workflow = new NotificationWorkflow(this, 'Workflow', { table, environment, notifyFromAddress: props.notifyFromAddress });
    const api = new PublicApi(this, 'Api', { table, stateMachine: workflow.stateMachine, environment });
    const publicBaseUrl = props.publicBaseUrl ?? api.httpApi.apiEndpoint;
    workflow.usePublicBaseUrl(publicBaseUrl);
    api.usePublicBaseUrl(publicBaseUrl);
    new RetentionSweeper(this, 'Retention', { table, environment });

    new CfnOutput(this, 'ApiUrl', { value: api.httpApi.apiEndpoint });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
  }
}
