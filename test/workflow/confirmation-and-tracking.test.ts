import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lambdas/store/dynamodb/document-client';
import { DynamoDbSubmissionRepository } from '../../lambdas/store/dynamodb/dynamodb-submission-repository';
import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress, type ServiceClient } from '../support/service-client';
import { WebhookReceiver } from '../support/webhook-receiver';

/** Issue 4 through the real local runtime: answers, expiry, audit trail, department view, retention. */
describe('confirmation and tracking', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let client: ServiceClient;
  let receiver: WebhookReceiver;
  const keys: Record<string, string> = {};

  async function register(id: string, confirmation: Record<string, unknown>, fields = ['person.givenName', 'newAddress']) {
    const response = await client.registerDepartment(id, {
      name: `Dept ${id}`,
      webhookUrl: receiver.url,
      events: ['address.changed'],
      fields,
      confirmation,
    });
    expect(response.status).toBe(201);
    receiver.secrets.push(response.json.signingSecret);
    keys[id] = response.json.apiKey;
  }

  const answer = (id: string, notificationId: string, body: unknown) =>
    client.request('POST', `/v1/notifications/${notificationId}/confirmation`, { token: keys[id], body });

  beforeAll(async () => {
    fixture = await startTestService({ retentionSeconds: 3, maxScheduleIntervalMs: 200 });
    client = fixture.client;
    receiver = await new WebhookReceiver().start();
    await register('waits', { required: true, timeoutSeconds: 300 });
    await register('quick-timeout', { required: true, timeoutSeconds: 1 });
    await register('no-answer-needed', { required: false });
  });
  afterAll(async () => {
    await fixture?.stop();
    await receiver?.stop();
  });

  it('records exactly one of 20 simultaneous answers', async () => {
    const token = await client.citizenToken('citizen-race');
    const { json } = await client.submit(token, 'race', changeOfAddress(['waits']));
    const [notification] = json.notifications;
    await client.waitForSubmission(token, json.id, (s) => s.notifications[0].status === 'DELIVERED');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        answer('waits', notification.id, { outcome: i % 2 === 0 ? 'CONFIRMED' : 'REJECTED', departmentReference: `R-${i}` }),
      ),
    );
    const accepted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 409);
    expect(accepted.length + refused.length).toBe(20);
    const outcome = accepted[0].json.status;
    // Every 200 names the one outcome recorded; every 409 tried the other one.
    expect(accepted.every((a) => a.json.status === outcome)).toBe(true);
    const final = await client.waitForSubmission(token, json.id, (s) => s.status !== 'IN_PROGRESS');
    expect(final.notifications[0].status).toBe(outcome);
    const events = (await client.request('GET', `/v1/submissions/${json.id}/events`, { token })).json.events;
    expect(events.filter((e: any) => e.type === 'CONFIRMED' || e.type === 'REJECTED')).toHaveLength(1);
  });

  it('expires a notification with no answer within the department timeout, and refuses a late answer', async () => {
    const token = await client.citizenToken('citizen-expiry');
    const { json } = await client.submit(token, 'expiry', changeOfAddress(['quick-timeout']));
    const final = await client.waitForSubmission(token, json.id, (s) => s.status !== 'IN_PROGRESS', 15_000);
    expect(final.status).toBe('COMPLETED_WITH_ISSUES');
    expect(final.notifications[0].status).toBe('EXPIRED');
    const late = await answer('quick-timeout', json.notifications[0].id, { outcome: 'CONFIRMED' });
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toBe('application/problem+json');
  });

  it('ends at DELIVERED where no confirmation is required, and refuses an answer there', async () => {
    const token = await client.citizenToken('citizen-noconfirm');
    const { json } = await client.submit(token, 'noconfirm', changeOfAddress(['no-answer-needed']));
    const final = await client.waitForSubmission(token, json.id, (s) => s.status !== 'IN_PROGRESS');
    expect(final).toMatchObject({ status: 'COMPLETED', notifications: [expect.objectContaining({ status: 'DELIVERED' })] });
    expect((await answer('no-answer-needed', json.notifications[0].id, { outcome: 'CONFIRMED' })).status).toBe(409);
  });

  it('keeps an audit trail of the whole journey, in order, then erases personal data after retention', async () => {
    const token = await client.citizenToken('citizen-audit');
    const { json } = await client.submit(token, 'audit', changeOfAddress(['waits', 'no-answer-needed']));
    const waiting = json.notifications.find((n: any) => n.department === 'waits');
    await client.waitForSubmission(
      token,
      json.id,
      (s) => s.notifications.find((n: any) => n.department === 'waits').status === 'DELIVERED',
    );
    expect((await answer('waits', waiting.id, { outcome: 'CONFIRMED', departmentReference: 'W-1' })).status).toBe(200);
    const final = await client.waitForSubmission(token, json.id, (s) => s.status !== 'IN_PROGRESS');
    expect(final.status).toBe('COMPLETED');

    // The citizen is told before the final status is written, and that write records it: once final, the trail says so.
    const response = await client.request('GET', `/v1/submissions/${json.id}/events`, { token });
    expect(response.status).toBe(200);
    const trail = response.json;
    const types = trail.events.map((e: any) => `${e.type}${e.department ? `:${e.department}` : ''}`);
    expect(types[0]).toBe('SUBMITTED');
    expect(types).toEqual(
      expect.arrayContaining(['SENT:waits', 'SENT:no-answer-needed', 'CONFIRMED:waits', 'COMPLETED', 'CITIZEN_NOTIFIED']),
    );
    expect(types.indexOf('SENT:waits')).toBeLessThan(types.indexOf('CONFIRMED:waits'));
    expect(types.indexOf('CONFIRMED:waits')).toBeLessThan(types.indexOf('COMPLETED'));
    const sent = trail.events.find((e: any) => e.type === 'SENT' && e.department === 'waits');
    expect(sent).toMatchObject({ actor: 'service', fields: ['person.givenName', 'newAddress'], outcome: 'delivered', attempt: 1 });
    expect(trail.events.find((e: any) => e.type === 'CONFIRMED')).toMatchObject({ actor: 'department:waits', departmentReference: 'W-1' });
    const timestamps = trail.events.map((e: any) => e.at);
    expect([...timestamps].sort()).toEqual(timestamps);
    // Field names only, never the citizen's values.
    expect(JSON.stringify(trail)).not.toMatch(/Lovelace|YO1 7HH|ada@example.org/);
    // Only the citizen sees it.
    expect((await client.request('GET', `/v1/submissions/${json.id}/events`, { token: await client.citizenToken('someone') })).status).toBe(
      404,
    );

    // The citizen was told, through the local outbox.
    const outbox = path.join(fixture.dataDir, 'outbox');
    const messages = readdirSync(outbox).map((f) => JSON.parse(readFileSync(path.join(outbox, f), 'utf8')));
    expect(messages.find((m) => m.subject.includes(final.reference))).toMatchObject({
      to: 'ada@example.org',
      body: expect.stringContaining('Dept waits: updated their records (their reference W-1)'),
    });

    // Retention is 3 seconds here: the sweeper erases the personal data and says so in the trail.
    const erased = await client.waitForSubmission(token, json.id, (s) => s.erasedAt !== null, 20_000);
    expect(erased.status).toBe('COMPLETED');
    const after = (await client.request('GET', `/v1/submissions/${json.id}/events`, { token })).json.events;
    expect(after.at(-1)).toMatchObject({ type: 'PERSONAL_DATA_ERASED', actor: 'service' });
    expect(after.find((e: any) => e.type === 'CONFIRMED')).not.toHaveProperty('departmentReference');
    expect(erased.notifications.find((n: any) => n.id === waiting.id)).toMatchObject({ status: 'CONFIRMED', departmentReference: null });
    const listing = await client.request('GET', '/v1/departments/waits/notifications?status=CONFIRMED&limit=100', { token: keys.waits });
    expect(listing.json.items.find((i: any) => i.id === waiting.id)).toMatchObject({
      data: null,
      status: 'CONFIRMED',
      departmentReference: null,
    });
    // The proof of notification keeps who was told what and when, not the department's reference.
    const receipt = (await client.request('GET', `/v1/submissions/${json.id}/receipt`, { token })).json.receipt as string;
    const claims = JSON.parse(Buffer.from(receipt.split('.')[1], 'base64url').toString('utf8'));
    expect(claims.notifications.find((n: any) => n.department === 'waits')).toMatchObject({
      status: 'CONFIRMED',
      departmentReference: null,
      respondedAt: expect.any(String),
    });
  });

  it('reads entries stored as items of their own (before they moved onto the submission), and claims no round twice', async () => {
    const token = await client.citizenToken('citizen-older-entries');
    const { json } = await client.submit(token, 'older-entries', changeOfAddress(['no-answer-needed']));
    await client.waitForSubmission(token, json.id, (s) => s.status !== 'IN_PROGRESS');
    const eventsOf = async () => (await client.request('GET', `/v1/submissions/${json.id}/events`, { token })).json.events;
    const before = await eventsOf();
    expect(before.map((e: any) => e.type)).toEqual(expect.arrayContaining(['SUBMITTED', 'COMPLETED', 'CITIZEN_NOTIFIED']));

    // As the previous version stored them: the submission's entries as items of their own, none on the submission.
    const table = process.env.TABLE_NAME!;
    const key = { pk: `SUBMISSION#${json.id}`, sk: 'SUBMISSION' };
    const { Item } = await documentClient().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    const entries = Object.keys(Item!).filter((name) => name.startsWith('EVENT#'));
    expect(entries.sort()).toEqual(['EVENT#FINAL#0', 'EVENT#NOTIFIED#0', 'EVENT#SUBMITTED']);
    for (const name of entries) {
      await documentClient().send(new PutCommand({ TableName: table, Item: { pk: key.pk, sk: name, ...Item![name] } }));
    }
    await documentClient().send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: `REMOVE ${entries.map((_, i) => `#e${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map((name, i) => [`#e${i}`, name])),
      }),
    );
    expect(await eventsOf()).toEqual(before);

    // A round that version claimed is not claimed again; a new round is claimed once (on the submission and as an item).
    const submissions = new DynamoDbSubmissionRepository(table);
    const entry = (round: number) => ({
      submissionId: json.id,
      key: `FINAL#${round}`,
      at: new Date().toISOString(),
      type: 'COMPLETED' as const,
      actor: 'service' as const,
    });
    expect(await submissions.claimFinalRound(json.id, entry(0))).toBe(false);
    expect(await submissions.claimFinalRound(json.id, entry(1))).toBe(true);
    expect(await submissions.claimFinalRound(json.id, entry(1))).toBe(false);
    const after = await eventsOf();
    expect(after.filter((e: any) => e.type === 'COMPLETED')).toHaveLength(2);
    expect(after.filter((e: any) => e.type === 'SUBMITTED')).toHaveLength(1);
  });

  it('lets a citizen erase their data once final, not before', async () => {
    const token = await client.citizenToken('citizen-erase');
    const { json } = await client.submit(token, 'erase', changeOfAddress(['waits']));
    expect((await client.request('DELETE', `/v1/submissions/${json.id}`, { token })).status).toBe(409);
    await client.waitForSubmission(token, json.id, (s) => s.notifications[0].status === 'DELIVERED');
    await answer('waits', json.notifications[0].id, { outcome: 'REJECTED', reason: 'Not known here' });
    await client.waitForSubmission(token, json.id, (s) => s.status !== 'IN_PROGRESS');
    expect((await client.request('DELETE', `/v1/submissions/${json.id}`, { token: await client.citizenToken('not-them') })).status).toBe(
      404,
    );
    // The citizen was sent the outcome: the local outbox holds a copy, named for the submission.
    const outbox = path.join(fixture.dataDir, 'outbox');
    const copies = () => readdirSync(outbox).filter((name) => name.startsWith(json.id));
    expect(copies()).toHaveLength(1);
    const erased = await client.request('DELETE', `/v1/submissions/${json.id}`, { token });
    expect(erased.status).toBe(204);
    const after = (await client.submission(token, json.id)).json;
    expect(after.erasedAt).toEqual(expect.any(String));
    // The department's free text about the citizen goes with their data; the outcome and its date stay.
    expect(after.notifications[0]).toMatchObject({
      status: 'REJECTED',
      reason: null,
      departmentReference: null,
      respondedAt: expect.any(String),
    });
    const trail = (await client.request('GET', `/v1/submissions/${json.id}/events`, { token })).json.events;
    expect(trail.at(-1)).toMatchObject({ type: 'PERSONAL_DATA_ERASED', actor: 'citizen' });
    expect(trail.find((e: any) => e.type === 'REJECTED')).toMatchObject({ actor: 'department:waits' });
    expect(JSON.stringify(trail)).not.toContain('Not known here');
    const listed = await client.request('GET', '/v1/departments/waits/notifications?status=REJECTED&limit=100', { token: keys.waits });
    expect(listed.json.items.find((i: any) => i.id === json.notifications[0].id)).toMatchObject({
      status: 'REJECTED',
      reason: null,
      data: null,
    });
    // Erasure takes the outbox's copy and the fingerprint (a hash of the whole report) with it.
    expect(copies()).toHaveLength(0);
    const stored = await new DynamoDbSubmissionRepository(process.env.TABLE_NAME!).get(json.id);
    expect(stored).toMatchObject({ id: json.id, erasedAt: expect.any(String) });
    expect(stored).not.toHaveProperty('fingerprint');
    // With nothing left to compare a body to, a replay of the key answers the same submission.
    const replay = await client.submit(token, 'erase', changeOfAddress(['waits', 'no-answer-needed']));
    expect(replay.status).toBeLessThan(300);
    expect(replay.json.id).toBe(json.id);
  });

  it('shows a department what awaits its answer, page by page, and nothing of other departments', async () => {
    const token = await client.citizenToken('citizen-listing');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { json } = await client.submit(token, `listing-${i}`, changeOfAddress(['waits']));
      ids.push(json.notifications[0].id);
      await client.waitForSubmission(token, json.id, (s) => s.notifications[0].status === 'DELIVERED');
    }
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?status=DELIVERED&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await client.request('GET', `/v1/departments/waits/notifications${query}`, { token: keys.waits });
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.items);
      cursor = page.json.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen.map((i) => i.id)).toEqual(expect.arrayContaining(ids));
    expect(new Set(seen.map((i) => i.id)).size).toBe(seen.length);
    const item = seen.find((i) => i.id === ids[0]);
    expect(item).toMatchObject({
      status: 'DELIVERED',
      reference: expect.stringMatching(/^TUO-/),
      data: { person: { givenName: 'Ada' }, newAddress: expect.any(Object) },
    });
    expect(item.data.person.familyName).toBeUndefined(); // Only the department's entitled fields.

    expect((await client.request('GET', '/v1/departments/waits/notifications', { token: keys['no-answer-needed'] })).status).toBe(404);
    expect((await client.request('GET', '/v1/departments/waits/notifications')).status).toBe(401);
    const badStatus = await client.request('GET', '/v1/departments/waits/notifications?status=LOST', { token: keys.waits });
    expect(badStatus.status).toBe(400);
    expect((await client.request('GET', '/v1/departments/waits/notifications?cursor=bm9wZQ', { token: keys.waits })).status).toBe(400);
  });
});
