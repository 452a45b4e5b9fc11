import { aggregateSubmissionStatus, type SubmissionStatus } from '../domain/notification-status';
import { recordConfirmationTimes } from '../observability/service-metrics';
import { serviceRepositories } from '../store/service-repositories';

const repositories = serviceRepositories();

/** Workflow step: every notification has settled; the submission takes its final status. */
export async function handler(input: { submissionId: string }): Promise<{ submissionId: string; status: SubmissionStatus }> {
  const submission = await repositories.submissions.get(input.submissionId);
  if (!submission) throw new Error(`Submission ${input.submissionId} does not exist`);
  const notifications = await repositories.notifications.getMany(submission.notificationIds);
  const status = aggregateSubmissionStatus(notifications);
  await repositories.submissions.setStatus(submission.id, status, new Date());
  if (submission.status === 'IN_PROGRESS') recordConfirmationTimes(notifications); // once, not on a re-run
  return { submissionId: submission.id, status };
}
