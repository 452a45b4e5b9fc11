import type { AuditEvent } from '../domain/audit-event';
import type { DeliveryChannel } from '../domain/department-configuration';
import type { EntitleableField } from '../domain/entitlement';
import type { NotificationRepository } from '../store/notification-repository';
import type { NotificationRecord } from '../domain/notification';
import type { OutcomeMetrics } from '../observability/outcome-metrics';

/**
 * A step shared by two use cases, not one itself: the push (deliver-to-department.ts) and the feed
 * (read-feed.ts) record a delivery the same way.
 *
 * The data has been served to the department, by a push answered 2xx or by its feed. The first
 * time (one conditional write decides between channels racing) the notification becomes
 * DELIVERED and the trail records the channel, in that same write. `alsoRecord` (the attempt's
 * SENT entry) goes with it; when this call did not make the delivery, it is added on its own.
 */
export async function recordDelivered(
  deps: { notifications: NotificationRepository; metrics?: Pick<OutcomeMetrics, 'delivered'> },
  notification: NotificationRecord,
  channel: DeliveryChannel,
  now: Date,
  /** What left with a feed read (a push's SENT entry already names its fields). */
  fields?: readonly EntitleableField[],
  alsoRecord: readonly AuditEvent[] = [],
): Promise<{ notification: NotificationRecord; first: boolean }> {
  const delivered: AuditEvent = {
    submissionId: notification.submissionId,
    key: `${notification.id}#DELIVERED`,
    at: now.toISOString(),
    type: 'DELIVERED',
    actor: 'service',
    departmentId: notification.departmentId,
    notificationId: notification.id,
    ...(notification.kind ? { kind: notification.kind } : {}),
    channel,
    ...(fields ? { fields } : {}),
  };
  const result = await deps.notifications.markDelivered(notification, now, channel, [...alsoRecord, delivered]);
  if (result.first) deps.metrics?.delivered(notification.departmentId);
  else if (alsoRecord.length > 0) await deps.notifications.recordTrail(notification.id, alsoRecord);
  return result;
}
