/**
 * dossier-review, one row per path, on the real definition: each asserts the execution history
 * (states entered, final status) and what the table holds afterwards.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { TaskKind } from '../../src/domain/model';
import type { StoredTask } from '../../src/store/store';
import { startTestTable, type TestTable } from '../support/dynamodb';
import { testRound } from './fixtures';
import { createHarness, decideAndSend, practicesFor, reviewer, secretariat, statesEntered, type Harness } from './harness';

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

const LIWAN = { unitCode: '440103', unit: '廣州市荔灣區人大常委會' };

async function openTaskOf(roundId: string, kind: TaskKind, caseId?: string): Promise<StoredTask> {
  for (let i = 0; i < 400; i += 1) {
    const tasks = (await db.store.tasks.listTasksByRound(roundId, kind, 'OPEN')).filter((task) => !caseId || task.caseId === caseId);
    if (tasks[0]) return tasks[0];
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no open ${kind} task in ${roundId}`);
}

async function finished(h: Harness, executionArn: string) {
  return h.engine.waitForExecution(executionArn);
}

describe('dossier-review', () => {
  it('happy path: parse → validate → store → eligible → panel without the conflicted reviewer → aggregate → REVIEWED; a second decision is 409', async () => {
    await db.store.rounds.createRound(testRound('r-happy'));
    harness = createHarness(db.store);
    const arn = await harness.upload('r-happy', LIWAN.unitCode, 's-happy', {
      title: '代表聯絡站建設創新',
      unit: LIWAN.unit,
      practices: practicesFor('聯絡站'),
    });

    const eligibility = await openTaskOf('r-happy', 'ELIGIBILITY');
    expect(eligibility.caseId).toBeDefined();
    expect(await decideAndSend(harness, secretariat, eligibility.taskId, { outcome: 'eligible' })).toMatchObject({ status: 'sent' });
    await expect(harness.decide(secretariat, eligibility.taskId, { outcome: 'eligible' })).rejects.toMatchObject({
      code: 'TASK_ALREADY_DECIDED',
    });

    const panel = await openTaskOf('r-happy', 'PANEL');
    // 荔灣 is in Guangzhou (440100): the Guangzhou reviewer is never assigned.
    expect(panel.assignees).not.toContain('rev-gz');
    expect(panel.assignees).toHaveLength(3);
    await expect(harness.decide(reviewer('rev-gz'), panel.taskId, { scores: { innovation: 9, impact: 9 } })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const scores: Record<string, [number, number]> = { 'rev-sz': [8, 6], 'rev-fs': [7, 7], 'rev-zh': [9, 8] };
    const results = [];
    for (const id of panel.assignees!)
      results.push(
        (await decideAndSend(harness, reviewer(id), panel.taskId, { scores: { innovation: scores[id]![0], impact: scores[id]![1] } }))
          .status,
      );
    expect(results).toEqual(['recorded', 'recorded', 'sent']);

    const done = await finished(harness, arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(statesEntered(harness.history(arn))).toEqual([
      'Parse',
      'Parsed',
      'Validate',
      'IsValid',
      'StoreCase',
      'CaseStored',
      'Eligibility',
      'IsEligible',
      'PanelReview',
      'Aggregate',
      'Reviewed',
    ]);
    const record = await db.store.cases.requireCase(eligibility.caseId!);
    expect(record.status).toBe('REVIEWED');
    expect(record.score).toMatchObject({ rawMean: 7.5, count: 3 });
    const actions = (await db.store.audit.listAudit('r-happy')).map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'SUBMISSION_PARSED',
        'SUBMISSION_VALIDATED',
        'CASE_STORED',
        'ELIGIBILITY_DECIDED',
        'SCORE_RECORDED',
        'CASE_REVIEWED',
      ]),
    );
  });

  it('invalid dossier: recorded INVALID with codes, applicant notified, no case', async () => {
    await db.store.rounds.createRound(testRound('r-invalid'));
    harness = createHarness(db.store);
    const arn = await harness.uploadRaw(
      'r-invalid',
      LIWAN.unitCode,
      's-invalid',
      'dossier.md',
      '---\ntitle: 短\n---\n\n沒有單位，也沒有做法。',
    );
    const done = await finished(harness, arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(statesEntered(harness.history(arn)).slice(-2)).toEqual(['RecordRejection', 'Rejected']);
    const submission = await db.store.submissions.getSubmission('r-invalid', 's-invalid');
    expect(submission?.status).toBe('INVALID');
    expect(submission?.errors?.length).toBeGreaterThan(0);
    const notes = await db.store.outbox.listNotificationsByRound('r-invalid');
    expect(notes.map((note) => [note.kind, note.recipient])).toContainEqual(['VALIDATION_RESULT', LIWAN.unitCode]);
    expect(notes[0]!.body.en).toContain(submission!.errors![0]!.code);
    expect(await db.store.cases.listCasesByRound('r-invalid')).toEqual([]);
  });

  it('ineligible: the case ends INELIGIBLE with the reason sent to the applicant', async () => {
    await db.store.rounds.createRound(testRound('r-inel'));
    harness = createHarness(db.store);
    const arn = await harness.upload('r-inel', LIWAN.unitCode, 's-inel', {
      title: '基層立法聯繫點創新',
      unit: LIWAN.unit,
      practices: practicesFor('聯繫點'),
    });
    const task = await openTaskOf('r-inel', 'ELIGIBILITY');
    await decideAndSend(harness, secretariat, task.taskId, { outcome: 'ineligible', reason: '非本年度實施的項目' });
    expect((await finished(harness, arn)).status).toBe('SUCCEEDED');
    expect(statesEntered(harness.history(arn)).slice(-2)).toEqual(['IsEligible', 'Ineligible']);
    expect((await db.store.cases.requireCase(task.caseId!)).status).toBe('INELIGIBLE');
    expect(
      (await db.store.outbox.listNotificationsByRound('r-inel')).some(
        (note) => note.recipient === LIWAN.unitCode && note.body.zh.includes('非本年度實施的項目'),
      ),
    ).toBe(true);
  });

  it('revision requested, then resubmitted: a second version supersedes the first, both kept, a new eligibility step opens', async () => {
    await db.store.rounds.createRound(testRound('r-rev'));
    harness = createHarness(db.store);
    const first = await harness.upload('r-rev', LIWAN.unitCode, 's-rev-1', {
      title: '民生實事票決制',
      unit: LIWAN.unit,
      practices: practicesFor('票決'),
    });
    const task1 = await openTaskOf('r-rev', 'ELIGIBILITY');
    await decideAndSend(harness, secretariat, task1.taskId, { outcome: 'revision', message: '請補充工作成效數據' });
    expect((await finished(harness, first)).status).toBe('SUCCEEDED');
    expect(statesEntered(harness.history(first)).at(-1)).toBe('RevisionRequested');
    expect((await db.store.cases.requireCase(task1.caseId!)).status).toBe('REVISION_REQUESTED');

    await harness.upload('r-rev', LIWAN.unitCode, 's-rev-2', {
      title: '民生實事項目票決制',
      unit: LIWAN.unit,
      practices: practicesFor('票決制度'),
    });
    const task2 = await openTaskOf('r-rev', 'ELIGIBILITY');
    expect(task2.taskId).not.toBe(task1.taskId);
    expect(task2.caseId).toBe(task1.caseId);
    const record = await db.store.cases.requireCase(task1.caseId!);
    expect(record).toMatchObject({
      status: 'ELIGIBILITY_PENDING',
      currentVersion: 2,
      currentSubmissionId: 's-rev-2',
      title: '民生實事項目票決制',
    });
    const versions = await db.store.cases.listCaseVersions(task1.caseId!);
    expect(versions.map((version) => [version.version, version.submissionId, Boolean(version.supersededAt)])).toEqual([
      [1, 's-rev-1', true],
      [2, 's-rev-2', false],
    ]);
    expect((await db.store.submissions.getSubmission('r-rev', 's-rev-1'))?.status).toBe('SUPERSEDED');
  });

  it('transient Lambda failure: the Retry runs the function again and the dossier goes through', async () => {
    await db.store.rounds.createRound(testRound('r-retry'));
    harness = createHarness(db.store);
    harness.failNext('parse-dossier', 2);
    await harness.upload('r-retry', LIWAN.unitCode, 's-retry', {
      title: '代表履職積分管理',
      unit: LIWAN.unit,
      practices: practicesFor('積分'),
    });
    await openTaskOf('r-retry', 'ELIGIBILITY');
    expect(harness.invocations.get('parse-dossier')).toBe(3);
    expect((await db.store.submissions.getSubmission('r-retry', 's-retry'))?.status).toBe('STORED');
  });
});

describe('dossier-review timeouts', () => {
  it('reviewer timeout with quorum: the missing reviewer is reported and the case is aggregated; a late decision is 410', async () => {
    await db.store.rounds.createRound(testRound('r-quorum'));
    // Every callback times out after at most one second.
    harness = createHarness(db.store, { callbackTimeoutScaling: { maxSeconds: 1 } });
    const arn = await harness.upload('r-quorum', LIWAN.unitCode, 's-quorum', {
      title: '街道議政代表會',
      unit: LIWAN.unit,
      practices: practicesFor('議政會'),
    });
    const eligibility = await openTaskOf('r-quorum', 'ELIGIBILITY');
    await decideAndSend(harness, secretariat, eligibility.taskId, { outcome: 'eligible' });
    const panel = await openTaskOf('r-quorum', 'PANEL');
    const [a, b, late] = panel.assignees!;
    await decideAndSend(harness, reviewer(a!), panel.taskId, { scores: { innovation: 8, impact: 8 } });
    await decideAndSend(harness, reviewer(b!), panel.taskId, { scores: { innovation: 6, impact: 6 } });

    const done = await finished(harness, arn);
    expect(done.status).toBe('SUCCEEDED');
    const states = statesEntered(harness.history(arn));
    expect(states.slice(-4)).toEqual(['PanelTimedOut', 'AfterPanelTimeout', 'Aggregate', 'Reviewed']);
    expect(harness.history(arn).some((event) => event.type === 'TaskTimedOut')).toBe(true);
    expect((await db.store.reviews.getReview(eligibility.caseId!, late!))?.status).toBe('MISSING');
    expect((await db.store.cases.requireCase(eligibility.caseId!)).score?.count).toBe(2);
    expect((await db.store.tasks.getTask(panel.taskId))?.status).toBe('EXPIRED');
    await expect(harness.decide(reviewer(late!), panel.taskId, { scores: { innovation: 5, impact: 5 } })).rejects.toMatchObject({
      code: 'TASK_EXPIRED',
    });
    const notes = await db.store.outbox.listNotificationsByRound('r-quorum');
    expect(notes.some((note) => note.kind === 'ESCALATION' && note.body.en.includes(late!))).toBe(true);
  });

  it('eligibility timeout: the step expires (410), the office is reminded, and a new step opens', async () => {
    await db.store.rounds.createRound(testRound('r-expire'));
    harness = createHarness(db.store, { callbackTimeoutScaling: { maxSeconds: 1 } });
    const arn = await harness.upload('r-expire', LIWAN.unitCode, 's-expire', {
      title: '代表家站星級評定',
      unit: LIWAN.unit,
      practices: practicesFor('家站'),
    });
    const first = await openTaskOf('r-expire', 'ELIGIBILITY');
    let second: StoredTask | undefined;
    for (let i = 0; i < 200 && !second; i += 1) {
      second = (await db.store.tasks.listTasksByRound('r-expire', 'ELIGIBILITY', 'OPEN')).find((task) => task.taskId !== first.taskId);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(second).toBeDefined();
    expect((await db.store.tasks.getTask(first.taskId))?.status).toBe('EXPIRED');
    await expect(harness.decide(secretariat, first.taskId, { outcome: 'eligible' })).rejects.toMatchObject({ code: 'TASK_EXPIRED' });
    expect(statesEntered(harness.history(arn))).toEqual(expect.arrayContaining(['EligibilityTimedOut', 'ReopenEligibility']));
    const notes = await db.store.outbox.listNotificationsByRound('r-expire');
    expect(notes.filter((note) => note.kind === 'ESCALATION' && note.recipient === 'secretariat').length).toBeGreaterThan(0);
    harness.engine.stopExecution({ executionArn: arn });
  });
});
