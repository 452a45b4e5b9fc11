import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress, type ServiceClient } from '../support/service-client';
import { ThreadedWebhookReceiver } from '../support/threaded-webhook-receiver';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * Issue 14 through the real local runtime, real receivers and dynalite (CONTRACT sections 8 and
 * 9): a feed for every department, pull delivery, endpoint health, rate limits, operator events.
 */
describe('every department can be reached and nothing is dropped', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let client: ServiceClient;
  let admin: string;
  const receivers: WebhookReceiver[] = [];
  const threadedReceivers: ThreadedWebhookReceiver[] = [];
  let citizen: string;
  const FIELDS = ['person.givenName', 'person.familyName', 'newAddress', 'movedOn'];

  async function pushDepartment(id: string, extra: Record<string, unknown> = {}) {
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const response = await client.registerDepartment(id, {
      name: `Dept ${id}`,
      webhookUrl: receiver.url,
      events: ['address.changed'],
      fields: FIELDS,
      ...extra,
    });
    expect(response.status).toBe(201);
    receiver.secrets = [response.json.signingSecret];
    return { receiver, apiKey: response.json.apiKey as string };
  }

  async function pullDepartment(id: string) {
    const response = await client.registerDepartment(id, {
      name: `Electoral registration ${id}`,
      delivery: 'pull',
      events: ['address.changed'],
      fields: FIELDS,
      confirmation: { required: true, timeoutSeconds: 600 },
    });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ delivery: 'pull' });
    expect(response.json.webhookUrl).toBeUndefined();
    return response.json.apiKey as string;
  }

  async function submitTo(departments: string[], key: string) {
    const accepted = await client.submit(citizen, key, changeOfAddress(departments));
    expect(accepted.status).toBe(202);
    return accepted.json;
  }

  const feed = (id: string, apiKey: string, query = '') => client.request('GET', `/v1/departments/${id}/feed${query}`, { token: apiKey });

  async function confirm(apiKey: string, notificationId: string) {
    const answered = await client.request('POST', `/v1/notifications/${notificationId}/confirmation`, {
      token: apiKey,
      body: { outcome: 'CONFIRMED', departmentReference: 'ERO-1' },
    });
    expect(answered.status).toBe(200);
    return answered.json;
  }

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last = await read();
    while (!done(last)) {
      if (Date.now() > deadline) throw new Error(`Not reached in time; last: ${JSON.stringify(last)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      last = await read();
    }
    return last;
  }

  async function allOperatorEvents() {
    const events: any[] = [];
    let after = '';
    for (;;) {
      const page = await client.request('GET', `/v1/operator/events?limit=2${after ? `&after=${after}` : ''}`, { token: admin });
      expect(page.status).toBe(200);
      events.push(...page.json.items);
      if (page.json.items.length === 0) return events;
      after = page.json.next;
    }
  }

  beforeAll(async () => {
    fixture = await startTestService({ timeScale: 0.001 });
    client = fixture.client;
    admin = fixture.service.adminToken;
    citizen = await client.citizenToken('citizen-feed');
  }, 300_000); // Synthesizing the app on a busy machine can take a while.
  afterAll(async () => {
    await fixture?.stop();
    await Promise.all([...receivers, ...threadedReceivers].map((r) => r.stop()));
  });

  it("takes a pull department's notification from submission to CONFIRMED through a long-polled feed", async () => {
    const apiKey = await pullDepartment('ero-leeds');
    // The collector is already waiting when the citizen reports the move.
    const polling = feed('ero-leeds', apiKey, '?wait=10');
    const submission = await submitTo(['ero-leeds'], 'pull-1');
    const notificationId = submission.notifications[0].id;
    const started = Date.now();
    const read = await polling;
    expect(read.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(9_000); // Answered when the item arrived, not at the end of the wait.
    expect(read.json.items).toHaveLength(1);
    const [item] = read.json.items;
    // Exactly the push body (only the entitled fields), plus id and status.
    expect(Object.keys(item).sort()).toEqual(['data', 'id', 'status', 'timestamp', 'type']);
    expect(item).toMatchObject({
      id: notificationId,
      status: 'DELIVERED',
      type: 'address.changed',
      data: {
        notificationId,
        reference: submission.reference,
        confirmationUrl: `${client.baseUrl}/v1/notifications/${notificationId}/confirmation`,
        person: { givenName: 'Ada', familyName: 'Lovelace' },
        newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' },
        movedOn: '2026-11-20',
      },
    });
    expect(item.data.person.nationalInsuranceNumber).toBeUndefined();
    expect(item.data.previousAddress).toBeUndefined();

    // The read was recorded before its 200: delivered, with the channel in the trail.
    const delivered = (await client.submission(citizen, submission.id)).json;
    expect(delivered.notifications[0]).toMatchObject({ status: 'DELIVERED', attempts: 0 });
    expect(delivered.notifications[0].deliveredAt).toEqual(expect.any(String));

    // Passing next back returns only later items; an earlier cursor returns the same items again.
    expect((await feed('ero-leeds', apiKey, `?after=${read.json.next}`)).json.items).toEqual([]);
    const again = await feed('ero-leeds', apiKey);
    expect(again.json.items.map((i: any) => i.id)).toEqual([notificationId]);
    expect(again.json.next).toBe(read.json.next);

    await confirm(apiKey, notificationId);
    const final = await client.waitForSubmission(citizen, submission.id, (s) => s.status !== 'IN_PROGRESS');
    expect(final.status).toBe('COMPLETED');
    expect(final.notifications[0].status).toBe('CONFIRMED');
    const trail = (await client.request('GET', `/v1/submissions/${submission.id}/events`, { token: citizen })).json.events;
    expect(trail.filter((e: any) => e.type === 'DELIVERED')).toEqual([expect.objectContaining({ channel: 'pull', fields: FIELDS })]);
    expect(trail.filter((e: any) => e.type === 'SENT')).toEqual([]); // Nothing was pushed.
  });

  it("answers only the department's own feed, and 400 for a limit or wait out of range", async () => {
    const apiKey = await pullDepartment('ero-york');
    const other = await pullDepartment('ero-hull');
    expect((await feed('ero-york', other)).status).toBe(404);
    expect((await feed('ero-york', '')).status).toBe(401);
    for (const query of ['?limit=0', '?limit=101', '?wait=0', '?wait=21', '?limit=abc', '?after=not-a-cursor']) {
      expect((await feed('ero-york', apiKey, query)).status).toBe(400);
    }
    const empty = await feed('ero-york', apiKey, '?wait=1');
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual({ items: [], next: expect.any(String) });
  });

  it("serves a push department's feed too, and a push and a feed read make one delivery", async () => {
    const { receiver, apiKey } = await pushDepartment('push-and-feed', { confirmation: { required: false } });
    const submission = await submitTo(['push-and-feed'], 'push-feed-1');
    await client.waitForSubmission(citizen, submission.id, (s) => s.status === 'COMPLETED');
    const read = await feed('push-and-feed', apiKey);
    expect(read.json.items).toEqual([expect.objectContaining({ id: submission.notifications[0].id, status: 'DELIVERED' })]);
    // The feed item carries what the push carried, bar the timestamp of each serving.
    const { id: _id, status: _status, timestamp: _t1, ...fromFeed } = read.json.items[0];
    const { timestamp: _t2, ...pushed } = receiver.received[0].payload;
    expect(fromFeed).toEqual(pushed);
    const trail = (await client.request('GET', `/v1/submissions/${submission.id}/events`, { token: citizen })).json.events;
    expect(trail.filter((e: any) => e.type === 'DELIVERED')).toEqual([expect.objectContaining({ channel: 'push' })]);
  });

  it('takes a notification that FAILED, then collected from the feed, on to CONFIRMED', async () => {
    const { receiver, apiKey } = await pushDepartment('refuses-push', { confirmation: { required: true, timeoutSeconds: 600 } });
    receiver.defaultStatus = 400;
    const submission = await submitTo(['refuses-push'], 'failed-then-pulled-1');
    const notificationId = submission.notifications[0].id;
    const failed = await client.waitForSubmission(citizen, submission.id, (s) => s.status === 'COMPLETED_WITH_ISSUES');
    expect(failed.notifications[0].status).toBe('FAILED');

    const read = await feed('refuses-push', apiKey);
    expect(read.json.items).toEqual([expect.objectContaining({ id: notificationId, status: 'DELIVERED' })]);
    expect((await client.submission(citizen, submission.id)).json).toMatchObject({
      status: 'IN_PROGRESS',
      notifications: [{ status: 'DELIVERED' }],
    });
    await confirm(apiKey, notificationId);
    const final = await client.waitForSubmission(citizen, submission.id, (s) => s.status === 'COMPLETED');
    expect(final.notifications[0].status).toBe('CONFIRMED');
    expect(receiver.received).toHaveLength(1); // Collected, not pushed again.

    const failedEvent = (await allOperatorEvents()).filter((e) => e.type === 'notification.failed' && e.notificationId === notificationId);
    expect(failedEvent).toEqual([
      expect.objectContaining({ department: 'refuses-push', detail: 'HTTP 400', id: expect.any(String), at: expect.any(String) }),
    ]);
  });

  it("holds a down endpoint's notifications behind one probe every 5 (scaled) minutes, then delivers them all once it recovers", async () => {
    const { receiver } = await pushDepartment('down-for-a-while', { confirmation: { required: false } });
    receiver.defaultStatus = 503;
    const t0 = Date.now();
    const mark = (what: string) => process.env.TUO_TEST_TIMINGS && console.log(`${Date.now() - t0} ms: ${what}`);
    const submissions = [];
    submissions.push(...(await Promise.all(Array.from({ length: 30 }, (_, i) => submitTo(['down-for-a-while'], `down-${i}`)))));

    mark('submitted');
    const operator = { token: admin };
    const failing = await eventually(
      () => client.request('GET', '/v1/departments/down-for-a-while', operator),
      (r) => r.json.endpoint.status === 'failing',
    );
    expect(failing.json.endpoint).toMatchObject({ status: 'failing', lastError: 'HTTP 503', since: expect.any(String) });
    expect(failing.json.endpoint.consecutiveFailures).toBeGreaterThanOrEqual(5);
    mark('failing');
    const firstFailure = Math.min(...receiver.received.map((d) => d.receivedAt));
    expect(Date.parse(failing.json.endpoint.since) - firstFailure).toBeGreaterThanOrEqual(15 * 60 * 1000 * 0.001 - 50);

    // While failing: one probe every 300 ms (5 minutes scaled), not 30 notifications' own retries.
    // Attempts already on their way (started before the endpoint turned failing) land first; on a
    // busy machine they can take over a second to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const before = receiver.received.length;
    const windowMs = 3_000;
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const during = receiver.received.length - before;
    expect(during).toBeLessThanOrEqual(Math.ceil(windowMs / 300) + 1);
    expect(during).toBeGreaterThanOrEqual(1); // It is probed, not abandoned.
    const held = (await client.submission(citizen, submissions[29].id)).json.notifications[0];
    expect(held.status).toBe('PENDING');

    receiver.defaultStatus = 200;
    mark('recovered');
    for (const submission of submissions) {
      const final = await client.waitForSubmission(citizen, submission.id, (s) => s.status === 'COMPLETED');
      expect(final.notifications[0].status).toBe('DELIVERED');
    }
    mark('all delivered');
    const healthy = await client.request('GET', '/v1/departments/down-for-a-while', operator);
    expect(healthy.json.endpoint).toMatchObject({ status: 'healthy', consecutiveFailures: 0 });
    const delivered = new Set(receiver.received.filter((d) => d.verified).map((d) => d.webhookId));
    expect(delivered.size).toBe(30);

    const events = (await allOperatorEvents()).filter((e) => e.department === 'down-for-a-while');
    expect(events.map((e) => e.type)).toEqual(['endpoint.failing', 'endpoint.healthy']);
  }, 120_000);

  it('never sends a department more than its rateLimitPerSecond in any one second, measured at its receiver over 50 notifications', async () => {
    // Timed on the receiver's own thread, as a department's server would time them.
    const receiver = await new ThreadedWebhookReceiver().start();
    threadedReceivers.push(receiver);
    const response = await client.registerDepartment('rate-limited', {
      name: 'Dept rate-limited',
      webhookUrl: receiver.url,
      events: ['address.changed'],
      fields: FIELDS,
      confirmation: { required: false },
      rateLimitPerSecond: 5,
    });
    expect(response.status).toBe(201);
    receiver.secrets = [response.json.signingSecret];
    const submissions = await Promise.all(Array.from({ length: 50 }, (_, i) => submitTo(['rate-limited'], `rate-${i}`)));
    for (const submission of submissions) await client.waitForSubmission(citizen, submission.id, (s) => s.status === 'COMPLETED', 60_000);
    const arrivals = receiver.received.map((d) => d.receivedAt).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(50);
    expect(receiver.received.every((d) => d.verified)).toBe(true);
    let busiest = 0;
    for (let i = 0; i < arrivals.length; i++) {
      busiest = Math.max(busiest, arrivals.filter((t) => t >= arrivals[i] && t < arrivals[i] + 1000).length);
    }
    expect(busiest).toBeLessThanOrEqual(5);
    expect(busiest).toBe(5); // It sends at the rate allowed, not slower.
  }, 90_000);

  it('serves corrections and withdrawal notices as their push carries them, and never a notification withdrawn before delivery', async () => {
    const apiKey = await pullDepartment('ero-bradford');
    const readAll = async () => (await feed('ero-bradford', apiKey, '?limit=100')).json.items as any[];

    // Delivered from the feed, then corrected: the correction is a feed item of its own.
    const submission = await submitTo(['ero-bradford'], 'pull-correct');
    const original = submission.notifications[0].id;
    const first = await feed('ero-bradford', apiKey, '?wait=10');
    expect(first.json.items.map((i: any) => [i.id, i.status])).toEqual([[original, 'DELIVERED']]);
    const corrected = await client.request('POST', `/v1/submissions/${submission.id}/corrections`, {
      token: citizen,
      body: { newAddress: { line1: '3 Corrected Lane', town: 'York', postcode: 'YO1 9AA' } },
      headers: { 'idempotency-key': 'pull-fix' },
    });
    expect(corrected.status).toBe(202);
    const correction = await eventually(
      () => feed('ero-bradford', apiKey, `?after=${first.json.next}`),
      (r) => r.json.items.length > 0,
    );
    expect(correction.json.items).toHaveLength(1);
    expect(correction.json.items[0]).toMatchObject({
      type: 'address.corrected',
      status: 'DELIVERED',
      data: {
        corrects: original,
        changed: ['newAddress'],
        newAddress: { line1: '3 Corrected Lane', postcode: 'YO1 9AA' },
        person: { givenName: 'Ada' },
      },
    });
    expect(correction.json.items[0].data.person.nationalInsuranceNumber).toBeUndefined();

    // Withdrawn after delivery: the notice carries no personal data.
    expect((await client.request('POST', `/v1/submissions/${submission.id}/withdrawal`, { token: citizen, body: {} })).status).toBe(202);
    const notice = await eventually(
      () => feed('ero-bradford', apiKey, `?after=${correction.json.next}`),
      (r) => r.json.items.length > 0,
    );
    expect(notice.json.items).toHaveLength(1);
    const [withdrawal] = notice.json.items;
    expect(withdrawal).toMatchObject({ type: 'address.withdrawn', status: 'DELIVERED' });
    expect(Object.keys(withdrawal.data).sort()).toEqual(['confirmationUrl', 'notificationId', 'reference', 'withdraws']);
    expect(withdrawal.data.withdraws).toBe(original);

    // Withdrawn before the department read it: never served, never delivered.
    const unread = await submitTo(['ero-bradford'], 'pull-withdrawn');
    const unreadId = unread.notifications[0].id;
    expect((await client.request('POST', `/v1/submissions/${unread.id}/withdrawal`, { token: citizen, body: {} })).status).toBe(202);
    await client.waitForSubmission(citizen, unread.id, (s) => s.notifications[0].status === 'WITHDRAWN');
    expect((await readAll()).map((i) => i.id)).not.toContain(unreadId);
    const after = (await client.submission(citizen, unread.id)).json.notifications[0];
    expect(after.status).toBe('WITHDRAWN');
    expect(after.deliveredAt ?? null).toBeNull();
  }, 120_000);

  it('lists operator events in the order they occurred, with cursors, to the operator only', async () => {
    expect((await client.request('GET', '/v1/operator/events')).status).toBe(401);
    const first = await client.request('GET', '/v1/operator/events?limit=1', { token: admin });
    expect(first.status).toBe(200);
    const events = await allOperatorEvents();
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(first.json.items).toEqual([events[0]]);
    for (const event of events) {
      expect(Object.keys(event).sort()).toEqual(expect.arrayContaining(['at', 'department', 'detail', 'id', 'type']));
      expect(['endpoint.failing', 'endpoint.healthy', 'endpoint.disabled', 'notification.failed']).toContain(event.type);
    }
    const times = events.map((e) => e.at);
    expect(times).toEqual([...times].sort());
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    // Reading from an earlier cursor again gives the same items.
    const second = await client.request('GET', `/v1/operator/events?limit=1&after=${first.json.next}`, { token: admin });
    expect(second.json.items).toEqual([events[1]]);
    expect((await client.request('GET', `/v1/operator/events?after=${first.json.next}&limit=1`, { token: admin })).json.items).toEqual([
      events[1],
    ]);
    expect((await client.request('GET', '/v1/operator/events?after=nonsense', { token: admin })).status).toBe(400);
  });
});
