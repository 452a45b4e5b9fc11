import type { DepartmentRecord } from '../domain/department';
import type { NotificationRecord } from '../domain/notification';
import type { ServiceRepositories } from '../store/service-repositories';
import { followUpExecutionName, workflowInput, type WorkflowInput } from '../domain/workflow-runs';

export interface FollowUpDependencies extends Pick<ServiceRepositories, 'submissions' | 'notifications' | 'departments' | 'audit'> {
  /** Idempotent: a name already used is not started twice. */
  readonly startWorkflow: (name: string, input: WorkflowInput) => Promise<void>;
  readonly now: () => Date;
}

/**
 * A new notification to a department already told, tracked like the change itself. Its
 * `entitledFields` is the consent of the notification it follows (none for a withdrawal notice).
 */
export function followUpNotification(
  fields: Pick<NotificationRecord, 'id' | 'submissionId' | 'kind' | 'corrects' | 'changed' | 'withdraws' | 'entitledFields'>,
  department: DepartmentRecord,
  now: Date,
): NotificationRecord {
  return {
    ...fields,
    departmentId: department.id,
    status: 'PENDING',
    confirmationRequired: department.confirmation.required,
    confirmationTimeoutSeconds: department.confirmation.timeoutSeconds,
    attempts: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

/**
 * A step shared by two use cases, not one itself (correct-submission.ts, withdraw-submission.ts).
 *
 * Adds follow-up notifications (already stored) to their submission, which is in progress again
 * until they are final, and starts a run of the same workflow for each. Safe to repeat.
 */
export async function startFollowUps(
  deps: FollowUpDependencies,
  submissionId: string,
  notifications: readonly NotificationRecord[],
): Promise<void> {
  if (notifications.length === 0) return;
  await deps.submissions.addNotifications(
    submissionId,
    notifications.map((n) => n.id),
    deps.now(),
  );
  for (const n of notifications) {
    await deps.startWorkflow(followUpExecutionName(n), workflowInput(submissionId, [n], deps.now()));
  }
}
