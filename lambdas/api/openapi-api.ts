import { httpHandler } from './http-handler';
import { json } from '../http/http-responses';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';
// Generated from the schemas that validate requests (`npm run openapi`; test/unit/openapi-document.test.ts
// fails when it is out of date). Served as committed, so this function carries no zod and no schemas.
import document from '../../docs/openapi.json';

checkEnvironment(FUNCTIONS.openApi);

/** GET /openapi.json: the contract, generated from the schemas that validate requests. */
export const handler = httpHandler({
  'GET /openapi.json': async () => json(200, document, { 'cache-control': 'public, max-age=300' }),
});
