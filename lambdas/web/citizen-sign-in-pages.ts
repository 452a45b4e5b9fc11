// The citizen's sign-in and sign-out (docs/web.md): the OpenID Connect authorization code flow with
// GOV.UK One Login on AWS (the development provider on one machine), and the session it starts.
// A function of its own: only it carries the OpenID client.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResponse } from '../http/http-responses';
import { checkEnvironment, FUNCTIONS } from '../function-declarations';
import { logger } from '../observability/logger';
import { serviceSettings } from '../service-settings';
import { JOURNEY_STEPS } from './citizen-journey';
import { beginSignIn, completeSignIn, endSessionUrl, openIdConfiguration, SignInRefused } from './citizen-sign-in';
import { errorPage, htmlHandler, page, trustedForm } from './html-handler';
import { clearedCookie, redirect, safeLocalPath } from './web-request';
import { endSession, SESSION_COOKIES, sessionOf, startSession, takeSession } from './web-sessions';

checkEnvironment(FUNCTIONS.citizenSignInPages);

/** Where a citizen goes once signed in, when the sign-in link says nowhere: the journey's first question. */
const FIRST_QUESTION = `/journey/${JOURNEY_STEPS[0].slug}`;

function signInUnavailable(event: APIGatewayProxyEventV2) {
  return page(
    event,
    'sign-in.njk',
    {
      title: 'Sign in with GOV.UK One Login',
      unavailable: 'Signing in is not available at the moment. Try again later.',
    },
    { status: 503 },
  );
}

function signInFailed(event: APIGatewayProxyEventV2) {
  return errorPage(event, 400, 'You could not be signed in', 'Your sign-in expired or was already used. Start again to sign in.');
}

/**
 * Sends the browser to the OpenID provider (GOV.UK One Login on AWS, the development provider on
 * one machine). What its answer must match (state, nonce, PKCE verifier) stays server-side, in a
 * sign-in session used once.
 */
async function signIn(event: APIGatewayProxyEventV2) {
  const settings = serviceSettings.citizenSignIn;
  if (!settings) return signInUnavailable(event);
  const { url, pending } = await beginSignIn(await openIdConfiguration(settings), settings);
  const next = safeLocalPath(event.queryStringParameters?.next, FIRST_QUESTION);
  return redirect(url.href, [await startSession(event, { kind: 'sign-in', ...pending, next })]);
}

/** The provider sends the browser back here with a code; the citizen's session starts once it is checked. */
async function signInCallback(event: APIGatewayProxyEventV2) {
  const settings = serviceSettings.citizenSignIn;
  if (!settings) return signInUnavailable(event);
  // Taken, not read: a replayed answer (the same state again) finds no sign-in to complete.
  const pending = await takeSession(event, 'sign-in');
  const clearPending = clearedCookie(event, SESSION_COOKIES['sign-in']);
  if (!pending) return withCookies(signInFailed(event), [clearPending]);
  const callbackUrl = new URL(settings.redirectUri);
  callbackUrl.search = event.rawQueryString ?? '';
  try {
    const { citizenId, idToken } = await completeSignIn(await openIdConfiguration(settings), callbackUrl, pending.data);
    return redirect(pending.data.next, [clearPending, await startSession(event, { kind: 'citizen', citizenId, idToken })]);
  } catch (error) {
    if (!(error instanceof SignInRefused)) throw error;
    logger.warn('Citizen sign-in refused', { reason: error.reason });
    return withCookies(signInFailed(event), [clearPending]);
  }
}

function withCookies(response: HttpResponse, cookies: string[]): HttpResponse {
  return { ...response, cookies: [...(response.cookies ?? []), ...cookies] };
}

/** Ends the session here, then at the provider where it supports RP-initiated logout. */
async function signOut(event: APIGatewayProxyEventV2) {
  trustedForm(event);
  const session = await sessionOf(event, 'citizen');
  const cleared = await endSession(event, 'citizen');
  const settings = serviceSettings.citizenSignIn;
  const atProvider = settings && session ? endSessionUrl(await openIdConfiguration(settings), settings, session.data.idToken) : undefined;
  return redirect(atProvider?.href ?? '/signed-out', [cleared]);
}

async function signedOutPage(event: APIGatewayProxyEventV2) {
  return page(event, 'error.njk', {
    title: 'You have signed out',
    message: 'You are no longer signed in to Tell government you have moved.',
  });
}

export const handler = htmlHandler({
  'GET /sign-in': signIn,
  'GET /sign-in/callback': signInCallback,
  'POST /sign-out': signOut,
  'GET /signed-out': signedOutPage,
});
