import { isNotificationId } from '../domain/identifiers';
import { evaluateDepartmentAnswer } from '../domain/notification-status';
import type { DepartmentAnswerBody } from '../domain/department-answer';
import type { NotificationRepository } from '../store/notification-repository';
import type { NotificationRecord } from '../domain/notification';

export type AnswerOutcome =
  | { kind: 'recorded' | 'repeated'; notification: NotificationRecord }
  | { kind: 'not-found' }
  | { kind: 'conflict'; notification: NotificationRecord };

/**
 * Records a department's answer once (a conditional write decides between simultaneous answers)
 * and lets the waiting workflow go on. A repeated identical answer changes nothing but passes the
 * answer on again, in case the first hand-over to the workflow was lost.
 */
export async function answerNotification(
  deps: { notifications: NotificationRepository; resumeWorkflow: (token: string, output: unknown) => Promise<void>; now: () => Date },
  departmentId: string,
  notificationId: string,
  answer: DepartmentAnswerBody,
  /** The notification as already read with the department (one request); read here when absent. */
  read?: { notification?: NotificationRecord },
): Promise<AnswerOutcome> {
  if (!isNotificationId(notificationId)) return { kind: 'not-found' };
  let notification = read ? read.notification : await deps.notifications.get(notificationId);
  // Another department's notification is answered exactly like a missing one.
  if (!notification || notification.departmentId !== departmentId) return { kind: 'not-found' };

  for (;;) {
    const verdict = evaluateDepartmentAnswer(
      { status: notification.status, confirmationRequired: notification.confirmationRequired, sent: notification.sentAt !== undefined },
      answer.outcome,
    );
    if (verdict === 'CONFLICT') return { kind: 'conflict', notification };
    if (verdict === 'REPEAT') {
      if (notification.taskToken) await deps.resumeWorkflow(notification.taskToken, { outcome: notification.status });
      return { kind: 'repeated', notification };
    }
    const now = deps.now();
    // The trail's entry is written with the answer, in the same conditional write.
    const result = await deps.notifications.recordAnswer(notification, answer, now, [
      {
        submissionId: notification.submissionId,
        key: `${notification.id}#ANSWER`,
        at: now.toISOString(),
        type: answer.outcome,
        actor: `department:${departmentId}`,
        departmentId,
        notificationId: notification.id,
        departmentReference: answer.departmentReference,
        reason: answer.reason,
      },
    ]);
    if (!result.notification) return { kind: 'not-found' };
    if (!result.recorded) {
      notification = result.notification; // Someone else's write won: judge again against it.
      continue;
    }
    const recorded = result.notification;
    if (recorded.taskToken) await deps.resumeWorkflow(recorded.taskToken, { outcome: answer.outcome });
    return { kind: 'recorded', notification: recorded };
  }
}
