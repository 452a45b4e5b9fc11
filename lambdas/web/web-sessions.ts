// The pages' sessions: the cookie holds a random id, the session itself lives in the table with an
// expiry, and signing out deletes it there. One cookie per kind, so a session of one kind never
// opens pages of another.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { serviceSettings } from '../service-settings';
import { DynamoDbWebSessionRepository } from '../store/dynamodb/dynamodb-web-session-repository';
import type { WebSession, WebSessionData, WebSessionKind, WebSessionRepository } from '../store/web-session-repository';
import { clearedCookie, cookie, cookiesOf } from './web-request';

export const SESSION_COOKIES: Record<WebSessionKind, string> = {
  citizen: 'tuo_citizen',
  department: 'tuo_department',
  /** On one machine the local gateway reads it too, for the /operator pages only (docs/web.md). */
  operator: 'tuo_operator',
  'sign-in': 'tuo_sign_in',
};

/** How long each kind of session lasts from sign-in, whatever the browser does. */
export const SESSION_SECONDS: Record<WebSessionKind, number> = {
  citizen: 60 * 60,
  department: 8 * 60 * 60,
  operator: 8 * 60 * 60,
  /** Long enough to sign in at the provider, short enough that an abandoned attempt soon means nothing. */
  'sign-in': 10 * 60,
};

// Its own adapter, not serviceRepositories(): the sign-in's function needs no other store.
let webSessions: WebSessionRepository | undefined;
const sessions = () => (webSessions ??= new DynamoDbWebSessionRepository(serviceSettings.tableName));

/** Stores a new session and answers the Set-Cookie that hands its id to the browser. */
export async function startSession(event: APIGatewayProxyEventV2, data: WebSessionData): Promise<string> {
  const id = await sessions().create(data, SESSION_SECONDS[data.kind]);
  return cookie(event, SESSION_COOKIES[data.kind], id, SESSION_SECONDS[data.kind]);
}

/** The live session of this kind named by the browser's cookie, if any. */
export async function sessionOf<K extends WebSessionKind>(event: APIGatewayProxyEventV2, kind: K): Promise<WebSession<K> | undefined> {
  const id = cookiesOf(event)[SESSION_COOKIES[kind]];
  return id ? sessions().get(id, kind) : undefined;
}

/** The session, deleted as it is read: it can be used once only. */
export async function takeSession<K extends WebSessionKind>(event: APIGatewayProxyEventV2, kind: K): Promise<WebSession<K> | undefined> {
  const id = cookiesOf(event)[SESSION_COOKIES[kind]];
  return id ? sessions().take(id, kind) : undefined;
}

/** Ends the session on the server and answers the Set-Cookie that clears it in the browser. */
export async function endSession(event: APIGatewayProxyEventV2, kind: WebSessionKind): Promise<string> {
  const id = cookiesOf(event)[SESSION_COOKIES[kind]];
  if (id) await sessions().delete(id);
  return clearedCookie(event, SESSION_COOKIES[kind]);
}
