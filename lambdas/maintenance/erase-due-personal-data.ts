import { eraseDuePersonalData } from '../application/erase-personal-data';
import { logger, withLambdaContext } from '../observability/logger';
import { serviceRepositories } from '../store/service-repositories';
import { serviceCitizenNotifier } from '../notifier/service-citizen-notifier';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.eraseDuePersonalData);

const repositories = serviceRepositories();
const notifier = serviceCitizenNotifier();

/** Scheduled: erases personal data whose retention period has ended. */
export const handler = withLambdaContext(async (): Promise<{ erased: number }> => {
  const erased = await eraseDuePersonalData({ ...repositories, notifier, now: () => new Date() });
  if (erased > 0) logger.info('Erased personal data due', { erased });
  return { erased };
});
