import { countingOutcomes } from '../observability/service-metrics';
import { serviceRepositories } from '../store/service-repositories';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.expireNotification);

const repositories = serviceRepositories();
const notifications = countingOutcomes(repositories.notifications);

/**
 * Workflow step: the department did not answer within its timeout (an answer that won the race is
 * kept). A notification still PENDING had its delivery attempt outlast a very short timeout: the
 * workflow goes back to deliver it (the attempt under way may have delivered it meanwhile).
 */
export async function handler(input: { notificationId: string }): Promise<{ deliverAgain: boolean }> {
  const notification = await notifications.get(input.notificationId);
  if (!notification) return { deliverAgain: false };
  if (notification.status === 'PENDING') return { deliverAgain: true };
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
  return { deliverAgain: false };
}
