import { eraseDuePersonalData } from '../application/erase-personal-data';
import { serviceRepositories } from '../store/service-repositories';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.eraseDuePersonalData);

const repositories = serviceRepositories();

/** Scheduled: erases personal data whose retention period has ended. */
export async function handler(): Promise<{ erased: number }> {
  return { erased: await eraseDuePersonalData({ ...repositories, now: () => new Date() }) };
}
