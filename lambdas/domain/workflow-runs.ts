// The workflow runs the service starts: what each carries, and the name that makes starting it
// idempotent and lets the reconciler tell whether it is under way. Ids only, never personal data
// (execution history is kept for 90 days).
import type { NotificationRecord } from './notification';
import type { SubmissionRecord } from './submission';

/** One department's notification as the workflow carries it: ids and the wait for its answer. */
export interface WorkflowNotification {
  readonly notificationId: string;
  readonly departmentId: string;
  /** How long the workflow waits for the answer: the department's timeout, less what was already waited. */
  readonly timeoutSeconds: number;
}

/** A workflow execution's input: the notifications it carries, so no step has to list them. */
export interface WorkflowInput {
  readonly submissionId: string;
  readonly notifications: readonly WorkflowNotification[];
}

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

/**
 * The execution that carries a submission's current round: the first one is named after the
 * submission, each recovery round after it `<submissionId>-resume-<n>`.
 */
export const roundExecutionName = (submission: Pick<SubmissionRecord, 'id' | 'recoveryRounds'>) =>
  submission.recoveryRounds ? `${submission.id}-resume-${submission.recoveryRounds}` : submission.id;

/** The workflow run that redelivers one notification: named after it and its redelivery count. */
export const redeliveryExecutionName = (n: NotificationRecord) => `${n.id}-redelivery-${n.redeliveries ?? 0}`;

/** The run that awaits the answer to a notification delivered by its feed when nothing else was running for it. */
export const collectionExecutionName = (n: Pick<NotificationRecord, 'id'>) => `${n.id}-collected`;

/**
 * The workflow run that carries one correction or withdrawal notice: named after the notification,
 * so the reconciler can tell whether it is under way (as it does for redeliveries).
 */
export const followUpExecutionName = (n: Pick<NotificationRecord, 'id'>) => n.id;

/** The run that finalises a withdrawal which stopped every delivery and needs no notice sent. */
export const withdrawalExecutionName = (submissionId: string) => `${submissionId}-withdrawal`;
