/**
 * Notifications are recorded (and sent) once per thing they are about: a retried step, or one
 * that crashed halfway and ran again, adds nothing and emails nobody twice.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { CaseRecord } from '../../src/domain/model';
import { notificationIdFor, OutboxNotifier } from '../../src/adapters/outbox-notifier';
import { SesNotifier } from '../../src/adapters/ses-notifier';
import { MemoryObjectStore } from '../support/fakes';
import type { NotificationDraft, Notifier } from '../../src/ports/notifier';
import type { WorkflowDeps } from '../../src/usecases/deps';
import { markApproved } from '../../src/usecases/workflow/mark-approved';
import { startTestTable, type TestTable } from '../support/dynamodb';
import { testRound } from './fixtures';

let db: TestTable;
beforeAll(async () => {
  db = await startTestTable();
}, 120_000);
afterAll(async () => {
  await db?.stop();
}, 120_000);

let tick = 0;
/** A clock that moves on every reading, so a repeat would carry a different createdAt. */
const movingClock = { now: () => new Date(Date.UTC(2026, 5, 1) + 1000 * tick++) };

const draft = (roundId: string, over: Partial<NotificationDraft> = {}): NotificationDraft => ({
  roundId,
  kind: 'FINAL_RESULT',
  recipient: '440103',
  dedupKey: 'result:c-1',
  subject: { zh: '評選結果', en: 'Result' },
  body: { zh: '已入選', en: 'Selected' },
  ...over,
});

async function approvedRound(roundId: string): Promise<CaseRecord[]> {
  await db.store.rounds.createRound({
    ...testRound(roundId, 'NOTICE'),
    approvedList: [{ caseId: `${roundId}-a`, order: 1, reason: '做法可複製' }],
  });
  const records: CaseRecord[] = [
    { caseId: `${roundId}-a`, unitCode: '440103', status: 'SELECTED', title: '代表聯絡站' } as const,
    { caseId: `${roundId}-b`, unitCode: '440303', status: 'REVIEWED', title: '直播述職' } as const,
    { caseId: `${roundId}-c`, unitCode: '440402', status: 'REVIEWED', title: '聯絡站一體化' } as const,
  ].map((c) => ({
    ...c,
    roundId,
    unitName: c.title,
    city: '440100',
    level: 'county',
    currentVersion: 1,
    currentSubmissionId: `s-${c.caseId}`,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  }));
  for (const record of records) {
    await db.store.cases.createCase(record, {
      caseId: record.caseId,
      roundId,
      version: 1,
      submissionId: record.currentSubmissionId,
      dossier: {},
      createdAt: record.createdAt,
    });
  }
  return records;
}

const depsWith = (notifier: Notifier): WorkflowDeps => ({
  store: db.store,
  objects: new MemoryObjectStore(),
  clock: movingClock,
  notifier,
});

describe('idempotent notifications', () => {
  it('mark-approved run twice leaves one result notification per applicant', async () => {
    await approvedRound('r-twice');
    const deps = depsWith(new OutboxNotifier(db.store, movingClock));
    expect(await markApproved(deps, { roundId: 'r-twice' })).toEqual({ approved: 1, notSelected: 2 });
    const first = await db.store.outbox.listNotificationsByRound('r-twice');
    expect(await markApproved(deps, { roundId: 'r-twice' })).toEqual({ approved: 1, notSelected: 0 });
    const after = await db.store.outbox.listNotificationsByRound('r-twice');
    expect(after).toEqual(first);
    expect(after.map((n) => n.recipient).sort()).toEqual(['440103', '440303', '440402']);
    expect(after.filter((n) => n.kind === 'FINAL_RESULT')).toHaveLength(3);
  });

  it('mark-approved that crashed after the first notification completes the set on retry, without repeats', async () => {
    await approvedRound('r-crash');
    const outbox = new OutboxNotifier(db.store, movingClock);
    let sent = 0;
    const crashing: Notifier = {
      notify: async (d) => {
        if (sent++ === 1) throw new Error('Lambda timed out');
        return outbox.notify(d);
      },
    };
    await expect(markApproved(depsWith(crashing), { roundId: 'r-crash' })).rejects.toThrow('Lambda timed out');
    expect(await db.store.outbox.listNotificationsByRound('r-crash')).toHaveLength(1);
    await markApproved(depsWith(outbox), { roundId: 'r-crash' });
    const notes = await db.store.outbox.listNotificationsByRound('r-crash');
    expect(notes.map((n) => n.recipient).sort()).toEqual(['440103', '440303', '440402']);
  });

  it('the id is a function of round, kind, recipient and subject; anything else differing is another notification', async () => {
    await db.store.rounds.createRound(testRound('r-ids'));
    const outbox = new OutboxNotifier(db.store, movingClock);
    const id = await outbox.notify(draft('r-ids'));
    expect(id).toBe(notificationIdFor(draft('r-ids')));
    expect(await outbox.notify(draft('r-ids', { body: { zh: '重試時文字不同', en: 'reworded on retry' } }))).toBe(id);
    const others = await Promise.all([
      outbox.notify(draft('r-ids', { dedupKey: 'result:c-2' })),
      outbox.notify(draft('r-ids', { recipient: '440303' })),
      outbox.notify(draft('r-ids', { kind: 'REMINDER' })),
    ]);
    expect(new Set([id, ...others]).size).toBe(4);
    const notes = await db.store.outbox.listNotificationsByRound('r-ids');
    expect(notes).toHaveLength(4);
    // The first text stays: a repeat changes nothing that was recorded.
    expect(notes.find((n) => n.notificationId === id)!.body.en).toBe('Selected');
  });

  describe('SES', () => {
    const ses = mockClient(SESv2Client);
    beforeEach(() => {
      ses.reset();
    }, 120_000);

    it('records, sends once, and a retried step neither records nor sends again', async () => {
      ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
      await db.store.rounds.createRound(testRound('r-ses'));
      const notifier = new SesNotifier(new SESv2Client({ region: 'us-east-1' }), db.store, movingClock, 'office@example.org');
      const id = await notifier.notify(draft('r-ses', { recipient: 'unit@example.org' }));
      expect(await notifier.notify(draft('r-ses', { recipient: 'unit@example.org' }))).toBe(id);
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
      expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Destination?.ToAddresses).toEqual(['unit@example.org']);
      const notes = await db.store.outbox.listNotificationsByRound('r-ses');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ notificationId: id, status: 'RELEASED' });
      expect(await db.store.outbox.listPendingNotifications()).not.toContainEqual(expect.objectContaining({ notificationId: id }));
    });

    it('a send SES refused is withdrawn, so the retry sends it (once)', async () => {
      ses.on(SendEmailCommand).rejectsOnce(new Error('Throttling')).resolves({ MessageId: 'm-2' });
      await db.store.rounds.createRound(testRound('r-ses-retry'));
      const notifier = new SesNotifier(new SESv2Client({ region: 'us-east-1' }), db.store, movingClock, 'office@example.org');
      await expect(notifier.notify(draft('r-ses-retry'))).rejects.toThrow('Throttling');
      expect(await db.store.outbox.listNotificationsByRound('r-ses-retry')).toEqual([]);
      await notifier.notify(draft('r-ses-retry'));
      await notifier.notify(draft('r-ses-retry'));
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
      expect((await db.store.outbox.listNotificationsByRound('r-ses-retry')).map((n) => n.status)).toEqual(['RELEASED']);
    });
  });
});
