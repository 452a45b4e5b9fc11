import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress, type ServiceClient } from '../support/service-client';
import { WebhookReceiver } from '../support/webhook-receiver';

/** CONTRACT section 4: operators issue departments new API keys and suspend departments. */
describe('department API keys and suspension', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let client: ServiceClient;
  let admin: string;
  const receiver = new WebhookReceiver();
  const configuration = (extra: Record<string, unknown> = {}) => ({
    name: 'Access department',
    webhookUrl: receiver.url,
    events: ['address.changed'],
    fields: ['newAddress'],
    ...extra,
  });
  const listing = async (id: string, apiKey: string) =>
    (await client.request('GET', `/v1/departments/${id}/notifications`, { token: apiKey })).status;
  const issueKey = (id: string, body?: unknown) =>
    client.request('POST', `/v1/departments/${id}/api-keys`, { token: admin, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    fixture = await startTestService();
    client = fixture.client;
    admin = fixture.service.adminToken;
    await receiver.start();
  }, 240_000); // Starting the whole service takes long on a busy machine.
  afterAll(async () => {
    await fixture?.stop();
    await receiver.stop();
  });

  it('a new key leaves the earlier ones working (24 hours) unless revokePrevious refuses them at once', async () => {
    const registered = await client.registerDepartment('keys', configuration());
    expect(registered.status).toBe(201);
    const first = registered.json.apiKey as string;

    const noBody = await issueKey('keys');
    expect(noBody.status).toBe(201);
    expect(noBody.json).toEqual({ id: 'keys', apiKey: expect.stringMatching(/^tuo\.keys\./), previousKeysRetireAt: expect.any(String) });
    const overlap = Date.parse(noBody.json.previousKeysRetireAt) - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3600_000);
    const emptyBody = await issueKey('keys', {});
    expect(emptyBody.status).toBe(201);
    const [second, third] = [noBody.json.apiKey as string, emptyBody.json.apiKey as string];
    expect(new Set([first, second, third]).size).toBe(3);
    for (const key of [first, second, third]) expect(await listing('keys', key)).toBe(200);

    const revoking = await issueKey('keys', { revokePrevious: true });
    expect(revoking.status).toBe(201);
    expect(revoking.json.previousKeysRetireAt).toBeNull();
    for (const key of [first, second, third]) expect(await listing('keys', key)).toBe(401);
    expect(await listing('keys', revoking.json.apiKey)).toBe(200);

    // A key is returned once: the configuration never shows it.
    const replaced = await client.registerDepartment('keys', configuration());
    expect(replaced.status).toBe(200);
    expect(JSON.stringify(replaced.json)).not.toContain('tuo.keys.');
  });

  it('refuses what is not an operator, an unknown department and a malformed body', async () => {
    expect((await client.request('POST', '/v1/departments/keys/api-keys')).status).toBe(401);
    expect((await issueKey('nobody-here')).status).toBe(404);
    const malformed = await issueKey('keys', { revokePrevious: 'yes' });
    expect(malformed.status).toBe(422);
    expect(malformed.json.errors).toEqual([expect.objectContaining({ pointer: '/revokePrevious' })]);
    expect((await issueKey('keys', { revokeAll: true })).status).toBe(422);
  });

  it('a suspended department cannot be chosen, is not listed, and every key of it answers 401 until a PUT lifts it', async () => {
    const registered = await client.registerDepartment('paused', configuration());
    const apiKey = registered.json.apiKey as string;
    const rotated = (await issueKey('paused')).json.apiKey as string;
    const citizen = await client.citizenToken('citizen-suspension');

    const suspended = await client.registerDepartment('paused', configuration({ suspended: true }));
    expect(suspended.status).toBe(200);
    expect(suspended.json).toMatchObject({ suspended: true });
    expect((await client.request('GET', '/v1/departments')).json.map((d: any) => d.id)).not.toContain('paused');
    const refused = await client.submit(citizen, 'suspended-1', changeOfAddress(['paused']));
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([expect.objectContaining({ pointer: '/departments/0' })]);
    for (const key of [apiKey, rotated]) expect(await listing('paused', key)).toBe(401);
    const answer = await client.request('POST', '/v1/notifications/ntf_anything/confirmation', {
      token: rotated,
      body: { outcome: 'CONFIRMED' },
    });
    expect(answer.status).toBe(401);

    expect((await client.registerDepartment('paused', configuration({ suspended: false }))).status).toBe(200);
    expect((await client.request('GET', '/v1/departments')).json.map((d: any) => d.id)).toContain('paused');
    for (const key of [apiKey, rotated]) expect(await listing('paused', key)).toBe(200);
    expect((await client.submit(citizen, 'suspended-2', changeOfAddress(['paused']))).status).toBe(202);
  });

  it("every configuration change is in the operators' trail: who, when, which fields, never a secret", async () => {
    const created = await client.registerDepartment('audited', configuration());
    await client.registerDepartment('audited', configuration({ fields: ['newAddress', 'person.email'], description: 'Changed' }));
    await client.request('POST', '/v1/departments/audited/signing-secrets', { token: admin });
    await issueKey('audited', { revokePrevious: true });
    const trail = await client.request('GET', '/v1/departments/audited/changes', { token: admin });
    expect(trail.status).toBe(200);
    expect(trail.json.changes.map((c: any) => [c.action, c.changedFields])).toEqual([
      ['CREATED', ['adapter', 'confirmation', 'delivery', 'description', 'events', 'fields', 'name', 'suspended', 'webhookUrl']],
      ['REPLACED', ['description', 'fields']],
      ['SIGNING_SECRET_ISSUED', ['signingSecrets']],
      ['API_KEY_ISSUED', ['apiKeys', 'revokedPreviousKeys']],
    ]);
    for (const change of trail.json.changes)
      expect(change).toMatchObject({ actor: 'arn:aws:iam::local:user/operator', at: expect.any(String) });
    expect(trail.text).not.toContain(created.json.signingSecret);
    expect(trail.text).not.toContain('whsec_');
    expect(trail.text).not.toContain('tuo.audited.');
    expect((await client.request('GET', '/v1/departments/audited/changes', { token: created.json.apiKey })).status).toBe(401);
    expect((await client.request('GET', '/v1/departments/never-made/changes', { token: admin })).status).toBe(404);
  });
});
