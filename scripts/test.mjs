#!/usr/bin/env node
// `npm test` and `npm run test:<project>`: jest in its native ESM mode (the sources are ESM), on
// the Node.js that runs this script (npm scripts run the pinned one).
//
//   node scripts/test.mjs [project] [jest arguments…]   e.g. npm run test:unit -- test/unit/foo -u
//
// The project goes last on jest's command line: --selectProjects takes every word after it, so
// placed first it would swallow the paths given after `npm run test:unit --`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROJECTS = ['unit', 'infra', 'workflow', 'e2e', 'browser'];
const args = process.argv.slice(2);
const project = PROJECTS.includes(args[0] ?? '') ? args.shift() : undefined;
const jest = fileURLToPath(new URL('../node_modules/jest/bin/jest.js', import.meta.url));
const result = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', jest, ...args, ...(project ? ['--selectProjects', project] : [])],
  { stdio: 'inherit' },
);
if (result.error) throw result.error;
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status ?? 1);
