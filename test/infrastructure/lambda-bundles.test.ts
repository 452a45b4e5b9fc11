import { BUNDLE_LIMIT_BYTES, bundleLimitBytes, measureLambdaBundles } from '../../bench/lambda-bundles';
import { synthesizeTemplate } from '../../local/synthesized-template';

/**
 * Small bundles keep cold starts short: every function, bundled as CDK bundles it, stays within
 * the limit bench/lambda-bundles.ts states (150 KB plus the tracer's X-Ray SDK; the web pages, still over, within their ceiling).
 */
describe('Lambda bundles', () => {
  it('are each within the stated limit (150 KB plus the X-Ray SDK of the tracer)', () => {
    const bundles = measureLambdaBundles(synthesizeTemplate(), { init: false });
    expect(bundles.length).toBeGreaterThanOrEqual(9);
    const over = bundles.filter((b) => b.bytes > bundleLimitBytes(b.entry))
      .map((b) => `${b.entry}: ${(b.bytes / 1024).toFixed(0)} KB, over ${(bundleLimitBytes(b.entry) / 1024).toFixed(0)} KB`);
    expect(over).toEqual([]);
    expect(bundles.filter((b) => bundleLimitBytes(b.entry) > BUNDLE_LIMIT_BYTES).length).toBeLessThanOrEqual(1);
  }, 120_000);
});
