import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';

/** jose's defaults, named: a key set is fetched again after 10 minutes, and a fetch gives up after 5 s. */
export const ISSUER_KEY_SET_MAX_AGE_MS = 10 * 60_000;
export const ISSUER_KEY_SET_FETCH_TIMEOUT_MS = 5_000;
/** After a failed fetch, how long the keys last fetched serve before another fetch is tried. */
export const ISSUER_KEY_SET_RETRY_AFTER_MS = 30_000;

/** The issuer could not be asked (timeout, network, an error status, no key set), as opposed to answering without the key. */
function fetchFailed(error: unknown): boolean {
  return !(error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys);
}

/**
 * The issuer's published signing keys (its JWKS), fetched and cached by jose. When fetching a stale
 * set again fails (the issuer slow or briefly unreachable), tokens are checked against the keys last
 * fetched, and the next fetch waits a little, instead of every citizen being refused: a 401 for a
 * valid token is an outage the citizen cannot fix. A key the issuer has withdrawn is refused as
 * soon as a fetch succeeds (the last set is then the new one).
 */
export function issuerKeySet(
  url: URL,
  options: { maxAgeMs?: number; fetchTimeoutMs?: number; retryAfterMs?: number } = {},
): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(url, {
    cacheMaxAge: options.maxAgeMs ?? ISSUER_KEY_SET_MAX_AGE_MS,
    timeoutDuration: options.fetchTimeoutMs ?? ISSUER_KEY_SET_FETCH_TIMEOUT_MS,
  });
  const retryAfterMs = options.retryAfterMs ?? ISSUER_KEY_SET_RETRY_AFTER_MS;
  let lastFailedFetch = Number.NEGATIVE_INFINITY;
  return async (header, token) => {
    const lastFetched = remote.jwks();
    if (lastFetched && Date.now() - lastFailedFetch < retryAfterMs) return createLocalJWKSet(lastFetched)(header, token);
    try {
      return await remote(header, token);
    } catch (error) {
      const keys = remote.jwks();
      if (!keys || !fetchFailed(error)) throw error;
      lastFailedFetch = Date.now();
      return createLocalJWKSet(keys)(header, token);
    }
  };
}
