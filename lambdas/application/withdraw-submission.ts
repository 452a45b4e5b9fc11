import { withdrawalNotificationIdFor } from '../domain/identifiers';
import { wasDelivered } from '../domain/notification-status';
import type { NotificationRecord } from '../domain/notification';
import type { SubmissionRecord } from '../domain/submission';
import { withdrawalExecutionName } from '../domain/workflow-runs';
import { followUpNotification, startFollowUps, type FollowUpDependencies } from './follow-up-notifications';

export type WithdrawOutcome =
  | { kind: 'accepted'; submission: SubmissionRecord; notifications: NotificationRecord[] }
  | { kind: 'not-found' }
  | { kind: 'conflict'; detail: string };

/**
 * The citizen reported by mistake (CONTRACT section 10): every notification not yet delivered
 * becomes WITHDRAWN and is never sent (a delivery step, or a retry waiting, finds it so and stops);
 * each department already delivered the change gets an `address.withdrawn` notice, tracked to its
 * answer. Every step is safe to repeat: withdrawing again finishes what an interrupted one began.
 */
export async function withdrawSubmission(
  deps: FollowUpDependencies,
  citizenId: string,
  submissionId: string,
  reason: string | undefined,
): Promise<WithdrawOutcome> {
  const found = await deps.submissions.get(submissionId);
  if (!found || found.citizenId !== citizenId) return { kind: 'not-found' };
  if (found.erasedAt)
    return { kind: 'conflict', detail: 'Your personal data for this submission has been erased, so there is nothing left to withdraw.' };

  const now = deps.now();
  const submission = await deps.submissions.recordWithdrawal(submissionId, reason, now);
  await deps.audit.record({
    submissionId,
    key: 'WITHDRAWN',
    at: submission.withdrawnAt ?? now.toISOString(),
    type: 'WITHDRAWN',
    actor: 'citizen',
    detail: 'You withdrew the report',
  });

  const notices: NotificationRecord[] = [];
  let withdrawn = 0;
  for (const listed of await deps.notifications.getMany(submission.notificationIds)) {
    if (listed.kind === 'withdrawal') continue;
    const notification = await withdrawIfUndelivered(deps, listed);
    if (notification.status === 'WITHDRAWN') withdrawn++;
    if ((notification.kind ?? 'change') !== 'change' || !wasDelivered(notification)) continue;
    const department = await deps.departments.get(notification.departmentId);
    if (!department) continue; // A department removed since has nobody left to tell.
    notices.push(
      followUpNotification(
        {
          id: withdrawalNotificationIdFor(notification.id),
          submissionId,
          kind: 'withdrawal',
          withdraws: notification.id,
          entitledFields: [],
        },
        department,
        now,
      ),
    );
  }
  await Promise.all(notices.map((n) => deps.notifications.createIfAbsent(n)));
  const stored = await deps.notifications.getMany(notices.map((n) => n.id));
  await startFollowUps(deps, submissionId, stored);
  // Nothing to send, but deliveries stopped: finalise now rather than when a waiting retry wakes.
  if (stored.length === 0 && withdrawn > 0)
    await deps.startWorkflow(withdrawalExecutionName(submissionId), { submissionId, notifications: [] });

  const after = await deps.submissions.get(submissionId);
  return {
    kind: 'accepted',
    submission: after ?? submission,
    notifications: await deps.notifications.getMany((after ?? submission).notificationIds),
  };
}

/** PENDING and never delivered: WITHDRAWN. Otherwise (or if it was delivered meanwhile) as it is. */
async function withdrawIfUndelivered(deps: FollowUpDependencies, notification: NotificationRecord): Promise<NotificationRecord> {
  if (notification.status !== 'PENDING' || notification.deliveredAt) return notification;
  const now = deps.now();
  if (await deps.notifications.markWithdrawn(notification, now)) {
    await deps.audit.record({
      submissionId: notification.submissionId,
      key: `${notification.id}#WITHDRAWN`,
      at: now.toISOString(),
      type: 'WITHDRAWN',
      actor: 'citizen',
      departmentId: notification.departmentId,
      notificationId: notification.id,
      detail: 'Withdrawn before it was delivered: never sent',
    });
    return { ...notification, status: 'WITHDRAWN' };
  }
  const current = await deps.notifications.get(notification.id);
  return current ?? notification;
}
