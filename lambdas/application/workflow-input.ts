import type { NotificationRecord } from '../domain/notification';
import type { WorkflowInput } from '../workflow-engine/workflow-engine';

export type { WorkflowInput } from '../workflow-engine/workflow-engine';

/** The longest wait Step Functions accepts for a task (TimeoutSeconds is at most 99,999,999). */
const MAX_TASK_TIMEOUT_SECONDS = 99_999_999;

/**
 * The input of a run over these notifications. The department's timeout runs from the first
 * delivery: a notification already delivered (a run resumed after a crash, a feed collection)
 * waits only for what is left of it, at least a second (the least Step Functions waits).
 */
export function workflowInput(submissionId: string, notifications: readonly NotificationRecord[], now: Date): WorkflowInput {
  return {
    submissionId,
    notifications: notifications.map((n) => ({
      notificationId: n.id,
      departmentId: n.departmentId,
      timeoutSeconds: remainingTimeoutSeconds(n, now),
    })),
  };
}

function remainingTimeoutSeconds(n: NotificationRecord, now: Date): number {
  const full = Math.min(MAX_TASK_TIMEOUT_SECONDS, Math.max(1, Math.ceil(n.confirmationTimeoutSeconds)));
  if (n.status !== 'DELIVERED' || !n.deliveredAt) return full;
  const waited = Math.max(0, (now.getTime() - Date.parse(n.deliveredAt)) / 1000);
  return Math.max(1, Math.min(full, Math.ceil(full - waited)));
}
