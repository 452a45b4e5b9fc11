import { expireNotification } from '../application/expire-notification';
import { logger, withLambdaContext } from '../observability/logger';
import { serviceMetrics } from '../observability/service-metrics';
import { serviceRepositories } from '../store/service-repositories';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.expireNotification);

const repositories = serviceRepositories();

/**
 * Workflow step: the department did not answer within its timeout. `deliverAgain` sends a
 * notification still PENDING back to its delivery (AfterExpiry reads it).
 */
export const handler = withLambdaContext(
  async (input: { submissionId?: string; notificationId: string }): Promise<{ deliverAgain: boolean }> => {
    const outcome = await expireNotification({ ...repositories, metrics: serviceMetrics, now: () => new Date() }, input.notificationId);
    logger.info('Confirmation timeout passed', { outcome });
    return { deliverAgain: outcome === 'deliver-again' };
  },
  (input) => input,
);
