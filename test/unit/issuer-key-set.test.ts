import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK, type KeyLike } from 'jose';
import { issuerKeySet } from '../../lambdas/http/issuer-key-set';

/**
 * Citizens stay signed in when the issuer's key set cannot be fetched again (found by the 5,000
 * submission load run: after ten minutes every request refetched the keys, the busy machine's fetch
 * timed out, and valid tokens answered 401).
 */
describe("the issuer's key set", () => {
  let server: http.Server;
  let url: URL;
  let signingKey: KeyLike;
  let published: JWK[];
  let answering: 'keys' | 'hang' | 'error';
  let fetches = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    published = [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }];
    server = http.createServer((_req, res) => {
      fetches += 1;
      if (answering === 'hang') return; // Never answers: the fetch times out.
      if (answering === 'error') return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`);
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    answering = 'keys';
    fetches = 0;
  });

  const token = (kid = 'k1') =>
    new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid }).setSubject('citizen-1').setExpirationTime('5m').sign(signingKey);
  // maxAgeMs 0: every verification finds the set stale and fetches it again.
  const staleEveryTime = () => issuerKeySet(url, { maxAgeMs: 0, fetchTimeoutMs: 200, retryAfterMs: 60_000 });

  it.each(['hang', 'error'] as const)('keeps verifying with the keys last fetched when a refetch fails (%s)', async (failure) => {
    const keySet = staleEveryTime();
    await expect(jwtVerify(await token(), keySet)).resolves.toMatchObject({ payload: { sub: 'citizen-1' } });
    answering = failure;
    await expect(jwtVerify(await token(), keySet)).resolves.toMatchObject({ payload: { sub: 'citizen-1' } });
    // And does not ask again at once: a failing issuer is not waited for on every request.
    const asked = fetches;
    await expect(jwtVerify(await token(), keySet)).resolves.toMatchObject({ payload: { sub: 'citizen-1' } });
    expect(fetches).toBe(asked);
  });

  it('still refuses a key the last set does not hold', async () => {
    const keySet = staleEveryTime();
    await jwtVerify(await token(), keySet);
    answering = 'hang';
    await expect(jwtVerify(await token('unknown'), keySet)).rejects.toThrow();
  });

  it('refuses everything when the keys were never fetched', async () => {
    answering = 'hang';
    await expect(jwtVerify(await token(), staleEveryTime())).rejects.toThrow();
  });

  it('refuses a key the issuer withdrew, once a fetch succeeds', async () => {
    const keySet = staleEveryTime();
    await jwtVerify(await token(), keySet);
    const before = published;
    published = [{ ...published[0], kid: 'k2' }];
    try {
      await expect(jwtVerify(await token(), keySet)).rejects.toThrow();
    } finally {
      published = before;
    }
  });
});
