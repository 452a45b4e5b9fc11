// What every page needs from a request and for its answer: cookies, form bodies, CSRF, redirects.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResponse } from '../http/http-responses';
import { header } from '../http/request-body';

export const CSRF_COOKIE = 'tuo_csrf';
export const CSRF_FIELD = 'csrfToken';
const MAX_FORM_BYTES = 64 * 1024;

/** Cookies as API Gateway payload 2.0 passes them (`event.cookies`), or from the header. */
export function cookiesOf(event: APIGatewayProxyEventV2): Record<string, string> {
  const pairs = event.cookies ?? (header(event, 'cookie') ?? '').split(';');
  const cookies: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    try {
      cookies[name] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // A cookie we did not write: ignore it.
    }
  }
  return cookies;
}

/**
 * Whether the browser connected over https, as API Gateway says in `x-forwarded-proto` (the local
 * gateway says http). Without the header, assume https: a cookie then fails closed (not sent
 * over http) rather than open.
 */
function isHttps(event: APIGatewayProxyEventV2): boolean {
  const forwarded = header(event, 'x-forwarded-proto');
  return forwarded ? forwarded.split(',')[0].trim() === 'https' : true;
}

/** HttpOnly, SameSite=Lax and, over https, Secure: every cookie the pages set. */
export function cookie(event: APIGatewayProxyEventV2, name: string, value: string, maxAgeSeconds?: number): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  if (isHttps(event)) parts.push('Secure');
  return parts.join('; ');
}

export function clearedCookie(event: APIGatewayProxyEventV2, name: string): string {
  return cookie(event, name, '', 0);
}

export type FormFields = Record<string, string | string[]>;

/** An application/x-www-form-urlencoded body; repeated names (checkboxes) become lists. */
export function formBody(event: APIGatewayProxyEventV2): FormFields {
  const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  if (raw.length > MAX_FORM_BYTES) return {};
  const fields: FormFields = {};
  for (const [name, value] of new URLSearchParams(raw.toString('utf8'))) {
    const existing = fields[name];
    fields[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return fields;
}

export function field(form: FormFields, name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * The CSRF token of this browser: a random value in an HttpOnly cookie that every form repeats in
 * a hidden field (double submit). With SameSite=Lax cookies and the Origin check below, another
 * site can neither read it nor make a browser send a matching pair.
 */
export function csrfTokenOf(event: APIGatewayProxyEventV2): { token: string; setCookie?: string } {
  const existing = cookiesOf(event)[CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{32,}$/.test(existing)) return { token: existing };
  const token = randomBytes(32).toString('base64url');
  return { token, setCookie: cookie(event, CSRF_COOKIE, token) };
}

/** A POST is ours when its hidden token matches the cookie and, if the browser says, it came from our origin. */
export function isCsrfSafe(event: APIGatewayProxyEventV2, form: FormFields): boolean {
  const origin = header(event, 'origin');
  if (origin && origin !== 'null') {
    // Behind CloudFront the API sees its own name as Host; the edge passes the browser's on (lib/public-distribution.ts).
    const host = header(event, 'x-forwarded-host') ?? header(event, 'host') ?? event.requestContext.domainName;
    try {
      if (new URL(origin).host !== host) return false;
    } catch {
      return false;
    }
  }
  const expected = Buffer.from(cookiesOf(event)[CSRF_COOKIE] ?? '');
  const presented = Buffer.from(field(form, CSRF_FIELD));
  return expected.length > 0 && expected.length === presented.length && timingSafeEqual(expected, presented);
}

/** The event as if `token` had been sent as `Authorization: Bearer`: sign-in forms check keys as the API does. */
export function withBearer(event: APIGatewayProxyEventV2, token: string): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'authorization'));
  return { ...event, headers: { ...headers, authorization: `Bearer ${token}` } };
}

/** 303 See Other: after a POST the browser GETs the next page. */
export function redirect(location: string, cookies: string[] = []): HttpResponse {
  return { statusCode: 303, headers: { location, 'cache-control': 'no-store' }, cookies, body: '' };
}

/** Only a path on this site, never another origin: where a "return to" may send the browser. */
export function safeLocalPath(value: string | undefined, fallback: string): string {
  return value && /^\/(?![/\\])[A-Za-z0-9/_\-?=&.]*$/.test(value) ? value : fallback;
}
