/**
 * The charter's step timeouts act: open-task records when each step is due (the charter's
 * timeout, under the file's fixed ceiling), and the hourly remind-overdue sweep reminds whoever
 * must act and escalates to the office once, while the step stays decidable until the ceiling.
 * Runs the real dossier-review file on the local engine; the sweep is given its own clock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { TaskKind } from '../../src/domain/model';
import { OutboxNotifier } from '../../src/adapters/outbox-notifier';
import { FixedClock } from '../support/fakes';
import type { Notifier } from '../../src/ports/notifier';
import type { StoredTask } from '../../src/store/store';
import type { WorkflowDeps } from '../../src/usecases/deps';
import { dashboard } from '../../src/usecases/api/dashboard';
import type { ApiDeps } from '../../src/usecases/api/ports';
import { remindOverdue } from '../../src/usecases/workflow/remind-overdue';
import { startTestTable, type TestTable } from '../support/dynamodb';
import { workflowCharter as testCharter } from '../support/charters';
import { testRound } from './fixtures';
import { createHarness, decideAndSend, practicesFor, reviewer, secretariat, type Harness } from './harness';

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
const FOURTEEN_DAYS_MS = 1_209_600_000;
const TWENTY_ONE_DAYS_MS = 1_814_400_000;
const SHORT = { eligibilitySeconds: 60, panelSeconds: 120, leadershipSeconds: 3600, objectionRulingSeconds: 3600 };

async function openTaskOf(roundId: string, kind: TaskKind): Promise<StoredTask> {
  for (let i = 0; i < 400; i += 1) {
    const [task] = await db.store.tasks.listTasksByRound(roundId, kind, 'OPEN');
    if (task) return task;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no open ${kind} task in ${roundId}`);
}

/** The sweep as the scheduled function runs it, at a time of the test's choosing. */
function sweeperAt(at: number, notifier?: Notifier): { deps: WorkflowDeps; clock: FixedClock } {
  const clock = new FixedClock(new Date(at));
  return {
    clock,
    deps: { store: db.store, objects: harness!.deps.objects, clock, notifier: notifier ?? new OutboxNotifier(db.store, clock) },
  };
}

async function overdueNotes(roundId: string) {
  return (await db.store.outbox.listNotificationsByRound(roundId))
    .filter((note) => note.kind === 'REMINDER' || note.kind === 'ESCALATION')
    .map((note) => [note.kind, note.recipient])
    .sort();
}

/** The office dashboard's overdue list at a given time (only the store and the clock matter to it). */
async function overdueOnDashboard(roundId: string, at: number): Promise<string[]> {
  const unused = () => {
    throw new Error('not used by the dashboard');
  };
  const deps: ApiDeps = {
    store: db.store,
    uploads: { presignPut: unused },
    workflows: { startFinalization: unused },
    decide: unused,
    now: () => new Date(at),
    newId: unused,
  };
  return (await dashboard(deps, secretariat, roundId)).overdueTasks.map((task) => task.taskId);
}

async function auditCount(roundId: string, action: string): Promise<number> {
  return (await db.store.audit.listAudit(roundId)).filter((entry) => entry.action === action).length;
}

describe('charter step timeouts', () => {
  it('eligibility: due by the charter, reminded and escalated once after it, still decidable before the ceiling', async () => {
    await db.store.rounds.createRound(testRound('r-due', 'OPEN', testCharter({ timeouts: SHORT })));
    harness = createHarness(db.store);
    await harness.upload('r-due', LIWAN.unitCode, 's-due', {
      title: '代表聯絡站建設創新',
      unit: LIWAN.unit,
      practices: practicesFor('聯絡站'),
    });
    const task = await openTaskOf('r-due', 'ELIGIBILITY');
    const opened = Date.parse(task.createdAt);
    expect(Date.parse(task.dueAt!) - opened).toBe(60_000);
    expect(Date.parse(task.expiresAt) - opened).toBe(FOURTEEN_DAYS_MS);

    // The office sees the step overdue from the charter's due time, not from the ceiling.
    expect(await overdueOnDashboard('r-due', opened + 59_000)).toEqual([]);
    expect(await overdueOnDashboard('r-due', opened + 61_000)).toEqual([task.taskId]);

    // Before the due time nothing is sent.
    const early = await remindOverdue(sweeperAt(opened + 59_000).deps);
    expect(early.reminded.filter((r) => r.roundId === 'r-due')).toEqual([]);
    expect(await overdueNotes('r-due')).toEqual([]);

    const first = await remindOverdue(sweeperAt(opened + 61_000).deps);
    expect(first.reminded.filter((r) => r.roundId === 'r-due')).toEqual([
      { taskId: task.taskId, kind: 'ELIGIBILITY', roundId: 'r-due', recipients: ['secretariat'] },
    ]);
    expect(await overdueNotes('r-due')).toEqual([
      ['ESCALATION', 'secretariat'],
      ['REMINDER', 'secretariat'],
    ]);
    expect(await auditCount('r-due', 'TASK_OVERDUE')).toBe(1);
    const reminded = await db.store.tasks.requireTask(task.taskId);
    expect(reminded).toMatchObject({ status: 'OPEN', remindedAt: new Date(opened + 61_000).toISOString() });

    // An hour later the next sweep finds the step already reminded: nothing new.
    const second = await remindOverdue(sweeperAt(opened + 3_661_000).deps);
    expect(second.reminded.filter((r) => r.roundId === 'r-due')).toEqual([]);
    expect(await overdueNotes('r-due')).toHaveLength(2);
    expect(await auditCount('r-due', 'TASK_OVERDUE')).toBe(1);

    // The due time does not close the step: the secretariat decides it and the review goes on.
    expect(await decideAndSend(harness, secretariat, task.taskId, { outcome: 'eligible' })).toMatchObject({ status: 'sent' });
    const panel = await openTaskOf('r-due', 'PANEL');
    expect(Date.parse(panel.dueAt!) - Date.parse(panel.createdAt)).toBe(120_000);
    expect(Date.parse(panel.expiresAt) - Date.parse(panel.createdAt)).toBe(TWENTY_ONE_DAYS_MS);
  });

  it('panel: overlapping sweeps remind only the reviewers who have not scored, once', async () => {
    await db.store.rounds.createRound(testRound('r-due-panel', 'OPEN', testCharter({ timeouts: SHORT })));
    harness = createHarness(db.store);
    await harness.upload('r-due-panel', LIWAN.unitCode, 's-due-panel', {
      title: '民生實事票決制',
      unit: LIWAN.unit,
      practices: practicesFor('票決'),
    });
    const eligibility = await openTaskOf('r-due-panel', 'ELIGIBILITY');
    await decideAndSend(harness, secretariat, eligibility.taskId, { outcome: 'eligible' });
    const panel = await openTaskOf('r-due-panel', 'PANEL');
    const [scorer, ...late] = panel.assignees!;
    expect(await decideAndSend(harness, reviewer(scorer!), panel.taskId, { scores: { innovation: 8, impact: 7 } })).toMatchObject({
      status: 'recorded',
    });

    const at = Date.parse(panel.dueAt!) + 1_000;
    const runs = await Promise.all([remindOverdue(sweeperAt(at).deps), remindOverdue(sweeperAt(at).deps)]);
    const reminded = runs.flatMap((run) => run.reminded).filter((r) => r.taskId === panel.taskId);
    expect(reminded).toEqual([{ taskId: panel.taskId, kind: 'PANEL', roundId: 'r-due-panel', recipients: [...late].sort() }]);
    expect(await overdueNotes('r-due-panel')).toEqual([['ESCALATION', 'secretariat'], ...late.map((id) => ['REMINDER', id])].sort());
    expect(await auditCount('r-due-panel', 'TASK_OVERDUE')).toBe(1);
  });

  it('a sweep whose notifier fails gives the claim back; the next one reminds without doubling what went out', async () => {
    await db.store.rounds.createRound(testRound('r-due-fail', 'OPEN', testCharter({ timeouts: SHORT })));
    harness = createHarness(db.store);
    await harness.upload('r-due-fail', LIWAN.unitCode, 's-due-fail', {
      title: '基層立法聯繫點創新',
      unit: LIWAN.unit,
      practices: practicesFor('聯繫點'),
    });
    const task = await openTaskOf('r-due-fail', 'ELIGIBILITY');
    const at = Date.parse(task.dueAt!) + 1_000;

    // The reminder goes out, then the escalation fails (SES down, say).
    const { clock } = sweeperAt(at);
    const outbox = new OutboxNotifier(db.store, clock);
    const failing: Notifier = {
      notify: async (draft) => {
        if (draft.kind === 'ESCALATION' && draft.roundId === 'r-due-fail') throw new Error('SES unavailable');
        return outbox.notify(draft);
      },
    };
    await expect(remindOverdue(sweeperAt(at, failing).deps)).rejects.toThrow('SES unavailable');
    expect((await db.store.tasks.requireTask(task.taskId)).remindedAt).toBeUndefined();
    expect(await overdueNotes('r-due-fail')).toEqual([['REMINDER', 'secretariat']]);
    expect(await auditCount('r-due-fail', 'TASK_OVERDUE')).toBe(0);

    const retry = await remindOverdue(sweeperAt(at + 60_000).deps);
    expect(retry.reminded.filter((r) => r.roundId === 'r-due-fail')).toHaveLength(1);
    expect(await overdueNotes('r-due-fail')).toEqual([
      ['ESCALATION', 'secretariat'],
      ['REMINDER', 'secretariat'],
    ]);
    expect(await auditCount('r-due-fail', 'TASK_OVERDUE')).toBe(1);
  });
});
