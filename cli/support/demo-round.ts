/**
 * The phases of `casebook demo` against a running local cloud: the scenario's dossiers submitted,
 * validation awaited, the people in the loop played as data/demo/scenario/ says (eligibility, each
 * reviewer's sheets, the leadership approval, any objection rulings), and publication awaited.
 * The command (cli/commands/demo.ts) boots the cloud, runs these in order and prints the summary.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { resolveUnit } from '../../src/domain/units';
import { ApiClient, applicantIdentity, reviewerIdentity, type Identity } from './client';
import { loadDemoScenario, type DemoCase, type DemoScenario } from './demo-scenario';
import { CliError, EXIT, formatDuration } from './errors';
import { uploadDossier } from './upload';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `3 IN_REVIEW, 9 SHORTLISTED`: how many of each, the progress a wait watches. */
export const tally = (statuses: readonly string[]) =>
  [...statuses.reduce((m, s) => m.set(s, (m.get(s) ?? 0) + 1), new Map<string, number>())].map(([s, n]) => `${n} ${s}`).join(', ') ||
  'none yet';

/** How long a rerun waits for submissions that may never come before saying the data is unfinished. */
const RERUN_STALL_MS = 30_000;

/**
 * Polls `step` until it returns a value. The wait is bounded by progress, not by the clock: the
 * limit counts from the last time the observed state (`what`, when a function) changed, so a
 * slow machine that keeps moving is waited for, and only a phase that stands still gives up.
 */
export async function until<T>(what: string | (() => string), stallMs: number, step: () => Promise<T | undefined>): Promise<T> {
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

/** What the demo plays: the scenario, its dossiers (and the broken ones) and the round it opens. */
export interface DemoPlan {
  scenario: DemoScenario;
  roundId: string;
  theme: string;
  demoDir: string;
  /** The selected cases' dossiers, relative to demoDir, in the scenario's order. */
  files: string[];
  brokenDir: string;
  /** Broken dossiers (file names in brokenDir) that validation must refuse. */
  broken: string[];
  unitCode(name: string): string;
  /** Each case of the round is known by its unit: the scenario's case for a unit code. */
  caseOfUnit: ReadonlyMap<string, DemoCase>;
}

/** Reads the scenario and checks that every dossier it names is there. */
export function planDemo(demoDir: string, now = new Date()): DemoPlan {
  const scenario = loadDemoScenario(join(demoDir, 'scenario'));
  const charter = scenario.charter(now);
  const unitCode = (name: string) => {
    const r = resolveUnit(name);
    if (!r.ok) throw new CliError(`demo unit ${name} is not in the registry (${r.reason})`, EXIT.invalid);
    return r.unit.code;
  };
  const files = scenario.decisions.cases.map((c) => c.dossier);
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
  const caseOfUnit = new Map(scenario.decisions.cases.map((c) => [unitCode(c.unit), c]));
  return { scenario, roundId: `round-${charter.number}`, theme: charter.theme, demoDir, files, brokenDir, broken, unitCode, caseOfUnit };
}

export interface DemoRoundOptions {
  plan: DemoPlan;
  /** A client of the local API signed in as this identity. */
  as: (id: Identity) => Promise<ApiClient>;
  /** Where a phase that stops progressing gives up. */
  stallMs: number;
  dataDir: string;
  /** A progress bar on stderr (a terminal without --json). */
  progressBar: boolean;
  say: (line: string) => void;
}

/** The people of the scenario, signed in, playing one round through the API. */
export class DemoRound {
  private readonly scenarioCase = new Map<string, DemoCase | null>();

  private constructor(
    private readonly o: DemoRoundOptions,
    readonly office: ApiClient,
    private readonly approver: ApiClient,
    private readonly reviewers: { id: string; client: ApiClient }[],
  ) {}

  static async signIn(o: DemoRoundOptions): Promise<DemoRound> {
    const { personas } = o.plan.scenario;
    const office = await o.as(personas.office);
    const approver = await o.as(personas.approver);
    const reviewers = await Promise.all(
      personas.panel.map(async (p) => ({ id: p.id, client: await o.as(reviewerIdentity(p.id, p.name)) })),
    );
    return new DemoRound(o, office, approver, reviewers);
  }

  /**
   * 1–2. The office opens the round and applicants upload (the broken dossiers first, so a valid
   * case is never shadowed by them). A rerun on the same data dir finds the round already there.
   * Returns whether this was a rerun and how many uploads the API took.
   */
  async openAndSubmit(): Promise<{ rerun: boolean; uploaded: number }> {
    const { plan, say } = this.o;
    const { roundId, scenario, files, broken, brokenDir, demoDir } = plan;
    const seedCases = scenario.decisions.cases;
    const existing = await this.office.get<{ rounds: { roundId: string; status: string }[] }>('/rounds');
    if (existing.rounds.some((r) => r.roundId === roundId)) {
      say(`${roundId} is already in ${this.o.dataDir}: picking it up where the last run left it`);
      return { rerun: true, uploaded: 0 };
    }
    await this.office.post('/rounds', { roundId, charter: scenario.charter(new Date()) });
    await this.office.post(`/rounds/${roundId}/open`);
    say(`opened ${roundId}: ${plan.theme}`);

    let uploaded = 0;
    const refused: string[] = [];
    const brokenUnits = scenario.personas.brokenUnits;
    const uploads = [
      ...broken.map((f, i) => ({ path: join(brokenDir, f), unit: plan.unitCode(brokenUnits[i % brokenUnits.length]!) })),
      ...files.map((f, i) => ({ path: join(demoDir, f), unit: plan.unitCode(seedCases[i]!.unit) })),
    ];
    const bar = this.o.progressBar
      ? new SingleBar({ format: 'submitting [{bar}] {value}/{total}', stream: process.stderr }, Presets.shades_classic)
      : undefined;
    bar?.start(uploads.length, 0);
    for (const [i, u] of uploads.entries()) {
      try {
        await uploadDossier(await this.o.as(applicantIdentity(u.unit)), roundId, u.path);
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
    return { rerun: false, uploaded };
  }

  /** 3. Validation settles: every upload is stored or rejected. */
  async awaitValidation(submitted: { rerun: boolean; uploaded: number }): Promise<void> {
    const { roundId, files } = this.o.plan;
    const { rerun } = submitted;
    let lastState = '';
    // A rerun did its uploads before, and the API refused some broken files outright then:
    // only the valid dossiers are sure to be on record.
    const expected = rerun ? files.length : submitted.uploaded;
    let recorded = -1;
    let lastProgress = Date.now();
    await until(
      () => `validation of every upload (${lastState})`,
      this.o.stallMs,
      async () => {
        const { submissions } = await this.office.get<{ submissions: { status: string }[] }>(`/rounds/${roundId}/submissions`);
        const settled = submissions.filter((s) => ['STORED', 'INVALID', 'SUPERSEDED'].includes(s.status)).length;
        lastState = `${submissions.length}/${expected} recorded, ${settled} settled: ${submissions.map((s) => s.status).join(' ')}`;
        if (submissions.length !== recorded || settled !== submissions.length) [recorded, lastProgress] = [submissions.length, Date.now()];
        // An earlier run stopped during its uploads: what it never sent will not arrive, and
        // uploading again would file new versions. Say so rather than wait out the timeout.
        if (rerun && submissions.length < expected && Date.now() - lastProgress > RERUN_STALL_MS) {
          throw new CliError(
            `${this.o.dataDir} holds an unfinished demo round: ${lastState}`,
            EXIT.usage,
            `start afresh: remove ${this.o.dataDir} (or pass another --data-dir) and run the demo again`,
          );
        }
        return submissions.length >= expected && settled === submissions.length ? true : undefined;
      },
    );
  }

  /** 4–5. Eligibility and panel review of every case, the close, ranking, approval and notice. */
  async review(): Promise<void> {
    const { roundId, files } = this.o.plan;
    let standing = '';
    await this.playing(
      () => `every case reviewed (${standing})`,
      async () => {
        const { cases } = await this.office.get<{ cases: CaseView[] }>(`/rounds/${roundId}/cases`);
        standing = tally(cases.map((c) => c.status));
        return cases.length >= files.length && cases.every((c) => !['ELIGIBILITY_PENDING', 'IN_REVIEW'].includes(c.status))
          ? true
          : undefined;
      },
    );
    this.o.say('every case reviewed; closing the round');

    const r0 = await this.office.get<{ status: string }>(`/rounds/${roundId}`);
    if (r0.status === 'OPEN') await this.office.post(`/rounds/${roundId}/close`);
    await this.playing(
      () => `leadership approval and the notice period (round ${standing})`,
      async () => {
        const r = await this.office.get<{ status: string; approvedList?: { caseId: string; order: number; reason: string }[] }>(
          `/rounds/${roundId}`,
        );
        standing = r.status;
        return r.status === 'APPROVED' ? r : undefined;
      },
    );
  }

  private playing<T>(what: string | (() => string), done: () => Promise<T | undefined>): Promise<T> {
    return until(what, this.o.stallMs, async () => {
      await this.play();
      return done();
    });
  }

  /** The people in the loop, as the scenario says: eligibility, each reviewer's sheets, the approval and any rulings. */
  private async play(): Promise<void> {
    const { scenario, roundId } = this.o.plan;
    const { decisions } = scenario;
    for (const t of (await this.office.get<{ tasks: TaskView[] }>('/tasks')).tasks) {
      if (t.kind === 'ELIGIBILITY') await this.office.post(`/tasks/${t.taskId}/decision`, { outcome: decisions.eligibility });
    }
    for (const r of this.reviewers) {
      for (const t of (await r.client.get<{ tasks: TaskView[] }>('/tasks')).tasks) {
        if (t.kind !== 'PANEL' || !t.caseId) continue;
        const c = await this.caseFor(t.caseId);
        if (!c)
          throw new CliError(
            `case ${t.caseId} of ${roundId} is not in the demo scenario`,
            EXIT.usage,
            `start afresh: remove ${this.o.dataDir} (or pass another --data-dir) and run the demo again`,
          );
        await r.client.post(`/tasks/${t.taskId}/decision`, { scores: scenario.sheet(r.id, c), comment: decisions.comment });
      }
    }
    for (const t of (await this.approver.get<{ tasks: TaskView[] }>('/tasks')).tasks) {
      if (t.kind === 'LEADERSHIP') await this.approve(t);
      if (t.kind === 'OBJECTION_RULING') await this.ruleObjections(t);
    }
  }

  /** A case of the round is the scenario's case of its unit. */
  private async caseFor(caseId: string): Promise<DemoCase | undefined> {
    if (!this.scenarioCase.has(caseId)) {
      const c = await this.office.get<CaseView>(`/cases/${caseId}`);
      this.scenarioCase.set(caseId, (c.unitCode && this.o.plan.caseOfUnit.get(c.unitCode)) || null);
    }
    return this.scenarioCase.get(caseId) ?? undefined;
  }

  /** The leadership meeting approves the panel's shortlist as ranked, each case with its published reason. */
  private async approve(t: TaskView): Promise<void> {
    const round = await this.approver.get<{ shortlist: { caseId: string; rank: number }[] }>(`/rounds/${t.roundId}/staff-view`);
    const list = [];
    for (const e of [...round.shortlist].sort((a, b) => a.rank - b.rank)) {
      const c = await this.caseFor(e.caseId);
      if (!c) throw new CliError(`shortlisted case ${e.caseId} is not in the demo scenario`, EXIT.usage);
      list.push({ caseId: e.caseId, reason: c.reason });
    }
    await this.approver.post(`/tasks/${t.taskId}/decision`, { outcome: this.o.plan.scenario.decisions.approval, list, amendments: [] });
  }

  private async ruleObjections(t: TaskView): Promise<void> {
    const { objections } = await this.approver.get<{ objections: { objectionId: string; status: string }[] }>(
      `/rounds/${t.roundId}/objections`,
    );
    const open = objections.filter((o) => o.status === 'OPEN');
    const { ruling, reason } = this.o.plan.scenario.decisions.objections;
    await this.approver.post(`/tasks/${t.taskId}/decision`, {
      rulings: open.map((o) => ({ objectionId: o.objectionId, outcome: ruling, reason })),
    });
  }
}

export interface PublishedRound {
  cases: { order: string; unit: string; title: string; reason: string }[];
}

/**
 * 6. Publication: the site lists the round, then its open data shows it approved. The publisher
 * rewrites the site after every change of the round (the notice, then the approval): the site is
 * read, and copied, only once it has published the approved round and has nothing left to
 * publish. Reading it meanwhile copied half-rewritten pages.
 */
export async function awaitPublication(
  plan: DemoPlan,
  site: string,
  stallMs: number,
  settled: () => Promise<void>,
): Promise<PublishedRound> {
  const firstTitle = plan.scenario.decisions.cases[0]!.title;
  await until('publication of the site', stallMs, async () => {
    try {
      const res = await fetch(`${site}/`);
      const text = await res.text();
      // the home page lists the round (its theme) or, for a one-round site, its cases
      return res.ok && (text.includes(plan.theme) || text.includes(firstTitle.slice(0, 6))) ? true : undefined;
    } catch {
      return undefined;
    }
  });
  let onSite = 'not yet';
  const openDataUrl = `${site}/data/rounds/${plan.roundId}.json`;
  await until(
    () => `publication of the approved round (open data: ${onSite})`,
    stallMs,
    async () => {
      const res = await fetch(openDataUrl).catch(() => undefined);
      const body = res?.ok ? ((await res.json().catch(() => undefined)) as { round?: { status?: string } } | undefined) : undefined;
      onSite = body?.round?.status ?? (res ? `HTTP ${res.status}` : 'not yet');
      return onSite === 'APPROVED' ? true : undefined;
    },
  );
  await settled();
  return until("the round's open data", stallMs, async () => {
    const res = await fetch(openDataUrl).catch(() => undefined);
    return res?.ok ? ((await res.json()) as PublishedRound) : undefined;
  });
}
