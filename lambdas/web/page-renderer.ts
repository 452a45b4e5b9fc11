// Renders pages with the GOV.UK Frontend macros, so the markup of every component is the design
// system's own (accessibility included) rather than a hand copy of it. The templates are compiled
// ahead of time (template-precompiler.ts), so the page functions carry nunjucks' runtime only.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as nunjucks from 'nunjucks/browser/nunjucks-slim';
import type { HttpResponse } from '../http/http-responses';
import {
  isRelativeTemplateName,
  PRECOMPILED_TEMPLATES_FOLDER,
  precompiledFileName,
  RENDER_OPTIONS,
  resolveTemplateName,
} from './template-names';

/** A compiled template: what nunjucks' compiled code returns (its root render function and blocks). */
type CompiledTemplate = Record<string, unknown>;

/** Compiled templates from a folder the build wrote (template-precompiler.ts's writePrecompiledTemplates). */
export function precompiledTemplatesIn(directory: string): (name: string) => CompiledTemplate {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (name) => require(path.join(directory, precompiledFileName(name))) as CompiledTemplate;
}

/**
 * Where compiled templates come from: next to the bundle, where the build wrote them (lib/web-pages.ts);
 * or, run from source on one machine, compiled from the .njk files on first use, the same way.
 */
function compiledTemplates(): (name: string) => CompiledTemplate {
  const bundled = path.join(__dirname, PRECOMPILED_TEMPLATES_FOLDER);
  if (existsSync(bundled)) return precompiledTemplatesIn(bundled);
  // A computed path, so that esbuild leaves the compiler (and nunjucks' own) out of the bundles.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const precompiler = require(path.join(__dirname, 'template-precompiler')) as typeof import('./template-precompiler');
  // nunjucks runs the code it compiles this way too (Template.compile: `new Function(source)`).
  return (name) => new Function(precompiler.compileTemplate(name))() as CompiledTemplate;
}

/** nunjucks' loader interface, over compiled templates; nunjucks caches each template it loads. */
class CompiledTemplateLoader {
  constructor(private readonly load: (name: string) => CompiledTemplate) {}
  isRelative(name: string): boolean {
    return isRelativeTemplateName(name);
  }
  resolve(parentName: string, name: string): string {
    return resolveTemplateName(parentName, name);
  }
  getSource(name: string) {
    return { src: { type: 'code', obj: this.load(name) }, path: name, noCache: false };
  }
}

/** A nunjucks environment (its runtime only) over compiled templates, with the pages' options. */
export function templateEnvironment(load: (name: string) => CompiledTemplate): nunjucks.Environment {
  return new nunjucks.Environment(new CompiledTemplateLoader(load) as unknown as nunjucks.ILoader, { ...RENDER_OPTIONS });
}

let environment: nunjucks.Environment | undefined;

function nunjucksEnvironment(): nunjucks.Environment {
  environment ??= templateEnvironment(compiledTemplates());
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
