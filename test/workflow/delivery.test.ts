import { Webhook } from 'standardwebhooks';
import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress, type ServiceClient } from '../support/service-client';
import { WebhookReceiver } from '../support/webhook-receiver';

/** Issue 3 through the real local runtime: failure classes, retries, rotation, redelivery, adapters. */
describe('delivery departments can trust', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let client: ServiceClient;
  const receivers: WebhookReceiver[] = [];
  let citizen: string;

  /** A department with its own receiver; `required: false` so a delivery is final by itself. */
  async function department(id: string, extra: Record<string, unknown> = {}) {
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const configuration = {
      name: `Dept ${id}`,
      webhookUrl: receiver.url,
      events: ['address.changed'],
      fields: ['person.givenName', 'person.familyName', 'newAddress', 'movedOn'],
      confirmation: { required: false },
      ...extra,
    };
    const response = await client.registerDepartment(id, configuration);
    expect(response.status).toBe(201);
    receiver.secrets = [response.json.signingSecret];
    return { receiver, configuration, signingSecret: response.json.signingSecret as string };
  }

  async function submitTo(id: string, key: string) {
    const accepted = await client.submit(citizen, key, changeOfAddress([id]));
    expect(accepted.status).toBe(202);
    return accepted.json;
  }

  beforeAll(async () => {
    fixture = await startTestService({ timeScale: 0.001 });
    client = fixture.client;
    citizen = await client.citizenToken('citizen-delivery');
  });
  afterAll(async () => {
    await fixture?.stop();
    await Promise.all(receivers.map((r) => r.stop()));
  });

  it('retries 503 three times, then delivers on the fourth attempt under one webhook-id', async () => {
    const { receiver } = await department('flaky');
    receiver.script = [503, 503, 503];
    const submission = await submitTo('flaky', 'flaky-1');
    const final = await client.waitForSubmission(citizen, submission.id, (s) => s.status !== 'IN_PROGRESS');
    expect(final.status).toBe('COMPLETED');
    expect(final.notifications[0]).toMatchObject({ status: 'DELIVERED', attempts: 4, lastError: 'HTTP 503' });
    expect(receiver.received).toHaveLength(4);
    expect(new Set(receiver.received.map((d) => d.webhookId))).toEqual(new Set([submission.notifications[0].id]));
    expect(receiver.received.every((d) => d.verified)).toBe(true);
    const trail = (await client.request('GET', `/v1/submissions/${submission.id}/events`, { token: citizen })).json.events;
    expect(trail.filter((e: any) => e.type === 'SENT').map((e: any) => e.outcome)).toEqual([
      'HTTP 503',
      'HTTP 503',
      'HTTP 503',
      'delivered',
    ]);
  });

  it('fails at once on 400, after one attempt', async () => {
    const { receiver } = await department('refuses');
    receiver.defaultStatus = 400;
    const submission = await submitTo('refuses', 'refuses-1');
    const final = await client.waitForSubmission(citizen, submission.id, (s) => s.status !== 'IN_PROGRESS');
    expect(final.status).toBe('COMPLETED_WITH_ISSUES');
    expect(final.notifications[0]).toMatchObject({ status: 'FAILED', attempts: 1, lastError: 'HTTP 400' });
    expect(receiver.received).toHaveLength(1);
  });

  it('fails on 410 and disables the endpoint until the operator re-enables it', async () => {
    const { receiver, configuration } = await department('gone');
    receiver.defaultStatus = 410;
    const submission = await submitTo('gone', 'gone-1');
    const final = await client.waitForSubmission(citizen, submission.id, (s) => s.status !== 'IN_PROGRESS');
    expect(final.notifications[0]).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(receiver.received).toHaveLength(1);

    const listed = (await client.request('GET', '/v1/departments')).json.map((d: any) => d.id);
    expect(listed).not.toContain('gone');
    const refused = await client.submit(citizen, 'gone-2', changeOfAddress(['gone']));
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([expect.objectContaining({ pointer: '/departments/0' })]);

    receiver.defaultStatus = 200;
    const reenabled = await client.registerDepartment('gone', configuration);
    expect(reenabled.status).toBe(200);
    expect(reenabled.json.active).toBe(true);
    expect((await client.request('GET', '/v1/departments')).json.map((d: any) => d.id)).toContain('gone');
    expect((await client.submit(citizen, 'gone-3', changeOfAddress(['gone']))).status).toBe(202);
  });

  it("redelivers a FAILED notification on the operator's request, under the same webhook-id", async () => {
    const { receiver } = await department('fixed-later');
    receiver.defaultStatus = 400;
    const submission = await submitTo('fixed-later', 'redeliver-1');
    const notificationId = submission.notifications[0].id;
    await client.waitForSubmission(citizen, submission.id, (s) => s.status === 'COMPLETED_WITH_ISSUES');
    const path = `/v1/notifications/${notificationId}/redeliver`;
    expect((await client.request('POST', path)).status).toBe(401);
    expect((await client.request('POST', '/v1/notifications/ntf_nothing/redeliver', { token: fixture.service.adminToken })).status).toBe(
      404,
    );

    receiver.defaultStatus = 200;
    const redelivered = await client.request('POST', path, { token: fixture.service.adminToken });
    expect(redelivered.status).toBe(202);
    const final = await client.waitForSubmission(citizen, submission.id, (s) => s.status === 'COMPLETED');
    expect(final.notifications[0]).toMatchObject({ status: 'DELIVERED', attempts: 2 });
    expect(receiver.received.map((d) => d.webhookId)).toEqual([notificationId, notificationId]);
    // Only a FAILED notification can be redelivered.
    expect((await client.request('POST', path, { token: fixture.service.adminToken })).status).toBe(409);
    const trail = (await client.request('GET', `/v1/submissions/${submission.id}/events`, { token: citizen })).json.events;
    expect(trail.map((e: any) => e.type)).toEqual(
      expect.arrayContaining(['FAILED', 'REDELIVERY_REQUESTED', 'COMPLETED_WITH_ISSUES', 'COMPLETED']),
    );
  });

  it('signs with both secrets for a day after a rotation, so either verifies', async () => {
    const { receiver, signingSecret: oldSecret } = await department('rotating');
    const rotated = await client.request('POST', '/v1/departments/rotating/signing-secrets', { token: fixture.service.adminToken });
    expect(rotated.status).toBe(201);
    const newSecret = rotated.json.signingSecret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(rotated.json.previousSecretsRetireAt) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);

    receiver.secrets = [newSecret]; // A department that has already switched over.
    const submission = await submitTo('rotating', 'rotating-1');
    await client.waitForSubmission(citizen, submission.id, (s) => s.status === 'COMPLETED');
    const [delivery] = receiver.received;
    expect(delivery.verified).toBe(true);
    expect(delivery.headers['webhook-signature'].split(' ')).toHaveLength(2);
    // A department that has not switched yet verifies with the old secret.
    expect(() => new Webhook(oldSecret).verify(delivery.body, delivery.headers)).not.toThrow();
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(delivery.body, delivery.headers)).toThrow();
    expect((await client.request('POST', '/v1/departments/rotating/signing-secrets')).status).toBe(401);
  });

  it('shapes the request with a declarative field mapping for a legacy system, still signed and minimal', async () => {
    const adapter = {
      type: 'field-mapping',
      fields: [
        { name: 'REF', from: 'reference' },
        { name: 'SURNAME', from: 'person.familyName', format: 'upper-case' },
        { name: 'NEW_POSTCODE', from: 'newAddress.postcode' },
        { name: 'MOVE_DATE', from: 'movedOn', format: 'dd/mm/yyyy' },
        { name: 'ANSWER_AT', from: 'confirmationUrl' },
      ],
    };
    const { receiver } = await department('legacy', { adapter });
    const submission = await submitTo('legacy', 'legacy-1');
    await client.waitForSubmission(citizen, submission.id, (s) => s.status === 'COMPLETED');
    const [delivery] = receiver.received;
    expect(delivery.verified).toBe(true);
    expect(delivery.payload).toEqual({
      REF: submission.reference,
      SURNAME: 'LOVELACE',
      NEW_POSTCODE: 'YO1 7HH',
      MOVE_DATE: '20/11/2026',
      ANSWER_AT: `${client.baseUrl}/v1/notifications/${submission.notifications[0].id}/confirmation`,
    });

    // A mapping can only carry what the department is entitled to.
    const refused = await client.registerDepartment('legacy-greedy', {
      name: 'Greedy',
      webhookUrl: receiver.url,
      events: ['address.changed'],
      fields: ['newAddress'],
      adapter: { type: 'field-mapping', fields: [{ name: 'NI', from: 'person.nationalInsuranceNumber' }] },
    });
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([expect.objectContaining({ pointer: '/adapter/fields/0/from' })]);
  });

  it('refuses to register private, link-local, metadata and non-443 targets', async () => {
    const configuration = { name: 'Unsafe', events: ['address.changed'], fields: ['newAddress'] };
    for (const webhookUrl of [
      'http://169.254.169.254/',
      'http://10.0.0.1/',
      'https://192.168.1.10/hook',
      'https://[fd00:ec2::254]/',
      'https://169.254.170.23/v1/credentials',
      'https://[64:ff9b:1::a00:1]/',
      'https://hmrc.example:8443/hook',
    ]) {
      const refused = await client.registerDepartment('unsafe', { ...configuration, webhookUrl });
      expect(refused.status).toBe(422);
      expect(refused.json.errors[0].pointer).toBe('/webhookUrl');
    }
  });
});
