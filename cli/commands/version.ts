import type { Command } from 'commander';
import { readFileSync } from 'node:fs';

/** `casebook version`: the package version and the Node.js that runs it (the pinned one under npm). */
export function register(program: Command): void {
  program
    .command('version')
    .description('print the casebook version and the Node.js version in use')
    .action(() => {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      const json = program.opts().json as boolean | undefined;
      const info = { casebook: pkg.version, node: process.version };
      process.stdout.write(json ? `${JSON.stringify(info)}\n` : `casebook ${info.casebook} (node ${info.node})\n`);
    });
}
