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
/** Each finished test file leaves a marker here, so the last file can wait for the others (they run two at a time). */
const FINISHED_DIR = path.join(USAGE_DIR, 'finished');
const LAST = 'least-privilege.test.ts';
const ROOT = path.join(__dirname, '..', '..');

/** The marker's name for a test file (its path relative to the project, one file name). */
function finishedMarker(testPath) {
  return path.join(FINISHED_DIR, path.relative(ROOT, testPath).replace(/[\\/]/g, '__'));
}

async function globalSetup() {
  // Jest sorts the tests (writing run.json, below) before it runs this: keep that, drop the rest.
  mkdirSync(USAGE_DIR, { recursive: true });
  for (const file of readdirSync(USAGE_DIR)) if (file !== 'run.json') rmSync(path.join(USAGE_DIR, file), { recursive: true, force: true });
  mkdirSync(FINISHED_DIR, { recursive: true });
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
    writeFileSync(
      path.join(USAGE_DIR, 'run.json'),
      JSON.stringify({ files: ordered.map((t) => path.relative(path.join(__dirname, '..', '..'), t.path)) }),
    );
    return ordered;
  }
}

/**
 * A jest reporter: runs in jest's own process and hears of each test file once it has finished,
 * its afterAll hooks (which stop its services, and so write their usage) included.
 */
class FinishedFilesReporter {
  onTestResult(test) {
    mkdirSync(FINISHED_DIR, { recursive: true });
    writeFileSync(finishedMarker(test.path), '');
  }
}

module.exports = globalSetup;
module.exports.USAGE_DIR = USAGE_DIR;
module.exports.FINISHED_DIR = FINISHED_DIR;
module.exports.finishedMarker = finishedMarker;
module.exports.LeastPrivilegeLastSequencer = LeastPrivilegeLastSequencer;
module.exports.FinishedFilesReporter = FinishedFilesReporter;
