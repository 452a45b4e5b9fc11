import { createHash, randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lambdas/store/dynamodb/document-client';
import { DynamoDbJourneyRepository } from '../../lambdas/store/dynamodb/dynamodb-journey-repository';
import { DynamoDbWebSessionRepository } from '../../lambdas/store/dynamodb/dynamodb-web-session-repository';
import { startTestService } from '../support/local-service-fixture';

/**
 * The web pages' sessions on the one-machine service: the browser holds only a random session id,
 * the session lives server-side with an expiry, signing out ends it there, and the operator's
 * session opens the operator pages and nothing else.
 */
describe('web sessions', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let apiKey: string;
  const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

  beforeAll(async () => {
    // DynamoDB's TTL, as the local runtime plays it, every quarter second here.
    fixture = await startTestService({ timeToLiveIntervalMs: 250 });
    const registered = await fixture.client.registerDepartment('session-office', {
      name: 'Session Office',
      webhookUrl: 'http://127.0.0.1:9/hook',
      events: ['address.changed'],
      fields: ['person.givenName', 'newAddress'],
    });
    expect(registered.status).toBe(201);
    apiKey = registered.json.apiKey;
  });

  afterAll(async () => {
    await fixture?.stop();
  });

  /** A tiny browser: one cookie jar for the service and its provider (same host), no redirects followed. */
  class Browser {
    readonly cookies = new Map<string, string>();

    async get(url: string, extraCookies: Record<string, string> = {}) {
      return this.send(url, { method: 'GET' }, extraCookies);
    }

    async post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
      return this.send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(fields).toString(),
      });
    }

    /** The page's CSRF token (as the hidden field every form repeats). */
    async csrf(): Promise<string> {
      await this.get('/');
      return this.cookies.get('tuo_csrf')!;
    }

    private async send(url: string, init: RequestInit, extraCookies: Record<string, string> = {}) {
      const cookie = [...this.cookies, ...Object.entries(extraCookies)].map(([n, v]) => `${n}=${v}`).join('; ');
      const response = await fetch(new URL(url, fixture.service.url), {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
      });
      for (const set of response.headers.getSetCookie()) {
        const [pair, ...attributes] = set.split(';');
        const at = pair.indexOf('=');
        const name = pair.slice(0, at).trim();
        const value = decodeURIComponent(pair.slice(at + 1).trim());
        const cleared = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
        if (cleared || value === '') this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
      return {
        status: response.status,
        location: response.headers.get('location') ?? '',
        body: await response.text(),
        setCookies: response.headers.getSetCookie(),
      };
    }
  }

  /** Signs in through the development OpenID provider as a browser would; answers the callback it came back to. */
  async function signInAtProvider(browser: Browser, citizenId: string) {
    const started = await browser.get('/sign-in?next=/journey/name');
    expect(started.status).toBe(303);
    const pendingId = browser.cookies.get('tuo_sign_in')!;
    const authorize = await browser.get(started.location);
    expect(authorize.location).toMatch(/\/dev\/interaction\//);
    const page = await browser.get(authorize.location);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Citizen id');
    const submitted = await browser.post(authorize.location, { citizenId, email: '' });
    expect(submitted.status).toBe(303);
    const resumed = await browser.get(submitted.location);
    const callback = resumed.location;
    expect(callback).toMatch(/\/sign-in\/callback\?code=.*&state=/);
    const completed = await browser.get(callback);
    return { completed, callback, pendingId };
  }

  it('signs a citizen in through the provider, keeping only a random session id in the cookie', async () => {
    const browser = new Browser();
    const { completed } = await signInAtProvider(browser, 'citizen-session-1');
    expect(completed.status).toBe(303);
    expect(completed.location).toBe('/journey/name');
    const session = browser.cookies.get('tuo_citizen')!;
    expect(session).toMatch(SESSION_ID); // No token: a JWT has dots.
    expect(completed.setCookies.find((c) => c.startsWith('tuo_citizen='))).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Max-Age=3600$/);
    expect(browser.cookies.has('tuo_sign_in')).toBe(false);
    expect((await browser.get('/journey/name')).status).toBe(200);

    // Signing out ends the session on the server: the same id, presented again, opens nothing.
    const signedOut = await browser.post('/sign-out', { csrfToken: browser.cookies.get('tuo_csrf')! });
    expect(signedOut.status).toBe(303);
    expect(new URL(signedOut.location).pathname).toBe('/dev/logout'); // and at the provider
    expect(new URL(signedOut.location).searchParams.get('post_logout_redirect_uri')).toBe(`${fixture.service.url}/signed-out`);
    const replayed = await browser.get('/journey/name', { tuo_citizen: session });
    expect(replayed.status).toBe(303);
    expect(replayed.location).toBe('/sign-in?next=%2Fjourney%2Fname');
  });

  it('refuses a replayed sign-in answer: the same state again, or with another sign-in under way', async () => {
    const browser = new Browser();
    const { callback, pendingId } = await signInAtProvider(browser, 'citizen-session-2');
    // The same answer again, with the sign-in it completed: that sign-in was used up.
    const again = await new Browser().get(callback, { tuo_sign_in: pendingId });
    expect(again.status).toBe(400);
    expect(again.setCookies.some((c) => c.startsWith('tuo_citizen='))).toBe(false);
    // The same answer, presented to another sign-in under way: its state does not match.
    const other = new Browser();
    expect((await other.get('/sign-in')).status).toBe(303);
    const mismatched = await other.get(callback);
    expect(mismatched.status).toBe(400);
    expect(mismatched.body).toContain('You could not be signed in');
    expect(other.cookies.has('tuo_citizen')).toBe(false);
  });

  it('treats a session id that does not exist, or has expired, as signed out', async () => {
    const unknown = randomBytes(32).toString('base64url');
    const citizen = await new Browser().get('/journey/name', { tuo_citizen: unknown });
    expect(citizen.status).toBe(303);
    expect(citizen.location).toMatch(/^\/sign-in/);
    const department = await new Browser().get('/department', { tuo_department: unknown });
    expect(department.body).toContain('Sign in as a department');
    const operator = await new Browser().get('/operator', { tuo_operator: unknown });
    expect(operator.status).toBe(303);
    expect(operator.location).toBe('/operator/sign-in');

    // A session past its expiry is gone, even though dynalite (unlike DynamoDB's TTL) never deletes it.
    const sessions = new DynamoDbWebSessionRepository(process.env.TABLE_NAME!);
    const shortLived = await sessions.create({ kind: 'citizen', citizenId: 'citizen-expiring' }, 1);
    expect((await new Browser().get('/journey/name', { tuo_citizen: shortLived })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2100)); // Expiry is whole seconds, rounded up: at most 2 s.
    expect((await new Browser().get('/journey/name', { tuo_citizen: shortLived })).status).toBe(303);
    // A session of one kind opens no page of another.
    const citizenSession = await sessions.create({ kind: 'citizen', citizenId: 'citizen-kinds' }, 60);
    expect((await new Browser().get('/operator', { tuo_operator: citizenSession })).status).toBe(303);
  });

  it("deletes expired journeys and sessions from the table, as DynamoDB's TTL does on AWS", async () => {
    const tableName = process.env.TABLE_NAME!;
    // The stored item itself, read past the repositories (which hide an expired one at once).
    const stored = async (key: { pk: string; sk: string }) =>
      (await documentClient().send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
    const sessionKey = (id: string) => ({ pk: `SESSION#${createHash('sha256').update(id).digest('base64url')}`, sk: 'SESSION' });
    const journeyKey = (id: string) => ({ pk: `JOURNEY#${id}`, sk: 'JOURNEY' });
    const journeys = new DynamoDbJourneyRepository(tableName);
    const sessions = new DynamoDbWebSessionRepository(tableName);
    const journey = (id: string) => ({
      id,
      citizenId: id,
      answers: { givenName: 'Ada' },
      idempotencyKey: `web-${id}`,
      updatedAt: new Date().toISOString(),
    });

    await journeys.put(journey('journey-left-alone'), 1);
    await journeys.put(journey('journey-in-use'), 3600);
    const expiring = await sessions.create({ kind: 'citizen', citizenId: 'citizen-gone' }, 1);
    const live = await sessions.create({ kind: 'citizen', citizenId: 'citizen-here' }, 3600);
    expect(await stored(journeyKey('journey-left-alone'))).toBeDefined();
    expect(await stored(sessionKey(expiring))).toBeDefined();

    // Expired within a second; the local TTL process runs every quarter second here.
    const deadline = Date.now() + 20_000;
    while (((await stored(journeyKey('journey-left-alone'))) || (await stored(sessionKey(expiring)))) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await stored(journeyKey('journey-left-alone'))).toBeUndefined();
    expect(await stored(sessionKey(expiring))).toBeUndefined();
    // What has not expired stays, and still serves.
    expect(await stored(journeyKey('journey-in-use'))).toMatchObject({ answers: { givenName: 'Ada' } });
    expect(await stored(sessionKey(live))).toBeDefined();
    expect((await new Browser().get('/journey/name', { tuo_citizen: live })).status).toBe(200);
  });

  it('keeps a department signed in by a session, not its API key, until it signs out', async () => {
    const browser = new Browser();
    const csrfToken = await browser.csrf();
    const signedIn = await browser.post('/department/sign-in', { csrfToken, apiKey });
    expect(signedIn.status).toBe(303);
    const session = browser.cookies.get('tuo_department')!;
    expect(session).toMatch(SESSION_ID);
    expect(signedIn.setCookies.join('\n')).not.toContain(apiKey.split('.')[2]);
    expect((await browser.get('/department')).body).toContain('Changes of address awaiting your answer');

    expect((await browser.post('/department/sign-out', { csrfToken })).status).toBe(303);
    const replayed = await new Browser().get('/department', { tuo_department: session });
    expect(replayed.body).toContain('Sign in as a department');
  });

  it('lets the operator session open the operator pages only: a cross-site form cannot rotate a signing secret', async () => {
    const browser = new Browser();
    const csrfToken = await browser.csrf();
    const wrong = await browser.post('/operator/sign-in', { csrfToken, adminToken: 'not-the-admin-token' });
    expect(wrong.body).toContain('That admin token is not right');
    const signedIn = await browser.post('/operator/sign-in', { csrfToken, adminToken: fixture.service.adminToken });
    expect(signedIn.status).toBe(303);
    const session = browser.cookies.get('tuo_operator')!;
    expect(session).toMatch(SESSION_ID);
    expect(session).not.toBe(fixture.service.adminToken);
    expect((await browser.get('/operator')).body).toContain('Operations');

    // What a page on another site can make the operator's browser send: the cookie, and a form body.
    const crossSite = { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' };
    const rotate = await browser.post('/v1/departments/session-office/signing-secrets', {}, crossSite);
    expect(rotate.status).toBe(401);
    const redeliver = await browser.post('/v1/notifications/ntf_00000000000000000000000000/redeliver', {}, crossSite);
    expect(redeliver.status).toBe(401);

    expect((await browser.post('/operator/sign-out', { csrfToken })).status).toBe(303);
    const replayed = await new Browser().get('/operator', { tuo_operator: session });
    expect(replayed.status).toBe(303);
    expect(replayed.location).toBe('/operator/sign-in');
  });
});
