import { answerNotification } from '../../lambdas/application/answer-notification';
import { RaceNotSettledError } from '../../lambdas/domain/lost-race';
import type { NotificationRecord } from '../../lambdas/domain/notification';
import type { NotificationRepository } from '../../lambdas/store/notification-repository';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

describe('a department answering a notification (in memory)', () => {
  async function delivered(confirmationRequired = true) {
    const s = inMemoryService();
    await s.addDepartment('dvla', { confirmation: { required: confirmationRequired, timeoutSeconds: 3600 } });
    await s.addDepartment('hmrc');
    const { submission, notifications } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla', 'hmrc']));
    const resumed: [string, unknown][] = [];
    const deps = {
      ...s.deps,
      resumeWorkflow: async (token: string, output: unknown) => {
        resumed.push([token, output]);
      },
    };
    const answer = (
      outcome: 'CONFIRMED' | 'REJECTED',
      department = 'dvla',
      id = notifications[0].id,
      extra: { departmentReference?: string; reason?: string } = {},
    ) => answerNotification(deps, department, id, { outcome, ...extra });
    return { s, submission, notification: notifications[0], resumed, answer };
  }

  it('records the answer once, in the trail, and hands it to the waiting workflow', async () => {
    const { s, submission, notification, resumed, answer } = await delivered();
    await s.deliverByPush(notification.id);
    await s.notifications.storeTaskToken(notification.id, 'token-1', s.now());
    const outcome = await answer('CONFIRMED', 'dvla', notification.id, { departmentReference: 'DVLA-42' });

    expect(outcome).toMatchObject({
      kind: 'recorded',
      notification: { status: 'CONFIRMED', departmentReference: 'DVLA-42', respondedAt: s.now().toISOString() },
    });
    expect(resumed).toEqual([['token-1', { outcome: 'CONFIRMED' }]]);
    expect((await s.audit.list(submission.id)).filter((e) => e.type === 'CONFIRMED')).toEqual([
      expect.objectContaining({ actor: 'department:dvla', departmentReference: 'DVLA-42', notificationId: notification.id }),
    ]);
  });

  it('accepts an answer from inside the webhook handler (sent, not yet DELIVERED)', async () => {
    const { s, notification, answer } = await delivered();
    await s.notifications.recordAttemptStarted(notification.id, s.now());
    expect(await answer('REJECTED', 'dvla', notification.id, { reason: 'Not known here' })).toMatchObject({
      kind: 'recorded',
      notification: { status: 'REJECTED' },
    });
  });

  it('answers the same answer again as a repeat (passed on again), and a different one as a conflict', async () => {
    const { s, submission, notification, resumed, answer } = await delivered();
    await s.deliverByPush(notification.id);
    await s.notifications.storeTaskToken(notification.id, 'token-1', s.now());
    await answer('CONFIRMED');

    expect(await answer('CONFIRMED')).toMatchObject({ kind: 'repeated' });
    expect(resumed).toHaveLength(2);
    expect(await answer('REJECTED')).toMatchObject({ kind: 'conflict', notification: { status: 'CONFIRMED' } });
    expect((await s.audit.list(submission.id)).filter((e) => e.type === 'CONFIRMED' || e.type === 'REJECTED')).toHaveLength(1);
  });

  it('of two different answers at once, records one and refuses the other', async () => {
    const { s, notification, answer } = await delivered();
    await s.deliverByPush(notification.id);
    const outcomes = await Promise.all([answer('CONFIRMED'), answer('REJECTED')]);

    expect(outcomes.map((o) => o.kind).sort()).toEqual(['conflict', 'recorded']);
    const stored = await s.notifications.get(notification.id);
    expect(outcomes.find((o) => o.kind === 'recorded')).toMatchObject({ notification: { status: stored?.status } });
  });

  it('keeps trying only a bounded number of rounds when its write keeps losing, then fails naming what did not settle', async () => {
    const { s, notification } = await delivered();
    await s.deliverByPush(notification.id);
    // A store whose conditional write always loses to another writer, leaving the notification as it was.
    let writes = 0;
    const notifications: NotificationRepository = Object.create(s.notifications, {
      recordAnswer: {
        value: async (n: NotificationRecord) => {
          writes++;
          return { recorded: false, notification: n };
        },
      },
    });
    const deps = { ...s.deps, notifications, resumeWorkflow: async () => {} };
    await expect(answerNotification(deps, 'dvla', notification.id, { outcome: 'CONFIRMED' })).rejects.toThrow(
      new RaceNotSettledError(`Answer to notification ${notification.id}`),
    );
    expect(writes).toBe(5);
  });

  it('refuses an answer before anything was sent, where none is awaited, or after it expired (409)', async () => {
    const notSent = await delivered();
    expect(await notSent.answer('CONFIRMED')).toMatchObject({ kind: 'conflict' });

    const noConfirmation = await delivered(false);
    await noConfirmation.s.deliverByPush(noConfirmation.notification.id);
    expect(await noConfirmation.answer('CONFIRMED')).toMatchObject({ kind: 'conflict' });

    const expired = await delivered();
    await expired.s.deliverByPush(expired.notification.id);
    await expired.s.notifications.markExpired((await expired.s.notifications.get(expired.notification.id))!, expired.s.now());
    expect(await expired.answer('CONFIRMED')).toMatchObject({ kind: 'conflict', notification: { status: 'EXPIRED' } });
  });

  it("answers another department's notification, or an unknown id, exactly as a missing one (404)", async () => {
    const { s, notification, answer } = await delivered();
    await s.deliverByPush(notification.id);
    expect(await answer('CONFIRMED', 'hmrc')).toEqual({ kind: 'not-found' });
    expect(await answer('CONFIRMED', 'dvla', `ntf_${'0'.repeat(26)}`)).toEqual({ kind: 'not-found' });
    expect(await answer('CONFIRMED', 'dvla', 'nonsense')).toEqual({ kind: 'not-found' });
    expect((await s.notifications.get(notification.id))?.status).toBe('DELIVERED');
  });
});
