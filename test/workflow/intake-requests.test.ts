/**
 * What one dossier costs in DynamoDB requests on the intake path (parse → validate → store-case →
 * eligibility task open), step by step. On AWS every request is money and Lambda time; on the
 * local cloud every request queues on one DynamoDB Local. The budget below is what the path
 * needs today: a change that adds requests per dossier should have to say why.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { renderMarkdown } from '../../src/domain/dossier';
import { MemoryObjectStore } from '../support/fakes';
import { OutboxNotifier } from '../../src/adapters/outbox-notifier';
import { Store } from '../../src/store/store';
import type { WorkflowDeps } from '../../src/usecases/deps';
import { parseUpload } from '../../src/usecases/intake/parse';
import { storeCase } from '../../src/usecases/intake/store-case';
import { validateSubmission } from '../../src/usecases/intake/validate';
import { openTask } from '../../src/usecases/workflow/open-task';
import { startTestTable, type TestTable } from '../support/dynamodb';
import { testRound } from './fixtures';
import { practicesFor } from './harness';
import { randomPractices } from '../support/dossier-text';

let db: TestTable;
beforeAll(async () => {
  db = await startTestTable();
}, 120_000);
afterAll(async () => {
  await db?.stop();
}, 120_000);

type Counts = Record<string, number>;

function countingStore(): { store: Store; counts: Counts } {
  const counts: Counts = {};
  const doc = new Proxy(db.store.doc, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: { constructor: { name: string } }, ...rest: unknown[]) => {
        const name = command.constructor.name.replace(/Command$/, '');
        counts[name] = (counts[name] ?? 0) + 1;
        return (target.send as (...args: unknown[]) => unknown).call(target, command, ...rest);
      };
    },
  });
  return { store: new Store({ doc, tableName: db.tableName }), counts };
}

const UNITS = ['440103', '440303', '440402', '440608', '440104', '440305'];
const NAMES: Record<string, string> = {
  '440103': '廣州市荔灣區人大常委會',
  '440303': '深圳市羅湖區人大常委會',
  '440402': '珠海市香洲區人大常委會',
  '440608': '佛山市高明區人大常委會',
  '440104': '廣州市越秀區人大常委會',
  '440305': '深圳市南山區人大常委會',
};

async function intakeOne(roundId: string, unitCode: string, submissionId: string, title: string, practices: string, expectedVersion = 1) {
  const { store, counts } = countingStore();
  const objects = new MemoryObjectStore();
  const clock = { now: () => new Date() };
  const deps: WorkflowDeps = { store, objects, clock, notifier: new OutboxNotifier(store, clock) };
  const key = `dossiers/${roundId}/${unitCode}/${submissionId}/dossier.md`;
  objects.put(key, renderMarkdown({ title, unit: NAMES[unitCode]!, practices, round: 6 }));
  const steps: Record<string, Counts> = {};
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    for (const k of Object.keys(counts)) delete counts[k];
    const out = await run();
    steps[name] = { ...counts };
    return out;
  };
  await step('parse', () => parseUpload(deps, { bucket: 'dossiers', key, versionId: null }));
  const validated = await step('validate', () => validateSubmission(deps, { roundId, submissionId }));
  expect(validated.valid).toBe(true);
  const stored = await step('store-case', () => storeCase(deps, { roundId, submissionId }));
  if (!stored.stored) throw new Error('not stored');
  expect(stored.version).toBe(expectedVersion);
  await step('open-task', () =>
    openTask(deps, {
      kind: 'ELIGIBILITY',
      roundId,
      caseId: stored.caseId,
      executionArn: `arn:aws:states:us-east-1:000000000000:execution:dossier-review:${submissionId}`,
      state: 'Eligibility',
      attempt: 1,
      taskToken: `token-${submissionId}`,
      timeoutSeconds: 3600,
    }),
  );
  return steps;
}

// One Query per similarity bucket (50 bands and the title's) is the one per-bucket cost left:
// a bucket holds any number of cases, so it cannot be a key that one BatchGetItem reads.
const VALIDATE = { Get: 2, Query: 51, Update: 2, Put: 1 };
const BUDGET = {
  // round; the submission; the audit entry (counter + put)
  parse: { Get: 1, Put: 2, Update: 1 },
  // round, submission; the buckets; the candidates' texts in one batch (when there are any); status; audit
  validate: VALIDATE,
  // round, submission, case; case + version in one transaction; 51 bucket entries in 3 batches; status; audit
  'store-case': { Get: 3, TransactWrite: 1, BatchWrite: 3, Update: 2, Put: 1 },
  // round; task; notification; audit
  'open-task': { Get: 1, Put: 3, Update: 1 },
};

describe('DynamoDB requests per dossier on the intake path', () => {
  it('an unrelated dossier: parse 4, validate 56, store-case 10, open-task 5', async () => {
    const roundId = 'r-requests';
    await db.store.rounds.createRound(testRound(roundId));
    await intakeOne(roundId, UNITS[0]!, 's-req-0', '請求計數題目甲', randomPractices(11));
    const steps = await intakeOne(roundId, UNITS[1]!, 's-req-1', '請求計數題目乙', randomPractices(12));
    expect(steps).toEqual(BUDGET);
  });

  it('near duplicates cost one batch read for all their texts, however many there are', async () => {
    const roundId = 'r-requests-near';
    await db.store.rounds.createRound(testRound(roundId));
    for (let i = 0; i < UNITS.length - 1; i++)
      await intakeOne(roundId, UNITS[i]!, `s-near-${i}`, `近似題目${i}`, practicesFor(`主題${i}號`));
    const steps = await intakeOne(roundId, UNITS.at(-1)!, 's-near-last', '近似題目末', practicesFor('主題末號'));
    expect(steps.validate).toEqual({ ...VALIDATE, BatchGet: 1 });
    expect(steps['store-case']).toEqual(BUDGET['store-case']);
  });

  it('a new version also takes the replaced version’s 51 entries out, in 3 more batches', async () => {
    const roundId = 'r-requests-version';
    await db.store.rounds.createRound(testRound(roundId));
    await intakeOne(roundId, UNITS[0]!, 's-ver-1', '版本題目', randomPractices(21));
    const steps = await intakeOne(roundId, UNITS[0]!, 's-ver-2', '版本題目', randomPractices(22), 2);
    // round, submission, case, the replaced version (its text); the round's open eligibility
    // tasks, and the replaced version's one read and cancelled; the old submission SUPERSEDED
    expect(steps['store-case']).toEqual({ Get: 5, Query: 1, TransactWrite: 1, BatchWrite: 6, Update: 4, Put: 1 });
  });
});
