// Transpile-only (swc): type-checking is its own step (`npm run typecheck`) in `npm test`.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // Tests that drive moto, Terraform or cdktf start child processes; keep the two cores busy, not oversubscribed.
  maxWorkers: 2,
  // e2e first, the scanner files after them, the rest last (see the file): a fresh clone has no durations to go by.
  testSequencer: '<rootDir>/test/tools/sequencer.js',
  // One temp dir per run, removed at its end (test/tools/temp-root.js).
  globalSetup: '<rootDir>/test/tools/global-setup.js',
  globalTeardown: '<rootDir>/test/tools/global-teardown.js',
  testTimeout: 120000,
  slowTestThreshold: 30,
  reporters: ['default', '<rootDir>/test/tools/summary-reporter.js'],
};
