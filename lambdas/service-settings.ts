import { ENVIRONMENT_VARIABLES, type EnvironmentVariable } from './function-declarations';

/**
 * Settings every handler reads from its environment, each parsed by its one declaration
 * (lambdas/function-declarations.ts). The same names are set by CDK on AWS and by the one-machine
 * runtime, so handlers never know where they run.
 */
function read(name: EnvironmentVariable): unknown {
  const parsed = ENVIRONMENT_VARIABLES[name].safeParse(process.env[name]);
  if (!parsed.success) throw new Error(`Environment variable ${name} is not set or not valid`);
  return parsed.data;
}

export const serviceSettings = {
  get tableName() {
    return read('TABLE_NAME') as string;
  },
  get stateMachineArn() {
    return read('STATE_MACHINE_ARN') as string;
  },
  /** Base URL departments use to answer, e.g. `https://api.example`; without a trailing slash. */
  get publicBaseUrl() {
    return read('PUBLIC_BASE_URL') as string;
  },
  /** Multiplies every retry interval and wait of the workflow (one machine only; 1 on AWS). */
  get timeScale() {
    return read('TUO_TIME_SCALE') as number;
  },
  /** One machine: departments may be reached over http on loopback. */
  get allowLoopbackWebhooks() {
    return read('TUO_ALLOW_LOOPBACK_WEBHOOKS') as boolean;
  },
  /** Explicit operator choice to allow webhook targets in private address ranges. */
  get allowPrivateWebhooks() {
    return read('TUO_ALLOW_PRIVATE_WEBHOOKS') as boolean;
  },
  /** How long personal data is kept after a submission is final. */
  get retentionSeconds() {
    return read('RETENTION_SECONDS') as number;
  },
  /** IAM roles whose sessions are operators (AWS only); empty: any caller IAM authorised. */
  get operatorRoleArns() {
    return read('OPERATOR_ROLE_ARNS') as string[];
  },
  /**
   * One machine only: the SHA-256 (hex) of the admin token, with which an operator signs in to the
   * pages. Unset on AWS, where operators are IAM principals.
   */
  get localOperatorTokenSha256() {
    return process.env.TUO_OPERATOR_TOKEN_SHA256 || undefined;
  },
  get oidcIssuer() {
    return read('OIDC_ISSUER') as string;
  },
  get oidcAudience() {
    return read('OIDC_AUDIENCE') as string;
  },
  get oidcJwksUrl() {
    return read('OIDC_JWKS_URL') as string;
  },
  /** The asymmetric KMS key (ECC_NIST_P256) that signs proofs of notification. */
  get receiptSigningKeyArn() {
    return read('RECEIPT_SIGNING_KEY_ARN') as string;
  },
  /**
   * How the web pages sign citizens in (authorization code flow, docs/web.md): the client id the
   * service is registered under at the provider, where the provider sends the browser back, and
   * the KMS key that signs the client's private_key_jwt assertions. Undefined when not configured.
   */
  get citizenSignIn() {
    const clientId = process.env.OIDC_CLIENT_ID;
    const clientKeyId = process.env.OIDC_CLIENT_KEY_ID;
    if (!clientId || !clientKeyId) return undefined;
    const base = read('PUBLIC_BASE_URL') as string;
    return {
      issuer: read('OIDC_ISSUER') as string,
      clientId,
      clientKeyId,
      redirectUri: process.env.OIDC_REDIRECT_URI || `${base}/sign-in/callback`,
      postLogoutRedirectUri: process.env.OIDC_POST_LOGOUT_REDIRECT_URI || `${base}/signed-out`,
      /** GOV.UK One Login's vector of trust: `Cl.Cm` is medium-level authentication (two factors). */
      vectorOfTrust: process.env.OIDC_VTR || '["Cl.Cm"]',
      scopes: process.env.OIDC_SCOPES || 'openid email',
    };
  },
};
