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
  /** IAM roles whose sessions are operators (AWS only); empty: any caller IAM authorised. */
  get operatorRoleArns() { return (process.env.OPERATOR_ROLE_ARNS ?? '').split(',').map((a) => a.trim()).filter(Boolean); },
  get oidcIssuer() { return required('OIDC_ISSUER'); },
  get oidcAudience() { return required('OIDC_AUDIENCE'); },
  get oidcJwksUrl() { return required('OIDC_JWKS_URL'); },
};
