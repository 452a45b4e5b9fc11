import { isNotificationId } from '../domain/identifiers';
import { evaluateDepartmentAnswer } from '../domain/notification-status';
import type { DepartmentAnswerBody } from '../domain/department-answer';
import type { NotificationRepository } from '../store/notification-repository';
import type { NotificationRecord } from '../domain/notification';
import { LOST_RACE, notSettled, retryAfterLostRace } from '../domain/lost-race';

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
  const notification = read ? read.notification : await deps.notifications.get(notificationId);
  // Another department's notification is answered exactly like a missing one.
  if (!notification || notification.departmentId !== departmentId) return { kind: 'not-found' };

  let current = notification;
  // A lost write means another write changed the status (an answer, a failure, expiry, withdrawal):
  // judged again against it, the answer settles in the next round; the bound only stops a spin.
  return retryAfterLostRace<AnswerOutcome>(
    async () => {
      const verdict = evaluateDepartmentAnswer(
        { status: current.status, confirmationRequired: current.confirmationRequired, sent: current.sentAt !== undefined },
        answer.outcome,
      );
      if (verdict === 'CONFLICT') return { kind: 'conflict', notification: current };
      if (verdict === 'REPEAT') {
        if (current.taskToken) await deps.resumeWorkflow(current.taskToken, { outcome: current.status });
        return { kind: 'repeated', notification: current };
      }
      const now = deps.now();
      // The trail's entry is written with the answer, in the same conditional write.
      const result = await deps.notifications.recordAnswer(current, answer, now, [
        {
          submissionId: current.submissionId,
          key: `${current.id}#ANSWER`,
          at: now.toISOString(),
          type: answer.outcome,
          actor: `department:${departmentId}`,
          departmentId,
          notificationId: current.id,
          departmentReference: answer.departmentReference,
          reason: answer.reason,
        },
      ]);
      if (!result.notification) return { kind: 'not-found' };
      if (!result.recorded) {
        current = result.notification; // Someone else's write won: judge again against it.
        return LOST_RACE;
      }
      const recorded = result.notification;
      if (recorded.taskToken) await deps.resumeWorkflow(recorded.taskToken, { outcome: answer.outcome });
      return { kind: 'recorded', notification: recorded };
    },
    { rounds: 5, exhausted: notSettled(`Answer to notification ${notificationId}`) },
  );
}
