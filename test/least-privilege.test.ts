import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { USAGE_DIR, finishedMarker } = require('./support/iam-usage') as { USAGE_DIR: string; finishedMarker: (testPath: string) => string };

/** How long to wait for the test files still running beside this one (the slowest takes under a minute). */
const WAIT_FOR_OTHERS_MS = 10 * 60_000;

interface Usage {
  grants: string[];
  used: string[];
  denials: Array<{ principal: string; action: string; resource: string }>;
}

/**
 * Least privilege, measured over the whole suite (run last: test/support/iam-usage.js). Every
 * local service enforced its template's grants (local/local-iam.ts) and wrote down which it used;
 * a grant no test used is an over-grant (remove it, or test the path that needs it), and a call
 * refused is an under-grant. With both empty, removing any single grant from lib/ makes some test
 * of the suite fail with AccessDenied.
 */
describe('every function and the state machine hold exactly the permissions the service uses', () => {
  const run = JSON.parse(readFileSync(path.join(USAGE_DIR, 'run.json'), 'utf8')) as { files: string[] };
  const testFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? testFiles(path.join(dir, entry.name)) : entry.name.endsWith('.test.ts') ? [path.join(dir, entry.name)] : [],
    );
  const root = path.join(__dirname, '..');
  const allFiles = testFiles(__dirname).map((file) => path.relative(root, file));
  let usages: Usage[] = [];

  // Jest runs two files at a time: this one starts last, but the other worker may still be running
  // the one before it. Every other file of the run must have finished (tests/support/iam-usage.js).
  beforeAll(async () => {
    const others = run.files.filter((file) => path.basename(file) !== path.basename(__filename));
    const deadline = Date.now() + WAIT_FOR_OTHERS_MS;
    let unfinished = others;
    while (
      (unfinished = unfinished.filter((file) => !existsSync(finishedMarker(path.join(root, file))))).length > 0 &&
      Date.now() < deadline
    )
      await sleep(250);
    if (unfinished.length > 0) throw new Error(`Test files never finished: ${unfinished.join(', ')}`);
    usages = readdirSync(USAGE_DIR, { withFileTypes: true })
      .filter((f) => f.isFile() && f.name !== 'run.json')
      .map((f) => JSON.parse(readFileSync(path.join(USAGE_DIR, f.name), 'utf8')) as Usage);
  }, WAIT_FOR_OTHERS_MS + 10_000);

  it('measures the whole suite (run with npm test)', () => {
    expect(existsSync(USAGE_DIR)).toBe(true);
    expect(allFiles.filter((file) => !run.files.includes(file))).toEqual([]);
    expect(usages.length).toBeGreaterThan(0);
  });

  it('grants nothing that no test used (over-grant)', () => {
    const used = new Set(usages.flatMap((u) => u.used));
    const granted = new Set(usages.flatMap((u) => u.grants));
    // CDK grants the state machine each function's ARN and its qualified form (`<arn>:*`, any
    // version or alias); the definition invokes the unqualified ARN, so the pair counts as one.
    const unqualified = (grant: string) => grant.replace(/(:function:[^:"]+):\*"/, '$1"');
    const unused = [...granted].filter((grant) => !used.has(grant) && !used.has(unqualified(grant))).map((grant) => JSON.parse(grant));
    expect(unused).toEqual([]);
  });

  it('refused no call the service made (under-grant)', () => {
    expect(usages.flatMap((u) => u.denials)).toEqual([]);
  });
});
