import { countingOutcomes } from '../observability/service-metrics';
import { serviceRepositories } from '../store/service-repositories';

const repositories = serviceRepositories();

/** Workflow step: the department did not answer within its timeout (an answer that won the race is kept). */
export async function handler(input: { notificationId: string }): Promise<void> {
  await countingOutcomes(repositories.notifications).markExpired(input.notificationId, new Date());
}
