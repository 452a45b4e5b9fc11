import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { authenticateCitizen } from '../../lambdas/http/authentication';

/**
 * Citizens' access tokens are verified as API Gateway's JWT authorizer verifies them: RS256 only
 * (the authorizer accepts RSA keys only), with `exp` and `sub`, and never an ID token.
 */
describe('a citizen access token', () => {
  const issuer = 'https://issuer.example';
  const audience = 'tell-us-once';
  let server: http.Server;
  let rsa: KeyLike;
  let ec: KeyLike;

  beforeAll(async () => {
    const rsaPair = await generateKeyPair('RS256');
    const ecPair = await generateKeyPair('ES256');
    rsa = rsaPair.privateKey;
    ec = ecPair.privateKey;
    const keys: JWK[] = [
      { ...(await exportJWK(rsaPair.publicKey)), kid: 'rsa', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ecPair.publicKey)), kid: 'ec', alg: 'ES256', use: 'sig' },
    ];
    server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    Object.assign(process.env, {
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: audience,
      OIDC_JWKS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    });
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const eventWith = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as unknown as APIGatewayProxyEventV2;
  const sign = (
    claims: Record<string, unknown>,
    options: { key?: 'rsa' | 'ec'; sub?: string | null; exp?: boolean; typ?: string } = {},
  ) => {
    const alg = options.key === 'ec' ? 'ES256' : 'RS256';
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg, kid: options.key ?? 'rsa', typ: options.typ ?? 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt();
    if (options.sub !== null) jwt = jwt.setSubject(options.sub ?? 'citizen-1');
    if (options.exp !== false) jwt = jwt.setExpirationTime('5m');
    return jwt.sign(options.key === 'ec' ? ec : rsa);
  };
  const refused = async (token: Promise<string>) => {
    await expect(authenticateCitizen(eventWith(await token))).rejects.toMatchObject({ response: { statusCode: 401 } });
  };

  it('signed RS256 by the issuer, with exp and sub, names the citizen', async () => {
    await expect(authenticateCitizen(eventWith(await sign({ scope: 'openid' })))).resolves.toBe('citizen-1');
  });

  it('signed with any other algorithm is refused, even by a key the issuer publishes', async () => {
    await refused(sign({ scope: 'openid' }, { key: 'ec' }));
  });

  it('without an expiry is refused', async () => {
    await refused(sign({ scope: 'openid' }, { exp: false }));
  });

  it('without a subject is refused', async () => {
    await refused(sign({ scope: 'openid' }, { sub: null }));
  });

  it('that is really an ID token is refused', async () => {
    await refused(sign({ nonce: 'n-0S6_WzA2Mj' }));
    await refused(sign({ at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q' }));
    await refused(sign({ token_use: 'id' }));
  });
});
