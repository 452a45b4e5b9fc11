import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { NotificationWorkflow } from './notification-workflow';
import { PublicApi } from './public-api';
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
}

/** Composes the service: one table, the notification workflow and the public API. */
export class TellUsOnceStack extends Stack {
  constructor(scope: Construct, id: string, props: TellUsOnceStackProps) {
    super(scope, id, props);
    const { table } = new ServiceTable(this, 'Data');
    const environment = {
      TABLE_NAME: table.tableName,
      OIDC_ISSUER: props.identityProvider.issuer,
      OIDC_AUDIENCE: props.identityProvider.audience,
      OIDC_JWKS_URL: props.identityProvider.jwksUrl,
    };
    const workflow = new NotificationWorkflow(this, 'Workflow', { table, environment });
    const api = new PublicApi(this, 'Api', { table, stateMachine: workflow.stateMachine, environment });
    workflow.usePublicBaseUrl(props.publicBaseUrl ?? api.httpApi.apiEndpoint);

    new CfnOutput(this, 'ApiUrl', { value: api.httpApi.apiEndpoint });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
  }
}
