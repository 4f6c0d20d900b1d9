import type { Command } from 'commander';
import { resolve } from 'node:path';
import { CliError, EXIT } from '../support/errors';

/**
 * `casebook env`: the environment that points the AWS CLI and the AWS SDKs at the running local
 * cloud of --data-dir, for `eval "$(npx casebook env)"` (export lines, the default and --shell),
 * `--dotenv` for KEY=VALUE lines (what `casebook dev` writes to <data-dir>/aws.env), or --json.
 */
export function register(program: Command): void {
  program
    .command('env')
    .description('print the variables that point the AWS CLI and SDKs at the running `casebook dev`: eval "$(npx casebook env)"')
    .option('--shell', 'export lines for eval in sh, bash or zsh (the default)')
    .option('--dotenv', 'KEY=VALUE lines, as in <data-dir>/aws.env (docker --env-file, node --env-file)')
    .action((opts: { shell?: boolean; dotenv?: boolean }) => {
      const globals = program.opts() as { dataDir: string; json?: boolean };
      if (opts.shell && opts.dotenv) throw new CliError('--shell and --dotenv exclude each other / 只能選一種格式', EXIT.usage);
      return print(globals.dataDir, opts.dotenv ? 'dotenv' : globals.json ? 'json' : 'shell');
    });
}

async function print(dataDir: string, format: 'shell' | 'dotenv' | 'json'): Promise<void> {
  const { readEndpoints } = await import('../../local/endpoints');
  const { awsEnvironment, renderDotenv, renderShell } = await import('../../local/aws-env');
  const dir = resolve(dataDir);
  const info = readEndpoints(dir);
  if (!info) {
    throw new CliError(
      `LOCAL_CLOUD_NOT_RUNNING: no local cloud is running for data dir ${dir} / 資料目錄 ${dir} 沒有正在執行的本機雲端`,
      EXIT.usage,
      'start it with `npx casebook dev` in another terminal (or pass the --data-dir it runs on), then run this again / 請先在另一個終端機執行 `npx casebook dev`',
    );
  }
  const entries = awsEnvironment(info);
  if (format === 'json') process.stdout.write(`${JSON.stringify(Object.fromEntries(entries.map((e) => [e.name, e.value])))}\n`);
  else process.stdout.write(format === 'dotenv' ? renderDotenv(entries, dir) : renderShell(entries, dir));
}
