import { answerNotification } from '../../lambdas/application/answer-notification';
import { expireNotification } from '../../lambdas/application/expire-notification';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

describe("a department's confirmation timeout passing (in memory)", () => {
  async function submitted() {
    const s = inMemoryService();
    await s.addDepartment('dvla', { confirmation: { required: true, timeoutSeconds: 3600 } });
    const {
      submission,
      notifications: [notification],
    } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    const expire = () => expireNotification(s.deps, notification.id);
    const expiries = async () => (await s.audit.list(submission.id)).filter((e) => e.type === 'EXPIRED');
    return { s, submission, notification, expire, expiries };
  }

  it('a delivered notification with no answer is EXPIRED: in the trail once and counted once, however often the step runs', async () => {
    const { s, notification, expire, expiries } = await submitted();
    await s.deliverByPush(notification.id);
    expect(await expire()).toBe('expired');
    expect(await expire()).toBe('expired'); // A retried step.
    expect((await s.notifications.get(notification.id))!.status).toBe('EXPIRED');
    expect(await expiries()).toEqual([
      expect.objectContaining({
        notificationId: notification.id,
        departmentId: 'dvla',
        actor: 'service',
        detail: 'No answer within 3600 seconds of delivery',
      }),
    ]);
    expect(s.metrics.emitted).toEqual([{ metric: 'expired', departmentId: 'dvla' }]);
  });

  it('an answer that came first is kept: nothing expires, nothing is counted', async () => {
    const { s, notification, expire, expiries } = await submitted();
    await s.deliverByPush(notification.id);
    await answerNotification({ ...s.deps, resumeWorkflow: async () => undefined }, 'dvla', notification.id, {
      outcome: 'CONFIRMED',
      departmentReference: 'DVLA-1',
    });
    expect(await expire()).toBe('already-settled');
    expect((await s.notifications.get(notification.id))!.status).toBe('CONFIRMED');
    expect(await expiries()).toEqual([]);
    expect(s.metrics.emitted).toEqual([]);
  });

  it('a notification still PENDING (its attempt outlasted a very short timeout) goes back to be delivered', async () => {
    const { s, notification, expire, expiries } = await submitted();
    expect(await expire()).toBe('deliver-again');
    expect((await s.notifications.get(notification.id))!.status).toBe('PENDING');
    expect(await expiries()).toEqual([]);
  });

  it('an unknown notification changes nothing', async () => {
    const { s } = await submitted();
    expect(await expireNotification(s.deps, 'ntf_unknown')).toBe('not-found');
    expect(s.metrics.emitted).toEqual([]);
  });

  it('a step that stopped after the status changed but before the trail entry writes the entry when run again', async () => {
    const { s, notification, expiries } = await submitted();
    await s.deliverByPush(notification.id);
    const failingTrail = {
      record: async () => {
        throw new Error('crash');
      },
    };
    await expect(expireNotification({ ...s.deps, audit: failingTrail }, notification.id)).rejects.toThrow('crash');
    expect(await expireNotification(s.deps, notification.id)).toBe('expired');
    expect(await expiries()).toHaveLength(1);
    expect(s.metrics.emitted).toEqual([{ metric: 'expired', departmentId: 'dvla' }]);
  });
});
