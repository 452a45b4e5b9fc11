import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type KeyLike } from 'jose';
import * as z from 'zod';
import { fieldErrorsFromZod } from '../lambdas/domain/problem-details';

export const DEVELOPMENT_AUDIENCE = 'tell-us-once-local';
const TOKEN_LIFETIME_SECONDS = 3600;
const KEY_ID = 'tell-us-once-development';

const tokenRequestSchema = z.strictObject({
  sub: z.string().trim().min(1, 'Give the citizen id as sub.').max(255, 'Keep sub to 255 characters or fewer.'),
});

/**
 * The development identity provider of one machine (CONTRACT section 3): issues signed access
 * tokens for any `sub` and publishes its key as a JWKS, so the API verifies them exactly as it
 * verifies GOV.UK One Login tokens. Its key is kept in the data directory so tokens survive restarts.
 */
export class DevelopmentIdentityProvider {
  private constructor(private readonly privateKey: KeyLike, private readonly publicJwk: JWK, readonly issuer: string) {}

  static async open(dataDir: string, issuer: string): Promise<DevelopmentIdentityProvider> {
    const file = path.join(dataDir, 'development-identity-key.json');
    let privateJwk: JWK;
    if (existsSync(file)) {
      privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    } else {
      const { privateKey } = await generateKeyPair('RS256', { extractable: true });
      privateJwk = await exportJWK(privateKey);
      writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
    }
    const { d, p, q, dp, dq, qi, ...publicJwk } = privateJwk;
    void [d, p, q, dp, dq, qi];
    const privateKey = (await importJWK(privateJwk, 'RS256')) as KeyLike;
    return new DevelopmentIdentityProvider(privateKey, { ...publicJwk, kid: KEY_ID, alg: 'RS256', use: 'sig' }, issuer);
  }

  get jwksUrl(): string {
    return `${this.issuer}/jwks.json`;
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** Answers a POST /dev/token body: the token, or field errors. */
  async issue(body: unknown): Promise<{ ok: true; token: { access_token: string; token_type: 'Bearer'; expires_in: number } } | { ok: false; errors: ReturnType<typeof fieldErrorsFromZod> }> {
    const parsed = tokenRequestSchema.safeParse(body);
    if (!parsed.success) return { ok: false, errors: fieldErrorsFromZod(parsed.error) };
    const accessToken = await new SignJWT({ scope: 'openid' })
      .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'at+jwt' }) // An access token (RFC 9068), RS256 as the gateway accepts.
      .setIssuer(this.issuer)
      .setAudience(DEVELOPMENT_AUDIENCE)
      .setSubject(parsed.data.sub)
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
      .sign(this.privateKey);
    return { ok: true, token: { access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS } };
  }
}
