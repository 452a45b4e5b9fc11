/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type checking is `tsc --noEmit`, run by `npm test` before jest.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  testTimeout: 60000,
  // Least privilege is measured over the whole run (test/least-privilege.test.ts, run last).
  globalSetup: '<rootDir>/test/support/iam-usage.js',
  testSequencer: '<rootDir>/test/support/iam-usage-sequencer.js',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
