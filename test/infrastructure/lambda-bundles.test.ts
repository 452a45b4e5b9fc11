import { BUNDLE_LIMIT_BYTES, measureLambdaBundles } from '../../bench/lambda-bundles';
import { synthesizeTemplate } from '../../local/synthesized-template';

/** Small bundles keep cold starts short: every function, bundled as CDK bundles it, stays within 500 KB. */
describe('Lambda bundles', () => {
  it('are each at most 500 KB', () => {
    const bundles = measureLambdaBundles(synthesizeTemplate(), { init: false });
    expect(bundles.length).toBeGreaterThanOrEqual(9);
    const over = bundles.filter((b) => b.bytes > BUNDLE_LIMIT_BYTES).map((b) => `${b.entry}: ${(b.bytes / 1024).toFixed(0)} KB`);
    expect(over).toEqual([]);
  }, 120_000);
});
