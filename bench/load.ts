/**
 * `npm run load`: the load and abuse harness on the local cloud (issue 17). Four scenarios, each
 * bounded in count and time, over loopback only; the cloud runs in a child process
 * (bench/lib/cloud.ts) and stops with the harness.
 *
 *   rush   the deadline rush: dossiers uploaded by concurrent units within a minute, plus
 *          re-uploads of the same unit's dossier; every upload ends in one stored version or one
 *          coded rejection, the last version wins; time to drain, p95 time to the validation report
 *   panel  reviewers scoring panel steps at once (with double submits): no lost update, every
 *          aggregate matches a recomputation, no step decided twice
 *   flood  objection posts from a few sources with genuine objections from distinct sources,
 *          while the office lists tasks and reads the dashboard; office p95 against idle
 *   soak   a steady trickle of all of the above; the cloud's RSS slope
 *
 * Writes bench/load.json and docs/reliability.md with what was measured (a scenario that did
 * not finish is reported as such).
 *
 *   npm run load                      # the full run (~45 min with the 30-min soak)
 *   npm run load -- --quick           # a small smoke run (~5 min)
 *   npm run load -- --only rush,flood --soak-minutes 5 --out out/load
 *   npm run load -- --only rush,panel,soak --finish-by 2026-12-06T05:20Z --merge earlier/load.json
 *   npm run load -- --render bench/load.json      # the page again from the figures
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { createLocalIssuer, type LocalIssuer } from '../local/issuer';
import { createDocumentClient } from '../src/store/client';
import { Store } from '../src/store/store';
import { weightedTotal } from '../src/domain/scoring/aggregate';
import type { Rubric } from '../src/domain/model';
import { OBJECTION_LIMITS } from '../src/domain/objections/guard';
import { PUBLIC_ROUTE_THROTTLE, API_THROTTLE } from '../lib/api';
import { renderMarkdown } from '../src/domain/dossier';
import { charterFor } from '../test/support/localcloud';
import { benchDossiers, type BenchDossier } from './fixtures/dossiers';
import { spawnCloud, type BenchCloud } from './lib/cloud';
import { treeRssBytes } from './lib/procmem';
import { call, closeAgents, percentile, pool, sleep, slope, type Reply } from './lib/load-client';
import { renderReliability } from './lib/load-report';
import { codeOf, floodBody, type FloodPlan } from './lib/flood-worker';
import { Worker } from 'node:worker_threads';

// ---------------------------------------------------------------------------------------------
// options

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = flag('quick');
const only = new Set((option('only') ?? 'rush,panel,flood,soak').split(','));
const outDir = option('out');

export const SIZES = quick
  ? {
      dossiers: 40,
      units: 10,
      reuploadShare: 0.05,
      rushSeconds: 10,
      reviewers: 6,
      panelSteps: 12,
      reviewersPerCase: 3,
      floodPosts: 600,
      floodSources: 20,
      genuine: 5,
      floodSeconds: 10,
      soakMinutes: 1,
    }
  : {
      dossiers: 500,
      units: 50,
      reuploadShare: 0.05,
      rushSeconds: 60,
      reviewers: 30,
      panelSteps: 300,
      reviewersPerCase: 3,
      floodPosts: 5000,
      floodSources: 20,
      genuine: 20,
      floodSeconds: 60,
      soakMinutes: 30,
    };
if (option('soak-minutes')) SIZES.soakMinutes = Number(option('soak-minutes'));
/** `--finish-by <ISO time>`: the soak is cut short to end by then (reported as such). */
const finishBy = option('finish-by') ? Date.parse(option('finish-by')!) : undefined;
if (finishBy !== undefined && !Number.isFinite(finishBy)) throw new Error(`--finish-by: not a time: ${option('finish-by')}`);
/** No scenario waits longer than this for the cloud to catch up. */
const DRAIN_LIMIT_MS = quick ? 5 * 60_000 : 25 * 60_000;

// ---------------------------------------------------------------------------------------------
// the cloud and its people

const OFFICE = { sub: 'load-office', name: '省人大常委會辦公廳', groups: ['secretariat'] };
const reviewerIds = Array.from({ length: SIZES.reviewers }, (_, i) => `load-reviewer-${i + 1}`);

interface Ctx {
  cloud: BenchCloud;
  issuer: LocalIssuer;
  api: string;
  ddb: DynamoDBClient;
  table: string;
  officeToken: string;
  t0: number;
}

const log = (line: string) => process.stderr.write(`[load ${((performance.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
const started = performance.now();

async function query(ctx: Ctx, input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  let start: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await ctx.ddb.send(new QueryCommand({ ...input, TableName: ctx.table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function count(ctx: Ctx, input: Omit<QueryCommandInput, 'TableName' | 'Select'>): Promise<number> {
  let total = 0;
  let start: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await ctx.ddb.send(new QueryCommand({ ...input, TableName: ctx.table, Select: 'COUNT', ExclusiveStartKey: start }));
    total += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return total;
}

const tasksOf = (ctx: Ctx, roundId: string, kindStatus: string) =>
  count(ctx, {
    IndexName: 'GSI2',
    KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :sk)',
    ExpressionAttributeValues: { ':pk': { S: `ROUND#${roundId}#TASKS` }, ':sk': { S: kindStatus } },
  });

async function until<T>(what: string, limitMs: number, probe: () => Promise<T | undefined>, everyMs = 1000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`gave up after ${Math.round(limitMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

const tally = (codes: string[]) => codes.reduce<Record<string, number>>((acc, c) => ((acc[c] = (acc[c] ?? 0) + 1), acc), {});
const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

// ---------------------------------------------------------------------------------------------
// scenario 1: the deadline rush

const RUSH_ROUND = 'load-rush';
const RUSH_NUMBER = 801;
const rubricOf = (): Rubric => (charterFor(RUSH_NUMBER) as { rubric: Rubric }).rubric;

interface UploadRecord {
  unit: string;
  kind: 'first' | 'reupload';
  submissionId?: string;
  uploadedAt?: number;
  settledAt?: number;
  status?: string;
  rejection?: string;
  failure?: string;
}

async function upload(ctx: Ctx, d: BenchDossier, bytes: Buffer, rec: UploadRecord): Promise<void> {
  const token = await ctx.issuer.mintToken({
    sub: `applicant-${d.unit.code}`,
    name: d.unit.written,
    groups: ['applicant'],
    unitCode: d.unit.code,
  });
  try {
    const ticket = await call('POST', `${ctx.api}/rounds/${RUSH_ROUND}/submissions`, {
      token,
      json: { fileName: `${d.fileName}.md`, contentType: 'text/markdown', size: bytes.length },
    });
    if (ticket.status >= 300) {
      const code = codeOf(ticket);
      if (code.startsWith('HTTP_') || code === 'GATEWAY_THROTTLED') rec.failure = `${ticket.status} ${ticket.text.slice(0, 200)}`;
      else rec.rejection = code;
      return;
    }
    const t = ticket.json();
    const put = await fetch(t.upload.url, { method: 'PUT', headers: t.upload.headers, body: new Uint8Array(bytes) });
    await put.arrayBuffer();
    if (put.status !== 200) {
      rec.failure = `presigned PUT ${put.status}`;
      return;
    }
    rec.submissionId = t.submissionId;
    rec.uploadedAt = performance.now();
  } catch (err) {
    rec.failure = (err as Error).message;
  }
}

async function openRushRound(ctx: Ctx) {
  const charter = (({ noticePeriodSecondsOverride: _o, ...c }) => c)(
    charterFor(RUSH_NUMBER, {
      panel: reviewerIds.map((id, i) => ({ id, name: `評審${i + 1}`, jurisdictions: [], declaredConflicts: [] })),
      reviewersPerCase: SIZES.reviewersPerCase,
      quorum: 2,
      quotas: { total: 20 },
    }) as Record<string, unknown>,
  );
  const created = await call('POST', `${ctx.api}/rounds`, { token: ctx.officeToken, json: { roundId: RUSH_ROUND, charter } });
  if (created.status >= 300) throw new Error(`POST /rounds: ${created.status} ${created.text}`);
  const opened = await call('POST', `${ctx.api}/rounds/${RUSH_ROUND}/open`, { token: ctx.officeToken });
  if (opened.status >= 300) throw new Error(`open: ${opened.status} ${opened.text}`);
}

async function rush(ctx: Ctx) {
  await openRushRound(ctx);

  const dossiers = benchDossiers(SIZES.dossiers, RUSH_NUMBER);
  const span = SIZES.rushSeconds * 1000;
  const every = Math.max(1, Math.round(1 / SIZES.reuploadShare));
  // each dossier at its slot in the minute; every 20th unit sends a revised version a few seconds after its first
  const plan = dossiers.flatMap((d, i) => {
    const at = (i * span) / dossiers.length;
    const first = { d, at, kind: 'first' as const, bytes: Buffer.from(renderMarkdown(d.content), 'utf8') };
    if (i % every !== 0) return [first];
    const revised = { ...d.content, practices: `${d.content.practices}\n修訂稿：補充了第${i + 1}號申報的成效數據。` };
    return [
      first,
      {
        d,
        at: Math.min(span, at + 2000 + ((i * 37) % 6000)),
        kind: 'reupload' as const,
        bytes: Buffer.from(renderMarkdown(revised), 'utf8'),
      },
    ];
  });
  plan.sort((a, b) => a.at - b.at);
  const records: UploadRecord[] = plan.map((p) => ({ unit: p.d.unit.code, kind: p.kind }));
  log(
    `rush: ${dossiers.length} dossiers + ${plan.length - dossiers.length} re-uploads over ${SIZES.rushSeconds} s by ${SIZES.units} concurrent units`,
  );
  const t0 = performance.now();
  // a unit uploads its own dossiers in order: the re-upload never overtakes the first
  const byUnit = new Map<string, number[]>();
  plan.forEach((p, i) => byUnit.set(p.d.unit.code, [...(byUnit.get(p.d.unit.code) ?? []), i]));
  const unitQueues = [...byUnit.values()].sort((a, b) => plan[a[0]!]!.at - plan[b[0]!]!.at);
  await pool(unitQueues, SIZES.units, async (indices) => {
    for (const i of indices) {
      const wait = t0 + plan[i]!.at - performance.now();
      if (wait > 0) await sleep(wait);
      await upload(ctx, plan[i]!.d, plan[i]!.bytes, records[i]!);
    }
  });
  const uploadedMs = performance.now() - t0;
  log(`rush: uploads sent in ${(uploadedMs / 1000).toFixed(1)} s; draining`);

  const tracked = new Map(records.filter((r) => r.submissionId).map((r) => [r.submissionId!, r]));
  const terminal = new Set(['STORED', 'INVALID', 'SUPERSEDED']);
  let drained = true;
  try {
    await until('every upload to settle', DRAIN_LIMIT_MS, async () => {
      const items = await query(ctx, {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ProjectionExpression: 'submissionId, #s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':pk': { S: `ROUND#${RUSH_ROUND}` }, ':sk': { S: 'SUBMISSION#' } },
      });
      const now = performance.now();
      for (const item of items) {
        const rec = tracked.get(item.submissionId?.S);
        if (!rec) continue;
        rec.status = item.status?.S;
        if (terminal.has(rec.status ?? '') && rec.settledAt === undefined) rec.settledAt = now;
      }
      return [...tracked.values()].every((r) => r.settledAt !== undefined) ? true : undefined;
    });
  } catch (err) {
    drained = false;
    log(`rush: ${(err as Error).message}`);
  }
  const lastSettled = Math.max(...[...tracked.values()].map((r) => r.settledAt ?? Number.NaN).filter(Number.isFinite));
  const drainMs = lastSettled - t0;
  const reportMs = [...tracked.values()].filter((r) => r.settledAt !== undefined).map((r) => r.settledAt! - r.uploadedAt!);

  // the invariants: one case per unit, one version per stored upload, the last upload current
  const cases = await query(ctx, {
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk',
    ExpressionAttributeValues: { ':pk': { S: `ROUND#${RUSH_ROUND}#CASES` } },
  });
  const casesByUnit = new Map<string, Record<string, any>[]>();
  for (const c of cases) casesByUnit.set(c.unitCode.S, [...(casesByUnit.get(c.unitCode.S) ?? []), c]);
  const problems: string[] = [];
  let versionsChecked = 0;
  await pool([...byUnit.entries()], 8, async ([unit, indices]) => {
    const recs = indices.map((i) => records[i]!);
    const storedish = recs.filter((r) => r.status === 'STORED' || r.status === 'SUPERSEDED');
    const unitCases = casesByUnit.get(unit) ?? [];
    if (storedish.length === 0) {
      if (unitCases.length) problems.push(`${unit}: a case without a stored upload`);
      return;
    }
    if (unitCases.length !== 1) {
      problems.push(`${unit}: ${unitCases.length} cases`);
      return;
    }
    const c = unitCases[0]!;
    const versions = await count(ctx, {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': { S: `CASE#${c.caseId.S}` }, ':sk': { S: 'VERSION#' } },
    });
    versionsChecked += versions;
    if (versions !== storedish.length) problems.push(`${unit}: ${versions} versions for ${storedish.length} stored uploads`);
    const last = [...recs].reverse().find((r) => r.status === 'STORED' || r.status === 'SUPERSEDED');
    if (c.currentSubmissionId.S !== last?.submissionId)
      problems.push(`${unit}: current version is ${c.currentSubmissionId.S}, last upload ${last?.submissionId}`);
    if (storedish.filter((r) => r.status === 'STORED').length !== 1)
      problems.push(`${unit}: ${storedish.filter((r) => r.status === 'STORED').length} uploads STORED`);
  });
  const outcome = tally(records.map((r) => r.status ?? (r.rejection ? `rejected:${r.rejection}` : r.failure ? 'failed' : 'unsettled')));
  const failedExecutions = await failedReviewExecutions(ctx).catch(() => undefined);
  const failures = records.filter((r) => r.failure).map((r) => r.failure!);
  return {
    dossiers: dossiers.length,
    reuploads: plan.length - dossiers.length,
    units: SIZES.units,
    windowSeconds: SIZES.rushSeconds,
    uploadsSentSeconds: round1(uploadedMs / 1000),
    drained,
    drainSeconds: round1(drainMs / 1000),
    throughputPerSecond: round3([...tracked.values()].filter((r) => r.settledAt).length / (drainMs / 1000)),
    reportSeconds: {
      p50: round1(percentile(reportMs, 50) / 1000),
      p95: round1(percentile(reportMs, 95) / 1000),
      max: round1(Math.max(...reportMs) / 1000),
      pollResolutionSeconds: 1,
    },
    outcomes: outcome,
    cases: cases.length,
    versions: versionsChecked,
    failures: failures.length,
    failureSamples: failures.slice(0, 3),
    invariantProblems: problems.slice(0, 20),
    failedExecutions,
    invariantsHold: drained && problems.length === 0 && failures.length === 0 && !failedExecutions?.count,
  };
}

/** dossier-review executions that failed, and the first one's error (a dossier without an outcome). */
async function failedReviewExecutions(ctx: Ctx): Promise<{ count: number; firstCause?: string }> {
  const sfn = new SFNClient({
    endpoint: ctx.cloud.ready.endpoints.sfn,
    region: ctx.cloud.ready.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const arn = Object.entries(ctx.cloud.ready.stateMachines).find(([name]) => name.includes('dossier-review'))?.[1];
    if (!arn) return { count: 0 };
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'FAILED', nextToken }));
      arns.push(...(page.executions ?? []).map((e) => e.executionArn!));
      nextToken = page.nextToken;
    } while (nextToken);
    if (!arns.length) return { count: 0 };
    const last = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arns[0], reverseOrder: true, maxResults: 1 }));
    const failed = last.events?.[0]?.executionFailedEventDetails;
    return { count: arns.length, ...(failed ? { firstCause: `${failed.error}: ${failed.cause}` } : {}) };
  } finally {
    sfn.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// scenario 2: the panel at once

const scoreFor = (reviewer: string, caseId: string) => {
  let h = 2166136261;
  for (const ch of `${reviewer}|${caseId}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return { innovation: h % 11, impact: (h >>> 8) % 11 };
};

async function panel(ctx: Ctx) {
  const want = SIZES.panelSteps;
  // the office clears eligibility for as many cases as there are panel steps
  const officeTasks = (await call('GET', `${ctx.api}/tasks`, { token: ctx.officeToken })).json().tasks as {
    taskId: string;
    kind: string;
    roundId: string;
    caseId?: string;
  }[];
  const eligibility = officeTasks.filter((t) => t.kind === 'ELIGIBILITY' && t.roundId === RUSH_ROUND).slice(0, want);
  if (eligibility.length < want) throw new Error(`only ${eligibility.length} cases wait at eligibility; the panel needs ${want}`);
  log(`panel: deciding eligibility of ${want} cases`);
  await pool(eligibility, 6, async (t) => {
    const r = await call('POST', `${ctx.api}/tasks/${t.taskId}/decision`, { token: ctx.officeToken, json: { outcome: 'eligible' } });
    if (r.status !== 200) throw new Error(`eligibility ${t.taskId}: ${r.status} ${r.text.slice(0, 200)}`);
  });
  await until(
    `${want} panel steps to open`,
    DRAIN_LIMIT_MS,
    async () => ((await tasksOf(ctx, RUSH_ROUND, 'PANEL#OPEN#')) >= want ? true : undefined),
    2000,
  );
  log(`panel: ${want} panel steps open; ${SIZES.reviewers} reviewers score at once`);

  const sent = new Map<string, { reviewer: string; caseId: string; taskId: string; total: number }>();
  const statuses: string[] = [];
  const latencies: number[] = [];
  const listMs: number[] = [];
  let duplicatesSent = 0;
  const t0 = performance.now();
  await Promise.all(
    reviewerIds.map(async (reviewer, ri) => {
      const token = await ctx.issuer.mintToken({ sub: reviewer, name: `評審${ri + 1}`, groups: ['reviewer'] });
      // a reviewer works through the list, reloading it until nothing of this round is left
      for (let pass = 0; pass < 5; pass++) {
        const listed = await call('GET', `${ctx.api}/tasks`, { token });
        listMs.push(listed.ms);
        const mine = (listed.json().tasks as { taskId: string; kind: string; roundId: string; caseId: string }[]).filter(
          (t) => t.kind === 'PANEL' && t.roundId === RUSH_ROUND,
        );
        if (mine.length === 0) break;
        await pool(mine, 2, async (t, i) => {
          const scores = scoreFor(reviewer, t.caseId);
          const body = { scores, comment: '負載測試評分' };
          // every tenth sheet is submitted twice at once (a double click)
          const twice = (i + ri) % 10 === 0;
          if (twice) duplicatesSent += 1;
          const replies = await Promise.all(
            (twice ? [0, 1] : [0]).map(() => call('POST', `${ctx.api}/tasks/${t.taskId}/decision`, { token, json: body })),
          );
          for (const r of replies) {
            latencies.push(r.ms);
            statuses.push(r.status === 200 ? 'OK' : codeOf(r));
          }
          if (replies.some((r) => r.status === 200)) {
            const total = weightedTotal(body, rubricOf());
            sent.set(`${reviewer}|${t.taskId}`, {
              reviewer,
              caseId: t.caseId,
              taskId: t.taskId,
              total: total.ok ? total.value : Number.NaN,
            });
          }
        });
      }
    }),
  );
  const scoringMs = performance.now() - t0;
  log(`panel: scoring sent in ${(scoringMs / 1000).toFixed(1)} s; waiting for the steps to close`);
  let settled = true;
  try {
    await until(
      'every panel step decided',
      DRAIN_LIMIT_MS,
      async () => ((await tasksOf(ctx, RUSH_ROUND, 'PANEL#OPEN#')) === 0 ? true : undefined),
      2000,
    );
  } catch (err) {
    settled = false;
    log(`panel: ${(err as Error).message}`);
  }
  const decidedSteps = await tasksOf(ctx, RUSH_ROUND, 'PANEL#DECIDED#');
  const settleMs = performance.now() - t0;

  // recompute: every accepted sheet is a SCORED review with the same total; every case's raw mean is their mean
  const byCase = new Map<string, { total: number }[]>();
  for (const s of sent.values()) byCase.set(s.caseId, [...(byCase.get(s.caseId) ?? []), s]);
  const problems: string[] = [];
  let reviewsChecked = 0;
  await pool([...byCase.entries()], 8, async ([caseId, sheets]) => {
    const reviews = await query(ctx, {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': { S: `CASE#${caseId}` }, ':sk': { S: 'REVIEW#' } },
    });
    const scored = reviews.filter((r) => r.status?.S === 'SCORED');
    reviewsChecked += scored.length;
    if (scored.length !== sheets.length) problems.push(`${caseId}: ${scored.length} scored reviews for ${sheets.length} accepted sheets`);
    const expected = sheets.map((s) => s.total).sort();
    const stored = scored.map((r) => Number(r.total?.N)).sort();
    if (JSON.stringify(expected.map(round3)) !== JSON.stringify(stored.map(round3)))
      problems.push(`${caseId}: totals ${stored} ≠ sent ${expected}`);
    const c = (
      await query(ctx, {
        KeyConditionExpression: 'PK = :pk AND SK = :sk',
        ExpressionAttributeValues: { ':pk': { S: `CASE#${caseId}` }, ':sk': { S: 'CASE' } },
      })
    )[0];
    const score = c?.score?.M;
    if (!score) problems.push(`${caseId}: no aggregate (status ${c?.status?.S})`);
    else {
      const mean = stored.reduce((a, b) => a + b, 0) / stored.length;
      // the summary keeps four decimals (src/domain/round/outcome round4)
      if (Math.abs(Number(score.rawMean.N) - mean) > 5e-5)
        problems.push(`${caseId}: aggregate raw mean ${score.rawMean.N} ≠ recomputed ${mean}`);
      if (Number(score.count.N) !== stored.length) problems.push(`${caseId}: aggregate count ${score.count.N} ≠ ${stored.length}`);
    }
  });
  const codes = tally(statuses);
  const expectedSheets = want * SIZES.reviewersPerCase;
  return {
    reviewers: SIZES.reviewers,
    panelSteps: want,
    sheetsExpected: expectedSheets,
    sheetsAccepted: sent.size,
    duplicateSubmits: duplicatesSent,
    replies: codes,
    scoringSeconds: round1(scoringMs / 1000),
    untilAllDecidedSeconds: round1(settleMs / 1000),
    decisionLatencyMs: { p50: Math.round(percentile(latencies, 50)), p95: Math.round(percentile(latencies, 95)) },
    listTasksMs: { p50: Math.round(percentile(listMs, 50)), p95: Math.round(percentile(listMs, 95)) },
    stepsDecided: decidedSteps,
    reviewsChecked,
    invariantProblems: problems.slice(0, 20),
    // each double submit: one accepted, the other refused with a code; nothing else failed
    invariantsHold:
      settled &&
      problems.length === 0 &&
      sent.size === expectedSheets &&
      decidedSteps === want &&
      (codes.OK ?? 0) === expectedSheets &&
      Object.keys(codes).every(
        (c) => c === 'OK' || c === 'REVIEW_ALREADY_SCORED' || c === 'TASK_ALREADY_DECIDED' || c === 'REVIEWER_ALREADY_SCORED',
      ),
  };
}

// ---------------------------------------------------------------------------------------------
// scenario 3: the objection flood

const NOTICE_ROUND = 'load-notice';
const NOTICE_CASES = Array.from({ length: 8 }, (_, i) => `load-listed-${i + 1}`);

async function seedNoticeRound(ctx: Ctx) {
  // The flood's subject is the public route, not the way to the notice: the round is put in
  // its notice directly (eight listed cases, five days to run), as finalization leaves it.
  const store = new Store({ doc: createDocumentClient(ctx.ddb), tableName: ctx.table });
  const now = new Date();
  await store.rounds.createRound({
    roundId: NOTICE_ROUND,
    charter: (({ noticePeriodSecondsOverride: _o, ...c }) => c)(charterFor(802) as Record<string, unknown>) as never,
    status: 'NOTICE',
    createdAt: now.toISOString(),
    shortlist: NOTICE_CASES.map((caseId, i) => ({ caseId, rank: i + 1, score: 9 - i * 0.3 })),
    noticeEndsAt: new Date(now.getTime() + 5 * 86_400_000).toISOString(),
  } as never);
}

/** The office's two reads, one after the other, until `stop`; latencies per read. */
async function officeReads(ctx: Ctx, stop: () => boolean, pauseMs = 250) {
  const tasks: number[] = [];
  const dashboard: number[] = [];
  const errors: string[] = [];
  while (!stop()) {
    const a = await call('GET', `${ctx.api}/tasks`, { token: ctx.officeToken });
    if (a.status === 200) tasks.push(a.ms);
    else errors.push(`tasks ${a.status}`);
    const b = await call('GET', `${ctx.api}/rounds/${NOTICE_ROUND}/dashboard`, { token: ctx.officeToken });
    if (b.status === 200) dashboard.push(b.ms);
    else errors.push(`dashboard ${b.status}`);
    await sleep(pauseMs);
  }
  return { tasks, dashboard, errors };
}

const summary = (xs: number[]) => ({ n: xs.length, p50: Math.round(percentile(xs, 50)), p95: Math.round(percentile(xs, 95)) });

/** The flood's posts, sent from a worker thread so they do not delay the office's timings here. */
function floodInWorker(plan: FloodPlan): Promise<{ codes: string[]; errors: string[]; ms: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./lib/flood-worker.ts', import.meta.url), { workerData: { flood: plan } });
    worker.once('message', (m: { ok: boolean; result?: { codes: string[]; errors: string[]; ms: number }; error?: string }) =>
      m.ok ? resolve(m.result!) : reject(new Error(`flood worker: ${m.error}`)),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => (code !== 0 ? reject(new Error(`flood worker exited ${code}`)) : undefined));
  });
}

async function flood(ctx: Ctx) {
  await seedNoticeRound(ctx);
  const windowMs = SIZES.floodSeconds * 1000;
  // the idle reads are taken half before and half after the flood, so a change in the shared
  // machine's load over the run weighs on the baseline as on the flood's reads
  log(`flood: office reads on the idle cloud for ${SIZES.floodSeconds / 2} s`);
  const idleEnd = performance.now() + windowMs / 2;
  const idleBefore = await officeReads(ctx, () => performance.now() > idleEnd);

  log(
    `flood: ${SIZES.floodPosts} posts from ${SIZES.floodSources} sources + ${SIZES.genuine} genuine objections in ${SIZES.floodSeconds} s, office reading`,
  );
  let flooding = true;
  const during = officeReads(ctx, () => !flooding);
  const t0 = performance.now();
  const perSource = Math.floor(SIZES.floodPosts / SIZES.floodSources);
  const floodPromise = floodInWorker({
    api: ctx.api,
    roundId: NOTICE_ROUND,
    cases: NOTICE_CASES,
    sources: SIZES.floodSources,
    perSource,
    windowMs,
  });
  const genuine = Array.from({ length: SIZES.genuine }, (_, g) => ({
    from: `127.0.1.${1 + g}`,
    at: ((g + 0.5) * windowMs) / SIZES.genuine,
    caseId: NOTICE_CASES[g % NOTICE_CASES.length]!,
    text: `本人是當地居民（第${g + 1}位），據我所知該案例介紹的議事會在${2019 + (g % 5)}年已經停辦，申報材料所述成效與實際不符，請辦公室核實後再作決定。`,
    form: g % 2 === 1,
  }));
  const genuineResults = await Promise.all(
    genuine.map(async (o) => {
      const wait = t0 + o.at - performance.now();
      if (wait > 0) await sleep(wait);
      const start = performance.now();
      let attempts = 0;
      // a person whose post is turned away by the gateway tries again a couple of seconds later
      for (;;) {
        attempts += 1;
        const r = await call('POST', `${ctx.api}/rounds/${NOTICE_ROUND}/objections`, {
          from: o.from,
          ...(o.form
            ? { form: { caseId: o.caseId, text: o.text, script: 'hant' }, headers: { accept: 'text/html' } }
            : { json: { caseId: o.caseId, text: o.text } }),
        });
        const code = r.status === 201 || r.status === 303 ? 'FILED' : codeOf(r);
        if (code !== 'GATEWAY_THROTTLED' || performance.now() - start > DRAIN_LIMIT_MS)
          return { ...o, code, attempts, secondsToFile: round1((performance.now() - start) / 1000) };
        await sleep(2000);
      }
    }),
  );
  const { codes: floodCodes, errors: floodErrors, ms: floodMs } = await floodPromise;
  flooding = false;
  const busy = await during;
  log(`flood: office reads on the idle cloud again for ${SIZES.floodSeconds / 2} s`);
  const idleAfterEnd = performance.now() + windowMs / 2;
  const idleAfter = await officeReads(ctx, () => performance.now() > idleAfterEnd);
  const idle = {
    tasks: [...idleBefore.tasks, ...idleAfter.tasks],
    dashboard: [...idleBefore.dashboard, ...idleAfter.dashboard],
    errors: [...idleBefore.errors, ...idleAfter.errors],
  };

  const list = (await call('GET', `${ctx.api}/rounds/${NOTICE_ROUND}/objections`, { token: ctx.officeToken })).json() as {
    objections: { text: string; caseId: string; repeats: number }[];
    guard: { suppressed: number; refusedRate: number; refusedContent: number };
  };
  const filedTexts = new Set(list.objections.map((o) => `${o.caseId}|${o.text}`));
  const genuineFiled = genuineResults.filter((g) => filedTexts.has(`${g.caseId}|${g.text}`)).length;
  const idleP95 = percentile([...idle.tasks, ...idle.dashboard], 95);
  const busyP95 = percentile([...busy.tasks, ...busy.dashboard], 95);
  return {
    posts: perSource * SIZES.floodSources,
    sources: SIZES.floodSources,
    windowSeconds: SIZES.floodSeconds,
    sentInSeconds: round1(floodMs / 1000),
    routeThrottle: PUBLIC_ROUTE_THROTTLE,
    perSourceLimit: { max: OBJECTION_LIMITS.perSourceMax, windowSeconds: OBJECTION_LIMITS.windowSeconds },
    floodReplies: tally(floodCodes),
    floodNetworkErrors: floodErrors.length,
    genuine: {
      sent: genuine.length,
      filed: genuineFiled,
      byForm: genuine.filter((g) => g.form).length,
      attempts: { total: genuineResults.reduce((s, g) => s + g.attempts, 0), max: Math.max(...genuineResults.map((g) => g.attempts)) },
      secondsToFile: {
        p50: percentile(
          genuineResults.map((g) => g.secondsToFile),
          50,
        ),
        max: Math.max(...genuineResults.map((g) => g.secondsToFile)),
      },
      finalCodes: tally(genuineResults.map((g) => g.code)),
    },
    office: {
      idle: { tasks: summary(idle.tasks), dashboard: summary(idle.dashboard), p95: Math.round(idleP95), errors: idle.errors.length },
      idleBeforeP95: Math.round(percentile([...idleBefore.tasks, ...idleBefore.dashboard], 95)),
      idleAfterP95: Math.round(percentile([...idleAfter.tasks, ...idleAfter.dashboard], 95)),
      duringFlood: { tasks: summary(busy.tasks), dashboard: summary(busy.dashboard), p95: Math.round(busyP95), errors: busy.errors.length },
      p95Ratio: round3(busyP95 / idleP95),
    },
    objectionsFiled: list.objections.length,
    repeatsCountedOnObjections: list.objections.reduce((s, o) => s + (o.repeats ?? 0), 0),
    guardTotals: list.guard,
    invariantsHold: genuineFiled === genuine.length && busyP95 <= 2 * idleP95 && busy.errors.length === 0,
  };
}

// ---------------------------------------------------------------------------------------------
// scenario 4: the soak

async function soak(ctx: Ctx, haveRush: boolean) {
  const planned = SIZES.soakMinutes * 60_000;
  // one minute kept for writing the results
  const ms = finishBy === undefined ? planned : Math.max(60_000, Math.min(planned, finishBy - Date.now() - 60_000));
  const minutes = round1(ms / 60_000);
  log(`soak: ${minutes} min (planned ${SIZES.soakMinutes}) of a steady trickle; RSS every 5 s`);
  const t0 = performance.now();
  const end = t0 + ms;
  const running = () => performance.now() < end;
  const rss: { t: number; mib: number }[] = [];
  const sampler = setInterval(
    () => rss.push({ t: (performance.now() - t0) / 60_000, mib: treeRssBytes(ctx.cloud.child.pid!).total / 2 ** 20 }),
    5000,
  );
  rss.push({ t: 0, mib: treeRssBytes(ctx.cloud.child.pid!).total / 2 ** 20 });
  const counts = {
    uploads: 0,
    uploadFailures: 0,
    eligibility: 0,
    scores: 0,
    objectionPosts: 0,
    objectionCodes: [] as string[],
    officeReads: 0,
    serverErrors: 0,
    networkErrors: 0,
  };
  // without the rush's round the trickle uploads first versions into a round of its own
  if (!haveRush) await openRushRound(ctx);
  const dossiers = benchDossiers(SIZES.dossiers, RUSH_NUMBER);
  /** One step of a loop; a failed connection is counted, never the end of the soak. */
  const step = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      counts.networkErrors += 1;
      if (counts.networkErrors <= 3) log(`soak: ${(err as Error).message}`);
    }
  };
  const loops = [
    // a revised dossier every 10 s from a unit of the rush round (a new version each time)
    (async () => {
      for (let i = 0; running(); i++) {
        const d = dossiers[(dossiers.length - 1 - i) % dossiers.length]!;
        const rec: UploadRecord = { unit: d.unit.code, kind: 'reupload' };
        await upload(
          ctx,
          d,
          Buffer.from(renderMarkdown({ ...d.content, practices: `${d.content.practices}\n第${i + 1}次修訂。` }), 'utf8'),
          rec,
        );
        if (rec.submissionId) counts.uploads += 1;
        else counts.uploadFailures += 1;
        await sleep(10_000);
      }
    })(),
    // the office clears one case every 20 s; reviewers score what reaches them
    (async () => {
      for (let i = 0; running(); i++) {
        await step(async () => {
          const tasks = (await call('GET', `${ctx.api}/tasks`, { token: ctx.officeToken })).json().tasks as {
            taskId: string;
            kind: string;
            roundId: string;
          }[];
          const next = tasks.find((t) => t.kind === 'ELIGIBILITY' && t.roundId === RUSH_ROUND);
          if (next) {
            const r = await call('POST', `${ctx.api}/tasks/${next.taskId}/decision`, {
              token: ctx.officeToken,
              json: { outcome: 'eligible' },
            });
            if (r.status === 200) counts.eligibility += 1;
            else if (r.status >= 500) counts.serverErrors += 1;
          }
          const reviewer = reviewerIds[i % reviewerIds.length]!;
          const token = await ctx.issuer.mintToken({ sub: reviewer, name: reviewer, groups: ['reviewer'] });
          const mine = (
            (await call('GET', `${ctx.api}/tasks`, { token })).json().tasks as { taskId: string; kind: string; caseId: string }[]
          ).filter((t) => t.kind === 'PANEL');
          for (const t of mine.slice(0, 3)) {
            const r = await call('POST', `${ctx.api}/tasks/${t.taskId}/decision`, {
              token,
              json: { scores: scoreFor(reviewer, t.caseId), comment: '持續負載評分' },
            });
            if (r.status === 200) counts.scores += 1;
            else if (r.status >= 500) counts.serverErrors += 1;
          }
        });
        await sleep(20_000);
      }
    })(),
    // objections: two posts a second from five sources, and a genuine one every 30 s
    (async () => {
      for (let k = 0; running(); k++) {
        const from = k % 15 === 0 ? `127.0.3.${1 + ((k / 15) % 250)}` : `127.0.2.${1 + (k % 5)}`;
        const body =
          k % 15 === 0
            ? { caseId: NOTICE_CASES[k % NOTICE_CASES.length]!, text: `持續期間的異議第${k}號：申報材料與實際情況不符，請核實。` }
            : floodBody(NOTICE_CASES, k % 5, k);
        await step(async () => {
          const r = await call('POST', `${ctx.api}/rounds/${NOTICE_ROUND}/objections`, { from, json: body });
          counts.objectionPosts += 1;
          counts.objectionCodes.push(r.status === 201 ? 'FILED' : codeOf(r));
          if (r.status >= 500) counts.serverErrors += 1;
        });
        await sleep(500);
      }
    })(),
    // the office reads every 2 s
    (async () => {
      while (running()) {
        await step(async () => {
          const r = await call('GET', `${ctx.api}/rounds/${NOTICE_ROUND}/dashboard`, { token: ctx.officeToken });
          counts.officeReads += 1;
          if (r.status >= 500) counts.serverErrors += 1;
        });
        await sleep(2000);
      }
    })(),
  ];
  await Promise.all(loops);
  clearInterval(sampler);
  rss.push({ t: (performance.now() - t0) / 60_000, mib: treeRssBytes(ctx.cloud.child.pid!).total / 2 ** 20 });
  const all = rss.map((p) => ({ x: p.t, y: p.mib }));
  const secondHalf = all.filter((p) => p.x >= minutes / 2);
  return {
    minutes,
    plannedMinutes: SIZES.soakMinutes,
    uploads: counts.uploads,
    uploadFailures: counts.uploadFailures,
    eligibilityDecisions: counts.eligibility,
    panelScores: counts.scores,
    objectionPosts: counts.objectionPosts,
    objectionReplies: tally(counts.objectionCodes),
    officeReads: counts.officeReads,
    serverErrors: counts.serverErrors,
    networkErrors: counts.networkErrors,
    rssMiB: {
      first: Math.round(rss[0]!.mib),
      last: Math.round(rss.at(-1)!.mib),
      min: Math.round(Math.min(...rss.map((p) => p.mib))),
      max: Math.round(Math.max(...rss.map((p) => p.mib))),
    },
    rssSlopeMiBPerMinute: { whole: round3(slope(all)), secondHalf: round3(slope(secondHalf)) },
    rssSamples: rss.map((p) => [round3(p.t), Math.round(p.mib)]),
    invariantsHold: counts.serverErrors === 0 && counts.networkErrors === 0,
  };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'casebook-load-'));
  log(`${quick ? 'quick' : 'full'} run; scenarios ${[...only].join(', ')}; data in ${dataDir}`);
  const cloud = await spawnCloud(dataDir);
  const ddb = new DynamoDBClient({
    endpoint: cloud.ready.endpoints.dynamodb,
    region: cloud.ready.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const issuer = await createLocalIssuer(dataDir);
  const ctx: Ctx = {
    cloud,
    issuer,
    api: cloud.ready.endpoints.api,
    ddb,
    table: cloud.ready.env.TABLE_NAME!,
    officeToken: await issuer.mintToken(OFFICE),
    t0: performance.now(),
  };
  const results: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  // `--merge FILE`: keep the scenarios this run leaves out from an earlier run's load.json (each carries its measuredAt)
  const merge = option('merge');
  if (merge) {
    const earlier = JSON.parse(readFileSync(merge, 'utf8')) as {
      generatedAt: string;
      results: Record<string, Record<string, unknown>>;
      errors?: Record<string, string>;
    };
    for (const [name, value] of Object.entries(earlier.results)) {
      if (!only.has(name)) results[name] = { measuredAt: earlier.generatedAt, ...value };
    }
    for (const [name, error] of Object.entries(earlier.errors ?? {})) if (!only.has(name) && !results[name]) errors[name] = error;
  }
  const attempt = async (name: string, fn: () => Promise<unknown>) => {
    if (!only.has(name)) return;
    const t = performance.now();
    // the machine is shared: its load average (as `uptime` prints it) goes beside every figure
    const machineLoad = () => loadavg().map((l) => Math.round(l * 100) / 100);
    const atStart = machineLoad();
    try {
      const measuredAt = new Date().toISOString();
      const figures = (await fn()) as object;
      results[name] = { measuredAt, machineLoad: { atStart, atEnd: machineLoad() }, ...figures };
      log(`${name}: done in ${((performance.now() - t) / 1000).toFixed(0)} s: ${JSON.stringify(results[name]).slice(0, 400)}`);
    } catch (err) {
      errors[name] = (err as Error).stack ?? String(err);
      log(`${name}: did not finish: ${(err as Error).message}`);
    }
    write(results, errors, false);
  };
  const write = (r: typeof results, e: typeof errors, final: boolean) => {
    const doc = {
      generatedAt: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      complete: final,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      sizes: SIZES,
      throttles: { stageDefault: API_THROTTLE, publicRoute: PUBLIC_ROUTE_THROTTLE },
      results: r,
      errors: e,
    };
    const dir = outDir ?? '.';
    if (outDir) mkdirSync(outDir, { recursive: true });
    writeFileSync(join(dir, outDir ? 'load.json' : 'bench/load.json'), `${JSON.stringify(doc, null, 2)}\n`);
    writeFileSync(join(dir, outDir ? 'reliability.md' : 'docs/reliability.md'), renderReliability(doc));
  };
  try {
    // the flood first: it needs nothing else, and its idle baseline is taken on a fresh cloud
    await attempt('flood', () => flood(ctx));
    await attempt('rush', () => rush(ctx));
    await attempt('panel', () => (results.rush ? panel(ctx) : Promise.reject(new Error('needs the rush round'))));
    await attempt('soak', async () => {
      if (!only.has('flood')) await seedNoticeRound(ctx);
      return soak(ctx, Boolean(results.rush));
    });
    write(results, errors, true);
  } finally {
    closeAgents();
    ddb.destroy();
    await cloud.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  log(`wrote ${outDir ?? 'bench/load.json and docs/reliability.md'}`);
  if (Object.keys(errors).length) process.exitCode = 1;
}

// a run never outlives its budget: scenarios bounded above, and the whole run here
const BUDGET_MS = (quick ? 20 : 40) * 60_000 + SIZES.soakMinutes * 60_000;
setTimeout(() => {
  process.stderr.write(`load: over the ${BUDGET_MS / 60_000}-min budget; stopping\n`);
  process.exit(2);
}, BUDGET_MS).unref();

// `--render FILE`: docs/reliability.md again from a run's load.json (the page's wording changed, not the figures)
const render = option('render');
if (render) {
  writeFileSync(
    outDir ? join(outDir, 'reliability.md') : 'docs/reliability.md',
    renderReliability(JSON.parse(readFileSync(render, 'utf8'))),
  );
  process.exit(0);
}
await main();
