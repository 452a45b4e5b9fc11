import type { AuditTrail } from '../store/audit-trail';
import type { NotificationRepository } from '../store/notification-repository';
import type { NotificationRecord } from '../domain/notification';
import type { OutcomeMetrics } from '../observability/outcome-metrics';

export interface ExpireDependencies {
  readonly notifications: Pick<NotificationRepository, 'get' | 'markExpired'>;
  readonly audit: Pick<AuditTrail, 'record'>;
  readonly metrics: Pick<OutcomeMetrics, 'expired'>;
  readonly now: () => Date;
}

/**
 * What the workflow does once a department's confirmation timeout has passed: `deliver-again` for
 * a notification still PENDING (its delivery attempt outlasted a very short timeout; the attempt
 * under way may have delivered it meanwhile), else nothing more.
 */
export type ExpiryOutcome = 'expired' | 'already-settled' | 'deliver-again' | 'not-found';

/**
 * The department did not answer within its timeout: a DELIVERED notification becomes EXPIRED
 * (one conditional write, so an answer that won the race is kept, and a step run again records
 * and counts the expiry once).
 */
export async function expireNotification(deps: ExpireDependencies, notificationId: string): Promise<ExpiryOutcome> {
  const notification = await deps.notifications.get(notificationId);
  if (!notification) return 'not-found';
  if (notification.status === 'PENDING') return 'deliver-again';
  const now = deps.now();
  // Expired by a run of this step that stopped before its trail entry: write it (its key makes it once).
  if (notification.status === 'EXPIRED') {
    await recordExpired(deps, notification, notification.updatedAt);
    return 'expired';
  }
  if (!(await deps.notifications.markExpired(notification, now))) return 'already-settled';
  deps.metrics.expired(notification.departmentId);
  await recordExpired(deps, notification, now.toISOString());
  return 'expired';
}

async function recordExpired(deps: ExpireDependencies, notification: NotificationRecord, at: string): Promise<void> {
  await deps.audit.record({
    submissionId: notification.submissionId,
    key: `${notification.id}#EXPIRED`,
    at,
    type: 'EXPIRED',
    actor: 'service',
    departmentId: notification.departmentId,
    notificationId: notification.id,
    detail: `No answer within ${notification.confirmationTimeoutSeconds} seconds of delivery`,
  });
}
