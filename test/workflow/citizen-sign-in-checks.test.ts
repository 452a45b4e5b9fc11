import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import {
  beginSignIn,
  completeSignIn,
  openIdConfiguration,
  SignInRefused,
  type CitizenSignInSettings,
  type PendingSignIn,
} from '../../lambdas/web/citizen-sign-in';
import type { ClientAssertionSigner } from '../../lambdas/web/client-assertion-signer';

/**
 * The checks the web pages make on the OpenID provider's answer, against a provider under the
 * test's control (so it can answer what a real provider never would): the ID token's signature,
 * expiry and nonce, and the client's private_key_jwt assertion at the token endpoint.
 */
describe('citizen sign-in: what the provider answers is checked', () => {
  const CLIENT_ID = 'tell-us-once-test';
  let server: http.Server;
  let issuer: string;
  let providerKey: KeyLike;
  let clientKey: KeyObject;
  let clientPublicJwk: Awaited<ReturnType<typeof exportJWK>>;
  /** What the token endpoint answers next, given the nonce of the authorization request. */
  let nextIdToken: () => Promise<string>;
  const assertions: JWTPayload[] = [];
  let settings: CitizenSignInSettings;

  /** The client's KMS key, played by a key in memory: it signs exactly what KMS would (RS256 over the digest). */
  const signer: ClientAssertionSigner = {
    sign: async (input) => sign('sha256', Buffer.from(input), clientKey),
  };

  beforeAll(async () => {
    const provider = await generateKeyPair('RS256');
    providerKey = provider.privateKey;
    const providerJwk = { ...(await exportJWK(provider.publicKey)), kid: 'op', alg: 'RS256', use: 'sig' };
    const client = generateKeyPairSync('rsa', { modulusLength: 2048 });
    clientKey = client.privateKey;
    clientPublicJwk = await exportJWK(client.publicKey);

    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const reply = (status: number, body: unknown) =>
            res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
          if (req.url === '/.well-known/openid-configuration') {
            return reply(200, {
              issuer,
              authorization_endpoint: `${issuer}/authorize`,
              token_endpoint: `${issuer}/token`,
              jwks_uri: `${issuer}/jwks`,
              response_types_supported: ['code'],
              subject_types_supported: ['public'],
              id_token_signing_alg_values_supported: ['RS256'],
              token_endpoint_auth_methods_supported: ['private_key_jwt'],
            });
          }
          if (req.url === '/jwks') return reply(200, { keys: [providerJwk] });
          if (req.url === '/token' && req.method === 'POST') {
            const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
            try {
              // private_key_jwt, as One Login checks it: signed by the client's registered key, for the token endpoint.
              const { payload } = await jwtVerify(form.get('client_assertion') ?? '', await importClientKey(), {
                issuer: CLIENT_ID,
                subject: CLIENT_ID,
                audience: `${issuer}/token`,
                algorithms: ['RS256'],
              });
              assertions.push(payload);
            } catch {
              return reply(401, { error: 'invalid_client' });
            }
            if (form.get('code_verifier')?.length !== 43) return reply(400, { error: 'invalid_grant' });
            return reply(200, { access_token: 'opaque', token_type: 'Bearer', expires_in: 180, id_token: await nextIdToken() });
          }
          return reply(404, {});
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    settings = {
      issuer,
      clientId: CLIENT_ID,
      clientKeyId: 'test-key',
      redirectUri: 'http://127.0.0.1:3000/sign-in/callback',
      postLogoutRedirectUri: 'http://127.0.0.1:3000/signed-out',
      vectorOfTrust: '["Cl.Cm"]',
      scopes: 'openid email',
    };
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const importClientKey = () => importJWK({ ...clientPublicJwk, alg: 'RS256' }, 'RS256');

  function idToken(claims: JWTPayload, options: { expiresAt?: number; issuedAt?: number; audience?: string; key?: KeyLike } = {}) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ vot: 'Cl.Cm', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'op' })
      .setIssuer(issuer)
      .setAudience(options.audience ?? CLIENT_ID)
      .setSubject('urn:fdc:gov.uk:2022:citizen-1')
      .setIssuedAt(options.issuedAt ?? now)
      .setExpirationTime(options.expiresAt ?? now + 180)
      .sign(options.key ?? providerKey);
  }

  async function signIn(answer: (pending: PendingSignIn) => Promise<string>) {
    const configuration = await openIdConfiguration(settings, signer);
    const { url, pending } = await beginSignIn(configuration, settings);
    nextIdToken = () => answer(pending);
    const callback = new URL(settings.redirectUri);
    callback.search = new URLSearchParams({ code: 'a-code', state: url.searchParams.get('state')! }).toString();
    return { attempt: completeSignIn(configuration, callback, pending), url, pending };
  }

  it('signs in with a valid ID token, having authenticated with private_key_jwt and asked for the vector of trust', async () => {
    const { attempt, url } = await signIn((pending) => idToken({ nonce: pending.nonce }));
    await expect(attempt).resolves.toMatchObject({ citizenId: 'urn:fdc:gov.uk:2022:citizen-1' });
    expect(url.searchParams.get('vtr')).toBe('["Cl.Cm"]');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(assertions.at(-1)).toMatchObject({ iss: CLIENT_ID, sub: CLIENT_ID, aud: `${issuer}/token` });
    expect(assertions.at(-1)!.exp! - assertions.at(-1)!.iat!).toBeLessThanOrEqual(300);
  });

  it('refuses a tampered ID token', async () => {
    const { attempt } = await signIn(async (pending) => {
      const [header, payload, signature] = (await idToken({ nonce: pending.nonce })).split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const tampered = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url');
      return `${header}.${tampered}.${signature}`;
    });
    await expect(attempt).rejects.toBeInstanceOf(SignInRefused);
  });

  it('refuses an ID token signed by another key', async () => {
    const other = await generateKeyPair('RS256');
    const { attempt } = await signIn((pending) => idToken({ nonce: pending.nonce }, { key: other.privateKey }));
    await expect(attempt).rejects.toBeInstanceOf(SignInRefused);
  });

  it('refuses an expired ID token', async () => {
    const { attempt } = await signIn((pending) =>
      idToken({ nonce: pending.nonce }, { issuedAt: Math.floor(Date.now() / 1000) - 900, expiresAt: Math.floor(Date.now() / 1000) - 600 }),
    );
    await expect(attempt).rejects.toBeInstanceOf(SignInRefused);
  });

  it('refuses a replayed nonce: an ID token issued for an earlier sign-in', async () => {
    const first = await signIn((pending) => idToken({ nonce: pending.nonce }));
    await first.attempt;
    const earlierNonce = first.pending.nonce;
    const { attempt } = await signIn(() => idToken({ nonce: earlierNonce }));
    await expect(attempt).rejects.toBeInstanceOf(SignInRefused);
  });

  it('refuses a replayed state: an answer to an earlier sign-in', async () => {
    const configuration = await openIdConfiguration(settings, signer);
    const earlier = await beginSignIn(configuration, settings);
    const { pending } = await beginSignIn(configuration, settings);
    nextIdToken = () => idToken({ nonce: pending.nonce });
    const callback = new URL(settings.redirectUri);
    callback.search = new URLSearchParams({ code: 'a-code', state: earlier.pending.state }).toString();
    await expect(completeSignIn(configuration, callback, pending)).rejects.toBeInstanceOf(SignInRefused);
  });

  it('refuses an ID token for another client', async () => {
    const { attempt } = await signIn((pending) => idToken({ nonce: pending.nonce }, { audience: 'another-service' }));
    await expect(attempt).rejects.toBeInstanceOf(SignInRefused);
  });
});
