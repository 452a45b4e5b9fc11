import { serviceRepositories } from '../store/service-repositories';

const repositories = serviceRepositories();

export interface WorkflowNotification {
  readonly notificationId: string;
  readonly departmentId: string;
  readonly confirmationTimeoutSeconds: number;
}

/** Workflow step: the notifications of a submission, as ids only (no personal data in the execution). */
export async function handler(input: { submissionId: string }): Promise<{ submissionId: string; notifications: WorkflowNotification[] }> {
  const submission = await repositories.submissions.get(input.submissionId);
  if (!submission) throw new Error(`Submission ${input.submissionId} does not exist`);
  const notifications = await repositories.notifications.getMany(submission.notificationIds);
  return {
    submissionId: submission.id,
    notifications: notifications.map((n) => ({
      notificationId: n.id,
      departmentId: n.departmentId,
      confirmationTimeoutSeconds: n.confirmationTimeoutSeconds,
    })),
  };
}
