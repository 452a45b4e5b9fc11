// How the pages' templates are named and where a compiled one is kept: shared by the build-time
// compiler (template-precompiler.ts) and the renderer (page-renderer.ts), which must agree.

/** Relative names (`../../macros/attributes.njk`) are relative to the template that names them. */
export const isRelativeTemplateName = (name: string) => name.startsWith('./') || name.startsWith('../');

/** A relative name resolved against the template that names it, as files in folders would be. */
export function resolveTemplateName(parentName: string, name: string): string {
  const parts = parentName.split('/').slice(0, -1);
  for (const part of name.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}

/** The folder of a page function's bundle that holds its compiled templates (lib/web-pages.ts). */
export const PRECOMPILED_TEMPLATES_FOLDER = 'precompiled-templates';

/** The file a compiled template is kept in, under that folder: its name, plus `.js`. */
export const precompiledFileName = (name: string) => `${name}.js`;

/** What the pages render with; the compiler reads these too, so both take them from here. */
export const RENDER_OPTIONS = { autoescape: true, throwOnUndefined: false } as const;
