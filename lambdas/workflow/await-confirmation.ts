import { serviceRepositories } from '../store/service-repositories';
import { resumeWaitingWorkflow } from './workflow-control';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.awaitConfirmation);

const repositories = serviceRepositories();

/**
 * Workflow step (.waitForTaskToken): keeps the task token with the notification so the
 * department's answer can resume the workflow. An answer that arrived before the token was kept
 * (even inside the department's webhook handler) resumes it at once.
 */
export async function handler(input: { notificationId: string; taskToken: string; timeoutSeconds: number }): Promise<void> {
  const notification = await repositories.notifications.storeTaskToken(input.notificationId, input.taskToken, new Date());
  if (notification.status !== 'DELIVERED' && notification.status !== 'PENDING') {
    await resumeWaitingWorkflow(input.taskToken, { outcome: notification.status });
  }
}
