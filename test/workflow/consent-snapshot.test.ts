import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress, type ServiceClient } from '../support/service-client';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * CONTRACT section 5, consent: a department receives, for a submission, at most the fields it was
 * entitled to when the submission was accepted. Widening its fields later reveals nothing more of
 * that submission (on a retried delivery or in its listing); narrowing them applies at once.
 */
describe('a department is only ever given what the citizen consented to', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let client: ServiceClient;
  let citizen: string;
  const receiver = new WebhookReceiver();
  const narrow = ['person.givenName', 'newAddress'];
  const wide = [
    'person.givenName',
    'person.familyName',
    'person.dateOfBirth',
    'person.nationalInsuranceNumber',
    'person.email',
    'previousAddress',
    'newAddress',
    'movedOn',
  ];
  const configuration = (fields: string[]) => ({
    name: 'Consent department',
    webhookUrl: receiver.url,
    events: ['address.changed'],
    fields,
    confirmation: { required: true, timeoutSeconds: 3600 },
  });

  beforeAll(async () => {
    fixture = await startTestService();
    client = fixture.client;
    await receiver.start();
    citizen = await client.citizenToken('citizen-consent');
  }, 240_000); // Starting the whole service takes long on a busy machine.
  afterAll(async () => {
    await fixture?.stop();
    await receiver.stop();
  });

  it("widening a department's fields after the citizen consented reveals nothing more; narrowing them applies at once", async () => {
    const registered = await client.registerDepartment('consent', configuration(narrow));
    expect(registered.status).toBe(201);
    receiver.secrets = [registered.json.signingSecret];
    const apiKey = registered.json.apiKey as string;

    // The first attempt is refused (so it is retried); while it is in flight the operator widens the fields.
    receiver.script = [503];
    let widened = false;
    receiver.onDelivery = async () => {
      if (widened) return;
      widened = true;
      expect((await client.registerDepartment('consent', configuration(wide))).status).toBe(200);
    };
    const accepted = await client.submit(citizen, 'consent-1', changeOfAddress(['consent']));
    expect(accepted.status).toBe(202);
    await client.waitForSubmission(citizen, accepted.json.id, (s) => s.notifications[0].status === 'DELIVERED');

    expect(receiver.received).toHaveLength(2);
    const retried = receiver.received[1];
    expect(retried.verified).toBe(true);
    expect(retried.payload.data).toEqual({
      notificationId: accepted.json.notifications[0].id,
      reference: accepted.json.reference,
      confirmationUrl: expect.any(String),
      person: { givenName: 'Ada' },
      newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' },
    });
    expect(retried.body).not.toContain('AB123456C');

    const listing = async () =>
      (await client.request('GET', '/v1/departments/consent/notifications?status=DELIVERED', { token: apiKey })).json.items[0].data;
    expect(await listing()).toEqual({
      person: { givenName: 'Ada' },
      newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' },
    });

    // The citizen's trail names the fields actually sent, not the department's current ones.
    const trail = (await client.request('GET', `/v1/submissions/${accepted.json.id}/events`, { token: citizen })).json.events;
    expect(trail.filter((e: any) => e.type === 'SENT').map((e: any) => e.fields)).toEqual([narrow, narrow]);

    // Narrowing applies to what is served from now on.
    expect((await client.registerDepartment('consent', configuration(['newAddress']))).status).toBe(200);
    expect(await listing()).toEqual({ newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' } });

    // A submission accepted after the widening gets the wider fields.
    expect((await client.registerDepartment('consent', configuration(wide))).status).toBe(200);
    const later = await client.submit(citizen, 'consent-2', changeOfAddress(['consent']));
    await client.waitForSubmission(citizen, later.json.id, (s) => s.notifications[0].status === 'DELIVERED');
    expect(receiver.received.at(-1)!.payload.data.person).toMatchObject({ nationalInsuranceNumber: 'AB123456C', email: 'ada@example.org' });
  });
});
