#!/usr/bin/env node
// Entry point of the `casebook` CLI. It loads the TypeScript sources through tsx so that
// `npx casebook` works right after `npm ci`, with no build step to forget.
//
// npm scripts and npx run the Node.js pinned in devDependencies (the Lambda runtime's major).
// Started with an older `node` from PATH, the CLI re-runs itself on the pinned one rather than
// failing later in a dependency that needs a newer runtime.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REQUIRED_MAJOR = 22;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR && !process.env.CASEBOOK_REEXEC) {
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(pinned)) {
    process.stderr.write(`casebook: Node.js ${process.versions.node} is too old (need ${REQUIRED_MAJOR} or newer)\n  → run \`npm ci\` in the project, then \`npx casebook …\` or \`npm start\`\n`);
    process.exit(2);
  }
  const result = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, CASEBOOK_REEXEC: '1' },
  });
  process.exit(result.status ?? (result.signal ? 1 : 0));
}

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
