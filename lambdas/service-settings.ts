/**
 * Settings every handler reads from its environment. The same names are set by CDK on AWS and by
 * the one-machine runtime, so handlers never know where they run.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

function flag(name: string): boolean {
  return ['1', 'true', 'yes'].includes((process.env[name] ?? '').toLowerCase());
}

export const serviceSettings = {
  get tableName() { return required('TABLE_NAME'); },
  get stateMachineArn() { return required('STATE_MACHINE_ARN'); },
  /** Base URL departments use to answer, e.g. `https://api.example/`; without a trailing slash. */
  get publicBaseUrl() { return required('PUBLIC_BASE_URL').replace(/\/+$/, ''); },
  /** Multiplies every retry interval and wait of the workflow (one machine only; 1 on AWS). */
  get timeScale() {
    const value = Number(process.env.TUO_TIME_SCALE ?? '1');
    return Number.isFinite(value) && value > 0 ? value : 1;
  },
  /** One machine: departments may be reached over http on loopback. */
  get allowLoopbackWebhooks() { return flag('TUO_ALLOW_LOOPBACK_WEBHOOKS'); },
  /** Explicit operator choice to allow webhook targets in private address ranges. */
  get allowPrivateWebhooks() { return flag('TUO_ALLOW_PRIVATE_WEBHOOKS'); },
  /** How long personal data is kept after a submission is final (default 30 days). */
  get retentionSeconds() {
    const value = Number(process.env.RETENTION_SECONDS ?? String(30 * 24 * 3600));
    return Number.isFinite(value) && value > 0 ? value : 30 * 24 * 3600;
  },
  /**
   * One machine only: the SHA-256 (hex) of the admin token, with which an operator signs in to the
   * pages. Unset on AWS, where operators are IAM principals.
   */
  get localOperatorTokenSha256() { return process.env.TUO_OPERATOR_TOKEN_SHA256 || undefined; },
  get oidcIssuer() { return required('OIDC_ISSUER'); },
  get oidcAudience() { return required('OIDC_AUDIENCE'); },
  get oidcJwksUrl() { return required('OIDC_JWKS_URL'); },
  /** The asymmetric KMS key (ECC_NIST_P256) that signs proofs of notification. */
  get receiptSigningKeyArn() { return required('RECEIPT_SIGNING_KEY_ARN'); },
  /**
   * How the web pages sign citizens in (authorization code flow, docs/web.md): the client id the
   * service is registered under at the provider, where the provider sends the browser back, and
   * the KMS key that signs the client's private_key_jwt assertions. Undefined when not configured.
   */
  get citizenSignIn() {
    const clientId = process.env.OIDC_CLIENT_ID;
    const clientKeyId = process.env.OIDC_CLIENT_KEY_ID;
    if (!clientId || !clientKeyId) return undefined;
    const base = required('PUBLIC_BASE_URL').replace(/\/+$/, '');
    return {
      issuer: required('OIDC_ISSUER'),
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
