import { deliverAndAwait } from '../application/deliver-and-await';
import { sendWebhook } from '../delivery/webhook-sender';
import { withLambdaContext } from '../observability/logger';
import { serviceMetrics } from '../observability/service-metrics';
import { serviceSettings } from '../service-settings';
import { serviceRepositories } from '../store/service-repositories';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';
import { failWaitingTask, resumeWaitingWorkflow } from '../workflow-engine/step-functions-workflow-engine';

checkEnvironment(FUNCTIONS.deliverNotification);

const repositories = serviceRepositories();

/**
 * Workflow step (DeliverAndAwait, `.waitForTaskToken`): one delivery attempt (or a hold while the
 * endpoint is failing, or a notification left for a pull department's feed), then the wait for
 * the department's answer under this task token; the task ends when the answer comes, at once when
 * there is nothing to wait for, or with an error that makes the workflow try again later.
 * The task token is a secret: it is on no log line.
 */
export const handler = withLambdaContext(
  async (input: { submissionId: string; notificationId: string; departmentId?: string; taskToken: string }): Promise<void> => {
    await deliverAndAwait(
      {
        ...repositories,
        metrics: serviceMetrics,
        send: sendWebhook,
        now: () => new Date(),
        random: Math.random,
        resumeWorkflow: resumeWaitingWorkflow,
        failTask: failWaitingTask,
        settings: {
          publicBaseUrl: serviceSettings.publicBaseUrl,
          timeScale: serviceSettings.timeScale,
          allowLoopbackWebhooks: serviceSettings.allowLoopbackWebhooks,
          allowPrivateWebhooks: serviceSettings.allowPrivateWebhooks,
        },
      },
      input,
    );
  },
  ({ submissionId, notificationId, departmentId }) => ({ submissionId, notificationId, departmentId }),
  (input) => [input.taskToken],
);
