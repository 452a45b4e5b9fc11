import { serviceRepositories } from '../store/service-repositories';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.prepareNotifications);

const repositories = serviceRepositories();

export interface WorkflowNotification {
  readonly notificationId: string;
  readonly departmentId: string;
  readonly confirmationTimeoutSeconds: number;
}

/**
 * Workflow step: the notifications of a submission (all of them, or those an operator asked to
 * redeliver), as ids only: no personal data enters the execution.
 */
export async function handler(input: { submissionId: string; notificationIds?: string[] }): Promise<{ submissionId: string; notifications: WorkflowNotification[] }> {
  const submission = await repositories.submissions.get(input.submissionId);
  if (!submission) throw new Error(`Submission ${input.submissionId} does not exist`);
  const wanted = input.notificationIds?.filter((id) => submission.notificationIds.includes(id)) ?? submission.notificationIds;
  const notifications = await repositories.notifications.getMany(wanted);
  return {
    submissionId: submission.id,
    notifications: notifications.map((n) => ({
      notificationId: n.id,
      departmentId: n.departmentId,
      confirmationTimeoutSeconds: n.confirmationTimeoutSeconds,
    })),
  };
}
