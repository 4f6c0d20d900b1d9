/**
 * The audit trail of a round, a hash chain.
 *
 * Appending and linking are split (docs/table-design.md, "Audit chain"): an append takes the
 * next seq from an atomic counter on the round's head item and writes the entry unsealed, so
 * concurrent writers never conflict; `sealAudit` links entries in seq order afterwards, one
 * logical sealer per round, and every read path seals first.
 */
import { SYSTEM_ACTOR, type AuditEntry } from '../domain/model';
import {
  AUDIT_SEQ_ABANDONED,
  GENESIS_HASH,
  isUnsealed,
  sealEntry,
  type StoredAuditEntry,
  type UnsealedAuditEntry,
} from '../domain/audit/chain';
import type { AuditDraft } from './audit-link';
import { contention, isConditionalFailure } from './errors';
import type { RoundRepository } from './rounds';
import { keys } from './schema';
import { inParallel, strip, type Item, type TableClient, type TableWrite } from './table';

/** An audit entry whose seq is reserved, and the Put that writes it inside the caller's transaction. */
export interface ReservedAuditEntry {
  entry: UnsealedAuditEntry;
  write: TableWrite;
}

/** Puts per append before giving up; more than one only when a sealer declared a seq abandoned. */
const AUDIT_APPEND_ATTEMPTS = 3;
/** How long a reserved seq may stay without its entry before a sealer fills it as abandoned. */
export const DEFAULT_AUDIT_GRACE_MS = 60_000;
/** Entries one sealing pass reads and links before it advances the head. */
const AUDIT_SEAL_BATCH = 500;
const AUDIT_SEAL_CONCURRENCY = 10;
/** Stored with an entry for sealing only; never part of the entry a reader sees. */
const AUDIT_STORAGE_ATTRIBUTES = ['sealed', 'appendedAt'] as const;

interface AuditHead {
  nextSeq: number;
  sealedSeq: number;
  sealedHash: string;
  /** Store clock (ms) of the latest seq reservation. */
  reservedAt: number;
}

export interface AuditSealResult {
  sealedSeq: number;
  sealedHash: string;
  /** Seqs reserved but not sealed after this call (in flight, or within the grace period). */
  pending: number;
}

export class AuditRepository {
  private readonly auditGraceMs: number;
  private readonly now: () => number;

  constructor(
    private readonly table: TableClient,
    private readonly rounds: Pick<RoundRepository, 'listRounds'>,
    options: { auditGraceMs?: number; now?: () => number } = {},
  ) {
    this.auditGraceMs = options.auditGraceMs ?? DEFAULT_AUDIT_GRACE_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Appends an entry to a round's audit trail: one counter update, one put, no reads. The entry
   * is linked into the hash chain by the next `sealAudit` (every read of the trail runs one).
   */
  async appendAudit(draft: AuditDraft): Promise<UnsealedAuditEntry> {
    // A put only fails when a sealer declared this seq abandoned (the writer stalled past the
    // grace period between counter and put): the entry then takes a fresh seq.
    for (let attempt = 0; attempt < AUDIT_APPEND_ATTEMPTS; attempt += 1) {
      const seq = await this.reserveAuditSeq(draft.roundId);
      const entry: UnsealedAuditEntry = {
        roundId: draft.roundId,
        seq,
        at: draft.at,
        actor: { id: draft.actor.id, name: draft.actor.name },
        action: draft.action,
        subject: draft.subject,
        change: draft.change,
        sealed: false,
      };
      try {
        await this.table.put({
          Item: { ...keys.audit(entry.roundId, seq), type: 'AuditEntry', ...entry, appendedAt: this.now() },
          ConditionExpression: 'attribute_not_exists(PK)',
        });
        return entry;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    }
    throw contention(
      'audit entry',
      draft.roundId,
      `every reserved seq was taken by the time its entry was written (${AUDIT_APPEND_ATTEMPTS} attempts)`,
    );
  }

  /**
   * Reserves the entry's seq (one counter update) and returns its Put for the transaction of the
   * step's own writes. A seq whose transaction never runs (the step died) is filled by a sealer
   * after the grace period, as for any writer that died between counter and put.
   */
  private async reserveAudit(draft: AuditDraft): Promise<ReservedAuditEntry> {
    const seq = await this.reserveAuditSeq(draft.roundId);
    const entry: UnsealedAuditEntry = {
      roundId: draft.roundId,
      seq,
      at: draft.at,
      actor: { id: draft.actor.id, name: draft.actor.name },
      action: draft.action,
      subject: draft.subject,
      change: draft.change,
      sealed: false,
    };
    return {
      entry,
      write: {
        item: {
          Put: {
            Item: { ...keys.audit(entry.roundId, seq), type: 'AuditEntry', ...entry, appendedAt: this.now() },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        // Only a sealer that took the seq for abandoned (the step stalled past the grace period)
        // writes it first; the step is retried and reserves a fresh seq.
        onConditionFailed: () => contention('audit entry', draft.roundId, `seq ${seq} was filled as abandoned`),
      },
    };
  }

  /** Fills a reserved seq whose transaction did not commit (harmless if it did: the entry stays). */
  private async abandonReservedAudit(roundId: string, seq: number): Promise<void> {
    await this.fillAbandonedSeq(roundId, seq, this.now()).catch(() => undefined);
  }

  /**
   * A step's writes and its audit entry in one transaction: one counter update and one
   * TransactWriteItems, instead of the writes plus two requests. If the transaction fails
   * (a write's condition, or anything else), nothing of it was written: the seq is filled as
   * abandoned at once and the write's error propagates.
   */
  async appendAuditWith(draft: AuditDraft, writes: readonly TableWrite[]): Promise<UnsealedAuditEntry> {
    const reserved = await this.reserveAudit(draft);
    try {
      await this.table.transactWrites([...writes, reserved.write]);
    } catch (error) {
      await this.abandonReservedAudit(draft.roundId, reserved.entry.seq);
      throw error;
    }
    return reserved.entry;
  }

  private async reserveAuditSeq(roundId: string): Promise<number> {
    const out = await this.table.update({
      Key: keys.auditHead(roundId),
      UpdateExpression: 'ADD nextSeq :one SET reservedAt = :now, #type = :type',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':one': 1, ':now': this.now(), ':type': 'AuditHead' },
      ReturnValues: 'UPDATED_NEW',
    });
    return out.Attributes!.nextSeq as number;
  }

  private async auditHead(roundId: string): Promise<AuditHead | undefined> {
    const item = await this.table.get(keys.auditHead(roundId));
    if (!item) return undefined;
    return {
      nextSeq: (item.nextSeq as number | undefined) ?? 0,
      sealedSeq: (item.sealedSeq as number | undefined) ?? 0,
      sealedHash: (item.sealedHash as string | undefined) ?? GENESIS_HASH,
      reservedAt: (item.reservedAt as number | undefined) ?? 0,
    };
  }

  /**
   * Links every appended entry of a round into its hash chain, in seq order, and advances the
   * head's `sealedSeq`/`sealedHash`. Safe to run concurrently: the hashes are deterministic, an
   * entry is sealed only while it is unsealed, and the head only moves forward, so a sealer that
   * loses any of these races stops and leaves the rest to the winner. A seq whose entry is still
   * missing after the grace period is filled with an AUDIT_SEQ_ABANDONED entry; within the grace
   * period sealing stops before it (a writer may be between its counter update and its put).
   */
  async sealAudit(roundId: string): Promise<AuditSealResult> {
    let head = await this.auditHead(roundId);
    if (!head) return { sealedSeq: 0, sealedHash: GENESIS_HASH, pending: 0 };
    // Seal up to what was reserved when we started, so steady appends cannot keep one call busy.
    const target = head.nextSeq;
    while (head.sealedSeq < target) {
      const last = Math.min(target, head.sealedSeq + AUDIT_SEAL_BATCH);
      const progress = await this.sealBatch(roundId, head, last);
      if (progress.sealedSeq > head.sealedSeq) {
        const advanced = await this.advanceAuditHead(roundId, progress.sealedSeq, progress.sealedHash);
        if (!advanced) break;
      }
      if (progress.stopped) break;
      const next = await this.auditHead(roundId);
      if (!next || next.sealedSeq <= head.sealedSeq) break;
      head = next;
    }
    const final = (await this.auditHead(roundId))!;
    return { sealedSeq: final.sealedSeq, sealedHash: final.sealedHash, pending: Math.max(0, final.nextSeq - final.sealedSeq) };
  }

  /** Seals (head.sealedSeq, last]; returns how far the chain now reaches and whether it had to stop early. */
  private async sealBatch(
    roundId: string,
    head: AuditHead,
    last: number,
  ): Promise<{ sealedSeq: number; sealedHash: string; stopped: boolean }> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': `AUDIT#${roundId}`,
        ':from': keys.audit(roundId, head.sealedSeq + 1).SK,
        ':to': keys.audit(roundId, last).SK,
      },
      ConsistentRead: true,
    });
    const bySeq = new Map(items.map((item) => [item.seq as number, item]));
    const now = this.now();
    const links: { entry: AuditEntry; alreadySealed: boolean }[] = [];
    let prevHash = head.sealedHash;
    let stopped = false;
    for (let seq = head.sealedSeq + 1; seq <= last; seq += 1) {
      let item = bySeq.get(seq);
      if (!item) {
        // Its seq was reserved no later than any later seq was, i.e. before that entry was
        // written (or before the head's latest reservation when no later entry is there yet).
        const reservedBy = [...bySeq.values()].find((other) => (other.seq as number) > seq)?.appendedAt as number | undefined;
        const reservedNoLaterThan = reservedBy ?? head.reservedAt;
        if (now - reservedNoLaterThan < this.auditGraceMs) {
          stopped = true;
          break;
        }
        item = await this.fillAbandonedSeq(roundId, seq, reservedNoLaterThan);
      }
      if (item.sealed === false) {
        const entry = sealEntry(prevHash, strip<UnsealedAuditEntry>(item, AUDIT_STORAGE_ATTRIBUTES)!);
        links.push({ entry, alreadySealed: false });
        prevHash = entry.hash;
        continue;
      }
      // Sealed above the head: a concurrent sealer, or one that died before advancing the head.
      // Adopt it only if it is exactly what we would have written; anything else is left for
      // verification to name.
      const stored = strip<AuditEntry>(item, AUDIT_STORAGE_ATTRIBUTES)!;
      if (stored.prevHash !== prevHash || sealEntry(prevHash, stored).hash !== stored.hash) {
        stopped = true;
        break;
      }
      links.push({ entry: stored, alreadySealed: true });
      prevHash = stored.hash;
    }
    const written = await inParallel(links, AUDIT_SEAL_CONCURRENCY, (link) =>
      link.alreadySealed ? Promise.resolve(true) : this.writeSeal(link.entry),
    );
    const firstFailed = written.indexOf(false);
    const sealedLinks = firstFailed < 0 ? links : links.slice(0, firstFailed);
    const lastLink = sealedLinks.at(-1)?.entry;
    return {
      sealedSeq: lastLink?.seq ?? head.sealedSeq,
      sealedHash: lastLink?.hash ?? head.sealedHash,
      stopped: stopped || firstFailed >= 0,
    };
  }

  /** Writes an entry's link, only while it is unsealed; true when the stored entry now carries exactly this link. */
  private async writeSeal(entry: AuditEntry): Promise<boolean> {
    try {
      await this.table.update({
        Key: keys.audit(entry.roundId, entry.seq),
        UpdateExpression: 'SET prevHash = :prev, #hash = :hash, sealed = :true',
        ConditionExpression: 'sealed = :false',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ExpressionAttributeValues: { ':prev': entry.prevHash, ':hash': entry.hash, ':true': true, ':false': false },
      });
      return true;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const current = await this.table.get(keys.audit(entry.roundId, entry.seq));
      return current?.sealed === true && current.prevHash === entry.prevHash && current.hash === entry.hash;
    }
  }

  /** Writes the explicit gap marker for a seq nobody wrote; if someone wrote it meanwhile, returns that. */
  private async fillAbandonedSeq(roundId: string, seq: number, reservedNoLaterThan: number): Promise<Item> {
    const now = this.now();
    const item: Item = {
      ...keys.audit(roundId, seq),
      type: 'AuditEntry',
      roundId,
      seq,
      at: new Date(now).toISOString(),
      actor: { id: SYSTEM_ACTOR.id, name: SYSTEM_ACTOR.name },
      action: AUDIT_SEQ_ABANDONED,
      subject: `audit:${seq}`,
      change: { reservedNoLaterThan: new Date(reservedNoLaterThan).toISOString(), graceSeconds: this.auditGraceMs / 1000 },
      sealed: false,
      appendedAt: now,
    };
    try {
      await this.table.put({ Item: item, ConditionExpression: 'attribute_not_exists(PK)' });
      return item;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      return (await this.table.get(keys.audit(roundId, seq)))!;
    }
  }

  /** Moves the sealed head forward; false when another sealer already moved it at least as far. */
  private async advanceAuditHead(roundId: string, sealedSeq: number, sealedHash: string): Promise<boolean> {
    try {
      await this.table.update({
        Key: keys.auditHead(roundId),
        UpdateExpression: 'SET sealedSeq = :seq, sealedHash = :hash',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(sealedSeq) OR sealedSeq < :seq)',
        ExpressionAttributeValues: { ':seq': sealedSeq, ':hash': sealedHash },
      });
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }

  /** Seals the audit trail of every round (the hourly sweep does this, so chains seal even when nobody reads them). */
  async sealAllAudits(): Promise<void> {
    const rounds = await this.rounds.listRounds();
    for (const round of rounds) await this.sealAudit(round.roundId);
  }

  /**
   * A round's audit trail in chain order, sealed first, with any entries that could not be sealed
   * yet (a seq still within its grace period) as an unsealed tail.
   */
  async listAuditWithPending(roundId: string): Promise<StoredAuditEntry[]> {
    await this.sealAudit(roundId);
    const items = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk AND SK < :head',
      ExpressionAttributeValues: { ':pk': `AUDIT#${roundId}`, ':head': keys.auditHead(roundId).SK },
      ConsistentRead: true,
    });
    return items.map((item) =>
      item.sealed === false ? strip<UnsealedAuditEntry>(item, ['appendedAt'])! : strip<AuditEntry>(item, AUDIT_STORAGE_ATTRIBUTES)!,
    );
  }

  /** A round's sealed audit chain in chain order (seals first; entries still unsealed are left out). */
  async listAudit(roundId: string): Promise<AuditEntry[]> {
    const entries = await this.listAuditWithPending(roundId);
    const firstUnsealed = entries.findIndex(isUnsealed);
    return (firstUnsealed < 0 ? entries : entries.slice(0, firstUnsealed)) as AuditEntry[];
  }

  /** The audit trail as JSON lines, one entry per line, in chain order; unsealed entries last, marked `"sealed":false`. */
  async exportAudit(roundId: string): Promise<string> {
    const entries = await this.listAuditWithPending(roundId);
    return entries.map((entry) => JSON.stringify(entry)).join('\n') + (entries.length ? '\n' : '');
  }
}
