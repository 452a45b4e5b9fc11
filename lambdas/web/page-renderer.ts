// Renders pages with nunjucks and the GOV.UK Frontend macros, so the markup of every component is
// the design system's own (accessibility included) rather than a hand copy of it.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as nunjucks from 'nunjucks';
import type { HttpResponse } from '../http/http-responses';

/**
 * Where templates and GOV.UK Frontend live: next to the handler in the Lambda bundle (copied there
 * by the function's bundling hooks), or in the project when run from source on one machine.
 */
export function webResourceDirectories(): { templates: string; govukFrontend: string } {
  const bundled = path.join(__dirname, 'govuk-frontend');
  return existsSync(bundled)
    ? { templates: path.join(__dirname, 'templates'), govukFrontend: bundled }
    : {
        templates: path.join(__dirname, 'templates'),
        // lambdas/web -> the project's node_modules (a path, not require.resolve, which esbuild would try to bundle).
        govukFrontend: path.join(__dirname, '..', '..', 'node_modules', 'govuk-frontend', 'dist'),
      };
}

let environment: nunjucks.Environment | undefined;

function nunjucksEnvironment(): nunjucks.Environment {
  if (!environment) {
    const { templates, govukFrontend } = webResourceDirectories();
    environment = new nunjucks.Environment(new nunjucks.FileSystemLoader([templates, govukFrontend]), {
      autoescape: true,
      throwOnUndefined: false,
    });
  }
  return environment;
}

export interface PageOptions {
  readonly status?: number;
  readonly cookies?: string[];
}

/**
 * Where forms may send the browser: here, and the OpenID provider, since signing out redirects the
 * sign-out form on to the provider's logout page (browsers apply form-action to that redirect).
 */
function formActionSources(): string {
  try {
    const issuer = process.env.OIDC_ISSUER;
    return issuer ? `'self' ${new URL(issuer).origin}` : "'self'";
  } catch {
    return "'self'";
  }
}

/** An HTML page with a strict Content-Security-Policy (scripts only from here, or with this page's nonce). */
export function renderPage(template: string, context: Record<string, unknown>, options: PageOptions = {}): HttpResponse {
  const cspNonce = randomBytes(16).toString('base64');
  const body = nunjucksEnvironment().render(template, { ...context, cspNonce });
  return {
    statusCode: options.status ?? 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': `default-src 'self'; script-src 'self' 'nonce-${cspNonce}'; img-src 'self' data:; style-src 'self'; font-src 'self'; frame-ancestors 'none'; form-action ${formActionSources()}; base-uri 'none'`,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
    },
    cookies: options.cookies ?? [],
    body,
  };
}

/** A fragment of a page (the live status table), for the progressive enhancement to swap in. */
export function renderFragment(template: string, context: Record<string, unknown>): string {
  return nunjucksEnvironment().render(template, context);
}
