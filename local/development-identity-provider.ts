import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type KeyLike } from 'jose';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import * as z from 'zod';
import { fieldErrorsFromZod } from '../lambdas/domain/problem-details';
import { renderPage } from '../lambdas/web/page-renderer';

export const DEVELOPMENT_AUDIENCE = 'tell-us-once-local';
const TOKEN_LIFETIME_SECONDS = 3600;
const KEY_ID = 'tell-us-once-development';
/** Sign-in forms are a citizen id and an email address: anything larger is not one. */
const MAX_FORM_BYTES = 16 * 1024;
/** GOV.UK One Login's vectors of trust look like `["Cl.Cm"]`: credential levels, joined by dots. */
const VECTOR_OF_TRUST = /^\["(P[0-4]\.)?Cl(\.Cm)?"(,"(P[0-4]\.)?Cl(\.Cm)?")*\]$/;

const tokenRequestSchema = z.strictObject({
  sub: z.string().trim().min(1, 'Give the citizen id as sub.').max(255, 'Keep sub to 255 characters or fewer.'),
});

const signInFormSchema = z.object({
  citizenId: z.string().trim().min(1, 'Enter your citizen id.').max(255, 'Your citizen id must be 255 characters or fewer.'),
  email: z
    .union([z.literal(''), z.string().trim().email('Enter an email address in the correct format, like name@example.com')])
    .optional(),
});

/** The service as this provider's one registered client (GOV.UK One Login registers it the same way). */
export interface DevelopmentClient {
  readonly clientId: string;
  /** The public half of the client's KMS key: the provider checks its private_key_jwt assertions with it. */
  readonly publicJwk: JWK;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
}

/**
 * The development identity provider of one machine: a real OpenID provider (oidc-provider),
 * configured as GOV.UK One Login behaves (discovery, JWKS, the authorization code flow with
 * `state`, `nonce` and PKCE, `vtr` accepted, private_key_jwt at the token endpoint, RS256 ID
 * tokens, RP-initiated logout), with a GOV.UK-style sign-in page that asks for a citizen id and,
 * optionally, an email address. `POST /dev/token` stays for scripts and the API walk-through
 * (CONTRACT section 3), signing with the same key. The key is kept in the data directory so tokens
 * survive restarts.
 */
export class DevelopmentIdentityProvider {
  private readonly emails = new Map<string, string>();
  private readonly provider: Provider;

  private constructor(
    private readonly privateKey: KeyLike,
    private readonly privateJwk: JWK,
    readonly issuer: string,
    client: DevelopmentClient,
  ) {
    this.provider = new Provider(issuer, this.configuration(client));
  }

  static async open(dataDir: string, issuer: string, client: DevelopmentClient): Promise<DevelopmentIdentityProvider> {
    const file = path.join(dataDir, 'development-identity-key.json');
    let privateJwk: JWK;
    if (existsSync(file)) {
      privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    } else {
      const { privateKey } = await generateKeyPair('RS256', { extractable: true });
      privateJwk = await exportJWK(privateKey);
      writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
    }
    const privateKey = (await importJWK(privateJwk, 'RS256')) as KeyLike;
    // oidc-provider publishes the public half at /dev/jwks.json, as the API's OIDC_JWKS_URL expects.
    return new DevelopmentIdentityProvider(privateKey, { ...privateJwk, kid: KEY_ID, alg: 'RS256', use: 'sig' }, issuer, client);
  }

  /** Answers a POST /dev/token body: the token, or field errors. */
  async issue(
    body: unknown,
  ): Promise<
    | { ok: true; token: { access_token: string; token_type: 'Bearer'; expires_in: number } }
    | { ok: false; errors: ReturnType<typeof fieldErrorsFromZod> }
  > {
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

  /**
   * Serves everything of the provider under the issuer's path (`/dev/...`): its sign-in page, and
   * the endpoints oidc-provider answers (discovery, JWKS, authorize, token, userinfo, logout).
   */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const mountPath = new URL(this.issuer).pathname;
    const interaction = new RegExp(`^${mountPath}/interaction/([A-Za-z0-9_-]+)$`).exec(url.pathname);
    if (interaction) return this.signInPage(req, res);
    // oidc-provider is mounted as Express mounts it: the path below the mount, the full one kept.
    const mounted = req as http.IncomingMessage & { originalUrl?: string };
    mounted.originalUrl = req.url;
    req.url = (req.url ?? '/').slice(mountPath.length) || '/';
    void this.provider.callback()(req, res); // Koa answers its own errors.
  }

  /** The GOV.UK-style sign-in page: a citizen id and, optionally, an email address. */
  private async signInPage(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let details;
    try {
      details = await this.provider.interactionDetails(req, res);
    } catch {
      return send(
        res,
        renderPage(
          'error.njk',
          { ...PROVIDER_PAGE, title: 'Your sign-in has expired', message: 'Go back to the service and start again.' },
          { status: 400 },
        ),
      );
    }
    const action = `${new URL(this.issuer).pathname}/interaction/${details.uid}`;
    if (req.method === 'GET') return send(res, renderPage('development-sign-in.njk', { ...PROVIDER_PAGE, action, values: {}, errors: [] }));
    if (req.method !== 'POST') return send(res, { statusCode: 405, headers: { allow: 'GET, POST' }, body: '' });
    const form = Object.fromEntries(new URLSearchParams(await readForm(req)));
    const parsed = signInFormSchema.safeParse(form);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({ inputId: String(issue.path[0]), text: issue.message }));
      return send(
        res,
        renderPage(
          'development-sign-in.njk',
          {
            ...PROVIDER_PAGE,
            action,
            values: form,
            errors,
            errorList: errors.map((e) => ({ text: e.text, href: `#${e.inputId}` })),
          },
          { status: 422 },
        ),
      );
    }
    const { citizenId, email } = parsed.data;
    if (email) this.emails.set(citizenId, email);
    else this.emails.delete(citizenId);
    await this.provider.interactionFinished(req, res, { login: { accountId: citizenId } }, { mergeWithLastSubmission: false });
  }

  private configuration(client: DevelopmentClient): Configuration {
    return {
      clients: [
        {
          client_id: client.clientId,
          client_name: 'Tell government you have moved',
          redirect_uris: [client.redirectUri],
          post_logout_redirect_uris: [client.postLogoutRedirectUri],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'RS256',
          id_token_signed_response_alg: 'RS256',
          jwks: { keys: [client.publicJwk] },
        },
      ],
      adapter: MemoryAdapter,
      clientAuthMethods: ['private_key_jwt'],
      responseTypes: ['code'],
      jwks: { keys: [this.privateJwk] },
      enabledJWA: { idTokenSigningAlgValues: ['RS256'], clientAuthSigningAlgValues: ['RS256', 'ES256'] },
      // One Login's routes, under the issuer; `/dev/token` stays the scripts' token endpoint (CONTRACT section 3).
      routes: { authorization: '/authorize', token: '/oauth/token', jwks: '/jwks.json', userinfo: '/userinfo', end_session: '/logout' },
      scopes: ['openid', 'email'],
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      pkce: { required: () => true },
      extraParams: {
        // One Login refuses a malformed vector of trust; so does this provider.
        vtr(_ctx: KoaContextWithOIDC, value: string | undefined) {
          if (value !== undefined && !VECTOR_OF_TRUST.test(value))
            throw new errors.InvalidRequest('vtr is not a valid vector of trust, e.g. ["Cl.Cm"]');
        },
        ui_locales: null,
      },
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
            const action = /action="([^"]+)"/.exec(form)?.[1] ?? '';
            const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
            respond(ctx, renderPage('development-sign-out.njk', { ...PROVIDER_PAGE, title: 'Sign out', action, xsrf }));
          },
          postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
            respond(
              ctx,
              renderPage('error.njk', { ...PROVIDER_PAGE, title: 'You have signed out', message: 'You are no longer signed in.' }),
            );
          },
        },
      },
      interactions: {
        url: async (_ctx: KoaContextWithOIDC, interaction: { uid: string }) =>
          `${new URL(this.issuer).pathname}/interaction/${interaction.uid}`,
      },
      findAccount: async (_ctx: KoaContextWithOIDC, sub: string) => ({
        accountId: sub,
        claims: async () => {
          const email = this.emails.get(sub);
          return { sub, ...(email ? { email, email_verified: true } : {}) };
        },
      }),
      // One Login asks no consent of its own: the citizen signed in to this service, so the grant is implied.
      loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
        const { Grant } = ctx.oidc.provider;
        const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
        if (grantId) return Grant.find(grantId);
        const grant = new Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
        grant.addOIDCScope('openid email');
        await grant.save();
        return grant;
      },
      renderError: async (ctx: KoaContextWithOIDC, out: { error_description?: string }) => {
        respond(
          ctx,
          renderPage(
            'error.njk',
            {
              ...PROVIDER_PAGE,
              title: 'Sorry, there is a problem',
              message: out.error_description ?? 'Go back to the service and start again.',
            },
            { status: ctx.status },
          ),
        );
      },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      // One Login's lifetimes: a 3-minute ID token, a short code.
      ttl: { IdToken: 180, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 180 },
    };
  }
}

/**
 * Where the provider keeps sign-ins under way, codes and grants: this process's memory, each item
 * until it expires. A restart forgets sign-ins under way (the service's own sessions are in the
 * table); nothing else shares them.
 */
class MemoryAdapter {
  private static readonly items = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();

  constructor(private readonly model: string) {}

  private key(id: string) {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: Record<string, unknown>, expiresIn: number): Promise<void> {
    MemoryAdapter.items.set(this.key(id), { payload, expiresAt: Date.now() + expiresIn * 1000 });
  }

  async find(id: string): Promise<Record<string, unknown> | undefined> {
    const item = MemoryAdapter.items.get(this.key(id));
    if (!item || item.expiresAt <= Date.now()) {
      MemoryAdapter.items.delete(this.key(id));
      return undefined;
    }
    return item.payload;
  }

  async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
    for (const [key, item] of MemoryAdapter.items) {
      if (key.startsWith(`${this.model}:`) && item.payload.uid === uid) return this.find(key.slice(this.model.length + 1));
    }
    return undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined; // No device flow.
  }

  async consume(id: string): Promise<void> {
    const item = MemoryAdapter.items.get(this.key(id));
    if (item) item.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    MemoryAdapter.items.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [key, item] of MemoryAdapter.items) if (item.payload.grantId === grantId) MemoryAdapter.items.delete(key);
  }
}

/** What the provider's pages say about themselves, in the GOV.UK layout. */
const PROVIDER_PAGE = {
  title: 'Sign in',
  serviceName: 'Development sign-in (plays GOV.UK One Login)',
  serviceUrl: '',
};

function respond(ctx: KoaContextWithOIDC, page: ReturnType<typeof renderPage>): void {
  ctx.status = page.statusCode;
  for (const [name, value] of Object.entries(page.headers ?? {})) ctx.set(name, String(value));
  ctx.body = page.body;
}

function send(res: http.ServerResponse, page: { statusCode: number; headers?: Record<string, unknown>; body?: string }): void {
  res.writeHead(page.statusCode, Object.fromEntries(Object.entries(page.headers ?? {}).map(([k, v]) => [k, String(v)])));
  res.end(page.body ?? '');
}

async function readForm(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return '';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
