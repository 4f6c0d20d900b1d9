/**
 * The near-duplicate signature log's per-container cache (src/store/signatures.ts): what one
 * container has read is kept, and every lookup reads the unread tail. A stale container must
 * never hide a duplicate another container stored, nor answer with another round's data or a
 * replaced version, whatever order concurrent writers commit in.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { duplicateKeys } from '../../src/domain/similarity';
import { SYSTEM_ACTOR } from '../../src/domain/model';
import type { DuplicateIndexEntry, ReservedSignature } from '../../src/store/store';
import { Store } from '../../src/store/store';
import { startTestTable, type TestTable } from '../support/dynamodb';
import { randomPractices } from '../support/dossier-text';

let db: TestTable;
beforeAll(async () => {
  db = await startTestTable();
}, 120_000);
afterAll(async () => {
  await db?.stop();
}, 120_000);

/** A container of its own (its own cache) on the shared table, with a clock the test moves. */
function container(clock = { ms: Date.now() }): Store {
  return new Store({ doc: db.store.doc, tableName: db.tableName, now: () => clock.ms, signatureGraceMs: 60_000 });
}

const entry = (caseId: string, roundNumber: number, version = 1): DuplicateIndexEntry => ({
  caseId,
  roundId: `r-log-${roundNumber}`,
  roundNumber,
  unitCode: caseId,
  title: caseId,
  version,
});

/** Writes a reserved signature the way a step does: in a transaction (here with an audit entry). */
async function commit(store: Store, reserved: ReservedSignature, roundId = 'r-log-tx'): Promise<void> {
  await store.audit.appendAuditWith(
    { roundId, at: new Date().toISOString(), actor: SYSTEM_ACTOR, action: 'TEST_SIGNATURE', subject: 'test', change: {} },
    [reserved.write],
  );
}

const found = async (store: Store, keys: string[]) =>
  (await store.cases.findRankedDuplicateCandidates(keys, 30)).candidates.map((c) => `${c.caseId}@${c.roundNumber}v${c.version}`).sort();

describe('near-duplicate signature log cache', () => {
  it('a warm container sees what another container stored after it last read (two containers, one writes)', async () => {
    const text = { title: '兩個容器', practicesText: randomPractices(9_101) };
    const keys = duplicateKeys(text);
    const a = container();
    const b = container();
    expect(await found(a, keys)).toEqual([]); // A is warm now
    await commit(b, await b.cases.reserveSignature(entry('c-two-b', 6), keys));
    expect(await found(a, keys)).toEqual(['c-two-b@6v1']);
    expect(await found(b, keys)).toEqual(['c-two-b@6v1']);
  });

  it('a seq reserved but not yet written is read again until it is: entries committed out of order are never skipped', async () => {
    const text = { title: '亂序提交', practicesText: randomPractices(9_201) };
    const keys = duplicateKeys(text);
    const reader = container();
    await found(reader, keys);
    const slow = container();
    const fast = container();
    const early = await slow.cases.reserveSignature(entry('c-order-slow', 6), keys);
    const late = await fast.cases.reserveSignature(entry('c-order-fast', 6), keys);
    expect(late.seq).toBeGreaterThan(early.seq);
    await commit(fast, late);
    expect(await found(reader, keys)).toEqual(['c-order-fast@6v1']);
    // The reader went past `early` only to read `late`; `early` commits now and is still found.
    await commit(slow, early);
    expect(await found(reader, keys)).toEqual(['c-order-fast@6v1', 'c-order-slow@6v1']);
  });

  it('a seq whose writer stalled past the grace period is filled as abandoned; the writer then fails as contention and its retry is found', async () => {
    const clock = { ms: Date.now() };
    const text = { title: '停滯的寫入', practicesText: randomPractices(9_301) };
    const keys = duplicateKeys(text);
    const reader = container(clock);
    await found(reader, keys);
    const stalled = container(clock);
    const other = container(clock);
    const reserved = await stalled.cases.reserveSignature(entry('c-stall', 7), keys);
    await commit(other, await other.cases.reserveSignature(entry('c-stall-other', 7), keys));
    expect(await found(reader, keys)).toEqual(['c-stall-other@7v1']); // within the grace period: not filled
    clock.ms += 61_000;
    expect(await found(reader, keys)).toEqual(['c-stall-other@7v1']); // filled as abandoned now
    await expect(commit(stalled, reserved)).rejects.toMatchObject({ name: 'Casebook.StoreContention', code: 'CONTENTION' });
    // The step is retried: a fresh seq, found by the reader that filled the old one.
    await commit(stalled, await stalled.cases.reserveSignature(entry('c-stall', 7), keys));
    expect(await found(reader, keys)).toEqual(['c-stall-other@7v1', 'c-stall@7v1']);
  });

  it("never answers with another round's data or a replaced version, warm or cold", async () => {
    const text = { title: '跨輪次', practicesText: randomPractices(9_401) };
    const keys = duplicateKeys(text);
    const warm = container();
    await commit(warm, await warm.cases.reserveSignature(entry('c-round-5', 5), keys));
    await commit(warm, await warm.cases.reserveSignature(entry('c-round-6', 6), keys));
    expect(await found(warm, keys)).toEqual(['c-round-5@5v1', 'c-round-6@6v1']);
    // c-round-6 gets a second version with another text: its first version's buckets no longer name it.
    const other = container();
    const replacement = duplicateKeys({ title: '跨輪次新版', practicesText: randomPractices(9_402) });
    await commit(other, await other.cases.reserveSignature(entry('c-round-6', 6, 2), replacement));
    for (const store of [warm, container()]) {
      expect(await found(store, keys)).toEqual(['c-round-5@5v1']);
      expect(await found(store, replacement)).toEqual(['c-round-6@6v2']);
    }
    // A late retry of the replaced version's step changes nothing.
    await other.cases.fileSignature(entry('c-round-6', 6, 1), keys);
    expect(await found(warm, keys)).toEqual(['c-round-5@5v1']);
  });

  it('a transaction that fails for its own reason leaves no signature, and its seq does not hold readers back', async () => {
    const text = { title: '失敗的交易', practicesText: randomPractices(9_501) };
    const keys = duplicateKeys(text);
    const reader = container();
    await found(reader, keys);
    const writer = container();
    const reserved = await writer.cases.reserveSignature(entry('c-failed', 6), keys);
    const record = {
      caseId: 'c-failed-exists',
      roundId: 'r-log-6',
      unitCode: 'x',
      unitName: 'x',
      city: '440100',
      level: 'county' as const,
      title: 'x',
      currentVersion: 1,
      currentSubmissionId: 's-x',
      status: 'IN_REVIEW' as const,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    };
    const version = {
      caseId: record.caseId,
      roundId: record.roundId,
      version: 1,
      submissionId: 's-x',
      dossier: {},
      createdAt: record.createdAt,
    };
    await writer.cases.createCase(record, version);
    await expect(
      writer.audit.appendAuditWith(
        { roundId: 'r-log-tx', at: record.createdAt, actor: SYSTEM_ACTOR, action: 'TEST', subject: 't', change: {} },
        [...writer.cases.createCaseWrites(record, version), reserved.write],
      ),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await writer.cases.abandonSignature(reserved.seq);
    await commit(writer, await writer.cases.reserveSignature(entry('c-after-failed', 6), keys));
    expect(await found(reader, keys)).toEqual(['c-after-failed@6v1']);
  });
});
