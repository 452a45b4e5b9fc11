import { citizenRoutes } from './citizen-pages';
import { htmlHandler } from './html-handler';

/** The service's web pages (citizen, department, operator), server-rendered with GOV.UK Frontend. */
export const handler = htmlHandler({
  ...citizenRoutes,
});
