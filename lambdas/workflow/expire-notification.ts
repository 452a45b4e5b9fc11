import { countingOutcomes } from '../observability/service-metrics';
import { serviceRepositories } from '../store/service-repositories';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.expireNotification);

const repositories = serviceRepositories();
const notifications = countingOutcomes(repositories.notifications);

/** Workflow step: the department did not answer within its timeout (an answer that won the race is kept). */
export async function handler(input: { notificationId: string }): Promise<void> {
  const notification = await notifications.get(input.notificationId);
  if (!notification) return;
  const now = new Date();
  if (await notifications.markExpired(notification, now)) {
    await repositories.audit.record({
      submissionId: notification.submissionId,
      key: `${notification.id}#EXPIRED`,
      at: now.toISOString(),
      type: 'EXPIRED',
      actor: 'service',
      departmentId: notification.departmentId,
      notificationId: notification.id,
      detail: `No answer within ${notification.confirmationTimeoutSeconds} seconds of delivery`,
    });
  }
}
