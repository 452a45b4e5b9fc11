import { App } from 'aws-cdk-lib';
import { TellUsOnceStack } from './tell-us-once-stack';

/**
 * Composes the app from its context. `bin/` (cdk synth/deploy) and the one-machine runtime both
 * call this, so they synthesize the same stack and the same state machine.
 */
export function composeTellUsOnceApp(app: App): TellUsOnceStack {
  const context = (key: string, fallback: string) => (app.node.tryGetContext(key) as string | undefined) ?? fallback;
  return new TellUsOnceStack(app, context('stackName', 'TellUsOnce'), {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    publicBaseUrl: app.node.tryGetContext('publicBaseUrl') as string | undefined,
    retentionDays: app.node.tryGetContext('retentionDays') !== undefined ? Number(app.node.tryGetContext('retentionDays')) : undefined,
    notifyFromAddress: app.node.tryGetContext('notifyFromAddress') as string | undefined,
    identityProvider: {
      // GOV.UK One Login by default; set the audience to the client id the service is registered under.
      issuer: context('oidcIssuer', 'https://oidc.account.gov.uk/'),
      audience: context('oidcAudience', 'tell-us-once'),
      jwksUrl: context('oidcJwksUrl', 'https://oidc.account.gov.uk/.well-known/jwks.json'),
    },
  });
}
