import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { AuditEntry } from '../../../src/domain/model';
import { GENESIS_HASH, appendEntry, hashEntry, verifyChain } from '../../../src/domain/audit/chain';

const office = { id: 'u-office', name: '秘書處 王主任' };

function buildChain(roundId: string, changes: unknown[]): AuditEntry[] {
  const entries: AuditEntry[] = [];
  changes.forEach((change, index) => {
    entries.push(
      appendEntry(entries.at(-1) ?? null, {
        roundId,
        at: `2025-06-01T08:${String(index % 60).padStart(2, '0')}:00.000Z`,
        actor: office,
        action: index === 0 ? 'ROUND_OPENED' : 'SCORE_RECORDED',
        subject: `CASE#c${index}`,
        change,
      }),
    );
  });
  return entries;
}

describe('audit chain', () => {
  it('starts at seq 1 from the genesis hash and links each entry to the previous hash', () => {
    const [first, second] = buildChain('r6', [{ status: 'OPEN' }, { total: 8.25 }]);
    expect(first!.seq).toBe(1);
    expect(first!.prevHash).toBe(GENESIS_HASH);
    expect(second!.seq).toBe(2);
    expect(second!.prevHash).toBe(first!.hash);
    expect(first!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first!.hash).toBe(hashEntry(GENESIS_HASH, first!));
  });

  it('hashes only the documented fields, independent of key order and of extra actor fields', () => {
    const entry = buildChain('r6', [{ b: 1, a: [1, 2] }])[0]!;
    const reordered = {
      change: { a: [1, 2], b: 1 },
      subject: entry.subject,
      action: entry.action,
      actor: { name: office.name, id: office.id, roles: ['secretariat'] },
      at: entry.at,
      seq: entry.seq,
      roundId: entry.roundId,
    } as unknown as AuditEntry;
    expect(hashEntry(GENESIS_HASH, reordered)).toBe(entry.hash);
  });

  it('verifies an intact chain and reports its head and count', () => {
    const entries = buildChain('r6', [1, 2, 3, 4]);
    expect(verifyChain(entries)).toEqual({ ok: true, count: 4, head: entries[3]!.hash });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: GENESIS_HASH });
  });

  it('names the changed entry when a field of one stored entry is altered', () => {
    const entries = buildChain('r6', [{ a: 1 }, { total: 7 }, { total: 9 }, { total: 6 }]);
    const tampered = entries.map((entry) => ({ ...entry }));
    tampered[2] = { ...tampered[2]!, change: { total: 10 } };
    const result = verifyChain(tampered);
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 3 });
    if (!result.ok) expect(result.reason.en).toContain('changed');
  });

  it('names the entry after a rehashed forgery, because its link no longer matches', () => {
    const entries = buildChain('r6', [1, 2, 3]);
    const forged = { ...entries[1]!, actor: { id: 'u-mallory', name: 'Mallory' } };
    forged.hash = hashEntry(forged.prevHash, forged);
    const result = verifyChain([entries[0]!, forged, entries[2]!]);
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });

  it('detects a removed entry as a gap in the sequence', () => {
    const entries = buildChain('r6', [1, 2, 3, 4]);
    const result = verifyChain([entries[0]!, entries[1]!, entries[3]!]);
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 3 });
    if (!result.ok) expect(result.reason.en).toContain('missing');
  });

  it('detects reordered entries', () => {
    const entries = buildChain('r6', [1, 2, 3, 4]);
    const result = verifyChain([entries[0]!, entries[2]!, entries[1]!, entries[3]!]);
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: 2 });
    if (!result.ok) expect(result.reason.en).toContain('reordered');
  });

  it('detects an inserted entry even when it is correctly hashed onto its predecessor', () => {
    const entries = buildChain('r6', [1, 2, 3]);
    const inserted = appendEntry(entries[0]!, {
      roundId: 'r6',
      at: '2025-06-01T09:00:00.000Z',
      actor: office,
      action: 'SCORE_RECORDED',
      subject: 'CASE#x',
      change: 1,
    });
    const renumbered = { ...entries[1]!, seq: 3 };
    const result = verifyChain([entries[0]!, inserted, renumbered, entries[2]!]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.firstBrokenSeq).toBe(3);
  });

  it('detects truncation of the tail against the anchor kept on the round', () => {
    const entries = buildChain('r6', [1, 2, 3]);
    expect(verifyChain(entries.slice(0, 2), { count: 3, head: entries[2]!.hash })).toMatchObject({ ok: false, firstBrokenSeq: 3 });
    expect(verifyChain(entries, { count: 3, head: entries[2]!.hash }).ok).toBe(true);
  });

  it('refuses to chain an entry after another round', () => {
    const [first] = buildChain('r6', [1]);
    expect(() => appendEntry(first!, { roundId: 'r7', at: 'x', actor: office, action: 'A', subject: 'S', change: null })).toThrow(
      /AUDIT_ROUND_MISMATCH/,
    );
  });

  it('property: altering any one field of any one entry breaks the chain exactly there', () => {
    const json = fc.jsonValue({ maxDepth: 2 });
    fc.assert(
      fc.property(
        fc.array(json, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.constantFrom('at', 'action', 'subject', 'change', 'actor', 'roundId'),
        (changes, pick, field) => {
          const entries = buildChain('r6', changes);
          const index = pick % entries.length;
          const original = entries[index]!;
          const altered: AuditEntry = { ...original };
          if (field === 'at') altered.at = `${original.at}Z`;
          if (field === 'action') altered.action = `${original.action}_X`;
          if (field === 'subject') altered.subject = `${original.subject}x`;
          if (field === 'change') altered.change = { tampered: original.change ?? null };
          if (field === 'actor') altered.actor = { id: original.actor.id, name: `${original.actor.name} ` };
          if (field === 'roundId') altered.roundId = 'r6x';
          const tampered = entries.map((entry, at) => (at === index ? altered : entry));
          const result = verifyChain(tampered);
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.firstBrokenSeq).toBe(original.seq);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports a malformed stored entry instead of throwing', () => {
    const entries = buildChain('r6', [1, 2]);
    const damaged = { ...entries[1]!, actor: undefined } as unknown as AuditEntry;
    expect(verifyChain([entries[0]!, damaged])).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });

  it('property: removing any one entry, or swapping two neighbours, fails at the first affected position', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10 }), fc.nat(), fc.boolean(), (length, pick, remove) => {
        const entries = buildChain(
          'r6',
          Array.from({ length }, (_, index) => ({ index })),
        );
        if (remove) {
          const index = pick % (length - 1); // removing the last entry is only visible against an anchor
          const result = verifyChain(entries.filter((_, at) => at !== index));
          expect(result).toMatchObject({ ok: false, firstBrokenSeq: index + 1 });
          expect(verifyChain(entries.slice(0, -1), { count: length }).ok).toBe(false);
        } else {
          const index = pick % (length - 1);
          const swapped = [...entries];
          [swapped[index], swapped[index + 1]] = [swapped[index + 1]!, swapped[index]!];
          expect(verifyChain(swapped)).toMatchObject({ ok: false, firstBrokenSeq: index + 1 });
        }
      }),
      { numRuns: 200 },
    );
  });
});
