/**
 * The audit chain under concurrent appends (docs/table-design.md, "Audit chain"): appends only
 * take a seq from the head's counter and write the entry unsealed; sealing links them later.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AUDIT_SEQ_ABANDONED, verifyChain } from '../../src/domain/audit/chain';
import { keys } from '../../src/store/schema';
import { Store } from '../../src/store/store';
import { startTestTable, type TestTable } from '../support/dynamodb';

let db: TestTable;
beforeAll(async () => {
  db = await startTestTable();
}, 120_000);
afterAll(async () => {
  await db?.stop();
}, 120_000);

const actor = { id: 'sec-1', name: '秘書處' };
const draft = (roundId: string, i: number) => ({
  roundId,
  at: `2026-03-01T00:00:00.${String(i).padStart(3, '0')}Z`,
  actor,
  action: 'TEST',
  subject: `s${i}`,
  change: { i },
});

/** A Store whose client counts the commands it sends, by command name. */
function countingStore(options: { now?: () => number; auditGraceMs?: number } = {}) {
  const counts = new Map<string, number>();
  const doc = new Proxy(db.store.doc, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: object) => {
        const name = command.constructor.name;
        counts.set(name, (counts.get(name) ?? 0) + 1);
        return target.send(command as never);
      };
    },
  }) as DynamoDBDocumentClient;
  return { store: new Store({ doc, tableName: db.tableName, ...options }), counts };
}

/** What a writer that died between its counter update and its put leaves behind. */
async function reserveWithoutWriting(roundId: string, at: number) {
  await db.store.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: keys.auditHead(roundId),
      UpdateExpression: 'ADD nextSeq :one SET reservedAt = :at',
      ExpressionAttributeValues: { ':one': 1, ':at': at },
    }),
  );
}

describe('audit chain under concurrent appends', () => {
  it('lands 50 parallel appends with distinct seqs, two writes each and no reads, and seals them into one verifiable chain', async () => {
    const { store, counts } = countingStore();
    const appended = await Promise.all(Array.from({ length: 50 }, (_, i) => store.audit.appendAudit(draft('r-burst', i))));
    expect(new Set(appended.map((entry) => entry.seq)).size).toBe(50);
    expect(Object.fromEntries(counts)).toEqual({ UpdateCommand: 50, PutCommand: 50 });
    expect(appended.every((entry) => entry.sealed === false)).toBe(true);

    const entries = await store.audit.listAudit('r-burst');
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(entries.map((entry) => entry.subject))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `s${i}`)));
    const bySeq = new Map(appended.map((entry) => [entry.seq, entry.subject]));
    for (const entry of entries) expect(entry.subject).toBe(bySeq.get(entry.seq));
    expect(entries[0]).not.toHaveProperty('sealed');
    expect(verifyChain(entries)).toEqual({ ok: true, count: 50, head: entries[49]!.hash });
    expect((await store.audit.exportAudit('r-burst')).trim().split('\n')).toHaveLength(50);
  });

  it('keeps one chain when several sealers race, and appends after sealing link onto the sealed head', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => db.store.audit.appendAudit(draft('r-race', i))));
    const results = await Promise.all(Array.from({ length: 5 }, () => db.store.audit.sealAudit('r-race')));
    expect(results.every((result) => result.sealedSeq === 30 && result.pending === 0)).toBe(true);
    await Promise.all(Array.from({ length: 5 }, (_, i) => db.store.audit.appendAudit(draft('r-race', 100 + i))));
    const entries = await db.store.audit.listAudit('r-race');
    expect(entries).toHaveLength(35);
    expect(entries[30]!.prevHash).toBe(entries[29]!.hash);
    expect(verifyChain(entries)).toMatchObject({ ok: true, count: 35 });
  });

  it('names a changed sealed entry, and sealing later appends does not paper over it', async () => {
    await Promise.all(Array.from({ length: 6 }, (_, i) => db.store.audit.appendAudit(draft('r-tamper', i))));
    await db.store.audit.sealAudit('r-tamper');
    await db.store.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.audit('r-tamper', 4),
        UpdateExpression: 'SET subject = :forged',
        ExpressionAttributeValues: { ':forged': 'forged' },
      }),
    );
    await db.store.audit.appendAudit(draft('r-tamper', 99));
    const result = verifyChain(await db.store.audit.listAudit('r-tamper'));
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 4 });
  });

  it('waits for a reserved seq within the grace period, then fills it with an explicit abandoned entry', async () => {
    let clock = Date.parse('2026-03-01T00:00:00.000Z');
    const { store } = countingStore({ now: () => clock, auditGraceMs: 60_000 });
    await store.audit.appendAudit(draft('r-gap', 1));
    await reserveWithoutWriting('r-gap', clock);
    clock += 1_000;
    await store.audit.appendAudit(draft('r-gap', 3));

    clock += 30_000;
    const pending = await store.audit.listAuditWithPending('r-gap');
    expect(pending.map((entry) => [entry.seq, 'sealed' in entry ? entry.sealed : true])).toEqual([
      [1, true],
      [3, false],
    ]);
    expect(verifyChain(pending)).toMatchObject({ ok: true, count: 1, unsealed: { count: 1, firstSeq: 3 } });
    expect((await store.audit.listAudit('r-gap')).map((entry) => entry.seq)).toEqual([1]);
    expect(await store.audit.sealAudit('r-gap')).toMatchObject({ sealedSeq: 1, pending: 2 });

    clock += 30_001;
    const entries = await store.audit.listAudit('r-gap');
    expect(entries.map((entry) => [entry.seq, entry.action])).toEqual([
      [1, 'TEST'],
      [2, AUDIT_SEQ_ABANDONED],
      [3, 'TEST'],
    ]);
    expect(entries[1]!.actor.id).toBe('system');
    expect(verifyChain(entries)).toEqual({ ok: true, count: 3, head: entries[2]!.hash });
  });
});
