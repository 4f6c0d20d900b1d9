import { describe, expect, it } from '@jest/globals';
import type { AuditEntry } from '../../../src/domain/model';
import { GENESIS_HASH, appendEntry, sealEntry, verifyChain, type UnsealedAuditEntry } from '../../../src/domain/audit/chain';

const actor = { id: 'u-office', name: '秘書處' };

function unsealed(seq: number, change: unknown = { seq }): UnsealedAuditEntry {
  return {
    roundId: 'r9',
    seq,
    at: `2026-03-01T00:00:${String(seq).padStart(2, '0')}.000Z`,
    actor,
    action: 'TEST',
    subject: `s${seq}`,
    change,
    sealed: false,
  };
}

function sealAll(entries: UnsealedAuditEntry[]): AuditEntry[] {
  const sealed: AuditEntry[] = [];
  for (const entry of entries) sealed.push(sealEntry(sealed.at(-1)?.hash ?? GENESIS_HASH, entry));
  return sealed;
}

describe('sealing appended audit entries', () => {
  it('links exactly as appendEntry would have, so sealed chains verify like appended ones', () => {
    const appended = appendEntry(null, { roundId: 'r9', at: unsealed(1).at, actor, action: 'TEST', subject: 's1', change: { seq: 1 } });
    const sealed = sealEntry(GENESIS_HASH, unsealed(1));
    expect(sealed).toEqual(appended);
    expect(sealed).not.toHaveProperty('sealed');
    const chain = sealAll([1, 2, 3].map((seq) => unsealed(seq)));
    expect(verifyChain(chain)).toEqual({ ok: true, count: 3, head: chain[2]!.hash });
  });

  it('reports an unsealed tail without failing, and counts only sealed entries', () => {
    const chain = sealAll([unsealed(1), unsealed(2)]);
    const result = verifyChain([...chain, unsealed(4), unsealed(5)]);
    expect(result).toEqual({ ok: true, count: 2, head: chain[1]!.hash, unsealed: { count: 2, firstSeq: 4 } });
  });

  it('still names a changed sealed entry when an unsealed tail follows', () => {
    const chain = sealAll([unsealed(1), unsealed(2), unsealed(3)]);
    const tampered = [chain[0]!, { ...chain[1]!, subject: 'forged' }, chain[2]!, unsealed(4)];
    expect(verifyChain(tampered)).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });

  it('breaks when a sealed entry follows an unsealed one, or the unsealed tail goes backwards', () => {
    const chain = sealAll([unsealed(1), unsealed(2), unsealed(3)]);
    expect(verifyChain([chain[0]!, unsealed(2), chain[2]!])).toMatchObject({ ok: false, firstBrokenSeq: 3 });
    expect(verifyChain([chain[0]!, unsealed(3), unsealed(2)])).toMatchObject({ ok: false, firstBrokenSeq: 2 });
    expect(verifyChain([chain[0]!, { ...unsealed(2), roundId: 'other' }])).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });
});
