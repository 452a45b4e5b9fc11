import { ConfirmingDepartment } from '../support/confirming-department';
import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress, type ServiceClient } from '../support/service-client';

/**
 * Idempotency where requests race: the same submission sent many times at once, the workflow
 * started many times, a redelivery asked for many times at once, the same answer given many
 * times at once. Each happens once; a department sees one webhook-id per notification.
 */
describe('the same request many times at once has the effect of one', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let client: ServiceClient;
  let token: string;
  const department = new ConfirmingDepartment('idem-department', { confirmationRequired: false });
  const answering = new ConfirmingDepartment('idem-answering', { confirmationRequired: true, confirmAfterMs: 600_000 });

  beforeAll(async () => {
    fixture = await startTestService();
    client = fixture.client;
    await department.register(client);
    await answering.register(client);
    token = await client.citizenToken('citizen-idempotency');
  });

  afterAll(async () => {
    await fixture?.stop();
    await Promise.all([department.stop(), answering.stop()]);
  });

  const deliveriesOf = (d: ConfirmingDepartment, reference: string) =>
    d.receiver.received.filter((r) => r.payload?.data?.reference === reference);

  it('ten identical submissions at once: one submission, one workflow, one delivery', async () => {
    const body = changeOfAddress([department.id]);
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.submit(token, 'racing-key', body)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(1);
    const final = await client.waitForSubmission(token, answers[0].json.id, (s) => s.status !== 'IN_PROGRESS');
    expect(final.status).toBe('COMPLETED');
    // A retry after it is final starts nothing again either.
    expect((await client.submit(token, 'racing-key', body)).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deliveriesOf(department, final.reference).map((d) => d.webhookId)).toEqual([final.notifications[0].id]);
    const events = (await client.request('GET', `/v1/submissions/${final.id}/events`, { token })).json.events.map((e: any) => e.type);
    expect(events.filter((t: string) => t === 'SUBMITTED')).toHaveLength(1);
    expect(events.filter((t: string) => t === 'COMPLETED')).toHaveLength(1);
  });

  it('a redelivery asked for five times at once sends once more, under the same webhook-id', async () => {
    department.receiver.script.push(400); // Refused: FAILED at once.
    const { json } = await client.submit(token, 'redeliver-racing', changeOfAddress([department.id]));
    const failed = await client.waitForSubmission(token, json.id, (s) => s.status !== 'IN_PROGRESS');
    expect(failed.notifications[0].status).toBe('FAILED');

    const path = `/v1/notifications/${failed.notifications[0].id}/redeliver`;
    const asks = await Promise.all(Array.from({ length: 5 }, () => client.request('POST', path, { token: fixture.service.adminToken })));
    for (const ask of asks) expect([202, 409]).toContain(ask.status);
    expect(asks.some((a) => a.status === 202)).toBe(true);
    const final = await client.waitForSubmission(
      token,
      json.id,
      (s) => s.status !== 'IN_PROGRESS' && s.notifications[0].status !== 'FAILED',
    );
    expect(final.notifications[0].status).toBe('DELIVERED');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const deliveries = deliveriesOf(department, final.reference);
    expect(deliveries).toHaveLength(2); // The refused one and one redelivery.
    expect(new Set(deliveries.map((d) => d.webhookId))).toEqual(new Set([final.notifications[0].id]));
  });

  it('the same answer five times at once: recorded once, all 200', async () => {
    const { json } = await client.submit(token, 'answer-racing', changeOfAddress([answering.id]));
    await client.waitForSubmission(token, json.id, (s) => s.notifications[0].status === 'DELIVERED');
    const path = `/v1/notifications/${json.notifications[0].id}/confirmation`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        client.request('POST', path, {
          token: answering.apiKey,
          body: { outcome: 'CONFIRMED', departmentReference: 'ONCE-1' },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(200));
    const final = await client.waitForSubmission(token, json.id, (s) => s.status !== 'IN_PROGRESS');
    expect(final).toMatchObject({ status: 'COMPLETED', notifications: [{ status: 'CONFIRMED', departmentReference: 'ONCE-1' }] });
    const events = (await client.request('GET', `/v1/submissions/${json.id}/events`, { token })).json.events.map((e: any) => e.type);
    expect(events.filter((t: string) => t === 'CONFIRMED')).toHaveLength(1);
  });
});
