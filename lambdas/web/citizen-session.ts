// Who the citizen is, from the access token kept in an HttpOnly cookie: verified on every request
// by authenticateCitizen, exactly as the API verifies a bearer token.
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authenticateCitizen } from '../api/authentication';
import { HttpProblem } from '../api/http-responses';
import { cookiesOf } from './web-request';

export const CITIZEN_COOKIE = 'tuo_citizen';

/** The event as if the cookie's token had been sent as `Authorization: Bearer`. */
export function withBearer(event: APIGatewayProxyEventV2, token: string): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'authorization'));
  return { ...event, headers: { ...headers, authorization: `Bearer ${token}` } };
}

/** The signed-in citizen's id (`sub`), or undefined when not signed in or the token is no longer valid. */
export async function signedInCitizen(event: APIGatewayProxyEventV2): Promise<string | undefined> {
  const token = cookiesOf(event)[CITIZEN_COOKIE];
  if (!token) return undefined;
  try {
    return await authenticateCitizen(withBearer(event, token));
  } catch (error) {
    if (error instanceof HttpProblem) return undefined;
    throw error;
  }
}

/** Each citizen has one journey at a time, found from their id alone. */
export function journeyIdFor(citizenId: string): string {
  return createHash('sha256').update(`journey\n${citizenId}`).digest('hex');
}

/**
 * Where the development identity provider issues tokens: set on one machine only. On AWS citizens
 * would sign in with GOV.UK One Login's OIDC redirect, which is not built (docs/web.md).
 */
export function developmentTokenUrl(): string | undefined {
  return process.env.TUO_DEV_TOKEN_URL || undefined;
}

/** Asks the development identity provider for a token, as POST /dev/token documents. */
export async function developmentSignIn(citizenId: string): Promise<{ accessToken: string; expiresIn: number } | { error: string }> {
  const url = developmentTokenUrl();
  if (!url) return { error: 'Signing in is not available here.' };
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: citizenId }),
  });
  const body = (await response.json()) as { access_token?: string; expires_in?: number; errors?: Array<{ detail: string }> };
  if (response.status !== 200 || !body.access_token) return { error: body.errors?.[0]?.detail ?? 'Enter your citizen id.' };
  return { accessToken: body.access_token, expiresIn: body.expires_in ?? 3600 };
}
