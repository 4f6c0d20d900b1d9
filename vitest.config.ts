import { defineConfig } from 'vitest/config';

/**
 * Test projects, split the way serverless-test-samples splits them:
 * - unit: pure domain and use cases, no network, no child processes;
 * - infra: CDK template assertions and cdk-nag (bundling skipped, no Docker);
 * - workflow: the real statemachines/*.asl.json files on the local engine, one row per path;
 * - e2e: the whole local cloud booted once per run (DynamoDB Local, s3rver, engine, API);
 * - browser: the published site and the console in Debian's headless Chromium.
 */
export default defineConfig({
  test: {
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 } },
      { test: { name: 'workflow', include: ['test/workflow/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
