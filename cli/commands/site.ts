import type { Command } from 'commander';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { globalsOf, output } from '../support/client';
import { CliError, EXIT } from '../support/errors';

/** `casebook site export DIR`: the published site of a running local cloud, as files. */
export function register(program: Command): void {
  const site = program.command('site').description('the public site the publisher wrote');
  site
    .command('export')
    .description('copy the published site of the running local cloud (`casebook dev` or `casebook demo`) into DIR')
    .argument('<dir>', 'folder to write into (created if missing; must be empty unless --force)')
    .option('--force', 'write into a folder that already holds files (files of the same name are replaced)')
    .action(async (dir: string, opts: { force?: boolean }) => {
      const g = globalsOf(program);
      if (g.api)
        throw new CliError(
          'site export reads the local cloud’s site bucket; a deployed site is copied with `aws s3 sync s3://SITE_BUCKET DIR`',
          EXIT.usage,
        );
      const { readEndpoints } = await import('../../local/endpoints');
      const info = readEndpoints(g.dataDir);
      if (!info)
        throw new CliError(
          `no local cloud is running for data dir ${g.dataDir}`,
          EXIT.usage,
          'start it with `casebook dev` in another terminal, or pass the --data-dir it runs on',
        );
      const target = resolve(dir);
      if (existsSync(target) && readdirSync(target).length > 0 && !opts.force) {
        throw new CliError(`${dir} is not empty`, EXIT.usage, 'pass an empty or new folder, or --force to write over it');
      }
      const { exportSite } = await import('../support/site-export');
      const files = await exportSite(info.env, target);
      if (files === 0)
        throw new CliError(
          'the site bucket is empty: nothing is published yet',
          EXIT.invalid,
          'a round is published once approved and past its notice period: `casebook round show ROUND`',
        );
      output(
        program,
        { dir: target, files, site: info.endpoints.site },
        () => `copied ${files} published files into ${dir} (served live at ${info.endpoints.site})`,
      );
    });
}
