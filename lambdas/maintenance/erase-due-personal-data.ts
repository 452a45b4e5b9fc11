import { eraseDuePersonalData } from '../application/erase-personal-data';
import { serviceRepositories } from '../store/service-repositories';
import { serviceCitizenNotifier } from '../notifier/service-citizen-notifier';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.eraseDuePersonalData);

const repositories = serviceRepositories();
const notifier = serviceCitizenNotifier();

/** Scheduled: erases personal data whose retention period has ended. */
export async function handler(): Promise<{ erased: number }> {
  return { erased: await eraseDuePersonalData({ ...repositories, notifier, now: () => new Date() }) };
}
