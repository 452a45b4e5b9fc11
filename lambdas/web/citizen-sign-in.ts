// Citizens sign in with the OpenID Connect authorization code flow (GOV.UK One Login on AWS, the
// development provider on one machine), through openid-client: discovery, state, nonce, PKCE, the
// vector of trust, private_key_jwt at the token endpoint, and the ID token checked for signature,
// issuer, audience, nonce and expiry.
import * as openid from 'openid-client';
import { serviceSettings } from '../service-settings';
import { clientAssertion, KmsClientAssertionSigner, type ClientAssertionSigner } from './client-assertion-signer';

export type CitizenSignInSettings = NonNullable<typeof serviceSettings.citizenSignIn>;

/** What the callback must match: kept server-side in the pending sign-in session, used once. */
export interface PendingSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** Why a sign-in answer was refused (logged by name only: never the token). */
export class SignInRefused extends Error {
  constructor(readonly reason: string) {
    super(`Sign-in refused: ${reason}`);
    this.name = 'SignInRefused';
  }
}

/** The provider's answer may arrive over plain http only from this machine's own provider. */
function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** private_key_jwt: the assertion is signed by the signer (a KMS key), never by a key in memory. */
function privateKeyJwt(signer: ClientAssertionSigner): openid.ClientAuth {
  const authenticate = async (server: openid.ServerMetadata, client: openid.ClientMetadata, body: URLSearchParams) => {
    body.set('client_id', client.client_id);
    body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    body.set('client_assertion', await clientAssertion(signer, client.client_id, server.token_endpoint!));
  };
  // oauth4webapi awaits client authentication; openid-client's type says void.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  return authenticate;
}

const configurations = new Map<string, Promise<openid.Configuration>>();

/** The provider's discovered metadata and this client, once per container (a failure is retried next time). */
export function openIdConfiguration(
  settings: CitizenSignInSettings,
  signer: ClientAssertionSigner = new KmsClientAssertionSigner(settings.clientKeyId),
): Promise<openid.Configuration> {
  const cacheKey = JSON.stringify([settings.issuer, settings.clientId, settings.clientKeyId]);
  let configuration = configurations.get(cacheKey);
  if (!configuration) {
    const issuer = new URL(settings.issuer);
    configuration = openid
      .discovery(
        issuer,
        settings.clientId,
        {
          id_token_signed_response_alg: 'RS256',
          token_endpoint_auth_method: 'private_key_jwt',
        },
        privateKeyJwt(signer),
        isLoopback(issuer) ? { execute: [openid.allowInsecureRequests] } : undefined,
      )
      .then((found) => {
        // Check the ID token's signature against the provider's JWKS too, not only TLS to the token endpoint.
        openid.enableNonRepudiationChecks(found);
        return found;
      });
    configuration.catch(() => configurations.delete(cacheKey));
    configurations.set(cacheKey, configuration);
  }
  return configuration;
}

/** Where to send the browser to sign in, and what its answer must then match. */
export async function beginSignIn(
  configuration: openid.Configuration,
  settings: CitizenSignInSettings,
): Promise<{ url: URL; pending: PendingSignIn }> {
  const pending = { state: openid.randomState(), nonce: openid.randomNonce(), codeVerifier: openid.randomPKCECodeVerifier() };
  const url = openid.buildAuthorizationUrl(configuration, {
    redirect_uri: settings.redirectUri,
    scope: settings.scopes,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await openid.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
    vtr: settings.vectorOfTrust,
    ui_locales: 'en',
  });
  return { url, pending };
}

/**
 * The provider's answer at the redirect URI, checked (state, then the code exchanged with
 * private_key_jwt and PKCE, then the ID token: signature, issuer, audience, nonce, expiry).
 * Answers the citizen's id (`sub`) and the ID token (the provider's sign-out hint).
 */
export async function completeSignIn(
  configuration: openid.Configuration,
  callbackUrl: URL,
  pending: PendingSignIn,
): Promise<{ citizenId: string; idToken: string }> {
  let tokens;
  try {
    tokens = await openid.authorizationCodeGrant(configuration, callbackUrl, {
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      pkceCodeVerifier: pending.codeVerifier,
      idTokenExpected: true,
    });
  } catch (error) {
    const { name, code } = error as { name?: string; code?: string };
    throw new SignInRefused(code ?? name ?? 'unknown');
  }
  const claims = tokens.claims();
  if (!claims || typeof claims.sub !== 'string' || claims.sub.length === 0 || !tokens.id_token) throw new SignInRefused('no subject');
  return { citizenId: claims.sub, idToken: tokens.id_token };
}

/** The provider's sign-out address for this citizen, where it supports RP-initiated logout. */
export function endSessionUrl(
  configuration: openid.Configuration,
  settings: CitizenSignInSettings,
  idToken: string | undefined,
): URL | undefined {
  if (!configuration.serverMetadata().end_session_endpoint) return undefined;
  return openid.buildEndSessionUrl(configuration, {
    post_logout_redirect_uri: settings.postLogoutRedirectUri,
    ...(idToken ? { id_token_hint: idToken } : {}),
  });
}
