import { ConfirmingDepartment } from '../support/confirming-department';
import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress, type ServiceClient } from '../support/service-client';
import { StorageFaults } from '../support/storage-faults';

/**
 * The reconciler's prompt path: an execution that fails is followed at once through its status-change
 * event (the template's EventBridge rule, played by the one-machine runtime), with the slow sweep
 * out of reach (an hour apart here) and the start-up pass long over.
 */
describe('an execution that ends early is resumed from its status-change event', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let client: ServiceClient;
  let token: string;
  const faults = new StorageFaults();
  const plain = new ConfirmingDepartment('events-plain', { confirmationRequired: false });
  let failedExecutions = 0;

  beforeAll(async () => {
    fixture = await startTestService({
      maxScheduleIntervalMs: 3_600_000,
      observe: {
        workflowEvent: (_name, event) => {
          if (event.type !== 'ExecutionFailed') return;
          failedExecutions++;
          faults.heal(); // The outage ends as the execution gives up.
        },
      },
    });
    client = fixture.client;
    faults.install();
    await plain.register(client);
    token = await client.citizenToken('citizen-events');
  }, 180_000);

  afterAll(async () => {
    faults.heal();
    await fixture?.stop();
    await plain.stop();
  });

  it('a workflow that fails on a storage outage is resumed as soon as it has failed, and the department is told once', async () => {
    faults.failAfter(3); // The submission (one department) is stored and acknowledged; then storage goes.
    const accepted = await client.submit(token, 'fails-then-resumed', changeOfAddress([plain.id]));
    expect(accepted.status).toBe(202);

    const final = await client.waitForSubmission(token, accepted.json.id, (s) => s.status !== 'IN_PROGRESS', 30_000);
    expect(failedExecutions).toBe(1);
    expect(final.status).toBe('COMPLETED');
    const events = (await client.request('GET', `/v1/submissions/${final.id}/events`, { token })).json.events.map((e: any) => e.type);
    expect(events).toEqual(expect.arrayContaining(['WORKFLOW_RESUMED', 'COMPLETED']));
    const deliveries = plain.receiver.received.filter((d) => d.payload?.data?.reference === final.reference);
    expect(deliveries.map((d) => d.webhookId)).toEqual([final.notifications[0].id]);
  }, 60_000);
});
