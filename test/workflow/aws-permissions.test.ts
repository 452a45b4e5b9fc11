import { documentClient } from '../../lambdas/store/dynamodb/document-client';
import { startTestService } from '../support/local-service-fixture';
import { changeOfAddress, type ServiceClient } from '../support/service-client';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * The service under IAM as AWS enforces it (local/local-iam.ts): every AWS call of every function
 * and of the state machine's role is checked against the synthesized template's policies, so a
 * grant missing from lib/ fails here as it would fail on the first deployment.
 */
describe('the service works within the permissions it deploys with', () => {
  let fixture: Awaited<ReturnType<typeof startTestService>>;
  let client: ServiceClient;
  const receiver = new WebhookReceiver();
  const answersSoon = new WebhookReceiver();
  let apiKey = '';
  const answer = (url: string, key: string, reference: string) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'CONFIRMED', departmentReference: reference }),
    });

  beforeAll(async () => {
    fixture = await startTestService();
    client = fixture.client;
    await receiver.start();
    const registered = await client.registerDepartment('answers-at-once', {
      name: 'Answers at once',
      webhookUrl: receiver.url,
      events: ['address.changed'],
      fields: ['person.givenName', 'person.familyName', 'newAddress', 'movedOn'],
      confirmation: { required: true, timeoutSeconds: 300 },
    });
    expect(registered.status).toBe(201);
    receiver.secrets = [registered.json.signingSecret];
    apiKey = registered.json.apiKey;
    // The department's system answers while the webhook call is still open: the answer is
    // stored before the workflow has parked on its task token.
    receiver.onDelivery = async (delivery) => {
      expect((await answer(delivery.payload.data.confirmationUrl, apiKey, 'AT-ONCE-1')).status).toBe(200);
    };

    // A department that answers 100 ms after the delivery while the workflow's writes of its task
    // token are held back by 1.5 s (the token is kept with the attempt, before the send): the
    // answer resumes the workflow with SendTaskSuccess, and DeliverAndAwait's own resumption of a
    // task already ended is not an error.
    await answersSoon.start();
    const soon = await client.registerDepartment('answers-soon', {
      name: 'Answers soon',
      webhookUrl: answersSoon.url,
      events: ['address.changed'],
      fields: ['person.givenName', 'newAddress'],
      confirmation: { required: true, timeoutSeconds: 300 },
    });
    answersSoon.secrets = [soon.json.signingSecret];
    answersSoon.onDelivery = (delivery) => {
      setTimeout(() => void answer(delivery.payload.data.confirmationUrl, soon.json.apiKey, 'SOON-1'), 100);
    };
    documentClient().middlewareStack.add(
      (next) => async (args) => {
        const values = (args.input as { ExpressionAttributeValues?: Record<string, unknown> }).ExpressionAttributeValues;
        if (values?.[':token'] !== undefined) await new Promise((resolve) => setTimeout(resolve, 1500));
        return next(args);
      },
      { step: 'initialize', name: 'holdBackTaskTokenStorage' },
    );
  }, 300_000);

  afterAll(async () => {
    await fixture?.stop();
    await receiver.stop();
    await answersSoon.stop();
  });

  it('starts the encrypted workflow: its role may use the key in the encryption context of its own ARN', async () => {
    const token = await client.citizenToken('citizen-kms');
    const accepted = await client.submit(token, 'kms-1', changeOfAddress(['answers-at-once']));
    expect(accepted.status).toBe(202);
    const final = await client.waitForSubmission(token, accepted.json.id, (s) => s.status !== 'IN_PROGRESS');
    expect(final.status).toBe('COMPLETED');
    expect(fixture.service.iam.denials.filter((d) => d.action.startsWith('kms:'))).toEqual([]);
  });

  it('resumes the workflow when the answer arrived before the task token was stored (SendTaskSuccess from DeliverAndAwait)', async () => {
    const token = await client.citizenToken('citizen-early');
    const accepted = await client.submit(token, 'early-1', changeOfAddress(['answers-soon']));
    const final = await client.waitForSubmission(token, accepted.json.id, (s) => s.status !== 'IN_PROGRESS');
    expect(final.notifications[0]).toMatchObject({ status: 'CONFIRMED', departmentReference: 'SOON-1' });
    expect(final.status).toBe('COMPLETED');
    expect(fixture.service.iam.denials).toEqual([]);
  });
});
