/**
 * The web pages' sessions, kept server-side: a browser holds only a random session id in an
 * HttpOnly cookie, never a token or key, and signing out deletes the session here.
 */
export type WebSessionData =
  /** A citizen signed in through the OpenID provider; the ID token is kept only as the provider's sign-out hint. */
  | { readonly kind: 'citizen'; readonly citizenId: string; readonly idToken?: string }
  /** A department signed in with its API key; the key itself is not kept. */
  | { readonly kind: 'department'; readonly departmentId: string }
  /** An operator signed in with the admin token (one machine only). */
  | { readonly kind: 'operator' }
  /** A sign-in under way at the OpenID provider: what its answer must match, used once. */
  | {
      readonly kind: 'sign-in';
      readonly state: string;
      readonly nonce: string;
      readonly codeVerifier: string;
      /** Where the citizen goes once signed in (a path on this site). */
      readonly next: string;
    };

export type WebSessionKind = WebSessionData['kind'];

export interface WebSession<K extends WebSessionKind = WebSessionKind> {
  readonly data: Extract<WebSessionData, { kind: K }>;
  readonly createdAt: string;
  /** When the session ends, whatever the cookie says. */
  readonly expiresAt: string;
}

export interface WebSessionRepository {
  /** Stores a new session for `ttlSeconds` and answers its id (random, 256 bits). */
  create(data: WebSessionData, ttlSeconds: number): Promise<string>;
  /** The session, unless it does not exist, has expired, or is of another kind. */
  get<K extends WebSessionKind>(id: string, kind: K): Promise<WebSession<K> | undefined>;
  /**
   * Deletes the session and answers what it was, in one conditional step: of two requests
   * presenting the same id, only one gets it (a replayed sign-in answer finds nothing).
   */
  take<K extends WebSessionKind>(id: string, kind: K): Promise<WebSession<K> | undefined>;
  delete(id: string): Promise<void>;
}
