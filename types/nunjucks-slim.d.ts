// nunjucks' runtime build: the same API as the package's main module, without its template compiler
// (lambdas/web/page-renderer.ts renders precompiled templates only).
declare module 'nunjucks/browser/nunjucks-slim' {
  export * from 'nunjucks';
}
