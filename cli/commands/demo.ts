import type { Command } from 'commander';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient, globalsOf, table, type Identity } from '../support/client';
import { inStep } from '../support/errors';
import { exportSite } from '../support/site-export';
import { demoSignIn, formatSignIn } from '../support/demo-accounts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The demo's dossiers, and its scenario (charter, personas, decisions) as data under scenario/. */
const DEMO_DIR = join(ROOT, 'data/demo');

/** `casebook demo`: the whole round 5 on the local cloud, played deterministically, published and served. */
export function register(program: Command): void {
  program
    .command('demo')
    .description('boot the local cloud, run round 5 end to end with the demo dossiers, publish, and serve the site and console')
    .option('--no-serve', 'exit after publishing instead of serving until Ctrl-C')
    .option('--export-site <dir>', 'copy the published site into DIR')
    .option('--timeout <seconds>', 'give up when a phase makes no progress for this long', (v) => Number(v), 600)
    .action(async (opts: { serve: boolean; exportSite?: string; timeout: number }) => {
      const g = globalsOf(program);
      // progress goes to stderr; with --json only when CASEBOOK_DEBUG asks for it (tests read where a run stopped)
      const say = (line: string) => (g.json && !process.env.CASEBOOK_DEBUG ? undefined : process.stderr.write(`${line}\n`));
      const { awaitPublication, DemoRound, planDemo } = await import('../support/demo-round');
      // the scenario: who plays the round and what each of them decides (data/demo/scenario/)
      const plan = planDemo(DEMO_DIR);
      const { roundId, scenario } = plan;
      const seedCases = scenario.decisions.cases;

      const { startLocalCloud } = await import('../../local/cloud');
      say('starting the local cloud…');
      const cloud = await inStep('starting the local cloud', () =>
        startLocalCloud({ dataDir: g.dataDir, quiet: true, log: (l) => say(`  [local] ${l}`) }),
      );
      // Count what the round costs on AWS (`casebook cost round-5` reads it): the counting proxies
      // must sit in front of DynamoDB and S3 before the first function runs.
      const { meterLocalCloud, collectCounts, writeMeteringFile } = await import('../../local/metering');
      const metering = await meterLocalCloud(cloud);
      let stopped = false;
      const stop = async () => {
        if (!stopped) {
          stopped = true;
          await cloud.stop();
          await metering.stop();
        }
      };
      try {
        const stallMs = opts.timeout * 1000;
        const round = await DemoRound.signIn({
          plan,
          as: async (id: Identity) => new ApiClient(cloud.endpoints.api, await cloud.mintToken(id)),
          stallMs,
          dataDir: g.dataDir,
          progressBar: !g.json && process.stderr.isTTY,
          say,
        });
        // 1–3. the office opens the round, applicants upload, validation settles
        await round.awaitValidation(await round.openAndSubmit());
        // 4–5. eligibility, panel review, close, ranking, leadership approval, notice
        await round.review();
        // 6. publication, then a summary of what the public now reads, from the round's open data
        const published = await awaitPublication(plan, cloud.endpoints.site, stallMs, () =>
          inStep('waiting for the publisher to finish', () => cloud.settled()),
        );
        const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);
        const rows = published.cases.map((c) => [c.order, c.unit, clip(c.title, 28), clip(c.reason, 24)]);
        const signIn = await demoSignIn(cloud, [{ unitCode: plan.unitCode(seedCases[0]!.unit), name: seedCases[0]!.unit }]);
        const links = {
          site: cloud.endpoints.site,
          api: cloud.endpoints.api,
          console: signIn.console,
          accounts: signIn.accounts,
          password: signIn.password,
        };
        const meteringFile = writeMeteringFile(
          g.dataDir,
          await inStep("counting the round's AWS usage", () => collectCounts(cloud, metering)),
        );
        say(`counted this round's AWS usage in ${meteringFile}: \`casebook cost ${roundId} --data-dir ${g.dataDir}\` projects the bill`);
        if (opts.exportSite) {
          const n = await inStep(`copying the published site into ${opts.exportSite}`, () => exportSite(cloud.env, opts.exportSite!));
          say(`copied ${n} published files into ${opts.exportSite}`);
        }
        if (g.json)
          process.stdout.write(
            `${JSON.stringify({ roundId, selected: published.cases.map((c) => ({ order: Number(c.order), unit: c.unit, title: c.title, reason: c.reason })), links })}\n`,
          );
        else {
          process.stdout.write(`\n${table(['#', '申報單位', '案例', '入選理由'], rows)}\n\n`);
          process.stdout.write(`site     ${links.site}\nAPI      ${links.api}/openapi.json\n`);
          process.stdout.write(`${formatSignIn(signIn)}\n`);
        }
        if (!opts.serve) return;
        say('\nserving; Ctrl-C to stop');
        await new Promise<void>((resolveWait) => {
          process.once('SIGINT', () => resolveWait());
          process.once('SIGTERM', () => resolveWait());
        });
      } finally {
        await stop();
      }
    });
}
