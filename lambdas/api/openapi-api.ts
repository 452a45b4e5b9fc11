import { buildOpenApiDocument } from './openapi-document';
import { httpHandler } from './http-handler';
import { json } from './http-responses';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.openApi);

// Built once per container: it depends on nothing but the schemas in the code.
const document = buildOpenApiDocument();

/** GET /openapi.json: the contract, generated from the schemas that validate requests. */
export const handler = httpHandler({
  'GET /openapi.json': async () => json(200, document, { 'cache-control': 'public, max-age=300' }),
});
