import { afterSendingRoutes } from './after-sending-pages';
import { citizenRoutes } from './citizen-pages';
import { departmentRoutes } from './department-pages';
import { htmlHandler } from './html-handler';
import { operatorRoutes } from './operator-pages';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.webPages);

/** The service's web pages (citizen, department, operator), server-rendered with GOV.UK Frontend. */
export const handler = htmlHandler({
  ...citizenRoutes,
  ...afterSendingRoutes,
  ...departmentRoutes,
  ...operatorRoutes,
});
