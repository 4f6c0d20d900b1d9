import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CaseRecord } from '../../src/domain/model';
import type { CaseVersion } from '../../src/store';
import { Store } from '../../src/store/store';
import { startTestTable, type TestTable } from '../support/dynamodb';
import { testRound } from './fixtures';

let db: TestTable;
beforeAll(async () => {
  db = await startTestTable();
}, 120_000);
afterAll(async () => {
  await db?.stop();
}, 120_000);

const actor = { id: 'sec-1', name: '秘書處', roles: ['secretariat' as const] };

function caseRecord(caseId: string, roundId: string, unitCode = '440103'): CaseRecord {
  return {
    caseId,
    roundId,
    unitCode,
    unitName: '荔灣區人大常委會',
    city: '440100',
    level: 'county',
    title: '代表聯絡站',
    currentVersion: 1,
    currentSubmissionId: 's1',
    status: 'ELIGIBILITY_PENDING',
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
  };
}
const version = (caseId: string, roundId: string, n: number, submissionId: string): CaseVersion => ({
  caseId,
  roundId,
  version: n,
  submissionId,
  dossier: { title: `v${n}` },
  createdAt: `2026-03-0${n}T00:00:00.000Z`,
});

describe('Store on DynamoDB Local', () => {
  it('creates a round once and moves its status only from the expected one', async () => {
    const { store } = db;
    await store.rounds.createRound(testRound('r-status', 'DRAFT'));
    await expect(store.rounds.createRound(testRound('r-status', 'DRAFT'))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await store.rounds.updateRoundStatus('r-status', 'OPEN', ['DRAFT']);
    await expect(store.rounds.updateRoundStatus('r-status', 'CLOSED', ['DRAFT'])).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await store.rounds.getRound('r-status'))?.status).toBe('OPEN');
    expect((await store.rounds.listRounds()).map((r) => r.roundId)).toContain('r-status');
  });

  it('keeps both case versions and refuses a stale version', async () => {
    const { store } = db;
    await store.cases.createCase(caseRecord('c-ver', 'r1'), version('c-ver', 'r1', 1, 's1'));
    await expect(store.cases.createCase(caseRecord('c-ver', 'r1'), version('c-ver', 'r1', 1, 's1'))).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    await store.cases.addCaseVersion(version('c-ver', 'r1', 2, 's2'), { status: 'ELIGIBILITY_PENDING', title: 'v2' }, [
      'ELIGIBILITY_PENDING',
      'REVISION_REQUESTED',
    ]);
    await expect(
      store.cases.addCaseVersion(version('c-ver', 'r1', 2, 's3'), { status: 'ELIGIBILITY_PENDING' }, ['ELIGIBILITY_PENDING']),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const versions = await store.cases.listCaseVersions('c-ver');
    expect(versions.map((v) => [v.version, v.submissionId, Boolean(v.supersededAt)])).toEqual([
      [1, 's1', true],
      [2, 's2', false],
    ]);
    const current = await store.cases.getCase('c-ver');
    expect(current).toMatchObject({ currentVersion: 2, currentSubmissionId: 's2', title: 'v2' });
    expect(current).not.toHaveProperty('PK');
    expect((await store.cases.getCaseByUnit('440103', 'r1'))?.caseId).toBe('c-ver');
  });

  it('lists cases of a round by status through the index after a status change', async () => {
    const { store } = db;
    await store.cases.createCase(caseRecord('c-a', 'r2', '440104'), version('c-a', 'r2', 1, 'sa'));
    await store.cases.createCase(caseRecord('c-b', 'r2', '440105'), version('c-b', 'r2', 1, 'sb'));
    await store.cases.updateCaseStatus('c-b', 'IN_REVIEW', ['ELIGIBILITY_PENDING']);
    await expect(store.cases.updateCaseStatus('c-b', 'IN_REVIEW', ['ELIGIBILITY_PENDING'])).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await store.cases.listCasesByRound('r2', 'IN_REVIEW')).map((c) => c.caseId)).toEqual(['c-b']);
    expect((await store.cases.listCasesByRound('r2')).map((c) => c.caseId).sort()).toEqual(['c-a', 'c-b']);
  });

  it('never returns a task token except through getTaskToken, and tells decided (409) from expired (410)', async () => {
    const { store } = db;
    const base = {
      kind: 'ELIGIBILITY' as const,
      roundId: 'r3',
      caseId: 'c1',
      executionArn: 'arn:x',
      stateName: 'Eligibility',
      createdAt: '2026-03-01T00:00:00.000Z',
    };
    const first = await store.tasks.createTask({ ...base, taskId: 't-open', expiresAt: '2099-01-01T00:00:00.000Z' }, 'TOKEN-1');
    expect(first.created).toBe(true);
    const again = await store.tasks.createTask({ ...base, taskId: 't-open', expiresAt: '2099-01-01T00:00:00.000Z' }, 'TOKEN-OTHER');
    expect(again.created).toBe(false);
    expect(await store.tasks.getTaskToken('t-open')).toBe('TOKEN-1');
    expect(JSON.stringify(await store.tasks.getTask('t-open'))).not.toContain('TOKEN');
    expect(JSON.stringify(await store.tasks.listTasksByRole('secretariat', 'OPEN'))).not.toContain('TOKEN');
    expect(JSON.stringify(await store.tasks.listTasksByRound('r3'))).not.toContain('TOKEN');

    await store.tasks.decideTask('t-open', { outcome: 'eligible' }, actor, '2026-03-02T00:00:00.000Z');
    await expect(store.tasks.decideTask('t-open', { outcome: 'eligible' }, actor, '2026-03-02T00:00:01.000Z')).rejects.toMatchObject({
      code: 'TASK_ALREADY_DECIDED',
    });
    expect((await store.tasks.listTasksByRole('secretariat', 'DECIDED')).map((t) => t.taskId)).toContain('t-open');

    await store.tasks.createTask({ ...base, taskId: 't-late', expiresAt: '2026-03-01T01:00:00.000Z' }, 'TOKEN-2');
    await expect(store.tasks.decideTask('t-late', { outcome: 'eligible' }, actor, '2026-03-02T00:00:00.000Z')).rejects.toMatchObject({
      code: 'TASK_EXPIRED',
    });
    await store.tasks.createTask({ ...base, taskId: 't-exp', expiresAt: '2099-01-01T00:00:00.000Z' }, 'TOKEN-3');
    await store.tasks.expireTask('t-exp', '2026-03-02T00:00:00.000Z');
    await expect(store.tasks.decideTask('t-exp', { outcome: 'eligible' }, actor, '2026-03-02T00:00:00.000Z')).rejects.toMatchObject({
      code: 'TASK_EXPIRED',
    });
  });

  it('records a score once per reviewer', async () => {
    const { store } = db;
    await store.reviews.assignReviewers('r4', 'c-score', ['rev-a', 'rev-b'], '2026-03-01T00:00:00.000Z');
    await store.reviews.assignReviewers('r4', 'c-score', ['rev-a'], '2026-03-02T00:00:00.000Z');
    const sheet = { scores: { innovation: 8, impact: 6 } };
    await store.reviews.recordScore('c-score', 'rev-a', sheet, 7, '2026-03-03T00:00:00.000Z');
    await expect(store.reviews.recordScore('c-score', 'rev-a', sheet, 7, '2026-03-03T00:00:00.000Z')).rejects.toMatchObject({
      code: 'REVIEW_ALREADY_SCORED',
    });
    const reviews = await store.reviews.listReviewsByCase('c-score');
    expect(reviews.map((r) => [r.reviewerId, r.status, r.assignedAt])).toEqual([
      ['rev-a', 'SCORED', '2026-03-01T00:00:00.000Z'],
      ['rev-b', 'ASSIGNED', '2026-03-01T00:00:00.000Z'],
    ]);
    expect((await store.reviews.listReviewsByReviewer('rev-a', 'r4', 'SCORED')).map((r) => r.caseId)).toEqual(['c-score']);
    expect(await store.reviews.listReviewsByReviewer('rev-a', 'r4', 'ASSIGNED')).toEqual([]);
  });

  it('chains audit entries under concurrent appends without gaps or forks', async () => {
    const { store } = db;
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.audit.appendAudit({
          roundId: 'r-audit',
          at: `2026-03-01T00:00:0${i}.000Z`,
          actor,
          action: 'TEST',
          subject: `s${i}`,
          change: { i },
        }),
      ),
    );
    const entries = await store.audit.listAudit('r-audit');
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (let i = 1; i < entries.length; i += 1) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    expect((await store.audit.exportAudit('r-audit')).trim().split('\n')).toHaveLength(8);
  });

  it('releases an outbox notification once', async () => {
    const { store } = db;
    await store.outbox.appendNotification({
      notificationId: 'n-1',
      roundId: 'r5',
      kind: 'REMINDER',
      recipient: 'secretariat',
      subject: { zh: '提醒', en: 'Reminder' },
      body: { zh: '內容', en: 'Body' },
      createdAt: '2026-03-01T00:00:00.000Z',
      status: 'PENDING',
    });
    expect((await store.outbox.listPendingNotifications()).map((n) => n.notificationId)).toContain('n-1');
    await store.outbox.releaseNotification('n-1', '2026-03-02T00:00:00.000Z');
    expect((await store.outbox.listPendingNotifications()).map((n) => n.notificationId)).not.toContain('n-1');
    await expect(store.outbox.releaseNotification('n-1', '2026-03-02T00:00:00.000Z')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('marks a round approved with its cases in one transaction, or not at all', async () => {
    const { store } = db;
    await store.rounds.createRound(testRound('r-fin', 'NOTICE'));
    await store.cases.createCase(caseRecord('c-sel', 'r-fin', '440111'), version('c-sel', 'r-fin', 1, 'x1'));
    await store.cases.createCase(caseRecord('c-not', 'r-fin', '440112'), version('c-not', 'r-fin', 1, 'x2'));
    await store.cases.updateCaseStatus('c-sel', 'SELECTED', ['ELIGIBILITY_PENDING']);
    // c-not is not selected: the whole transaction fails and nothing changes.
    await expect(
      store.rounds.markApproved(
        'r-fin',
        [
          { caseId: 'c-sel', order: 1, reason: '理由充分' },
          { caseId: 'c-not', order: 2, reason: '理由充分' },
        ],
        '2026-04-01T00:00:00.000Z',
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await store.cases.getCase('c-sel'))?.status).toBe('SELECTED');
    expect((await store.rounds.getRound('r-fin'))?.status).toBe('NOTICE');
    await store.rounds.markApproved('r-fin', [{ caseId: 'c-sel', order: 1, reason: '理由充分' }], '2026-04-01T00:00:00.000Z');
    expect(await store.cases.getCase('c-sel')).toMatchObject({ status: 'APPROVED', reason: '理由充分' });
    expect(await store.rounds.getRound('r-fin')).toMatchObject({ status: 'APPROVED', publicationRevision: 1 });
  });
});

describe('near-duplicate index batches', () => {
  /**
   * A DocumentClient that, on each batch call while `deferring` is set, sends only the first half
   * of the batch and hands the rest back as unprocessed, the way the service answers when
   * throttled — so the store's resending is exercised for real against DynamoDB Local.
   */
  function deferringStore(deferring: { times: number }) {
    const calls: string[] = [];
    const doc = new Proxy(db.store.doc, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: { constructor: { name: string }; input: Record<string, any> }) => {
          const send = (c: unknown) => (target.send as (c: unknown) => Promise<any>).call(target, c);
          const name = command.constructor.name;
          calls.push(name);
          if (deferring.times > 0 && (name === 'BatchWriteCommand' || name === 'BatchGetCommand')) {
            deferring.times -= 1;
            const [table, requests] = Object.entries(command.input.RequestItems as Record<string, any>)[0]!;
            const list = name === 'BatchWriteCommand' ? (requests as unknown[]) : (requests.Keys as unknown[]);
            const half = Math.ceil(list.length / 2);
            const sent =
              name === 'BatchWriteCommand' ? { [table]: list.slice(0, half) } : { [table]: { ...requests, Keys: list.slice(0, half) } };
            const out = await send(new (command.constructor as new (input: unknown) => unknown)({ ...command.input, RequestItems: sent }));
            return name === 'BatchWriteCommand'
              ? { ...out, UnprocessedItems: { [table]: list.slice(half) } }
              : { ...out, UnprocessedKeys: { [table]: { ...requests, Keys: list.slice(half) } } };
          }
          return send(command);
        };
      },
    });
    return { store: new Store({ doc, tableName: db.tableName }), calls };
  }

  const entry = (caseId: string, v: number) => ({
    caseId,
    roundId: 'r-batch',
    roundNumber: 6,
    unitCode: '440103',
    title: `題目${v}`,
    version: v,
  });
  const found = (caseId: string, v: number) => ({ caseId, roundNumber: 6, version: v });
  const buckets = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${String(i).padStart(2, '0')}#${prefix}`);

  it('files every entry when the service leaves part of a batch unprocessed, and finds them all in one lookup', async () => {
    const { store, calls } = deferringStore({ times: 3 });
    const keys = buckets('batch-a', 51);
    await store.cases.indexCaseText(entry('c-batch-a', 1), keys);
    // 51 entries: 3 requests of ≤ 25, three of which came back half unprocessed and were resent
    expect(calls.filter((c) => c === 'BatchWriteCommand').length).toBeGreaterThan(3);
    for (const key of keys) expect(await db.store.cases.findDuplicateCandidates([key])).toEqual([found('c-batch-a', 1)]);
  });

  it('a version’s entries are its own: a late retry of an older one neither hides nor replaces the newer, and unindexing removes only the named version', async () => {
    const keys = buckets('batch-b', 5);
    await db.store.cases.indexCaseText(entry('c-batch-b', 2), keys);
    await db.store.cases.indexCaseText(entry('c-batch-b', 1), keys.slice(0, 3)); // a late retry of version 1's step
    expect(await db.store.cases.findDuplicateCandidates(keys)).toEqual([found('c-batch-b', 2)]);
    await db.store.cases.unindexCaseText('c-batch-b', keys, 1);
    expect(await db.store.cases.findDuplicateCandidates(keys)).toEqual([found('c-batch-b', 2)]);
    await db.store.cases.unindexCaseText('c-batch-b', keys.slice(0, 2), 2);
    expect(await db.store.cases.findDuplicateCandidates(keys.slice(0, 2))).toEqual([]);
    expect(await db.store.cases.findDuplicateCandidates(keys)).toEqual([found('c-batch-b', 2)]);
  });

  it('reads the compared texts of many versions in batches of 100, resending unprocessed keys, the same as reading them one by one', async () => {
    const refs: { caseId: string; version: number }[] = [];
    for (let i = 0; i < 130; i++) {
      const caseId = `c-batch-text-${i}`;
      const dossier =
        i % 13 === 0
          ? { title: `只有題目${i}` }
          : { title: `題目${i}`, practices: { text: `做法${i}`, measures: ['x'] }, unit: { code: '440103' } };
      await db.store.cases.createCase(caseRecord(caseId, 'r-batch'), {
        caseId,
        roundId: 'r-batch',
        version: 1,
        submissionId: `s-${i}`,
        dossier,
        createdAt: '2026-03-01T00:00:00.000Z',
        ...(i % 7 === 0 ? { supersededAt: '2026-03-02T00:00:00.000Z' } : {}),
      });
      refs.push({ caseId, version: 1 });
    }
    refs.push({ caseId: 'c-batch-text-missing', version: 1 }, refs[5]!);
    const { store, calls } = deferringStore({ times: 1 });
    const texts = await store.cases.getDuplicateTexts(refs);
    expect(calls.filter((c) => c === 'BatchGetCommand').length).toBe(3); // 100 + 31 keys, and the deferred half of the first resent
    const expected = [];
    for (const ref of refs.slice(0, 130)) {
      const stored = (await db.store.cases.getCaseVersion(ref.caseId, ref.version))!;
      const d = stored.dossier as { title?: string; practices?: { text?: string } };
      expected.push({
        caseId: stored.caseId,
        version: stored.version,
        ...(stored.supersededAt ? { supersededAt: stored.supersededAt } : {}),
        ...(d.title !== undefined ? { title: d.title } : {}),
        ...(d.practices?.text !== undefined ? { practicesText: d.practices.text } : {}),
      });
    }
    const byKey = (a: { caseId: string }, b: { caseId: string }) => a.caseId.localeCompare(b.caseId);
    expect([...texts].sort(byKey)).toEqual(expected.sort(byKey));
  });
});
