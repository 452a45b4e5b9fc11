// Jest runs the tests as CommonJS (ts-jest), but openid-client, oidc-provider and their jose and
// oauth4webapi are ES modules only. Node runs them as they are (require of ES modules, Node 20.19+)
// and esbuild bundles them for Lambda; under jest, esbuild turns them into CommonJS first.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { format: 'cjs', target: 'node20', sourcefile: filename, sourcemap: 'external', loader: 'js' });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return require('node:crypto').createHash('sha256').update(`esbuild-cjs-1\n${filename}\n${source}`).digest('hex');
  },
};
