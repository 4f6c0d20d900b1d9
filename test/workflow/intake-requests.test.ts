/**
 * What one dossier costs in DynamoDB requests from upload to waiting at the eligibility step
 * (parse → validate → store-case → open-task), run through the real state machine
 * (statemachines/dossier-review.asl.json on the local engine) with the functions in one process,
 * i.e. one warm container each, as on AWS or the local cloud after the first dossier. On AWS every
 * request is money and Lambda time; on the local cloud every request queues on DynamoDB Local's
 * one SQLite thread. The budget is 15 a dossier (issue 16): a change that adds requests should
 * have to say why.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Store } from '../../src/store/store';
import { startTestTable, type TestTable } from '../support/dynamodb';
import { poll } from '../support/poll';
import { testRound } from './fixtures';
import { createHarness, practicesFor, type FunctionName, type Harness } from './harness';
import { randomPractices } from '../support/dossier-text';

let db: TestTable;
beforeAll(async () => {
  db = await startTestTable();
}, 120_000);
afterAll(async () => {
  await db?.stop();
}, 120_000);

type Counts = Record<string, number>;

/** A store whose every table request is counted under the function making it. */
function countingStore() {
  const counts: Partial<Record<FunctionName, Counts>> = {};
  const done: Partial<Record<FunctionName, number>> = {};
  let current: FunctionName | undefined;
  const doc = new Proxy(db.store.doc, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: { constructor: { name: string } }, ...rest: unknown[]) => {
        const name = command.constructor.name.replace(/Command$/, '');
        const step = (counts[current ?? ('other' as FunctionName)] ??= {});
        step[name] = (step[name] ?? 0) + 1;
        return (target.send as (...args: unknown[]) => unknown).call(target, command, ...rest);
      };
    },
  });
  const around = async <T>(name: FunctionName, run: () => Promise<T>): Promise<T> => {
    // One dossier moves at a time in these tests, so the function running is the one counting.
    current = name;
    try {
      return await run();
    } finally {
      current = undefined;
      done[name] = (done[name] ?? 0) + 1;
    }
  };
  return { store: new Store({ doc, tableName: db.tableName }), counts, done, around };
}

const UNITS: Record<string, string> = {
  '440103': '廣州市荔灣區人大常委會',
  '440303': '深圳市羅湖區人大常委會',
  '440402': '珠海市香洲區人大常委會',
  '440608': '佛山市高明區人大常委會',
  '440104': '廣州市越秀區人大常委會',
  '440305': '深圳市南山區人大常委會',
};
const CODES = Object.keys(UNITS);

/** Intake of one dossier through the state machine, until its eligibility step is open; the requests of each function. */
async function intakeOne(
  counting: ReturnType<typeof countingStore>,
  harness: Harness,
  roundId: string,
  unitCode: string,
  submissionId: string,
  title: string,
  practices: string,
): Promise<Partial<Record<FunctionName, Counts>>> {
  for (const key of Object.keys(counting.counts)) delete counting.counts[key as FunctionName];
  const opened = counting.done['open-task'] ?? 0;
  await harness.upload(roundId, unitCode, submissionId, { title, unit: UNITS[unitCode]!, practices });
  await poll(() => counting.done['open-task'] ?? 0, { timeout: 30_000 }).toBe(opened + 1);
  const submission = await db.store.submissions.getSubmission(roundId, submissionId);
  expect(submission?.status).toBe('STORED');
  return { ...counting.counts };
}

const total = (steps: Partial<Record<FunctionName, Counts>>) =>
  Object.values(steps).reduce((sum, counts) => sum + Object.values(counts).reduce((a, b) => a + b, 0), 0);

// Per step, for a warm container: each step's writes and its audit entry are one transaction
// after one counter update (`AuditRepository.appendAuditWith`).
const UNRELATED = {
  // the audit seq; the submission (created or moved to PARSED) + audit entry. The round's
  // existence is read once per container.
  'parse-dossier': { Update: 1, TransactWrite: 1 },
  // round + submission; the signature log's unread tail; the audit seq; status + audit entry
  'validate-dossier': { BatchGet: 1, Query: 1, Update: 1, TransactWrite: 1 },
  // round + submission + the unit's case; the signature seq and the audit seq; case + version +
  // signature + submission status + audit entry
  'store-case': { BatchGet: 1, Update: 2, TransactWrite: 1 },
  // round; the audit seq; task + audit entry; the notification (the notifier's own write)
  'open-task': { Get: 1, Update: 1, TransactWrite: 1, Put: 1 },
};

describe('DynamoDB requests per dossier, upload to waiting at eligibility, through the state machine', () => {
  let counting: ReturnType<typeof countingStore>;
  let harness: Harness;
  beforeAll(() => {
    counting = countingStore();
    harness = createHarness(counting.store, { around: counting.around });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('an unrelated dossier: 14 (parse 2, validate 4, store-case 4, open-task 4); 15 in a cold container', async () => {
    const roundId = 'r-requests';
    await db.store.rounds.createRound(testRound(roundId));
    const first = await intakeOne(counting, harness, roundId, CODES[0]!, 's-req-0', '請求計數題目甲', randomPractices(11));
    // The first dossier of a container reads the round's existence once more.
    expect(first['parse-dossier']).toEqual({ ...UNRELATED['parse-dossier'], Get: 1 });
    expect(total(first)).toBe(15);
    const steps = await intakeOne(counting, harness, roundId, CODES[1]!, 's-req-1', '請求計數題目乙', randomPractices(12));
    expect(steps).toEqual(UNRELATED);
    expect(total(steps)).toBe(14);
  }, 60_000);

  it('a dossier with near copies: one batch read more for all their texts, however many: 15', async () => {
    const roundId = 'r-requests-near';
    await db.store.rounds.createRound(testRound(roundId));
    for (let i = 0; i < CODES.length - 1; i++)
      await intakeOne(counting, harness, roundId, CODES[i]!, `s-near-${i}`, `近似題目${i}`, practicesFor(`主題${i}號`));
    const steps = await intakeOne(counting, harness, roundId, CODES.at(-1)!, 's-near-last', '近似題目末', practicesFor('主題末號'));
    const warnings = (await db.store.submissions.getSubmission(roundId, 's-near-last'))!.warnings ?? [];
    expect(warnings.filter((w) => w.code === 'DUPLICATE_NEAR').length).toBe(CODES.length - 1);
    expect(steps).toEqual({ ...UNRELATED, 'validate-dossier': { ...UNRELATED['validate-dossier'], BatchGet: 2 } });
    expect(total(steps)).toBe(15);
  }, 120_000);

  it('a new version of a case: the replaced version needs no index writes (its signature is replaced by the new one)', async () => {
    const roundId = 'r-requests-version';
    await db.store.rounds.createRound(testRound(roundId));
    await intakeOne(counting, harness, roundId, CODES[0]!, 's-ver-1', '版本題目', randomPractices(21));
    const steps = await intakeOne(counting, harness, roundId, CODES[0]!, 's-ver-2', '版本題目', randomPractices(22));
    // round + submission + case; the signature seq; version + signature; the round's open
    // eligibility tasks, the replaced one read and cancelled; the old submission SUPERSEDED; the
    // new one STORED; the audit entry (counter + put)
    expect(steps['store-case']).toEqual({ BatchGet: 1, Update: 5, TransactWrite: 1, Query: 1, Get: 1, Put: 1 });
    expect((await db.store.cases.getCase((await db.store.submissions.getSubmission(roundId, 's-ver-2'))!.caseId!))?.currentVersion).toBe(2);
  }, 60_000);
});
