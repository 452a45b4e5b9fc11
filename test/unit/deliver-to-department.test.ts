import { answerNotification } from '../../lambdas/application/answer-notification';
import { deliverAndAwait } from '../../lambdas/application/deliver-and-await';
import { deliverToDepartment, type DeliveryDependencies } from '../../lambdas/application/deliver-to-department';
import { erasePersonalData } from '../../lambdas/application/erase-personal-data';
import { withdrawSubmission } from '../../lambdas/application/withdraw-submission';
import type { AttemptResult } from '../../lambdas/domain/delivery-outcome';
import { RaceNotSettledError } from '../../lambdas/domain/lost-race';
import type { NotificationRepository } from '../../lambdas/store/notification-repository';
import type { DepartmentRecord } from '../../lambdas/domain/department';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

const MINUTE = 60_000;

/**
 * The delivery step on in-memory repositories, with a department endpoint the test scripts: what
 * reached it (each request's body and webhook id) and what it answered.
 */
async function world(department: Partial<DepartmentRecord> = {}, start?: string) {
  const s = inMemoryService(start);
  await s.addDepartment('dvla', department);
  const requests: { url: string; body: Record<string, unknown>; webhookId: string }[] = [];
  let answer: (request: { webhookId: string }) => Promise<AttemptResult> = async () => ({ kind: 'response', status: 200 });
  const sleeps: number[] = [];
  const deps: DeliveryDependencies = {
    ...s.deps,
    send: async (url, body, webhookId) => {
      requests.push({ url, body: JSON.parse(body) as Record<string, unknown>, webhookId });
      return answer({ webhookId });
    },
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    settings: { publicBaseUrl: 'https://tuo.example', timeScale: 1, allowLoopbackWebhooks: false, allowPrivateWebhooks: false },
  };
  let citizens = 0;
  const submitted = async () => {
    citizens++;
    const {
      submission,
      notifications: [notification],
    } = await s.submit(`citizen-${citizens}`, `key-${citizens}`, changeOfAddress(['dvla']));
    return {
      submission,
      notification,
      deliver: (over: Partial<DeliveryDependencies> = {}) =>
        deliverToDepartment({ ...deps, ...over }, submission.id, notification.id, 'dvla'),
    };
  };
  const status = async (id: string) => (await s.notifications.get(id))!.status;
  const trail = async (submissionId: string) => (await s.audit.list(submissionId)).map((e) => e.type);
  return {
    s,
    deps,
    requests,
    sleeps,
    submitted,
    status,
    trail,
    answerWith: (next: typeof answer) => {
      answer = next;
    },
    /** The store with some methods replaced: a race or a fault the test stages. */
    notificationsWith: (replaced: Partial<NotificationRepository>): NotificationRepository =>
      Object.create(s.notifications, Object.fromEntries(Object.entries(replaced).map(([name, value]) => [name, { value }]))),
  };
}

describe('delivering a notification to its department (in memory)', () => {
  it('sends the department only the fields it is entitled to, once: a step run again sends nothing more and waits for the answer', async () => {
    const w = await world({ fields: ['person.givenName', 'newAddress'] });
    const { submission, notification, deliver } = await w.submitted();

    expect(await deliver()).toEqual({ next: 'AWAIT' });
    expect(await deliver()).toEqual({ next: 'AWAIT' }); // A retried step.

    expect(w.requests).toHaveLength(1);
    expect(w.requests[0]).toMatchObject({ url: 'https://dvla.example.gov.uk/hooks', webhookId: notification.id });
    const { notificationId, reference, confirmationUrl, ...data } = w.requests[0].body.data as Record<string, unknown>;
    expect([notificationId, reference, confirmationUrl]).toEqual([
      notification.id,
      submission.reference,
      `https://tuo.example/v1/notifications/${notification.id}/confirmation`,
    ]);
    expect(data).toEqual({ person: { givenName: 'Ada' }, newAddress: { line1: '2 New Road', town: 'York', postcode: 'YO1 7HH' } });
    expect(await w.status(notification.id)).toBe('DELIVERED');
    expect((await w.trail(submission.id)).sort()).toEqual(['DELIVERED', 'SENT', 'SUBMITTED']);
    expect(w.s.metrics.emitted).toEqual([{ metric: 'delivered', departmentId: 'dvla' }]);
  });

  it('a department that needs no answer is done at once', async () => {
    const w = await world({ confirmation: { required: false, timeoutSeconds: 60 } });
    const { deliver } = await w.submitted();
    expect(await deliver()).toEqual({ next: 'DONE' });
  });

  it('never sends a notification withdrawn before its delivery', async () => {
    const w = await world();
    const { submission, notification, deliver } = await w.submitted();
    await withdrawSubmission(w.s.deps, 'citizen-1', submission.id, undefined);
    expect(await deliver()).toEqual({ next: 'DONE' });
    expect(w.requests).toEqual([]);
    expect(await w.status(notification.id)).toBe('WITHDRAWN');
  });

  it('never sends a notification withdrawn after the step read it, before its attempt', async () => {
    const w = await world();
    const { submission, notification, deliver } = await w.submitted();
    // The citizen withdraws just as the attempt is about to be recorded.
    const notifications: NotificationRepository = Object.create(w.s.notifications, {
      recordAttemptStarted: {
        value: async (id: string, now: Date) => {
          await withdrawSubmission(w.s.deps, 'citizen-1', submission.id, undefined);
          return w.s.notifications.recordAttemptStarted(id, now);
        },
      },
    });
    expect(await deliver({ notifications })).toEqual({ next: 'DONE' });
    expect(w.requests).toEqual([]);
    expect(await w.status(notification.id)).toBe('WITHDRAWN');
  });

  it('fails a notification whose citizen data has been erased: nothing sent, counted and told to operators', async () => {
    const w = await world();
    const { submission, notification, deliver } = await w.submitted();
    await erasePersonalData(w.s.deps, submission.id, 'citizen', 'Asked');
    expect(await deliver()).toEqual({ next: 'DONE' });
    expect(w.requests).toEqual([]);
    expect(await w.s.notifications.get(notification.id)).toMatchObject({
      status: 'FAILED',
      lastError: "The citizen's data has been erased",
    });
    expect(w.s.metrics.emitted).toEqual([{ metric: 'failed', departmentId: 'dvla' }]);
    expect((await w.s.operatorEvents.list({ limit: 10 })).items).toEqual([
      expect.objectContaining({ type: 'notification.failed', notificationId: notification.id }),
    ]);
  });

  it('fails a notification for a suspended department without sending it', async () => {
    const w = await world();
    const { notification, deliver } = await w.submitted();
    await w.s.departments.replaceConfiguration('dvla', { ...(await w.s.departments.get('dvla'))!, suspended: true }, w.s.now());
    expect(await deliver()).toEqual({ next: 'DONE' });
    expect(w.requests).toEqual([]);
    expect(await w.status(notification.id)).toBe('FAILED');
  });

  it("leaves a pull department's notification for its feed: nothing pushed, no wait", async () => {
    const w = await world({ delivery: 'pull', webhookUrl: undefined });
    const { notification, deliver } = await w.submitted();
    expect(await deliver()).toEqual({ next: 'DONE' });
    expect(w.requests).toEqual([]);
    expect(await w.s.notifications.get(notification.id)).toMatchObject({ status: 'PENDING', awaitingCollection: true });
  });

  it("judges a pull department's notification again when a feed read collects it just as the step hands it over: it waits for the answer", async () => {
    const w = await world({ delivery: 'pull', webhookUrl: undefined });
    const { notification, deliver } = await w.submitted();
    let handOvers = 0;
    const notifications = w.notificationsWith({
      markAwaitingCollection: async (id, now) => {
        if (handOvers++ === 0) await w.s.notifications.markDelivered((await w.s.notifications.get(id))!, now, 'pull');
        return w.s.notifications.markAwaitingCollection(id, now);
      },
    });
    expect(await deliver({ notifications })).toEqual({ next: 'AWAIT' });
    expect(handOvers).toBe(1);
    expect(await w.s.notifications.get(notification.id)).toMatchObject({ status: 'DELIVERED', deliveredVia: 'pull' });
  });

  it('gives up after a bounded number of rounds when the hand-over to the feed keeps losing (the step is then retried)', async () => {
    const w = await world({ delivery: 'pull', webhookUrl: undefined });
    const { notification, deliver } = await w.submitted();
    let handOvers = 0;
    const notifications = w.notificationsWith({
      markAwaitingCollection: async () => {
        handOvers++;
        return false;
      },
    });
    await expect(deliver({ notifications })).rejects.toThrow(new RaceNotSettledError(`Delivery of notification ${notification.id}`));
    expect(handOvers).toBe(3);
  });

  it('tries again later after a retryable answer, still PENDING; a 410 disables the department and fails the notification', async () => {
    const w = await world();
    const { notification, deliver } = await w.submitted();
    w.answerWith(async () => ({ kind: 'response', status: 503 }));
    const retry = await deliver();
    expect(retry).toMatchObject({ next: 'RETRY', backoff: true });
    expect(Date.parse((retry as { retryAt: string }).retryAt)).toBeGreaterThan(w.s.now().getTime());
    expect(await w.status(notification.id)).toBe('PENDING');

    w.answerWith(async () => ({ kind: 'response', status: 410 }));
    expect(await deliver()).toEqual({ next: 'DONE' });
    expect(await w.status(notification.id)).toBe('FAILED');
    expect((await w.s.departments.get('dvla'))!.active).toBe(false);
    expect(w.s.metrics.emitted).toEqual([
      { metric: 'endpointHealthChanged', departmentId: 'dvla', change: 'disabled' },
      { metric: 'failed', departmentId: 'dvla' },
    ]);
  });

  it('holds notifications while the endpoint is failing, sending only the probe; the first answered probe makes it healthy', async () => {
    const w = await world();
    const first = await w.submitted();
    w.answerWith(async () => ({ kind: 'response', status: 503 }));
    // Five failures in a row over at least 15 minutes: the endpoint is failing, once.
    for (let i = 0; i < 5; i++) {
      await first.deliver();
      w.s.advance(4 * MINUTE);
    }
    expect(w.s.metrics.emitted).toEqual([{ metric: 'endpointHealthChanged', departmentId: 'dvla', change: 'failing' }]);
    expect(w.requests).toHaveLength(5);

    // Another notification is held, without an attempt, until the next probe.
    const held = await w.submitted();
    const step = await held.deliver();
    expect(step).toMatchObject({ next: 'RETRY' });
    expect(w.requests).toHaveLength(5);
    expect(await w.s.notifications.get(held.notification.id)).toMatchObject({ status: 'PENDING', attempts: 0 });

    // The probe, due 5 minutes after the endpoint turned failing, is answered: healthy again.
    w.s.advance(5 * MINUTE);
    w.answerWith(async () => ({ kind: 'response', status: 200 }));
    expect(await held.deliver()).toEqual({ next: 'AWAIT' });
    expect(w.requests).toHaveLength(6);
    expect(w.s.metrics.emitted.slice(1)).toEqual([
      { metric: 'endpointHealthChanged', departmentId: 'dvla', change: 'healthy' },
      { metric: 'delivered', departmentId: 'dvla' },
    ]);
  });

  it("keeps to the department's rate limit: a send waits for its slot, and one whose slot is too far goes back to the workflow unsent", async () => {
    // The send log is kept in real time, so the clock starts now.
    const w = await world({ rateLimitPerSecond: 1 }, new Date().toISOString());
    const outcomes = [];
    const submitted = [];
    for (let i = 0; i < 4; i++) submitted.push(await w.submitted());
    for (const { deliver } of submitted) outcomes.push(await deliver());

    // Three slots fit in the step's wait (about 1.2 s apart); the fourth is further: no attempt.
    expect(outcomes.map((o) => o.next)).toEqual(['AWAIT', 'AWAIT', 'AWAIT', 'RETRY']);
    expect(w.requests.map((r) => r.webhookId)).toEqual(submitted.slice(0, 3).map((n) => n.notification.id));
    expect(w.sleeps).toHaveLength(2);
    expect(w.sleeps[1] - w.sleeps[0]).toBeGreaterThan(1000);
    expect(await w.s.notifications.get(submitted[3].notification.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    const retryAt = Date.parse((outcomes[3] as { retryAt: string }).retryAt);
    expect(retryAt - Date.now()).toBeGreaterThan(2000);
  });
});

describe('delivering, then waiting for the answer (in memory)', () => {
  it("an answer given inside the department's webhook handler, before the task token is kept, resumes the workflow at once", async () => {
    const w = await world();
    const { submission, notification } = await w.submitted();
    w.answerWith(async () => {
      const answered = await answerNotification({ ...w.s.deps, resumeWorkflow: async () => undefined }, 'dvla', notification.id, {
        outcome: 'CONFIRMED',
        departmentReference: 'D-1',
      });
      expect(answered.kind).toBe('recorded');
      return { kind: 'response', status: 200 };
    });
    const resumed: [string, unknown][] = [];
    await deliverAndAwait(
      {
        ...w.deps,
        resumeWorkflow: async (token, output) => {
          resumed.push([token, output]);
        },
        failTask: async () => undefined,
      },
      { submissionId: submission.id, notificationId: notification.id, departmentId: 'dvla', taskToken: 'token-1' },
    );
    // Once, under this token: no wait for an answer that has come.
    expect(resumed.map(([token]) => token)).toEqual(['token-1']);
    expect(await w.status(notification.id)).toBe('CONFIRMED');
  });

  it('without an answer yet, keeps the task token for the answer to resume, and resumes nothing itself', async () => {
    const w = await world();
    const { submission, notification } = await w.submitted();
    const resumed: unknown[] = [];
    await deliverAndAwait(
      {
        ...w.deps,
        resumeWorkflow: async (token, output) => {
          resumed.push([token, output]);
        },
        failTask: async () => undefined,
      },
      { submissionId: submission.id, notificationId: notification.id, departmentId: 'dvla', taskToken: 'token-2' },
    );
    expect(resumed).toEqual([]);
    expect(await w.s.notifications.get(notification.id)).toMatchObject({ status: 'DELIVERED', taskToken: 'token-2' });
  });

  it('a delivery to try again ends the task with the named error its Retry handles', async () => {
    const w = await world();
    const { submission, notification } = await w.submitted();
    w.answerWith(async () => ({ kind: 'response', status: 500 }));
    const failed: unknown[] = [];
    await deliverAndAwait(
      {
        ...w.deps,
        resumeWorkflow: async () => undefined,
        failTask: async (token, error) => {
          failed.push([token, error]);
        },
      },
      { submissionId: submission.id, notificationId: notification.id, departmentId: 'dvla', taskToken: 'token-3' },
    );
    expect(failed).toEqual([['token-3', 'TellUsOnce.DeliveryRetry']]);
  });
});
