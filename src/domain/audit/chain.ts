/**
 * The hash-chained audit trail of a round.
 *
 * Each entry's hash is SHA-256 over the canonical JSON of
 * `{ roundId, seq, at, actor: { id, name }, action, subject, change, prevHash }`, and `prevHash` is
 * the previous entry's hash (64 zeros for the first). Changing, removing, reordering or inserting
 * a stored entry therefore breaks the chain at a point `verifyChain` can name. Rewriting the whole
 * tail consistently is only detectable against an anchor kept elsewhere (the head hash and count
 * stored on the round item), which `verifyChain` accepts as `expected`.
 */
import type { AuditEntry, Bilingual } from '../model';
import { canonicalJson, sha256Hex } from '../round/canonical-json';
import { DomainInvariantError, issue } from '../round/outcome';

/** prevHash of the first entry of every round. */
export const GENESIS_HASH = '0'.repeat(64);

/** Sequence number of the first entry (table sort key `<seq:010>`). */
export const FIRST_SEQ = 1;

export type UnhashedAuditEntry = Omit<AuditEntry, 'hash' | 'prevHash'>;

/**
 * An entry that was appended (it holds its seq) but not linked yet. Appends write these so that
 * concurrent writers never race for the chain's head; a single sealer links them later, in seq
 * order, with `sealEntry`. Until then they are not tamper-evident, which `verifyChain` reports.
 */
export type UnsealedAuditEntry = UnhashedAuditEntry & { sealed: false };

/** What a round's audit partition holds: the sealed chain, then possibly an unsealed tail. */
export type StoredAuditEntry = AuditEntry | UnsealedAuditEntry;

/** The action of the entry a sealer writes for a seq whose writer never wrote its entry. */
export const AUDIT_SEQ_ABANDONED = 'AUDIT_SEQ_ABANDONED';

export function isUnsealed(entry: unknown): entry is UnsealedAuditEntry {
  return entry !== null && typeof entry === 'object' && (entry as { sealed?: unknown }).sealed === false;
}

/** Links an appended entry to the chain: same hashing as `appendEntry`, so `verifyChain` holds. */
export function sealEntry(prevHash: string, entry: UnhashedAuditEntry): AuditEntry {
  const unhashed: UnhashedAuditEntry = {
    roundId: entry.roundId,
    seq: entry.seq,
    at: entry.at,
    actor: { id: entry.actor.id, name: entry.actor.name },
    action: entry.action,
    subject: entry.subject,
    change: entry.change,
  };
  return { ...unhashed, prevHash, hash: hashEntry(prevHash, unhashed) };
}

/** What a caller supplies to append: the chain fills in seq, prevHash and hash. */
export interface AuditInput {
  roundId: string;
  at: string;
  /** Only `id` and `name` are recorded, so a full Actor (with roles) may be passed. */
  actor: { id: string; name: string };
  action: string;
  subject: string;
  change: unknown;
}

/** SHA-256 (hex) of an entry, chained to `prevHash`. */
export function hashEntry(prevHash: string, entry: UnhashedAuditEntry): string {
  return sha256Hex(
    canonicalJson({
      roundId: entry.roundId,
      seq: entry.seq,
      at: entry.at,
      actor: { id: entry.actor.id, name: entry.actor.name },
      action: entry.action,
      subject: entry.subject,
      change: entry.change,
      prevHash,
    }),
  );
}

/**
 * The entry that follows `prev` (or the round's first entry when `prev` is null).
 * Throws a DomainInvariantError when `prev` belongs to another round: that is a bug in the
 * caller, never a person's input.
 */
export function appendEntry(prev: AuditEntry | null, input: AuditInput): AuditEntry {
  if (prev && prev.roundId !== input.roundId) {
    throw new DomainInvariantError([
      issue(
        'AUDIT_ROUND_MISMATCH',
        'roundId',
        `審計記錄不能接在另一輪次（${prev.roundId}）的鏈之後`,
        `an audit entry for round ${input.roundId} cannot follow round ${prev.roundId}'s chain`,
      ),
    ]);
  }
  const entry: UnhashedAuditEntry = {
    roundId: input.roundId,
    seq: prev ? prev.seq + 1 : FIRST_SEQ,
    at: input.at,
    actor: { id: input.actor.id, name: input.actor.name },
    action: input.action,
    subject: input.subject,
    change: input.change,
  };
  const prevHash = prev ? prev.hash : GENESIS_HASH;
  return { ...entry, prevHash, hash: hashEntry(prevHash, entry) };
}

export type ChainVerification =
  | {
      ok: true;
      /** Sealed entries verified. */
      count: number;
      head: string;
      /** Present only when entries after the sealed chain are not linked yet (not tamper-evident). */
      unsealed?: { count: number; firstSeq: number };
    }
  | { ok: false; firstBrokenSeq: number; reason: Bilingual };

/** Optional anchor, e.g. the head hash and count stored on the round item when the last entry was written. */
export interface ChainAnchor {
  head?: string;
  count?: number;
}

/**
 * Recomputes the chain over entries in stored order (ascending seq, as the table returns them)
 * and names the first broken link: a changed field (hash mismatch), a removed entry (seq gap),
 * a reordered or inserted entry (seq out of order or prevHash not the previous hash).
 *
 * Unsealed entries may only form the tail (sealing goes in seq order); they are counted in
 * `unsealed`, not verified, and a sealed entry after an unsealed one breaks the chain.
 */
export function verifyChain(entries: readonly StoredAuditEntry[], expected: ChainAnchor = {}): ChainVerification {
  const firstUnsealed = entries.findIndex(isUnsealed);
  const sealed = firstUnsealed < 0 ? entries : entries.slice(0, firstUnsealed);
  const result = verifySealed(sealed as readonly AuditEntry[], expected);
  if (!result.ok || firstUnsealed < 0) return result;
  const tail = entries.slice(firstUnsealed);
  const roundId = (entries[0] as Partial<AuditEntry>).roundId;
  let previousSeq = sealed.length;
  for (const entry of tail) {
    const seq = (entry as Partial<AuditEntry> | null)?.seq;
    if (!isUnsealed(entry)) {
      const at = typeof seq === 'number' ? seq : previousSeq + 1;
      return broken(
        at,
        `第 ${at} 條記錄已封存，卻排在未封存的記錄之後，封存順序被改動`,
        `entry ${at} is sealed but follows an unsealed entry: the sealing order was tampered with`,
      );
    }
    if (!wellFormedUnhashed(entry) || entry.roundId !== roundId || entry.seq <= previousSeq) {
      const at = typeof seq === 'number' ? seq : previousSeq + 1;
      return broken(
        at,
        `第 ${at} 條未封存記錄格式不完整、屬於另一輪次或順序錯誤`,
        `unsealed entry ${at} is malformed, belongs to another round or is out of order`,
      );
    }
    previousSeq = entry.seq;
  }
  return { ...result, unsealed: { count: tail.length, firstSeq: (tail[0] as UnsealedAuditEntry).seq } };
}

function verifySealed(entries: readonly AuditEntry[], expected: ChainAnchor): ChainVerification {
  let prevHash = GENESIS_HASH;
  const roundId = (entries[0] as Partial<AuditEntry> | null | undefined)?.roundId;
  const seqsPresent = new Set(entries.map((entry) => (entry as Partial<AuditEntry> | null)?.seq));
  for (const [index, entry] of entries.entries()) {
    const expectedSeq = FIRST_SEQ + index;
    if (!wellFormed(entry)) {
      return broken(
        expectedSeq,
        `第 ${expectedSeq} 個位置的記錄格式不完整（缺少序號、時間、操作者或雜湊值）`,
        `the entry at position ${expectedSeq} is malformed (missing seq, time, actor or hash)`,
      );
    }
    if (entry.roundId !== roundId) {
      return broken(
        entry.seq,
        `第 ${entry.seq} 條記錄屬於另一輪次（${entry.roundId}），不應在此鏈中`,
        `entry ${entry.seq} belongs to round ${entry.roundId}, not to this chain (${roundId})`,
      );
    }
    if (entry.seq !== expectedSeq) {
      if (entry.seq > expectedSeq && !seqsPresent.has(expectedSeq)) {
        return broken(
          expectedSeq,
          `第 ${expectedSeq} 條記錄缺失（下一條為第 ${entry.seq} 條），記錄可能被刪除`,
          `entry ${expectedSeq} is missing (the next stored entry is ${entry.seq}); an entry was removed`,
        );
      }
      return broken(
        expectedSeq,
        `第 ${expectedSeq} 個位置出現第 ${entry.seq} 條記錄，記錄順序被更改或插入了記錄`,
        `position ${expectedSeq} holds entry ${entry.seq}: entries were reordered or one was inserted`,
      );
    }
    const recomputed = hashEntry(entry.prevHash, entry);
    if (recomputed !== entry.hash) {
      return broken(
        entry.seq,
        `第 ${entry.seq} 條記錄的內容與其雜湊值不符，記錄已被修改`,
        `entry ${entry.seq} does not match its hash: the entry was changed`,
      );
    }
    if (entry.prevHash !== prevHash) {
      return broken(
        entry.seq,
        `第 ${entry.seq} 條記錄未連接到前一條記錄（前一雜湊值不符），鏈條在此斷開`,
        `entry ${entry.seq} does not link to the previous entry (prevHash mismatch): the chain breaks here`,
      );
    }
    prevHash = entry.hash;
  }
  const count = entries.length;
  if (expected.count !== undefined && count < expected.count) {
    return broken(
      FIRST_SEQ + count,
      `審計鏈應有 ${expected.count} 條記錄，實際只有 ${count} 條，末尾記錄被刪除`,
      `the chain should hold ${expected.count} entries but holds ${count}: entries were removed from the end`,
    );
  }
  if (expected.head !== undefined && expected.head !== prevHash) {
    return broken(
      FIRST_SEQ + Math.max(0, count - 1),
      `審計鏈的末端雜湊值與輪次記錄保存的不一致，鏈條被改寫`,
      `the chain's head hash differs from the one recorded on the round: the chain was rewritten`,
    );
  }
  return { ok: true, count, head: prevHash };
}

function wellFormed(entry: unknown): entry is AuditEntry {
  if (!wellFormedUnhashed(entry)) return false;
  const candidate = entry as Partial<AuditEntry>;
  return typeof candidate.prevHash === 'string' && typeof candidate.hash === 'string';
}

function wellFormedUnhashed(entry: unknown): entry is UnhashedAuditEntry {
  if (entry === null || typeof entry !== 'object') return false;
  const candidate = entry as Partial<AuditEntry>;
  return (
    typeof candidate.roundId === 'string' &&
    typeof candidate.seq === 'number' &&
    Number.isInteger(candidate.seq) &&
    typeof candidate.at === 'string' &&
    typeof candidate.action === 'string' &&
    typeof candidate.subject === 'string' &&
    candidate.actor !== null &&
    typeof candidate.actor === 'object' &&
    typeof candidate.actor.id === 'string' &&
    typeof candidate.actor.name === 'string'
  );
}

function broken(firstBrokenSeq: number, zh: string, en: string): ChainVerification {
  return { ok: false, firstBrokenSeq, reason: { zh, en } };
}
