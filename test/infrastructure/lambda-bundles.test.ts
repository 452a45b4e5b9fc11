import { BUNDLE_LIMIT_BYTES, bundleLimitBytes, measureLambdaBundles } from '../../bench/lambda-bundles';
import { synthesizeTemplate } from '../../local/synthesized-template';

/**
 * Small bundles keep cold starts short: every function, bundled as CDK bundles it, stays within
 * 150 KB (the web pages, still over, within the ceiling bench/lambda-bundles.ts states for them).
 */
describe('Lambda bundles', () => {
  it('are each at most 150 KB', () => {
    const bundles = measureLambdaBundles(synthesizeTemplate(), { init: false });
    expect(bundles.length).toBeGreaterThanOrEqual(9);
    const over = bundles.filter((b) => b.bytes > bundleLimitBytes(b.entry))
      .map((b) => `${b.entry}: ${(b.bytes / 1024).toFixed(0)} KB, over ${(bundleLimitBytes(b.entry) / 1024).toFixed(0)} KB`);
    expect(over).toEqual([]);
    expect(bundles.filter((b) => bundleLimitBytes(b.entry) > BUNDLE_LIMIT_BYTES).length).toBeLessThanOrEqual(1);
  }, 120_000);
});
