import { deliverToDepartment, type DeliveryStep } from '../application/deliver-to-department';
import { sendWebhook } from '../delivery/webhook-sender';
import { countingOperatorEvents, countingOutcomes } from '../observability/service-metrics';
import { serviceSettings } from '../service-settings';
import { serviceRepositories } from '../store/service-repositories';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.deliverNotification);

const repositories = serviceRepositories();

/**
 * Workflow step: one delivery attempt (or a hold while the endpoint is failing, or a notification
 * left for a pull department's feed); tells the workflow whether to wait for an answer or retry.
 */
export async function handler(input: { submissionId: string; notificationId: string }): Promise<DeliveryStep> {
  return deliverToDepartment({
    ...repositories,
    notifications: countingOutcomes(repositories.notifications),
    operatorEvents: countingOperatorEvents(repositories.operatorEvents),
    send: sendWebhook,
    now: () => new Date(),
    random: Math.random,
    settings: {
      publicBaseUrl: serviceSettings.publicBaseUrl,
      timeScale: serviceSettings.timeScale,
      allowLoopbackWebhooks: serviceSettings.allowLoopbackWebhooks,
      allowPrivateWebhooks: serviceSettings.allowPrivateWebhooks,
    },
  }, input.submissionId, input.notificationId);
}
