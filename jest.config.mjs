/**
 * Test projects, split the way serverless-test-samples splits them:
 * - unit: pure domain and use cases, no network, no child processes;
 * - infra: CDK template assertions and cdk-nag (bundling skipped, no Docker);
 * - workflow: the real statemachines/*.asl.json files on the local engine, one row per path;
 * - e2e: the whole local cloud booted once per file (DynamoDB Local, s3rver, engine, API);
 * - browser: the published site and the console in the system's headless Chromium.
 *
 * The sources are ESM (import.meta, ESM-only dependencies), so jest runs in its native ESM mode
 * (`node --experimental-vm-modules`, see package.json) and @swc/jest strips the types while keeping
 * the modules ESM. Tests import their globals from '@jest/globals'. A hook's timeout is its test
 * timeout unless the hook passes its own (the workflow, e2e and browser hooks do, as they boot
 * DynamoDB Local or the whole cloud). e2e and browser files run one at a time beside the rest
 * (test/support/jest-runner.cjs).
 */

/** @type {import('jest').Config['transform']} */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', importAttributes: true },
        target: 'es2023',
        experimental: { keepImportAttributes: true, emitAssertForImportAttributes: false },
      },
      module: { type: 'es6' },
      sourceMaps: 'inline',
    },
  ],
};

/** @param {string} name @param {number} testTimeout @returns {import('jest').Config} */
const project = (name, testTimeout) => ({
  displayName: name,
  rootDir: '.',
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  testEnvironment: '<rootDir>/test/support/jest-environment.cjs',
  // jest-circus ignores a project's testTimeout; the setup file applies this one.
  globals: { CASEBOOK_TEST_TIMEOUT: testTimeout },
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-timeout.mjs'],
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'mjs', 'js', 'cjs', 'json'],
  runner: ['<rootDir>/test/support/jest-runner.cjs', { oneFileAtATime: ['e2e', 'browser'] }],
});

/** @type {import('jest').Config} */
export default {
  // vitest's default: every available core
  maxWorkers: '100%',
  reporters: ['default', '<rootDir>/test/support/closing-line-reporter.mjs'],
  projects: [
    project('unit', 30_000),
    project('infra', 180_000),
    project('workflow', 60_000),
    project('e2e', 180_000),
    project('browser', 120_000),
  ],
};
