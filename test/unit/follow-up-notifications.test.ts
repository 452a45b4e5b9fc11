import { followUpNotification, startFollowUps } from '../../lambdas/application/follow-up-notifications';
import { listDepartmentNotifications } from '../../lambdas/application/list-department-notifications';
import { correctionNotificationIdFor, withdrawalNotificationIdFor } from '../../lambdas/domain/identifiers';
import { followUpExecutionName } from '../../lambdas/domain/workflow-runs';
import { changeOfAddress, inMemoryService } from '../support/in-memory-service';

describe('follow-up notifications: a correction or withdrawal notice to a department already told (in memory)', () => {
  async function completed() {
    const s = inMemoryService();
    const dvla = await s.addDepartment('dvla', { confirmation: { required: false, timeoutSeconds: 900 } });
    const {
      submission,
      notifications: [change],
    } = await s.submit('citizen-1', 'key-1', changeOfAddress(['dvla']));
    await s.deliverByPush(change.id);
    await s.submissions.setStatus(submission.id, 'COMPLETED', s.now());
    s.started.clear();
    return { s, dvla, submission, change };
  }

  it("is tracked like the change: the department's answer settings, PENDING, and the consent of the notification it follows", async () => {
    const { s, dvla, submission, change } = await completed();
    const notice = followUpNotification(
      {
        id: correctionNotificationIdFor('cor_1', 'dvla'),
        submissionId: submission.id,
        kind: 'correction',
        corrects: change.id,
        changed: ['newAddress'],
        entitledFields: change.entitledFields,
      },
      dvla,
      s.now(),
    );
    expect(notice).toMatchObject({
      departmentId: 'dvla',
      status: 'PENDING',
      confirmationRequired: false,
      confirmationTimeoutSeconds: 900,
      attempts: 0,
      entitledFields: change.entitledFields,
      createdAt: s.now().toISOString(),
    });
  });

  it('puts the submission back in progress with the new notices, and starts one run for each, named after it, once however often it is repeated', async () => {
    const { s, dvla, submission, change } = await completed();
    const notice = followUpNotification(
      {
        id: withdrawalNotificationIdFor(change.id),
        submissionId: submission.id,
        kind: 'withdrawal',
        withdraws: change.id,
        entitledFields: [],
      },
      dvla,
      s.now(),
    );
    await s.notifications.createIfAbsent(notice);

    await startFollowUps(s.deps, submission.id, [notice]);
    s.advance(1000);
    await startFollowUps(s.deps, submission.id, [notice]); // Repeated after an interruption.

    expect(await s.submission(submission.id)).toMatchObject({ status: 'IN_PROGRESS', notificationIds: [change.id, notice.id] });
    expect(await s.submissions.listInProgress()).toEqual([expect.objectContaining({ id: submission.id })]);
    expect([...s.started.keys()]).toEqual([followUpExecutionName(notice)]);
    expect(s.started.get(notice.id)).toEqual({
      submissionId: submission.id,
      notifications: [{ notificationId: notice.id, departmentId: 'dvla', timeoutSeconds: 900 }],
    });
    // The department sees it in its listing, as a withdrawal.
    const listed = await listDepartmentNotifications({ ...s.deps, publicBaseUrl: 'https://tuo.example' }, dvla, {
      status: 'PENDING',
      limit: 10,
    });
    expect(listed.items).toEqual([expect.objectContaining({ id: notice.id, kind: 'withdrawal' })]);
  });

  it('with nothing to follow up, changes nothing', async () => {
    const { s, submission } = await completed();
    await startFollowUps(s.deps, submission.id, []);
    expect((await s.submission(submission.id)).status).toBe('COMPLETED');
    expect(s.started.size).toBe(0);
  });
});
