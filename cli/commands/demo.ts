import type { Command } from 'commander';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar, Presets } from 'cli-progress';
import { ApiClient, APPROVER, applicantIdentity, globalsOf, OFFICE, reviewerIdentity, table, type Identity } from '../support/client';
import { CliError, EXIT } from '../support/errors';
import { exportSite } from '../support/site-export';
import { uploadDossier } from '../support/upload';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ROUND_ID = 'round-5';
const DOSSIER = /\.(docx|zip|md|markdown|txt|json)$/i;
const isDossier = (f: string) => DOSSIER.test(f) && !/^readme\./i.test(f);

interface SeedCase {
  number: number;
  title: string;
  unit: string;
  reason: string;
}

/** The panel of the demo round: each reviewer belongs to a city, so conflicts are real. */
const PANEL = [
  { id: 'rev-gz', name: '評審甲（廣州）', jurisdictions: ['440100'], declaredConflicts: [] },
  { id: 'rev-sz', name: '評審乙（深圳）', jurisdictions: ['440300'], declaredConflicts: [] },
  { id: 'rev-zh', name: '評審丙（珠海）', jurisdictions: ['440400'], declaredConflicts: [] },
  { id: 'rev-st', name: '評審丁（汕頭）', jurisdictions: ['440500'], declaredConflicts: [] },
  { id: 'rev-fs', name: '評審戊（佛山）', jurisdictions: ['440600'], declaredConflicts: [] },
];

/** Units that upload the broken dossiers: bodies not among the 12 selected. */
const BROKEN_UNITS = ['廣州市天河區人大常委會', '韶關市湞江區人大常委會', '肇慶市端州區人大常委會', '茂名市電白區人大常委會'];

function findSeed(): string {
  const candidates = [
    join(ROOT, 'data/demo/announcement-round5.txt'),
    join(ROOT, 'data/seed/announcement-round5.txt'),
    join(ROOT, '../shared/seed/announcement-round5.txt'),
    '/work/shared/seed/announcement-round5.txt',
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new CliError('the round-5 result page is missing', EXIT.usage, `put it at ${candidates[0]}`);
  return found;
}

function charter(theme: string, now: Date) {
  const day = 86_400_000;
  const descriptors = (zhLow: string, zhHigh: string) => [
    { min: 0, max: 4, text: { zh: zhLow, en: 'Weak' } },
    { min: 5, max: 7, text: { zh: '較好', en: 'Good' } },
    { min: 8, max: 10, text: { zh: zhHigh, en: 'Outstanding' } },
  ];
  return {
    number: 5,
    year: now.getUTCFullYear(),
    theme,
    script: 'hant',
    eligibleLevels: ['county', 'township'],
    submissionDeadline: new Date(now.getTime() + 30 * day).toISOString(),
    reviewDeadline: new Date(now.getTime() + 60 * day).toISOString(),
    rubric: {
      maxScore: 10,
      criteria: [
        { id: 'innovation', name: { zh: '創新性', en: 'Innovation' }, weight: 0.4, descriptors: descriptors('沿用既有做法', '首創且可推廣') },
        { id: 'effect', name: { zh: '實效性', en: 'Effect' }, weight: 0.4, descriptors: descriptors('成效不明', '成效顯著並有數據') },
        { id: 'democracy', name: { zh: '體現全過程人民民主', en: 'Whole-process people’s democracy' }, weight: 0.2, descriptors: descriptors('聯繫不足', '充分體現') },
      ],
    },
    panel: PANEL,
    reviewersPerCase: 3,
    quorum: 2,
    blindReview: false,
    quotas: { total: 12, perLevel: {} },
    noticePeriodDays: 5,
    noticePeriodSecondsOverride: 3,
    timeouts: { eligibilitySeconds: 1_209_600, panelSeconds: 1_209_600, leadershipSeconds: 1_209_600, objectionRulingSeconds: 1_209_600 },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long a rerun waits for submissions that may never come before saying the data is unfinished. */
const RERUN_STALL_MS = 30_000;

async function until<T>(what: string | (() => string), timeoutMs: number, step: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await step();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new CliError(`the demo timed out waiting for: ${typeof what === 'string' ? what : what()}`, EXIT.usage, 'run `casebook executions` and `casebook history EXECUTION` against the same --data-dir to see where the workflow stopped');
    await sleep(400);
  }
}

interface CaseView {
  caseId: string;
  title: string;
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
    .option('--timeout <seconds>', 'give up when a phase takes longer', (v) => Number(v), 600)
    .action(async (opts: { serve: boolean; exportSite?: string; timeout: number }) => {
      const g = globalsOf(program);
      // progress goes to stderr; with --json only when CASEBOOK_DEBUG asks for it (tests read where a run stopped)
      const say = (line: string) => (g.json && !process.env.CASEBOOK_DEBUG ? undefined : process.stderr.write(`${line}\n`));
      const { importAnnouncement } = await import('../../src/domain/announcement');
      const { resolveUnit } = await import('../../src/domain/units');
      const seed = importAnnouncement(readFileSync(findSeed(), 'utf8'));
      const seedCases: SeedCase[] = seed.cases.map((c) => ({ number: c.number, title: c.title, unit: c.unit, reason: c.reason }));
      const theme = seed.round.theme ?? '發展和完善全過程人民民主的基層實踐';
      const unitCode = (name: string) => {
        const r = resolveUnit(name);
        if (!r.ok) throw new CliError(`demo unit ${name} is not in the registry (${r.reason})`, EXIT.invalid);
        return r.unit.code;
      };
      const demoDir = join(ROOT, 'data/demo');
      const files = existsSync(demoDir) ? readdirSync(demoDir).filter(isDossier).sort() : [];
      const brokenDir = join(demoDir, 'broken');
      const broken = existsSync(brokenDir) ? readdirSync(brokenDir).filter((f) => !/^readme\./i.test(f)).sort() : [];
      if (files.length !== seedCases.length) {
        throw new CliError(`data/demo holds ${files.length} dossiers; the demo needs ${seedCases.length}, one per selected case in the page's order`, EXIT.usage, 'generate them with `npm run demo-data`');
      }

      const { startLocalCloud } = await import('../../local/cloud');
      say('starting the local cloud…');
      const cloud = await startLocalCloud({ dataDir: g.dataDir, quiet: true, log: (l) => say(`  [local] ${l}`) });
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
          await office.post('/rounds', { roundId: ROUND_ID, charter: charter(theme, new Date()) });
          await office.post(`/rounds/${ROUND_ID}/open`);
          say(`opened ${ROUND_ID}: ${theme}`);

          // 2. applicants upload: the broken dossiers first, so a valid case is never shadowed by them
          const uploads = [
            ...broken.map((f, i) => ({ path: join(brokenDir, f), unit: unitCode(BROKEN_UNITS[i % BROKEN_UNITS.length]!) })),
            ...files.map((f, i) => ({ path: join(demoDir, f), unit: unitCode(seedCases[i]!.unit) })),
          ];
          const bar = !g.json && process.stderr.isTTY ? new SingleBar({ format: 'submitting [{bar}] {value}/{total}', stream: process.stderr }, Presets.shades_classic) : undefined;
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
        await until(() => `validation of every upload (${lastState})`, timeout, async () => {
          const { submissions } = await office.get<{ submissions: { status: string }[] }>(`/rounds/${ROUND_ID}/submissions`);
          const settled = submissions.filter((s) => ['STORED', 'INVALID', 'SUPERSEDED'].includes(s.status)).length;
          lastState = `${submissions.length}/${expected} recorded, ${settled} settled: ${submissions.map((s) => s.status).join(' ')}`;
          if (submissions.length !== recorded || settled !== submissions.length) [recorded, lastProgress] = [submissions.length, Date.now()];
          // An earlier run stopped during its uploads: what it never sent will not arrive, and
          // uploading again would file new versions. Say so rather than wait out the timeout.
          if (rerun && submissions.length < expected && Date.now() - lastProgress > RERUN_STALL_MS) {
            throw new CliError(`${g.dataDir} holds an unfinished demo round: ${lastState}`, EXIT.usage, `start afresh: remove ${g.dataDir} (or pass another --data-dir) and run the demo again`);
          }
          return submissions.length >= expected && settled === submissions.length ? true : undefined;
        });

        const orderOf = new Map<string, number>();
        const caseOrder = async (caseId: string) => {
          if (!orderOf.has(caseId)) {
            const c = await office.get<CaseView>(`/cases/${caseId}`);
            const codeOf = (name: string) => {
              const r = resolveUnit(name);
              return r.ok ? r.unit.code : name;
            };
            const hit = seedCases.find((s) => s.title === c.title || (c.unitName && codeOf(s.unit) === codeOf(c.unitName)));
            orderOf.set(caseId, hit?.number ?? seedCases.length + 1);
          }
          return orderOf.get(caseId)!;
        };

        // the people in the loop, deterministically: eligible, scores by the page's order, approval with its reasons
        const play = async () => {
          for (const t of (await office.get<{ tasks: TaskView[] }>('/tasks')).tasks) {
            if (t.kind === 'ELIGIBILITY') await office.post(`/tasks/${t.taskId}/decision`, { outcome: 'eligible' });
            if (t.kind === 'OBJECTION_RULING') {
              const { objections } = await office.get<{ objections: { objectionId: string; status: string }[] }>(`/rounds/${t.roundId}/objections`);
              const open = objections.filter((o) => o.status === 'OPEN');
              if (open.length) await office.post(`/tasks/${t.taskId}/decision`, { rulings: open.map((o) => ({ objectionId: o.objectionId, outcome: 'dismissed', reason: '經核查，異議不成立。' })) });
            }
          }
          for (const r of reviewers) {
            for (const t of (await r.client.get<{ tasks: TaskView[] }>('/tasks')).tasks) {
              if (t.kind !== 'PANEL' || !t.caseId) continue;
              const order = await caseOrder(t.caseId);
              const score = Math.max(0, 10 - (order - 1) * 0.5);
              await r.client.post(`/tasks/${t.taskId}/decision`, { scores: { innovation: score, effect: score, democracy: score }, comment: '示範評分' });
            }
          }
          for (const t of (await approver.get<{ tasks: TaskView[] }>('/tasks')).tasks) {
            if (t.kind === 'LEADERSHIP') await approve(t);
            if (t.kind === 'OBJECTION_RULING') {
              const { objections } = await approver.get<{ objections: { objectionId: string; status: string }[] }>(`/rounds/${t.roundId}/objections`);
              const open = objections.filter((o) => o.status === 'OPEN');
              await approver.post(`/tasks/${t.taskId}/decision`, { rulings: open.map((o) => ({ objectionId: o.objectionId, outcome: 'dismissed', reason: '經核查，異議不成立。' })) });
            }
          }
        };
        const approve = async (t: TaskView) => {
          const round = await office.get<{ shortlist?: { caseId: string }[] }>(`/rounds/${t.roundId}`);
          const { cases } = await office.get<{ cases: CaseView[] }>(`/rounds/${t.roundId}/cases`);
          const ranked = await Promise.all(cases.map(async (c) => ({ caseId: c.caseId, order: await caseOrder(c.caseId) })));
          const list = ranked
            .filter((c) => c.order <= seedCases.length)
            .sort((a, b) => a.order - b.order)
            .map((c) => ({ caseId: c.caseId, reason: seedCases[c.order - 1]!.reason }));
          const short = new Set((round.shortlist ?? []).map((e) => e.caseId));
          const chosen = new Set(list.map((e) => e.caseId));
          const amendments = [
            ...[...short].filter((id) => !chosen.has(id)).map((caseId) => ({ caseId, change: 'strike', reason: '經主任會議研究，未列入。' })),
            ...[...chosen].filter((id) => !short.has(id)).map((caseId) => ({ caseId, change: 'add', reason: '經主任會議研究，增列入選。' })),
          ];
          await approver.post(`/tasks/${t.taskId}/decision`, { outcome: amendments.length ? 'amend' : 'approve', list, amendments });
        };
        const playing = async <T>(what: string, done: () => Promise<T | undefined>) =>
          until(what, timeout, async () => {
            await play();
            return done();
          });

        // 4. eligibility and panel review of every case
        await playing('every case reviewed', async () => {
          const { cases } = await office.get<{ cases: CaseView[] }>(`/rounds/${ROUND_ID}/cases`);
          return cases.length >= files.length && cases.every((c) => !['ELIGIBILITY_PENDING', 'IN_REVIEW'].includes(c.status)) ? true : undefined;
        });
        say('every case reviewed; closing the round');

        // 5. close, rank, leadership approval, notice, publication
        const r0 = await office.get<{ status: string }>(`/rounds/${ROUND_ID}`);
        if (r0.status === 'OPEN') await office.post(`/rounds/${ROUND_ID}/close`);
        await playing('leadership approval and the notice period', async () => {
          const r = await office.get<{ status: string; approvedList?: { caseId: string; order: number; reason: string }[] }>(`/rounds/${ROUND_ID}`);
          return r.status === 'APPROVED' ? r : undefined;
        });
        const firstTitle = seedCases[0]?.title ?? '';
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

        // 6. summary: what the public now reads, from the round's published open data
        const published = await until('the round\'s open data', timeout, async () => {
          const res = await fetch(`${cloud.endpoints.site}/data/rounds/${ROUND_ID}.json`).catch(() => undefined);
          return res?.ok ? ((await res.json()) as { cases: { order: string; unit: string; title: string; reason: string }[] }) : undefined;
        });
        const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);
        const rows = published.cases.map((c) => [c.order, c.unit, clip(c.title, 28), clip(c.reason, 24)]);
        const consoleUrl = (role: string, token: string) => `${cloud.endpoints.console}?role=${role}&api=${encodeURIComponent(cloud.endpoints.api)}&token=${token}`;
        const links = {
          site: cloud.endpoints.site,
          api: cloud.endpoints.api,
          console: {
            office: consoleUrl('office', await cloud.mintToken(OFFICE)),
            reviewer: consoleUrl('reviewer', await cloud.mintToken(reviewerIdentity(PANEL[0]!.id, PANEL[0]!.name))),
            approver: consoleUrl('approver', await cloud.mintToken(APPROVER)),
            applicant: consoleUrl('applicant', await cloud.mintToken(applicantIdentity(unitCode(seedCases[0]!.unit)))),
          },
        };
        const meteringFile = writeMeteringFile(g.dataDir, await collectCounts(cloud, metering));
        say(`counted this round's AWS usage in ${meteringFile}: \`casebook cost ${ROUND_ID} --data-dir ${g.dataDir}\` projects the bill`);
        if (opts.exportSite) {
          const n = await exportSite(cloud.env, opts.exportSite);
          say(`copied ${n} published files into ${opts.exportSite}`);
        }
        if (g.json) process.stdout.write(`${JSON.stringify({ roundId: ROUND_ID, selected: published.cases.map((c) => ({ order: Number(c.order), unit: c.unit, title: c.title, reason: c.reason })), links })}\n`);
        else {
          process.stdout.write(`\n${table(['#', '申報單位', '案例', '入選理由'], rows)}\n\n`);
          process.stdout.write(`site     ${links.site}\nAPI      ${links.api}/openapi.json\n`);
          for (const [role, url] of Object.entries(links.console)) process.stdout.write(`console  ${role.padEnd(9)} ${url}\n`);
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
