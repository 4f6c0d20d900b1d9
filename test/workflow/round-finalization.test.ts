/**
 * round-finalization on the real definition: rank under quotas, the leadership meeting amends
 * the list, an objection during the notice goes to the approver, the list is approved in one
 * transaction.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyChain } from '../../src/domain/audit/chain';
import type { CaseRecord, TaskKind } from '../../src/domain/model';
import type { StoredTask } from '../../src/store/store';
import { startTestTable, type TestTable } from '../support/dynamodb';
import { workflowCharter as testCharter } from '../support/charters';
import { testRound } from './fixtures';
import { approver, createHarness, decideAndSend, statesEntered, type Harness } from './harness';

let db: TestTable;
let harness: Harness | undefined;
beforeAll(async () => {
  db = await startTestTable();
}, 120_000);
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
}, 120_000);
afterAll(async () => {
  await db?.stop();
}, 120_000);

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 400; i += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
const openTask = (roundId: string, kind: TaskKind, not?: string) =>
  until<StoredTask>(
    async () => (await db.store.tasks.listTasksByRound(roundId, kind, 'OPEN')).find((task) => task.taskId !== not),
    `${kind} task`,
  );

/** A reviewed case with its panel's totals (two criteria scored alike, so total = the score). */
async function reviewedCase(roundId: string, caseId: string, unitCode: string, title: string, totals: number[]) {
  const now = '2026-05-01T00:00:00.000Z';
  const record: CaseRecord = {
    caseId,
    roundId,
    unitCode,
    unitName: title,
    city: unitCode.slice(0, 4) + '00',
    level: 'county',
    title,
    currentVersion: 1,
    currentSubmissionId: `s-${caseId}`,
    status: 'ELIGIBILITY_PENDING',
    createdAt: now,
    updatedAt: now,
  };
  await db.store.cases.createCase(record, { caseId, roundId, version: 1, submissionId: `s-${caseId}`, dossier: { title }, createdAt: now });
  await db.store.cases.updateCaseStatus(caseId, 'REVIEWED', ['ELIGIBILITY_PENDING']);
  const reviewers = ['rev-a', 'rev-b', 'rev-c'];
  await db.store.reviews.assignReviewers(roundId, caseId, reviewers, now);
  for (const [i, total] of totals.entries())
    await db.store.reviews.recordScore(caseId, reviewers[i]!, { scores: { innovation: total, impact: total } }, total, now);
}

describe('round-finalization', () => {
  it('approver amends the list, an objection during the notice is upheld, the rest is approved in one transaction', async () => {
    const roundId = 'r-final';
    await db.store.rounds.createRound({
      ...testRound(roundId, 'CLOSED', testCharter({ noticePeriodSecondsOverride: 1, quotas: { total: 2, perLevel: {} } })),
    });
    await reviewedCase(roundId, 'c-top', '440103', '第一名', [9, 9, 8]);
    await reviewedCase(roundId, 'c-second', '440305', '第二名', [8, 8, 7]);
    await reviewedCase(roundId, 'c-third', '440606', '第三名', [6, 7, 6]);
    harness = createHarness(db.store);
    const { executionArn } = harness.engine.startExecution({
      stateMachineArn: harness.finalizationArn,
      name: 'f-final',
      input: { roundId },
    });

    const leadership = await openTask(roundId, 'LEADERSHIP');
    const shortlisted = (await db.store.rounds.requireRound(roundId)).shortlist!.map((entry) => entry.caseId);
    expect(shortlisted).toEqual(['c-top', 'c-second']);
    // Approving a different list without saying why is refused, and nothing is decided.
    await expect(
      harness.decide(approver, leadership.taskId, {
        outcome: 'approve',
        list: [
          { caseId: 'c-top', reason: '做法新穎成效明顯' },
          { caseId: 'c-third', reason: '基層探索具推廣價值' },
        ],
      }),
    ).rejects.toMatchObject({ code: 'DECISION_INVALID' });
    await decideAndSend(harness, approver, leadership.taskId, {
      outcome: 'amend',
      list: [
        { caseId: 'c-top', reason: '做法新穎成效明顯' },
        { caseId: 'c-third', reason: '基層探索具推廣價值' },
      ],
      amendments: [
        { caseId: 'c-second', change: 'strike', reason: '與往屆入選案例重複' },
        { caseId: 'c-third', change: 'add', reason: '鄉鎮經驗值得推廣' },
      ],
    });
    expect((await db.store.cases.requireCase('c-second')).status).toBe('NOT_SELECTED');

    // File an objection against c-third while the notice runs.
    await until(async () => ((await db.store.rounds.getRound(roundId))?.status === 'NOTICE' ? true : undefined), 'notice');
    await db.store.objections.fileObjection({
      objectionId: 'o-1',
      roundId,
      caseId: 'c-third',
      text: '該案例材料數據不實',
      filedAt: new Date().toISOString(),
      status: 'OPEN',
    });

    const ruling = await openTask(roundId, 'OBJECTION_RULING');
    await decideAndSend(harness, approver, ruling.taskId, {
      rulings: [{ objectionId: 'o-1', outcome: 'upheld', reason: '經核查數據確有不實' }],
    });

    const done = await harness.engine.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    const states = statesEntered(harness.history(executionArn));
    expect(states).toEqual([
      'CheckRound',
      'RoundReady',
      'RankShortlist',
      'LeadershipApproval',
      'OpenNotice',
      'NoticePeriod',
      'CollectObjections',
      'AnyObjections',
      'ObjectionRuling',
      'CollectObjections',
      'AnyObjections',
      'MarkApproved',
      'Approved',
    ]);
    const round = await db.store.rounds.requireRound(roundId);
    expect(round.status).toBe('APPROVED');
    expect(round.approvedList).toEqual([{ caseId: 'c-top', order: 1, reason: '做法新穎成效明顯' }]);
    expect(await db.store.cases.requireCase('c-top')).toMatchObject({ status: 'APPROVED', reason: '做法新穎成效明顯' });
    expect((await db.store.cases.requireCase('c-third')).status).toBe('NOT_SELECTED');
    expect((await db.store.objections.getObjection(roundId, 'o-1'))?.status).toBe('UPHELD');
    const actions = (await db.store.audit.listAudit(roundId)).map((entry) => entry.action);
    expect(actions.filter((action) => action !== 'TASK_OPENED')).toEqual([
      'ROUND_SHORTLISTED',
      'LEADERSHIP_DECIDED',
      'NOTICE_OPENED',
      'OBJECTIONS_RULED',
      'ROUND_APPROVED',
    ]);
    expect(verifyChain(await db.store.audit.listAudit(roundId))).toMatchObject({ ok: true });
  });

  it('waits while cases are still in review, then ranks once the office says proceed', async () => {
    const roundId = 'r-proceed';
    await db.store.rounds.createRound(testRound(roundId, 'CLOSED', testCharter({ noticePeriodSecondsOverride: 1 })));
    await reviewedCase(roundId, 'c-p1', '440103', '已評', [8, 8, 8]);
    const now = '2026-05-01T00:00:00.000Z';
    await db.store.cases.createCase(
      {
        caseId: 'c-p2',
        roundId,
        unitCode: '440305',
        unitName: '南山',
        city: '440300',
        level: 'county',
        title: '未評',
        currentVersion: 1,
        currentSubmissionId: 's',
        status: 'IN_REVIEW',
        createdAt: now,
        updatedAt: now,
      },
      { caseId: 'c-p2', roundId, version: 1, submissionId: 's', dossier: {}, createdAt: now },
    );
    harness = createHarness(db.store);
    const { executionArn } = harness.engine.startExecution({
      stateMachineArn: harness.finalizationArn,
      name: 'f-proceed',
      input: { roundId },
    });
    await until(async () => (statesEntered(harness!.history(executionArn)).includes('WaitForReviews') ? true : undefined), 'a wait');
    expect((await db.store.rounds.requireRound(roundId)).status).toBe('CLOSED');
    await db.store.rounds.updateRound(roundId, { proceedRequested: true });
    await openTask(roundId, 'LEADERSHIP');
    expect((await db.store.rounds.requireRound(roundId)).shortlist!.map((entry) => entry.caseId)).toEqual(['c-p1']);
    harness.engine.stopExecution({ executionArn });
  });
});
