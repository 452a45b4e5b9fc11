import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { submissionIdFor } from '../../lambdas/domain/identifiers';
import { ConfirmingDepartment } from '../support/confirming-department';
import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress, type ServiceClient } from '../support/service-client';
import { StorageFaults } from '../support/storage-faults';

/**
 * Faults on one machine, in process (so storage writes can be failed on purpose): storage down
 * in the middle of a submission, storage down under a running workflow, a department that hangs,
 * a department down for a while. The scheduled reconciler runs every second here.
 */
describe('faults: nothing acknowledged is lost, nothing is sent under a new id', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let client: ServiceClient;
  let token: string;
  const faults = new StorageFaults();
  const confirming = new ConfirmingDepartment('faults-confirming', { confirmationRequired: true, confirmAfterMs: 20 });
  const plain = new ConfirmingDepartment('faults-plain', { confirmationRequired: false });

  beforeAll(async () => {
    fixture = await startTestService({ maxScheduleIntervalMs: 1000 });
    client = fixture.client;
    faults.install();
    await confirming.register(client);
    await plain.register(client);
    token = await client.citizenToken('citizen-faults');
  });

  afterAll(async () => {
    faults.heal();
    await fixture?.stop();
    await Promise.all([confirming.stop(), plain.stop()]);
  });

  const webhookIdsOf = (department: ConfirmingDepartment, reference: string) => [
    ...(department.deliveriesByReference().get(reference) ?? []),
  ];
  const eventTypes = async (id: string) =>
    (await client.request('GET', `/v1/submissions/${id}/events`, { token })).json.events.map((e: any) => e.type);

  it('storage failing at each write of a submission answers 503, shows nothing unacknowledged, and a retry converges', async () => {
    // A submission to two departments writes: personal data, two notifications, the submission (with its first audit entry).
    for (let allowed = 0; allowed < 4; allowed++) {
      const key = `storage-fails-after-${allowed}`;
      faults.failAfter(allowed);
      const refused = await client.submit(token, key, changeOfAddress([confirming.id, plain.id]));
      faults.heal();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.headers.get('retry-after')).toBeTruthy();

      const retried = await client.submit(token, key, changeOfAddress([confirming.id, plain.id]));
      expect(retried.status).toBe(202);
      // Not half-written before the retry: the submission (the acknowledgement) is written last.
      const final = await client.waitForSubmission(token, retried.json.id, (s) => s.status !== 'IN_PROGRESS');
      expect(final.status).toBe('COMPLETED');
      for (const [department, n] of [
        [confirming, final.notifications[0]],
        [plain, final.notifications[1]],
      ] as const) {
        expect(webhookIdsOf(department, final.reference)).toEqual([n.id]);
      }
      expect((await eventTypes(final.id)).filter((t: string) => t === 'SUBMITTED')).toHaveLength(1);
    }
  }, 120_000);

  it('a submission stored whose workflow did not start, and never retried, is finished by the reconciler', async () => {
    // Everything is stored (nothing is written after the submission itself); starting its workflow fails once.
    const send = SFNClient.prototype.send;
    const start = jest.spyOn(SFNClient.prototype, 'send').mockImplementation(function (this: SFNClient, command: any, ...rest: any[]) {
      if (
        command instanceof StartExecutionCommand &&
        command.input.name === submissionIdFor('citizen-faults', 'stored-then-start-failed')
      ) {
        start.mockRestore();
        return Promise.reject(Object.assign(new Error('connect ECONNREFUSED (injected)'), { name: 'Error', code: 'ECONNREFUSED' }));
      }
      return (send as any).call(this, command, ...rest);
    } as any);
    const refused = await client.submit(token, 'stored-then-start-failed', changeOfAddress([confirming.id, plain.id]));
    start.mockRestore();
    expect(refused.status).toBe(503);

    // The citizen does not retry; the scheduled reconciler starts the workflow on its own.
    const id = submissionIdFor('citizen-faults', 'stored-then-start-failed');
    const final = await client.waitForSubmission(token, id, (s) => s.status !== 'IN_PROGRESS');
    expect(final.status).toBe('COMPLETED');
    expect(webhookIdsOf(plain, final.reference)).toEqual([final.notifications[1].id]);
    expect(await eventTypes(id)).toEqual(expect.arrayContaining(['SUBMITTED', 'WORKFLOW_RESUMED', 'COMPLETED']));
  }, 60_000);

  it('a workflow whose steps keep failing on storage ends FAILED, and the reconciler resumes it afterwards', async () => {
    faults.failAfter(3); // The submission (one department) is stored and acknowledged; then storage goes.
    const accepted = await client.submit(token, 'workflow-storage-outage', changeOfAddress([plain.id]));
    expect(accepted.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // The step's retries run out meanwhile.
    expect(faults.failed).toBeGreaterThan(0);
    faults.heal();

    const final = await client.waitForSubmission(token, accepted.json.id, (s) => s.status !== 'IN_PROGRESS', 30_000);
    expect(final.status).toBe('COMPLETED');
    expect(await eventTypes(final.id)).toContain('WORKFLOW_RESUMED');
    expect(webhookIdsOf(plain, final.reference)).toEqual([final.notifications[0].id]);
  }, 60_000);

  it('a department down for a while is told once it is back, under the same webhook-id', async () => {
    plain.receiver.script.push(503, 500, 503, 429);
    const accepted = await client.submit(token, 'department-down', changeOfAddress([plain.id]));
    const final = await client.waitForSubmission(token, accepted.json.id, (s) => s.status !== 'IN_PROGRESS');
    expect(final.notifications[0]).toMatchObject({ status: 'DELIVERED', attempts: 5 });
    const deliveries = plain.receiver.received.filter((d) => d.payload?.data?.reference === final.reference);
    expect(deliveries).toHaveLength(5);
    expect(new Set(deliveries.map((d) => d.webhookId))).toEqual(new Set([final.notifications[0].id]));
  }, 60_000);

  it('a department that hangs is timed out (15 s) and tried again, under the same webhook-id', async () => {
    let hung = false;
    const release: Array<() => void> = [];
    plain.receiver.onDelivery = () => {
      if (hung) return undefined;
      hung = true;
      return new Promise<void>((resolve) => release.push(resolve)); // Never answers this one in time.
    };
    try {
      const accepted = await client.submit(token, 'department-hangs', changeOfAddress([plain.id]));
      const final = await client.waitForSubmission(token, accepted.json.id, (s) => s.status !== 'IN_PROGRESS', 45_000);
      expect(final.notifications[0]).toMatchObject({ status: 'DELIVERED', attempts: 2 });
      const deliveries = plain.receiver.received.filter((d) => d.payload?.data?.reference === final.reference);
      expect(deliveries.map((d) => d.webhookId)).toEqual([final.notifications[0].id, final.notifications[0].id]);
      const sent = (await client.request('GET', `/v1/submissions/${final.id}/events`, { token })).json.events.filter(
        (e: any) => e.type === 'SENT',
      );
      expect(sent[0].outcome).toMatch(/No answer within 15 seconds/);
    } finally {
      for (const r of release) r();
    }
  }, 60_000);
});
