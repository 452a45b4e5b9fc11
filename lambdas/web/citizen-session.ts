// Who the citizen is: the server-side session created when the OpenID provider signed them in
// (lambdas/web/citizen-sign-in.ts). The browser holds only the session's random id.
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResponse } from '../http/http-responses';
import { isSubmissionId } from '../domain/identifiers';
import type { SubmissionRepository } from '../store/submission-repository';
import { redirect } from './web-request';
import { sessionOf } from './web-sessions';

/** The signed-in citizen's id (`sub`), or undefined when there is no live session. */
export async function signedInCitizen(event: APIGatewayProxyEventV2): Promise<string | undefined> {
  return (await sessionOf(event, 'citizen'))?.data.citizenId;
}

/** Each citizen has one journey at a time, found from their id alone. */
export function journeyIdFor(citizenId: string): string {
  return createHash('sha256').update(`journey\n${citizenId}`).digest('hex');
}

/** The signed-in citizen's id, or the redirect to sign in first (and come back here). */
export async function requireCitizen(event: APIGatewayProxyEventV2): Promise<string | HttpResponse> {
  const citizenId = await signedInCitizen(event);
  return citizenId ?? redirect(`/sign-in?next=${encodeURIComponent(event.rawPath)}`);
}

/** What the pages' header needs to offer a signed-in citizen the sign-out button. */
export function signOutContext(citizenId: string) {
  return { signOut: '/sign-out', signedInAs: citizenId };
}

/** The citizen's own submission named by the page's address; someone else's is answered exactly like a missing one, as the API does. */
export async function ownSubmission(submissions: SubmissionRepository, event: APIGatewayProxyEventV2, citizenId: string) {
  const submissionId = event.pathParameters?.submissionId ?? '';
  const submission = isSubmissionId(submissionId) ? await submissions.get(submissionId) : undefined;
  return submission && submission.citizenId === citizenId ? submission : undefined;
}
