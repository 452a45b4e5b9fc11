import { redeliverNotification } from '../../lambdas/application/redeliver-notification';
import { redeliveryExecutionName } from '../../lambdas/domain/workflow-runs';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

describe('an operator redelivering a notification (in memory)', () => {
  async function failed() {
    const s = inMemoryService();
    await s.addDepartment('dvla');
    const { submission, notifications } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    const [notification] = notifications;
    await s.notifications.recordAttemptStarted(notification.id, s.now());
    await s.notifications.markFailed((await s.notifications.get(notification.id))!, 'HTTP 500', s.now());
    await s.submissions.setStatus(submission.id, 'COMPLETED_WITH_ISSUES', s.now());
    s.started.clear();
    s.advance(3600_000);
    return { s, submission, notification, redeliver: (id = notification.id) => redeliverNotification(s.deps, id) };
  }

  it('reopens a FAILED notification with a fresh retry window, puts the submission back in progress and starts its run', async () => {
    const { s, submission, notification, redeliver } = await failed();
    const outcome = await redeliver();

    expect(outcome).toMatchObject({ kind: 'started', notification: { id: notification.id, status: 'PENDING', redeliveries: 1 } });
    const reopened = (await s.notifications.get(notification.id))!;
    expect(reopened.firstAttemptAt).toBeUndefined();
    expect(reopened.attempts).toBe(1); // Counted on: the history stays.
    expect(await s.submission(submission.id)).toMatchObject({ status: 'IN_PROGRESS' });
    expect((await s.submissions.listInProgress()).map((x) => x.id)).toEqual([submission.id]);
    expect([...s.started]).toEqual([
      [
        `${notification.id}-redelivery-1`,
        {
          submissionId: submission.id,
          notifications: [
            {
              notificationId: notification.id,
              departmentId: notification.departmentId,
              timeoutSeconds: notification.confirmationTimeoutSeconds,
            },
          ],
        },
      ],
    ]);
    expect((await s.audit.list(submission.id)).at(-1)).toMatchObject({
      type: 'REDELIVERY_REQUESTED',
      actor: 'operator',
      notificationId: notification.id,
    });
  });

  it('asked again while under way, changes nothing and names the same run', async () => {
    const { s, submission, notification, redeliver } = await failed();
    await redeliver();
    const again = await redeliver();

    expect(again).toMatchObject({ kind: 'started', notification: { redeliveries: 1 } });
    expect(redeliveryExecutionName((again as { notification: typeof notification }).notification)).toBe(`${notification.id}-redelivery-1`);
    expect(s.started.size).toBe(1);
    expect((await s.audit.list(submission.id)).filter((e) => e.type === 'REDELIVERY_REQUESTED')).toHaveLength(1);
  });

  it('a second failure can be redelivered again, as a new run', async () => {
    const { s, notification, redeliver } = await failed();
    await redeliver();
    await s.notifications.markFailed((await s.notifications.get(notification.id))!, 'HTTP 500', s.now());
    expect(await redeliver()).toMatchObject({ kind: 'started', notification: { redeliveries: 2 } });
    expect([...s.started.keys()]).toEqual([`${notification.id}-redelivery-1`, `${notification.id}-redelivery-2`]);
  });

  it('refuses what is not FAILED (409 naming its status), a disabled or suspended department, and unknown ids (404)', async () => {
    const { s, notification, redeliver } = await failed();
    expect(await redeliver(`ntf_${'0'.repeat(26)}`)).toEqual({ kind: 'not-found' });
    expect(await redeliver('not-an-id')).toEqual({ kind: 'not-found' });

    await s.departments.disable('dvla', 'The endpoint answered 410', s.now());
    expect(await redeliver()).toMatchObject({ kind: 'conflict', detail: expect.stringContaining('disabled or suspended') });
    expect((await s.notifications.get(notification.id))?.status).toBe('FAILED');

    await s.addDepartment('hmrc');
    const other = await s.submit('citizen-1', 'key-2', changeOfAddress(['hmrc']));
    expect(await redeliver(other.notifications[0].id)).toEqual({
      kind: 'conflict',
      detail: 'Only a FAILED notification can be redelivered; this one is PENDING.',
    });
    expect(s.started.size).toBe(1); // Only the second submission's own workflow.
  });
});
