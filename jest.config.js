/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type checking is `tsc --noEmit`, run by `npm test` before jest.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // ES-module-only packages (test/support/esm-package-transformer.js says why).
    '/node_modules/(openid-client|oauth4webapi|oidc-provider|jose)/.+\\.js$': '<rootDir>/test/support/esm-package-transformer.js',
  },
  // jose 5 (the project's own) ships CommonJS; the jose 6 that openid-client and oidc-provider use does not.
  transformIgnorePatterns: ['/node_modules/(?!(openid-client|oauth4webapi|oidc-provider|jose)/)'],
  testTimeout: 60000,
  // Least privilege is measured over the whole run (test/least-privilege.test.ts, run last, waits for the
  // other worker's file: finished-files-reporter.js).
  globalSetup: '<rootDir>/test/support/iam-usage.js',
  testSequencer: '<rootDir>/test/support/iam-usage-sequencer.js',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js', '<rootDir>/test/support/finished-files-reporter.js'],
};
