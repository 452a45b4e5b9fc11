// Who the citizen is: the server-side session created when the OpenID provider signed them in
// (lambdas/web/citizen-sign-in.ts). The browser holds only the session's random id.
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sessionOf } from './web-sessions';

/** The signed-in citizen's id (`sub`), or undefined when there is no live session. */
export async function signedInCitizen(event: APIGatewayProxyEventV2): Promise<string | undefined> {
  return (await sessionOf(event, 'citizen'))?.data.citizenId;
}

/** Each citizen has one journey at a time, found from their id alone. */
export function journeyIdFor(citizenId: string): string {
  return createHash('sha256').update(`journey\n${citizenId}`).digest('hex');
}
