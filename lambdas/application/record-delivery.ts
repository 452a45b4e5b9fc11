import type { DeliveryChannel } from '../domain/department-configuration';
import type { EntitleableField } from '../domain/entitlement';
import type { AuditTrail } from '../store/audit-trail';
import type { NotificationRepository } from '../store/notification-repository';
import type { NotificationRecord } from '../domain/notification';
import type { OutcomeMetrics } from '../observability/outcome-metrics';

/**
 * A step shared by two use cases, not one itself: the push (deliver-to-department.ts) and the feed
 * (read-feed.ts) record a delivery the same way.
 *
 * The data has been served to the department, by a push answered 2xx or by its feed. The first
 * time (one conditional write decides between channels racing) the notification becomes
 * DELIVERED and the trail records the channel.
 */
export async function recordDelivered(
  deps: { notifications: NotificationRepository; audit: AuditTrail; metrics?: Pick<OutcomeMetrics, 'delivered'> },
  notification: NotificationRecord,
  channel: DeliveryChannel,
  now: Date,
  /** What left with a feed read (a push's SENT entry already names its fields). */
  fields?: readonly EntitleableField[],
): Promise<{ notification: NotificationRecord; first: boolean }> {
  const result = await deps.notifications.markDelivered(notification, now, channel);
  if (result.first) {
    deps.metrics?.delivered(notification.departmentId);
    await deps.audit.record({
      submissionId: notification.submissionId,
      key: `${notification.id}#DELIVERED`,
      at: result.notification.deliveredAt ?? now.toISOString(),
      type: 'DELIVERED',
      actor: 'service',
      departmentId: notification.departmentId,
      notificationId: notification.id,
      ...(notification.kind ? { kind: notification.kind } : {}),
      channel,
      ...(fields ? { fields } : {}),
    });
  }
  return result;
}
