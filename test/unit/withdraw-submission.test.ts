import { erasePersonalData } from '../../lambdas/application/erase-personal-data';
import { withdrawSubmission } from '../../lambdas/application/withdraw-submission';
import { withdrawalExecutionName } from '../../lambdas/domain/workflow-runs';
import { withdrawalNotificationIdFor } from '../../lambdas/domain/identifiers';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

describe('withdrawing a submission (in memory)', () => {
  async function submitted() {
    const s = inMemoryService();
    await s.addDepartment('dvla');
    await s.addDepartment('hmrc');
    const { submission, notifications } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla', 'hmrc']));
    return {
      s,
      submission,
      notifications,
      withdraw: (reason?: string, citizen = 'citizen-1') => withdrawSubmission(s.deps, citizen, submission.id, reason),
    };
  }

  it('before any delivery: withdraws every notification (never sent) and starts the run that finalises it', async () => {
    const { s, submission, withdraw } = await submitted();
    const outcome = await withdraw('Reported by mistake');

    expect(outcome).toMatchObject({
      kind: 'accepted',
      submission: { withdrawnAt: s.now().toISOString(), withdrawalReason: 'Reported by mistake' },
    });
    if (outcome.kind !== 'accepted') throw new Error(outcome.kind);
    expect(outcome.notifications.map((n) => n.status)).toEqual(['WITHDRAWN', 'WITHDRAWN']);
    // A delivery step that wakes now finds nothing to send.
    expect(await s.notifications.recordAttemptStarted(outcome.notifications[0].id, s.now())).toBeUndefined();
    expect(s.started.get(withdrawalExecutionName(submission.id))).toEqual({ submissionId: submission.id, notifications: [] });
    expect(
      (await s.audit.list(submission.id))
        .filter((e) => e.type === 'WITHDRAWN')
        .map((e) => e.departmentId ?? 'citizen')
        .sort(),
    ).toEqual(['citizen', 'dvla', 'hmrc']);
  });

  it('sends an address.withdrawn notice to each department already delivered to, carrying no personal data', async () => {
    const { s, submission, notifications, withdraw } = await submitted();
    const [dvla, hmrc] = notifications;
    await s.deliverByPush(dvla.id);
    const outcome = await withdraw(undefined);
    if (outcome.kind !== 'accepted') throw new Error(outcome.kind);

    const noticeId = withdrawalNotificationIdFor(dvla.id);
    expect(outcome.notifications.map((n) => [n.id, n.status])).toEqual([
      [dvla.id, 'DELIVERED'],
      [hmrc.id, 'WITHDRAWN'],
      [noticeId, 'PENDING'],
    ]);
    expect(await s.notifications.get(noticeId)).toMatchObject({
      kind: 'withdrawal',
      withdraws: dvla.id,
      departmentId: 'dvla',
      entitledFields: [],
    });
    expect(outcome.submission).toMatchObject({ status: 'IN_PROGRESS' });
    expect(s.started.get(noticeId)).toEqual({
      submissionId: submission.id,
      notifications: [expect.objectContaining({ notificationId: noticeId, departmentId: 'dvla' })],
    });
    // The notice tracks the change, so the finalising run is not needed.
    expect(s.started.has(withdrawalExecutionName(submission.id))).toBe(false);
  });

  it("is safe to repeat: the first withdrawal's time and reason stay, and no second notice is made", async () => {
    const { s, submission, notifications, withdraw } = await submitted();
    await s.deliverByPush(notifications[0].id);
    const first = await withdraw('first reason');
    s.advance(60_000);
    const again = await withdraw('second reason');

    expect(again).toEqual({ ...first, submission: { ...(first as { submission: object }).submission, updatedAt: s.now().toISOString() } });
    expect((await s.submission(submission.id)).notificationIds).toHaveLength(3);
  });

  it('does not withdraw a notification delivered meanwhile (the conditional write refuses it)', async () => {
    const { s, notifications, withdraw } = await submitted();
    // Delivered by the other channel between the read and the write.
    const markWithdrawn = s.notifications.markWithdrawn.bind(s.notifications);
    jest.spyOn(s.notifications, 'markWithdrawn').mockImplementationOnce(async (n, now) => {
      await s.deliverByPush(n.id);
      return markWithdrawn(n, now);
    });
    const outcome = await withdraw();
    if (outcome.kind !== 'accepted') throw new Error(outcome.kind);
    expect(outcome.notifications.find((n) => n.id === notifications[0].id)?.status).toBe('DELIVERED');
    expect(outcome.notifications.find((n) => n.kind === 'withdrawal')).toMatchObject({ withdraws: notifications[0].id });
  });

  it('is 404 for another citizen and 409 once erased', async () => {
    const { s, submission, withdraw } = await submitted();
    expect(await withdraw(undefined, 'citizen-2')).toEqual({ kind: 'not-found' });
    expect((await s.submission(submission.id)).withdrawnAt).toBeUndefined();

    await erasePersonalData(s.deps, submission.id, 'citizen', 'Asked');
    expect(await withdraw()).toMatchObject({ kind: 'conflict' });
  });
});
