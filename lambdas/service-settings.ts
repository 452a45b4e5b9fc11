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
  get tableName() { return read('TABLE_NAME') as string; },
  get stateMachineArn() { return read('STATE_MACHINE_ARN') as string; },
  /** Base URL departments use to answer, e.g. `https://api.example`; without a trailing slash. */
  get publicBaseUrl() { return read('PUBLIC_BASE_URL') as string; },
  /** Multiplies every retry interval and wait of the workflow (one machine only; 1 on AWS). */
  get timeScale() { return read('TUO_TIME_SCALE') as number; },
  /** One machine: departments may be reached over http on loopback. */
  get allowLoopbackWebhooks() { return read('TUO_ALLOW_LOOPBACK_WEBHOOKS') as boolean; },
  /** Explicit operator choice to allow webhook targets in private address ranges. */
  get allowPrivateWebhooks() { return read('TUO_ALLOW_PRIVATE_WEBHOOKS') as boolean; },
  /** How long personal data is kept after a submission is final. */
  get retentionSeconds() { return read('RETENTION_SECONDS') as number; },
  get oidcIssuer() { return read('OIDC_ISSUER') as string; },
  get oidcAudience() { return read('OIDC_AUDIENCE') as string; },
  get oidcJwksUrl() { return read('OIDC_JWKS_URL') as string; },
};
