/**
 * Least privilege is measured over the whole suite: every local service of every test file (and
 * every `npm start` a test spawns) writes the grants of the template and the ones it used to
 * TUO_IAM_USAGE_DIR when it stops (local/local-iam.ts), and test/least-privilege.test.ts, run
 * last, compares them. This module is jest's globalSetup and testSequencer for that.
 */
const { mkdirSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const USAGE_DIR = path.join(__dirname, '..', '..', '.data', 'iam-usage');
const LAST = 'least-privilege.test.ts';

async function globalSetup() {
  // Jest sorts the tests (writing run.json, below) before it runs this: keep that, drop the rest.
  mkdirSync(USAGE_DIR, { recursive: true });
  for (const file of readdirSync(USAGE_DIR)) if (file !== 'run.json') rmSync(path.join(USAGE_DIR, file), { recursive: true, force: true });
  process.env.TUO_IAM_USAGE_DIR = USAGE_DIR;
  // Every test file's service reads one synthesized template, made once per change of its sources
  // (local/synthesized-template-cache.ts), instead of synthesizing its own (seconds of CPU each).
  process.env.TUO_SYNTH_CACHE_DIR ??= path.join(__dirname, '..', '..', '.data', 'synthesized');
}

class LeastPrivilegeLastSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const ordered = [...sorted.filter((t) => path.basename(t.path) !== LAST), ...sorted.filter((t) => path.basename(t.path) === LAST)];
    mkdirSync(USAGE_DIR, { recursive: true });
    writeFileSync(path.join(USAGE_DIR, 'run.json'), JSON.stringify({ files: ordered.map((t) => path.relative(path.join(__dirname, '..', '..'), t.path)) }));
    return ordered;
  }
}

module.exports = globalSetup;
module.exports.USAGE_DIR = USAGE_DIR;
module.exports.LeastPrivilegeLastSequencer = LeastPrivilegeLastSequencer;
