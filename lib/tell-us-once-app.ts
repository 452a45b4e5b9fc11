import { App } from 'aws-cdk-lib';
import { EdgeFirewallStack } from './edge-firewall';
import { TellUsOnceStack } from './tell-us-once-stack';

/** Defaults of the numeric context parameters (docs/deploy.md explains each). */
export const DEFAULT_LIMITS = {
  /** Requests per second, steady, across all clients. */
  apiThrottleRateLimit: 50,
  /** Requests absorbed at once above the steady rate. */
  apiThrottleBurstLimit: 100,
  /** Deliveries to departments in flight at once, across all submissions. */
  deliveryConcurrency: 10,
  /** Requests one client IP address may send in any 5 minutes (AWS WAF rate-based rule; at least 10). */
  wafRequestsPerIpPer5Minutes: 1000,
} as const;

/**
 * Composes the app from its context. `bin/` (cdk synth/deploy) and the one-machine runtime both
 * call this, so they synthesize the same stack and the same state machine.
 */
export function composeTellUsOnceApp(app: App): TellUsOnceStack {
  const context = (key: string, fallback: string) => (app.node.tryGetContext(key) as string | undefined) ?? fallback;
  const positiveInteger = (key: keyof typeof DEFAULT_LIMITS) => {
    const value = Number(context(key, String(DEFAULT_LIMITS[key])));
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`Context ${key} must be a whole number of at least 1, not ${context(key, '')}`);
    return value;
  };
  const stackName = context('stackName', 'TellUsOnce');
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  // On by default; `-c edgeProtection=false` leaves CloudFront and AWS WAF out for a quick trial.
  const edgeProtection = !['false', false].includes(app.node.tryGetContext('edgeProtection'));
  if (edgeProtection) {
    const requestsPerIpPer5Minutes = positiveInteger('wafRequestsPerIpPer5Minutes');
    if (requestsPerIpPer5Minutes < 10) throw new Error('Context wafRequestsPerIpPer5Minutes must be at least 10 (the AWS WAF minimum)');
    new EdgeFirewallStack(app, `${stackName}Firewall`, {
      env,
      requestsPerIpPer5Minutes,
      description: `AWS WAF web ACL in front of ${stackName} (CloudFront scope, us-east-1)`,
    });
  }
  return new TellUsOnceStack(app, stackName, {
    env,
    edgeProtection,
    publicBaseUrl: app.node.tryGetContext('publicBaseUrl') as string | undefined,
    retentionDays: app.node.tryGetContext('retentionDays') !== undefined ? Number(app.node.tryGetContext('retentionDays')) : undefined,
    notifyFromAddress: app.node.tryGetContext('notifyFromAddress') as string | undefined,
    allowPrivateWebhooks: ['true', true].includes(app.node.tryGetContext('allowPrivateWebhooks')),
    identityProvider: {
      // GOV.UK One Login by default; set the audience to the client id the service is registered under.
      issuer: context('oidcIssuer', 'https://oidc.account.gov.uk/'),
      audience: context('oidcAudience', 'tell-us-once'),
      jwksUrl: context('oidcJwksUrl', 'https://oidc.account.gov.uk/.well-known/jwks.json'),
      // The web pages' client id at One Login: the audience of its ID tokens, so the same by default.
      clientId: context('oidcClientId', context('oidcAudience', 'tell-us-once')),
      redirectUri: app.node.tryGetContext('oidcRedirectUri') as string | undefined,
    },
    apiThrottling: { rateLimit: positiveInteger('apiThrottleRateLimit'), burstLimit: positiveInteger('apiThrottleBurstLimit') },
    deliveryConcurrency: positiveInteger('deliveryConcurrency'),
    alarmEmail: app.node.tryGetContext('alarmEmail') as string | undefined,
    operatorRoleArns: operatorRoleArns(app.node.tryGetContext('operatorRoleArns')),
  });
}

/** Context `operatorRoleArns`: a JSON array or a comma-separated list of IAM role ARNs. */
function operatorRoleArns(value: unknown): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const list = Array.isArray(value) ? value : String(value).trim().startsWith('[') ? JSON.parse(String(value)) : String(value).split(',');
  const arns = (list as unknown[]).map((arn) => String(arn).trim()).filter(Boolean);
  for (const arn of arns) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn)) throw new Error(`Context operatorRoleArns: ${arn} is not an IAM role ARN`);
  }
  return arns;
}
