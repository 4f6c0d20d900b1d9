import type { Command } from 'commander';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar, Presets } from 'cli-progress';
import { ApiClient, applicantIdentity, globalsOf, reviewerIdentity, table, type Identity } from '../support/client';
import { loadDemoScenario, type DemoCase } from '../support/demo-scenario';
import { CliError, EXIT, formatDuration, inStep } from '../support/errors';
import { exportSite } from '../support/site-export';
import { uploadDossier } from '../support/upload';
import { demoSignIn, formatSignIn } from '../support/demo-accounts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The demo's dossiers, and its scenario (charter, personas, decisions) as data. */
const DEMO_DIR = join(ROOT, 'data/demo');
const SCENARIO_DIR = join(DEMO_DIR, 'scenario');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `3 IN_REVIEW, 9 SHORTLISTED`: how many of each, the progress a wait watches. */
const tally = (statuses: readonly string[]) =>
  [...statuses.reduce((m, s) => m.set(s, (m.get(s) ?? 0) + 1), new Map<string, number>())].map(([s, n]) => `${n} ${s}`).join(', ') ||
  'none yet';

/** How long a rerun waits for submissions that may never come before saying the data is unfinished. */
const RERUN_STALL_MS = 30_000;

/**
 * Polls `step` until it returns a value. The wait is bounded by progress, not by the clock: the
 * limit counts from the last time the observed state (`what`, when a function) changed, so a
 * slow machine that keeps moving is waited for, and only a phase that stands still gives up.
 */
async function until<T>(what: string | (() => string), stallMs: number, step: () => Promise<T | undefined>): Promise<T> {
  const describe = () => (typeof what === 'string' ? what : what());
  const started = Date.now();
  let seen = describe();
  let lastChange = started;
  for (;;) {
    const value = await step();
    if (value !== undefined) return value;
    const now = describe();
    if (now !== seen) [seen, lastChange] = [now, Date.now()];
    if (Date.now() - lastChange > stallMs) {
      throw new CliError(
        `the demo gave up waiting for: ${now} (no progress for ${formatDuration(Date.now() - lastChange)}, ${formatDuration(Date.now() - started)} in all)`,
        EXIT.usage,
        'run `casebook executions` and `casebook history EXECUTION` against the same --data-dir to see where the workflow stopped; `--timeout SECONDS` waits longer',
      );
    }
    await sleep(400);
  }
}

interface CaseView {
  caseId: string;
  title: string;
  unitCode?: string;
  unitName?: string;
  status: string;
}
interface TaskView {
  taskId: string;
  kind: string;
  roundId: string;
  caseId?: string;
}

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
      const { resolveUnit } = await import('../../src/domain/units');
      // the scenario: who plays the round and what each of them decides (data/demo/scenario/)
      const scenario = loadDemoScenario(SCENARIO_DIR);
      const { personas, decisions } = scenario;
      const seedCases = decisions.cases;
      const OFFICE: Identity = personas.office;
      const APPROVER: Identity = personas.approver;
      const PANEL = personas.panel;
      const ROUND_ID = `round-${scenario.charter(new Date()).number}`;
      const theme = scenario.charter(new Date()).theme;
      const unitCode = (name: string) => {
        const r = resolveUnit(name);
        if (!r.ok) throw new CliError(`demo unit ${name} is not in the registry (${r.reason})`, EXIT.invalid);
        return r.unit.code;
      };
      const demoDir = DEMO_DIR;
      const files = seedCases.map((c) => c.dossier);
      const missing = files.filter((f) => !existsSync(join(demoDir, f)));
      const brokenDir = join(demoDir, 'broken');
      const broken = existsSync(brokenDir)
        ? readdirSync(brokenDir)
            .filter((f) => !/^readme\./i.test(f))
            .sort()
        : [];
      if (missing.length > 0) {
        throw new CliError(
          `data/demo lacks ${missing.join(', ')}: the scenario (data/demo/scenario/decisions.yaml) names one dossier per selected case`,
          EXIT.usage,
          'generate them with `npm run demo-data`',
        );
      }
      // each case of the round is known by its unit: the scenario's case for a unit code
      const caseOfUnit = new Map<string, DemoCase>(seedCases.map((c) => [unitCode(c.unit), c]));

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
        const as = async (id: Identity) => new ApiClient(cloud.endpoints.api, await cloud.mintToken(id));
        const office = await as(OFFICE);
        const approver = await as(APPROVER);
        const reviewers = await Promise.all(PANEL.map(async (p) => ({ id: p.id, client: await as(reviewerIdentity(p.id, p.name)) })));

        // 1. the office opens the round (a rerun on the same data dir finds it already there)
        let uploaded = 0;
        const refused: string[] = [];
        const existing = await office.get<{ rounds: { roundId: string; status: string }[] }>('/rounds');
        const rerun = existing.rounds.some((r) => r.roundId === ROUND_ID);
        if (rerun) say(`${ROUND_ID} is already in ${g.dataDir}: picking it up where the last run left it`);
        else {
          await office.post('/rounds', { roundId: ROUND_ID, charter: scenario.charter(new Date()) });
          await office.post(`/rounds/${ROUND_ID}/open`);
          say(`opened ${ROUND_ID}: ${theme}`);

          // 2. applicants upload: the broken dossiers first, so a valid case is never shadowed by them
          const uploads = [
            ...broken.map((f, i) => ({ path: join(brokenDir, f), unit: unitCode(personas.brokenUnits[i % personas.brokenUnits.length]!) })),
            ...files.map((f, i) => ({ path: join(demoDir, f), unit: unitCode(seedCases[i]!.unit) })),
          ];
          const bar =
            !g.json && process.stderr.isTTY
              ? new SingleBar({ format: 'submitting [{bar}] {value}/{total}', stream: process.stderr }, Presets.shades_classic)
              : undefined;
          bar?.start(uploads.length, 0);
          for (const [i, u] of uploads.entries()) {
            try {
              await uploadDossier(await as(applicantIdentity(u.unit)), ROUND_ID, u.path);
              uploaded += 1;
            } catch (err) {
              // a broken file the API refuses outright (say a .doc) shows its error here
              if (!(err instanceof CliError) || !u.path.startsWith(brokenDir)) throw err;
              refused.push(`${u.path.slice(demoDir.length + 1)}: ${err.message.split('\n')[0]}`);
            }
            bar?.update(i + 1);
          }
          bar?.stop();
          say(`submitted ${files.length} dossiers and ${broken.length} broken ones`);
          for (const line of refused) say(`  refused at upload: ${line}`);
        }
        const timeout = opts.timeout * 1000;

        // 3. validation settles: every upload is stored or rejected
        let lastState = '';
        // A rerun did its uploads before, and the API refused some broken files outright then:
        // only the valid dossiers are sure to be on record.
        const expected = rerun ? files.length : uploaded;
        let recorded = -1;
        let lastProgress = Date.now();
        await until(
          () => `validation of every upload (${lastState})`,
          timeout,
          async () => {
            const { submissions } = await office.get<{ submissions: { status: string }[] }>(`/rounds/${ROUND_ID}/submissions`);
            const settled = submissions.filter((s) => ['STORED', 'INVALID', 'SUPERSEDED'].includes(s.status)).length;
            lastState = `${submissions.length}/${expected} recorded, ${settled} settled: ${submissions.map((s) => s.status).join(' ')}`;
            if (submissions.length !== recorded || settled !== submissions.length)
              [recorded, lastProgress] = [submissions.length, Date.now()];
            // An earlier run stopped during its uploads: what it never sent will not arrive, and
            // uploading again would file new versions. Say so rather than wait out the timeout.
            if (rerun && submissions.length < expected && Date.now() - lastProgress > RERUN_STALL_MS) {
              throw new CliError(
                `${g.dataDir} holds an unfinished demo round: ${lastState}`,
                EXIT.usage,
                `start afresh: remove ${g.dataDir} (or pass another --data-dir) and run the demo again`,
              );
            }
            return submissions.length >= expected && settled === submissions.length ? true : undefined;
          },
        );

        // a case of the round is the scenario's case of its unit
        const scenarioCase = new Map<string, DemoCase | null>();
        const caseFor = async (caseId: string) => {
          if (!scenarioCase.has(caseId)) {
            const c = await office.get<CaseView>(`/cases/${caseId}`);
            scenarioCase.set(caseId, (c.unitCode && caseOfUnit.get(c.unitCode)) || null);
          }
          return scenarioCase.get(caseId) ?? undefined;
        };
        const ruleObjections = async (t: TaskView) => {
          const { objections } = await approver.get<{ objections: { objectionId: string; status: string }[] }>(
            `/rounds/${t.roundId}/objections`,
          );
          const open = objections.filter((o) => o.status === 'OPEN');
          const { ruling, reason } = decisions.objections;
          await approver.post(`/tasks/${t.taskId}/decision`, {
            rulings: open.map((o) => ({ objectionId: o.objectionId, outcome: ruling, reason })),
          });
        };

        // the people in the loop, as the scenario says: eligibility, each reviewer's sheets, the approval and any rulings
        const play = async () => {
          for (const t of (await office.get<{ tasks: TaskView[] }>('/tasks')).tasks) {
            if (t.kind === 'ELIGIBILITY') await office.post(`/tasks/${t.taskId}/decision`, { outcome: decisions.eligibility });
          }
          for (const r of reviewers) {
            for (const t of (await r.client.get<{ tasks: TaskView[] }>('/tasks')).tasks) {
              if (t.kind !== 'PANEL' || !t.caseId) continue;
              const c = await caseFor(t.caseId);
              if (!c)
                throw new CliError(
                  `case ${t.caseId} of ${ROUND_ID} is not in the demo scenario`,
                  EXIT.usage,
                  `start afresh: remove ${g.dataDir} (or pass another --data-dir) and run the demo again`,
                );
              await r.client.post(`/tasks/${t.taskId}/decision`, { scores: scenario.sheet(r.id, c), comment: decisions.comment });
            }
          }
          for (const t of (await approver.get<{ tasks: TaskView[] }>('/tasks')).tasks) {
            if (t.kind === 'LEADERSHIP') await approve(t);
            if (t.kind === 'OBJECTION_RULING') await ruleObjections(t);
          }
        };
        // the leadership meeting approves the panel's shortlist as ranked, each case with its published reason
        const approve = async (t: TaskView) => {
          const round = await approver.get<{ shortlist: { caseId: string; rank: number }[] }>(`/rounds/${t.roundId}/staff-view`);
          const list = [];
          for (const e of [...round.shortlist].sort((a, b) => a.rank - b.rank)) {
            const c = await caseFor(e.caseId);
            if (!c) throw new CliError(`shortlisted case ${e.caseId} is not in the demo scenario`, EXIT.usage);
            list.push({ caseId: e.caseId, reason: c.reason });
          }
          await approver.post(`/tasks/${t.taskId}/decision`, { outcome: decisions.approval, list, amendments: [] });
        };
        const playing = async <T>(what: string | (() => string), done: () => Promise<T | undefined>) =>
          until(what, timeout, async () => {
            await play();
            return done();
          });

        // 4. eligibility and panel review of every case
        let standing = '';
        await playing(
          () => `every case reviewed (${standing})`,
          async () => {
            const { cases } = await office.get<{ cases: CaseView[] }>(`/rounds/${ROUND_ID}/cases`);
            standing = tally(cases.map((c) => c.status));
            return cases.length >= files.length && cases.every((c) => !['ELIGIBILITY_PENDING', 'IN_REVIEW'].includes(c.status))
              ? true
              : undefined;
          },
        );
        say('every case reviewed; closing the round');

        // 5. close, rank, leadership approval, notice, publication
        const r0 = await office.get<{ status: string }>(`/rounds/${ROUND_ID}`);
        if (r0.status === 'OPEN') await office.post(`/rounds/${ROUND_ID}/close`);
        await playing(
          () => `leadership approval and the notice period (round ${standing})`,
          async () => {
            const r = await office.get<{ status: string; approvedList?: { caseId: string; order: number; reason: string }[] }>(
              `/rounds/${ROUND_ID}`,
            );
            standing = r.status;
            return r.status === 'APPROVED' ? r : undefined;
          },
        );
        const firstTitle = seedCases[0]!.title;
        await until('publication of the site', timeout, async () => {
          try {
            const res = await fetch(`${cloud.endpoints.site}/`);
            const text = await res.text();
            // the home page lists the round (its theme) or, for a one-round site, its cases
            return res.ok && (text.includes(theme) || text.includes(firstTitle.slice(0, 6))) ? true : undefined;
          } catch {
            return undefined;
          }
        });

        // The publisher rewrites the site after every change of the round (the notice, then the
        // approval): the site is read, and copied, only once it has published the approved round
        // and has nothing left to publish. Reading it meanwhile copied half-rewritten pages.
        let onSite = 'not yet';
        const openDataUrl = `${cloud.endpoints.site}/data/rounds/${ROUND_ID}.json`;
        await until(
          () => `publication of the approved round (open data: ${onSite})`,
          timeout,
          async () => {
            const res = await fetch(openDataUrl).catch(() => undefined);
            const body = res?.ok ? ((await res.json().catch(() => undefined)) as { round?: { status?: string } } | undefined) : undefined;
            onSite = body?.round?.status ?? (res ? `HTTP ${res.status}` : 'not yet');
            return onSite === 'APPROVED' ? true : undefined;
          },
        );
        await inStep('waiting for the publisher to finish', () => cloud.settled());

        // 6. summary: what the public now reads, from the round's published open data
        const published = await until("the round's open data", timeout, async () => {
          const res = await fetch(`${cloud.endpoints.site}/data/rounds/${ROUND_ID}.json`).catch(() => undefined);
          return res?.ok ? ((await res.json()) as { cases: { order: string; unit: string; title: string; reason: string }[] }) : undefined;
        });
        const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);
        const rows = published.cases.map((c) => [c.order, c.unit, clip(c.title, 28), clip(c.reason, 24)]);
        const signIn = await demoSignIn(cloud, [{ unitCode: unitCode(seedCases[0]!.unit), name: seedCases[0]!.unit }]);
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
        say(`counted this round's AWS usage in ${meteringFile}: \`casebook cost ${ROUND_ID} --data-dir ${g.dataDir}\` projects the bill`);
        if (opts.exportSite) {
          const n = await inStep(`copying the published site into ${opts.exportSite}`, () => exportSite(cloud.env, opts.exportSite!));
          say(`copied ${n} published files into ${opts.exportSite}`);
        }
        if (g.json)
          process.stdout.write(
            `${JSON.stringify({ roundId: ROUND_ID, selected: published.cases.map((c) => ({ order: Number(c.order), unit: c.unit, title: c.title, reason: c.reason })), links })}\n`,
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
