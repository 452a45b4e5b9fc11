import { isActiveDepartment } from '../domain/department-configuration';
import { isNotificationId } from '../domain/identifiers';
import type { ServiceRepositories } from '../store/service-repositories';
import type { NotificationRecord } from '../domain/notification';
import { redeliveryExecutionName, workflowInput, type WorkflowInput } from '../domain/workflow-runs';
import { LOST_RACE, notSettled, retryAfterLostRace, type LostRace } from '../domain/lost-race';

export type RedeliverOutcome =
  { kind: 'started'; notification: NotificationRecord } | { kind: 'not-found' } | { kind: 'conflict'; detail: string };

export type RedeliverDependencies = Pick<ServiceRepositories, 'notifications' | 'submissions' | 'departments' | 'audit'> & {
  startWorkflow: (name: string, input: WorkflowInput) => Promise<void>;
  now: () => Date;
};

/**
 * An operator sends a FAILED notification again, under the same `webhook-id`, through the same
 * workflow (restricted to that notification). Asking again while it is under way changes nothing.
 */
export async function redeliverNotification(deps: RedeliverDependencies, notificationId: string): Promise<RedeliverOutcome> {
  if (!isNotificationId(notificationId)) return { kind: 'not-found' };
  // Two operators (or one, twice) at once: the one whose reopening lost judges again against the winner's.
  return retryAfterLostRace(() => redeliverOnce(deps, notificationId), {
    rounds: 3,
    exhausted: notSettled(`Redelivery of notification ${notificationId}`),
  });
}

async function redeliverOnce(deps: RedeliverDependencies, notificationId: string): Promise<RedeliverOutcome | LostRace> {
  const notification = await deps.notifications.get(notificationId);
  if (!notification) return { kind: 'not-found' };
  const start = (n: NotificationRecord) => deps.startWorkflow(redeliveryExecutionName(n), workflowInput(n.submissionId, [n], deps.now()));

  if (notification.status === 'PENDING' && (notification.redeliveries ?? 0) > 0) {
    await start(notification);
    return { kind: 'started', notification };
  }
  if (notification.status !== 'FAILED') {
    return { kind: 'conflict', detail: `Only a FAILED notification can be redelivered; this one is ${notification.status}.` };
  }
  const department = await deps.departments.get(notification.departmentId);
  if (!department || !isActiveDepartment(department)) {
    return {
      kind: 'conflict',
      detail: 'The department is disabled or suspended: re-enable it with PUT /v1/departments/{departmentId} first.',
    };
  }
  const reopened = await deps.notifications.reopenForRedelivery(notification, deps.now());
  if (!reopened) return LOST_RACE; // Raced with another request (or a feed read): judge again.
  await deps.submissions.setStatus(reopened.submissionId, 'IN_PROGRESS', deps.now());
  await deps.audit.record({
    submissionId: reopened.submissionId,
    key: `${reopened.id}#REDELIVERY#${reopened.redeliveries}`,
    at: deps.now().toISOString(),
    type: 'REDELIVERY_REQUESTED',
    actor: 'operator',
    departmentId: reopened.departmentId,
    notificationId: reopened.id,
  });
  await start(reopened);
  return { kind: 'started', notification: reopened };
}
