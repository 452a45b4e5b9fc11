import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { correctionIdFor } from '../../lambdas/domain/identifiers';
import { documentClient } from '../../lambdas/store/dynamodb/document-client';
import { DynamoDbSubmissionRepository } from '../../lambdas/store/dynamodb/dynamodb-submission-repository';
import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress, type ServiceClient } from '../support/service-client';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver';

/** CONTRACT section 10 through the real local runtime, with real receivers that verify signatures and confirm. */
describe('corrections and withdrawal', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let client: ServiceClient;
  const receivers: Record<string, WebhookReceiver> = {};
  const keys: Record<string, string> = {};
  const NEW_ADDRESS = { line1: '3 Corrected Lane', town: 'York', postcode: 'yo1 9aa' };

  /** A department whose system confirms every verified delivery (change, correction or withdrawal) shortly after it. */
  async function register(id: string, fields: string[], receiver = new WebhookReceiver()) {
    if (!receiver.url) await receiver.start();
    const response = await client.registerDepartment(id, {
      name: `Dept ${id}`,
      webhookUrl: receiver.url,
      events: ['address.changed'],
      fields,
      confirmation: { required: true, timeoutSeconds: 600 },
    });
    expect(response.status).toBe(201);
    receiver.secrets = [response.json.signingSecret];
    keys[id] = response.json.apiKey;
    receiver.onDelivery = (delivery: ReceivedWebhook) => {
      setTimeout(
        () =>
          void fetch(delivery.payload.data.confirmationUrl, {
            method: 'POST',
            headers: { authorization: `Bearer ${keys[id]}`, 'content-type': 'application/json' },
            body: JSON.stringify({ outcome: 'CONFIRMED', departmentReference: `${id}-${delivery.payload.type}` }),
          }),
        20,
      ).unref();
    };
    receivers[id] = receiver;
  }

  /** A department whose endpoint is down (nothing listening): every attempt fails and is retried. */
  async function registerDown(id: string, fields: string[]) {
    const receiver = await new WebhookReceiver().start();
    const port = Number(new URL(receiver.url).port);
    await receiver.stop();
    await register(id, fields, receiver);
    return { receiver, bringBack: () => receiver.start(port) };
  }

  const correct = (token: string, id: string, key: string | undefined, body: unknown) =>
    client.request('POST', `/v1/submissions/${id}/corrections`, { token, body, headers: key ? { 'idempotency-key': key } : {} });
  const withdraw = (token: string, id: string, body?: unknown) =>
    client.request('POST', `/v1/submissions/${id}/withdrawal`, { token, body });
  const verified = (id: string) => receivers[id].received.filter((d) => d.verified);
  const settled = (s: any) => s.status !== 'IN_PROGRESS';
  const WAIT_MS = 60_000; // The machine is shared: generous, since a stuck workflow fails the wait either way.

  beforeAll(async () => {
    fixture = await startTestService();
    client = fixture.client;
    await register('address-one', ['person.givenName', 'newAddress']);
    await register('address-two', ['newAddress', 'movedOn']);
    await register('names-only', ['person.givenName', 'person.familyName']);
  }, 400_000);
  afterAll(async () => {
    await fixture?.stop();
    await Promise.all(Object.values(receivers).map((r) => r.stop()));
  }, 180_000);

  it('sends a correction of newAddress only to the departments entitled to it, with changed and corrects, and each confirms it', async () => {
    const token = await client.citizenToken('citizen-correct');
    const { json: submitted } = await client.submit(token, 'move', changeOfAddress(['address-one', 'address-two', 'names-only']));
    const done = await client.waitForSubmission(token, submitted.id, settled, WAIT_MS);
    expect(done.status).toBe('COMPLETED');
    const original = Object.fromEntries(done.notifications.map((n: any) => [n.department, n.id]));

    const response = await correct(token, submitted.id, 'fix-1', { newAddress: NEW_ADDRESS });
    expect(response.status).toBe(202);
    expect(response.json.changed).toEqual(['newAddress']);
    expect(response.json.notifications.map((n: any) => [n.department, n.kind]).sort()).toEqual([
      ['address-one', 'correction'],
      ['address-two', 'correction'],
    ]);
    expect((await client.submission(token, submitted.id)).json.status).toBe('IN_PROGRESS');

    const final = await client.waitForSubmission(token, submitted.id, settled, WAIT_MS);
    expect(final.status).toBe('COMPLETED');
    const corrections = final.notifications.filter((n: any) => n.kind === 'correction');
    expect(corrections).toHaveLength(2);
    expect(corrections.every((n: any) => n.status === 'CONFIRMED' && n.departmentReference.endsWith('address.corrected'))).toBe(true);
    expect(final.notifications.filter((n: any) => n.kind === 'change').every((n: any) => n.status === 'CONFIRMED')).toBe(true);

    for (const department of ['address-one', 'address-two']) {
      const [, correction] = verified(department)
        .filter((d) => d.payload.data.reference === submitted.reference)
        .map((d) => d.payload);
      expect(correction.type).toBe('address.corrected');
      expect(correction.data).toMatchObject({
        corrects: original[department],
        changed: ['newAddress'],
        newAddress: { ...NEW_ADDRESS, postcode: 'YO1 9AA' },
      });
    }
    // Its entitled fields as corrected, and nothing else: address-one sees the given name, never movedOn.
    const toOne = verified('address-one').find((d) => d.payload.type === 'address.corrected')!.payload.data;
    expect(toOne.person).toEqual({ givenName: 'Ada' });
    expect(toOne.movedOn).toBeUndefined();
    expect(verified('names-only').filter((d) => d.payload.data.reference === submitted.reference)).toHaveLength(1); // Not told.

    const events = (await client.request('GET', `/v1/submissions/${submitted.id}/events`, { token })).json.events;
    expect(events.find((e: any) => e.type === 'CORRECTED')).toMatchObject({ actor: 'citizen', fields: ['newAddress'] });
    expect(events.filter((e: any) => e.type === 'SENT' && e.kind === 'correction')).toHaveLength(2);

    // Erased: the correction's fingerprint (a hash of what was corrected) goes with the report, and
    // so does what the departments wrote back about the citizen; statuses and dates stay.
    const submissions = new DynamoDbSubmissionRepository(process.env.TABLE_NAME!);
    expect(await submissions.getCorrection(submitted.id, correctionIdFor(submitted.id, 'fix-1'))).toHaveProperty('fingerprint');
    expect((await client.request('DELETE', `/v1/submissions/${submitted.id}`, { token })).status).toBe(204);
    const correction = await submissions.getCorrection(submitted.id, correctionIdFor(submitted.id, 'fix-1'));
    expect(correction).toMatchObject({ changed: ['newAddress'], notificationIds: expect.any(Array) });
    expect(correction).not.toHaveProperty('fingerprint');
    const erased = (await client.submission(token, submitted.id)).json;
    expect(erased.erasedAt).toEqual(expect.any(String));
    expect(erased.notifications.map((n: any) => [n.status, n.departmentReference, n.reason, typeof n.respondedAt])).toEqual(
      erased.notifications.map(() => ['CONFIRMED', null, null, 'string']),
    );
    const trail = (await client.request('GET', `/v1/submissions/${submitted.id}/events`, { token })).json.events;
    expect(trail.filter((e: any) => e.type === 'CONFIRMED')).toHaveLength(erased.notifications.length);
    expect(trail.filter((e: any) => 'departmentReference' in e || 'reason' in e)).toEqual([]);
    // Nowhere in the table: not the submission's partition, not its notifications.
    const ids = new Set([`SUBMISSION#${submitted.id}`, ...erased.notifications.map((n: any) => `NOTIFICATION#${n.id}`)]);
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new ScanCommand({ TableName: process.env.TABLE_NAME!, ExclusiveStartKey: startKey, ConsistentRead: true }),
      );
      items.push(...(page.Items ?? []).filter((item) => ids.has(item.pk as string)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    expect(items.length).toBeGreaterThan(ids.size);
    expect(JSON.stringify(items)).not.toMatch(/-address\.(changed|corrected)|fingerprint|Corrected Lane|Lovelace/);
    expect((await correct(token, submitted.id, 'fix-1', { newAddress: NEW_ADDRESS })).status).toBe(409);
  }, 180_000);

  it('answers a correction retried with its Idempotency-Key the same, and refuses a different body under that key', async () => {
    const token = await client.citizenToken('citizen-retry');
    const { json: submitted } = await client.submit(token, 'move', changeOfAddress(['address-one']));
    await client.waitForSubmission(token, submitted.id, settled, WAIT_MS);

    const first = await correct(token, submitted.id, 'fix', { newAddress: NEW_ADDRESS });
    const again = await correct(token, submitted.id, 'fix', { newAddress: NEW_ADDRESS });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    // The same correction (same ids, departments and kinds), each notification as it is now: the
    // first may have been delivered between the two answers.
    const created = (answer: typeof first) => ({
      id: answer.json.id,
      notifications: answer.json.notifications.map(({ status: _status, ...rest }: { status: string }) => rest),
    });
    expect(created(again)).toEqual(created(first));
    const other = await correct(token, submitted.id, 'fix', { movedOn: '2026-11-21' });
    expect(other.status).toBe(422);

    const final = await client.waitForSubmission(token, submitted.id, settled, WAIT_MS);
    expect(final.notifications.filter((n: any) => n.kind === 'correction')).toHaveLength(1);
    expect(
      verified('address-one').filter((d) => d.payload.data.reference === submitted.reference && d.payload.type === 'address.corrected'),
    ).toHaveLength(1);

    expect((await correct(token, submitted.id, undefined, { newAddress: NEW_ADDRESS })).status).toBe(400);
    const bad = await correct(token, submitted.id, 'bad', { newAddress: { ...NEW_ADDRESS, postcode: 'nowhere' } });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(bad.json.errors).toEqual([expect.objectContaining({ pointer: '/newAddress/postcode' })]);
    expect((await correct(token, submitted.id, 'empty', {})).status).toBe(422);
    const before = await correct(token, submitted.id, 'before-birth', { movedOn: '1980-01-01' });
    expect(before.json.errors).toEqual([expect.objectContaining({ pointer: '/movedOn' })]);
    const stranger = await client.citizenToken('someone-else');
    expect((await correct(stranger, submitted.id, 'x', { newAddress: NEW_ADDRESS })).status).toBe(404);
    expect((await withdraw(stranger, submitted.id)).status).toBe(404);
  }, 180_000);

  it('gives a department not yet delivered to the corrected data in its first delivery, and no correction', async () => {
    const down = await registerDown('down-correct', ['newAddress']);
    const token = await client.citizenToken('citizen-late');
    const { json: submitted } = await client.submit(token, 'move', changeOfAddress(['down-correct']));
    await client.waitForSubmission(token, submitted.id, (s) => s.notifications[0].attempts >= 1, WAIT_MS);
    const response = await correct(token, submitted.id, 'fix', { newAddress: NEW_ADDRESS });
    expect(response.json.notifications).toEqual([]);
    await down.bringBack();
    const final = await client.waitForSubmission(token, submitted.id, settled, WAIT_MS);
    expect(final.notifications).toEqual([expect.objectContaining({ kind: 'change', status: 'CONFIRMED' })]);
    expect(verified('down-correct').map((d) => [d.payload.type, d.payload.data.newAddress.line1])).toEqual([
      ['address.changed', '3 Corrected Lane'],
    ]);
  }, 180_000);

  it('withdrawn before delivery, a notification is never sent and its retries stop', async () => {
    const down = await registerDown('down-withdraw', ['newAddress']);
    const token = await client.citizenToken('citizen-mistake');
    const { json: submitted } = await client.submit(token, 'move', changeOfAddress(['down-withdraw']));
    await client.waitForSubmission(token, submitted.id, (s) => s.notifications[0].attempts >= 2, WAIT_MS); // Retrying: a Wait is in progress.

    const response = await withdraw(token, submitted.id, { reason: 'I have not moved after all' });
    expect(response.status).toBe(202);
    expect(response.json.notifications).toEqual([expect.objectContaining({ kind: 'change', status: 'WITHDRAWN' })]);
    const final = await client.waitForSubmission(token, submitted.id, settled, WAIT_MS);
    expect(final.notifications).toEqual([expect.objectContaining({ status: 'WITHDRAWN' })]);
    const attempts = final.notifications[0].attempts;

    await down.bringBack(); // Were a retry still to come, it would now be delivered.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(down.receiver.received).toEqual([]);
    expect((await client.submission(token, submitted.id)).json.notifications[0]).toMatchObject({ status: 'WITHDRAWN', attempts });
    expect((await withdraw(token, submitted.id)).status).toBe(202); // Again: nothing changes.
    const events = (await client.request('GET', `/v1/submissions/${submitted.id}/events`, { token })).json.events;
    expect(events.filter((e: any) => e.type === 'WITHDRAWN').map((e: any) => e.department)).toEqual([null, 'down-withdraw']);
  }, 180_000);

  it('withdrawn after delivery, each department told gets an address.withdrawn notice, which it confirms', async () => {
    const token = await client.citizenToken('citizen-withdraw');
    const { json: submitted } = await client.submit(token, 'move', changeOfAddress(['address-one', 'names-only']));
    const done = await client.waitForSubmission(token, submitted.id, settled, WAIT_MS);
    const response = await withdraw(token, submitted.id);
    expect(response.status).toBe(202);
    expect(response.json.notifications.filter((n: any) => n.kind === 'withdrawal')).toHaveLength(2);

    const final = await client.waitForSubmission(token, submitted.id, settled, WAIT_MS);
    const notices = final.notifications.filter((n: any) => n.kind === 'withdrawal');
    expect(notices.map((n: any) => [n.department, n.status]).sort()).toEqual([
      ['address-one', 'CONFIRMED'],
      ['names-only', 'CONFIRMED'],
    ]);
    for (const change of done.notifications) {
      const notice = verified(change.department).find(
        (d) => d.payload.type === 'address.withdrawn' && d.payload.data.withdraws === change.id,
      )!;
      expect(notice.payload.data).toEqual({
        notificationId: notice.webhookId,
        reference: submitted.reference,
        withdraws: change.id,
        confirmationUrl: expect.stringContaining(`/v1/notifications/${notice.webhookId}/confirmation`),
      });
    }

    // Once the personal data is erased, neither a correction nor a withdrawal is possible.
    expect((await client.request('DELETE', `/v1/submissions/${submitted.id}`, { token })).status).toBe(204);
    expect((await correct(token, submitted.id, 'late', { newAddress: NEW_ADDRESS })).status).toBe(409);
    expect((await withdraw(token, submitted.id)).status).toBe(409);
  });
});
