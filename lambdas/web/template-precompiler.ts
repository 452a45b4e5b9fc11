// Compiles the pages' nunjucks templates, and the GOV.UK Frontend ones they import, to JavaScript
// ahead of rendering: at build time into each page function's bundle (lib/web-pages.ts), so the
// functions carry nunjucks' runtime only and not its compiler; on one machine, run from source, on
// first use (lambdas/web/page-renderer.ts). Never bundled into a function.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as nunjucks from 'nunjucks';
import { isRelativeTemplateName, precompiledFileName, RENDER_OPTIONS, resolveTemplateName } from './template-names';

/** Where a template named `x` is found: the service's own first, then GOV.UK Frontend's (`govuk/...`). */
const TEMPLATE_ROOTS = [
  path.join(__dirname, 'templates'),
  // lambdas/web -> the project's node_modules.
  path.join(__dirname, '..', '..', 'node_modules', 'govuk-frontend', 'dist'),
];

function sourceOf(name: string): string {
  for (const root of TEMPLATE_ROOTS) {
    try {
      return readFileSync(path.join(root, name), 'utf8');
    } catch {
      // Not under this root: try the next.
    }
  }
  throw new Error(`template not found: ${name}`);
}

const compilerEnvironment = new nunjucks.Environment([], { ...RENDER_OPTIONS });

/** One template as nunjucks compiles it: the body of a function that returns its root and blocks. */
export function compileTemplate(name: string): string {
  return nunjucks.precompileString(sourceOf(name), {
    name,
    env: compilerEnvironment,
    // precompileString hands its wrapper a list of one template (the type says an object).
    wrapper: (templates) => (templates as unknown as Array<{ template: string }>)[0].template,
  });
}

/** The names a template imports, includes or extends (the service's templates name them literally). */
function namesUsedBy(name: string, source: string): string[] {
  return [...source.matchAll(/\{%-?\s*(?:from|import|include|extends)\s+["']([^"']+)["']/g)].map(([, used]) =>
    isRelativeTemplateName(used) ? resolveTemplateName(name, used) : used,
  );
}

/** Every template a page can render: the service's own and, transitively, all they use. */
export function pageTemplateNames(): string[] {
  const pending = readdirSync(TEMPLATE_ROOTS[0]).filter((file) => file.endsWith('.njk'));
  const found = new Set<string>();
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    if (found.has(name)) continue;
    found.add(name);
    pending.push(...namesUsedBy(name, sourceOf(name)));
  }
  return [...found].sort();
}

/** Writes every page template, compiled, as a CommonJS module under `directory` (a function's bundle). */
export function writePrecompiledTemplates(directory: string): void {
  for (const name of pageTemplateNames()) {
    const file = path.join(directory, precompiledFileName(name));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `module.exports = (function () {\n${compileTemplate(name)}\n})();\n`);
  }
}
