// Jest runs the tests as CommonJS (ts-jest), but openid-client, oidc-provider and their jose and
// oauth4webapi are ES modules only. Node runs them as they are (require of ES modules, Node 20.19+)
// and esbuild bundles them for Lambda; under jest, esbuild turns them into CommonJS first.
const { createHash } = require('node:crypto');
const { transformSync } = require('esbuild');

/**
 * Under jest the global structuredClone makes objects of Node's own realm, not the test's, and
 * oidc-provider refuses them as client metadata (`value.constructor === Object`). Its modules get
 * a clone that builds plain objects and arrays of the test's realm (what it clones is JSON-like).
 */
const REALM_CLONE = `const structuredClone = function clone(value) {
  if (Array.isArray(value)) return value.map(clone);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value)?.constructor?.name === 'Object') {
    const copy = {};
    for (const key of Object.keys(value)) copy[key] = clone(value[key]);
    return copy;
  }
  return value;
};
`;

module.exports = {
  process(source, filename) {
    const prelude = filename.includes('/node_modules/oidc-provider/') && source.includes('structuredClone(') ? REALM_CLONE : '';
    const { code, map } = transformSync(prelude + source, {
      format: 'cjs',
      target: 'node20',
      sourcefile: filename,
      sourcemap: 'external',
      loader: 'js',
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(`esbuild-cjs-2\n${filename}\n${source}`).digest('hex');
  },
};
