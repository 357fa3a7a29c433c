// Transpile-only (swc): type-checking is its own step (`npm run typecheck`) in `npm test`.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // Three workers on the two cores: with two, about a tenth of the CPU sat idle (a worker waiting on the AWS
  // provider's StackSet polls, ~35 s of sleep in member-accounts-apply; on moto and Terraform start-up; on the
  // background scanner install). Fresh clone, npm test: 416 s with two workers, 355 s with three (BENCHMARKS.md).
  maxWorkers: 3,
  // e2e first, the scanner files after them, the rest last (see the file): a fresh clone has no durations to go by.
  testSequencer: '<rootDir>/test/tools/sequencer.js',
  // One temp dir per run, removed at its end (test/tools/temp-root.js).
  globalSetup: '<rootDir>/test/tools/global-setup.js',
  globalTeardown: '<rootDir>/test/tools/global-teardown.js',
  testTimeout: 120000,
  slowTestThreshold: 30,
  reporters: ['default', '<rootDir>/test/tools/summary-reporter.js'],
};
