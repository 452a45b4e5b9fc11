import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { problemResponse } from '../http/http-responses';
import { withLambdaContext } from '../observability/logger';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';

checkEnvironment(FUNCTIONS.fallback);

let compiledPaths: Array<[RegExp, string[]]> | undefined;

/**
 * The API's routes as API Gateway route keys ("POST /v1/submissions"), set by the API construct
 * from its own route table, so a known path with another method answers 405. Compiled once per
 * container: the route table does not change while it runs.
 */
function knownPaths(): Array<[RegExp, string[]]> {
  if (compiledPaths) return compiledPaths;
  const byPath = new Map<string, string[]>();
  for (const routeKey of JSON.parse(process.env.API_ROUTE_KEYS ?? '[]') as string[]) {
    const [method, path] = routeKey.split(' ');
    byPath.set(path, [...(byPath.get(path) ?? []), method]);
  }
  compiledPaths = [...byPath].map(([path, methods]) => [new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`), methods]);
  return compiledPaths;
}

/** API Gateway's `$default` route: whatever no other route took. */
export const handler = withLambdaContext(fallback);

async function fallback(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const path = event.rawPath.replace(/\/+$/, '') || '/';
  const known = knownPaths().find(([pattern]) => pattern.test(path));
  if (known) {
    return problemResponse(405, `Use ${known[1].join(' or ')} at this address.`, undefined, { allow: known[1].join(', ') });
  }
  return problemResponse(404, 'There is nothing at this address.');
}
