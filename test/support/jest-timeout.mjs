// Each project's test timeout (jest.config.mjs passes it as the CASEBOOK_TEST_TIMEOUT global):
// jest-circus reads only the global testTimeout, so a per-project one is set here, before the
// file's tests are collected. Hooks get it too unless they pass their own.
import { jest } from '@jest/globals';

const timeout = globalThis.CASEBOOK_TEST_TIMEOUT;
if (typeof timeout === 'number') jest.setTimeout(timeout);
