/**
 * The near-duplicate signature log (docs/table-design.md, "Near-duplicate signature log"): one
 * item per stored case version holding its similarity bucket keys, in one partition, numbered by
 * an atomic counter. Validation reads the log instead of Querying 51 buckets: a container keeps
 * what it has read (the log only grows) and each lookup reads only the entries past the last
 * contiguous seq it holds, with one Query. The buckets are then answered from memory exactly as
 * the bucket partitions would answer them (same sort order, same per-bucket cut).
 *
 * Why a stale container can never miss an entry: seqs are reserved before the entry's
 * transaction and may commit out of order, so a reader only moves its watermark over a
 * contiguous run of seqs; a seq missing below a seq it has read is read again on every lookup
 * until its entry is there, or until a reader fills it as abandoned (after the grace period, as
 * the audit chain does) — and then the late writer's transaction fails on that seq's condition
 * and the step retries with a fresh seq. Entries past a gap are used as soon as they are seen.
 * Nothing that can change is cached: an entry is immutable once written, and which version of a
 * case is current follows from the entries (a version's entry commits with the version itself).
 */
import type { DuplicateIndexEntry, DuplicateCandidateLookup, RankedDuplicateCandidate } from './cases';
import { contention, isConditionalFailure } from './errors';
import { keys } from './schema';
import type { Item, TableClient, TableWrite } from './table';

/** How long a reserved seq may stay without its entry before a reader fills it as abandoned. */
export const DEFAULT_SIGNATURE_GRACE_MS = 60_000;
/** Reservations per append before giving up (more than one only after a reader filled a stalled seq). */
const APPEND_ATTEMPTS = 3;
/** The largest seq the key's 12 digits hold. */
const LAST_SEQ = 999_999_999_999;

/** A version's entry as the log holds it (and as `findRankedDuplicateCandidates` reads it). */
interface LoggedVersion {
  caseId: string;
  version: number;
  roundNumber: number;
  /** The sort key its bucket entries would have: `<caseId>#<version:04>`. */
  order: string;
  bucketKeys: readonly string[];
}

/** A reserved seq and the write that fills it (inside the caller's transaction). */
export interface ReservedSignature {
  seq: number;
  write: TableWrite;
}

export class DuplicateSignatureLog {
  /** Every seq up to this one is applied (or known abandoned). */
  private watermark = 0;
  /** Seqs past the watermark already applied (read past a gap). */
  private readonly ahead = new Set<number>();
  /** The current (newest) version of each case the log names. */
  private readonly current = new Map<string, LoggedVersion>();
  /** Bucket key → the current versions filed under it, in sort-key order (as a bucket partition returns them). */
  private readonly buckets = new Map<string, LoggedVersion[]>();

  constructor(
    private readonly table: TableClient,
    private readonly options: { graceMs?: number; now?: () => number } = {},
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Reserves the next seq (one counter update) and builds the entry's conditional Put. */
  async reserve(entry: DuplicateIndexEntry, bucketKeys: readonly string[]): Promise<ReservedSignature> {
    const out = await this.table.update({
      Key: keys.signatureHead(),
      UpdateExpression: 'ADD nextSeq :one SET reservedAt = :now, #type = :type',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':one': 1, ':now': this.now(), ':type': 'SignatureHead' },
      ReturnValues: 'UPDATED_NEW',
    });
    const seq = out.Attributes!.nextSeq as number;
    return {
      seq,
      write: {
        item: {
          Put: {
            Item: {
              ...keys.signature(seq),
              type: 'DuplicateSignature',
              seq,
              ...entry,
              bucketKeys: bucketKeys.join(' '),
              appendedAt: this.now(),
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        // Only a reader that took this seq for abandoned (the writer stalled past the grace
        // period) writes it first: the step is retried and reserves a fresh one.
        onConditionFailed: () =>
          contention('near-duplicate signature', `${entry.caseId} v${entry.version}`, `seq ${seq} was filled as abandoned`),
      },
    };
  }

  /** Appends an entry on its own (backfill, repairs): reserve and put, again with a fresh seq if a reader filled the first. */
  async append(entry: DuplicateIndexEntry, bucketKeys: readonly string[]): Promise<void> {
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt += 1) {
      const reserved = await this.reserve(entry, bucketKeys);
      try {
        await this.table.put(reserved.write.item.Put as Parameters<TableClient['put']>[0]);
        return;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    }
    throw contention('near-duplicate signature', `${entry.caseId} v${entry.version}`, `every reserved seq was filled first`);
  }

  /**
   * Fills a reserved seq whose transaction did not commit, so readers need not wait out the grace
   * period. Harmless if the entry did commit after all (the condition keeps it).
   */
  async abandon(seq: number): Promise<void> {
    await this.fill(seq).catch(() => undefined);
  }

  private async fill(seq: number): Promise<Item | undefined> {
    try {
      await this.table.put({
        Item: { ...keys.signature(seq), type: 'DuplicateSignature', seq, abandoned: true, appendedAt: this.now() },
        ConditionExpression: 'attribute_not_exists(PK)',
      });
      return undefined;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      return this.table.get(keys.signature(seq));
    }
  }

  /** Whether the log holds this version of the case, or a newer one (after reading its tail). */
  async holds(caseId: string, version: number): Promise<boolean> {
    await this.refresh();
    return (this.current.get(caseId)?.version ?? 0) >= version;
  }

  /** Reads the entries past the watermark (one Query, paged) and applies them. */
  private async refresh(): Promise<void> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.signature(0).PK,
        ':from': keys.signature(this.watermark + 1).SK,
        ':to': keys.signature(LAST_SEQ).SK,
      },
      ConsistentRead: true,
    });
    const bySeq = new Map(items.map((item) => [item.seq as number, item]));
    for (const item of items) this.apply(item);
    const last = items.length ? (items.at(-1)!.seq as number) : this.watermark;
    for (let seq = this.watermark + 1; seq <= last; seq += 1) {
      if (bySeq.has(seq) || this.ahead.has(seq)) {
        this.ahead.delete(seq);
        this.watermark = seq;
        continue;
      }
      // A gap below an entry that was read: its seq was reserved no later than that entry was
      // written. Within the grace period its writer may still commit, so the next lookup reads
      // from here again; past it, the seq is filled as abandoned (or found written meanwhile).
      const later = items.find((item) => (item.seq as number) > seq);
      if (!later || this.now() - (later.appendedAt as number) < (this.options.graceMs ?? DEFAULT_SIGNATURE_GRACE_MS)) break;
      const written = await this.fill(seq);
      if (written) this.apply(written);
      this.watermark = seq;
    }
    for (const item of items) if ((item.seq as number) > this.watermark) this.ahead.add(item.seq as number);
  }

  private apply(item: Item): void {
    if (item.abandoned === true || typeof item.caseId !== 'string') return;
    const caseId = item.caseId;
    const version = item.version as number;
    const previous = this.current.get(caseId);
    // A later version replaces an earlier one (as store-case took the replaced version's bucket
    // entries out); a late retry of an older version's step changes nothing.
    if (previous && previous.version >= version) return;
    if (previous) for (const key of previous.bucketKeys) this.remove(key, previous);
    const logged: LoggedVersion = {
      caseId,
      version,
      roundNumber: item.roundNumber as number,
      order: keys.duplicateBucket('', caseId, version).SK,
      bucketKeys: (item.bucketKeys as string).split(' ').filter(Boolean),
    };
    this.current.set(caseId, logged);
    for (const key of logged.bucketKeys) this.insert(key, logged);
  }

  private insert(bucketKey: string, logged: LoggedVersion): void {
    let list = this.buckets.get(bucketKey);
    if (!list) this.buckets.set(bucketKey, (list = []));
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (list[mid]!.order < logged.order) low = mid + 1;
      else high = mid;
    }
    list.splice(low, 0, logged);
  }

  private remove(bucketKey: string, logged: LoggedVersion): void {
    const list = this.buckets.get(bucketKey);
    const at = list?.indexOf(logged) ?? -1;
    if (at < 0) return;
    list!.splice(at, 1);
    if (list!.length === 0) this.buckets.delete(bucketKey);
  }

  /**
   * The candidates filed under any of the given buckets, exactly as Querying each bucket
   * partition would find them (`CaseRepository.findRankedDuplicateCandidatesInBuckets`): each
   * bucket's entries in sort-key order, cut after `perBucketLimit` + 1, then one candidate per
   * case with the number of buckets that hold it.
   */
  async findRanked(bucketKeys: readonly string[], perBucketLimit?: number): Promise<DuplicateCandidateLookup> {
    await this.refresh();
    let truncated = false;
    const pages = bucketKeys.map((bucketKey) => {
      const list = this.buckets.get(bucketKey) ?? [];
      if (perBucketLimit === undefined) return { bucketKey, items: list };
      if (list.length > perBucketLimit) truncated = true;
      return { bucketKey, items: list.slice(0, perBucketLimit + 1) };
    });
    return { candidates: rankCandidates(pages), truncated };
  }
}

/** One candidate per case (its newest version seen) with the buckets that hold it. */
export function rankCandidates(
  pages: readonly { bucketKey: string; items: readonly { caseId: string; roundNumber: number; version: number }[] }[],
): RankedDuplicateCandidate[] {
  const byCase = new Map<string, RankedDuplicateCandidate & { buckets: Set<string> }>();
  for (const { bucketKey, items } of pages) {
    for (const item of items) {
      let seen = byCase.get(item.caseId);
      if (!seen) {
        seen = {
          caseId: item.caseId,
          roundNumber: item.roundNumber,
          version: item.version,
          sharedBuckets: 0,
          sharesTitle: false,
          buckets: new Set(),
        };
        byCase.set(item.caseId, seen);
      } else if (seen.version < item.version) {
        seen.version = item.version;
        seen.roundNumber = item.roundNumber;
      }
      seen.buckets.add(bucketKey);
    }
  }
  return [...byCase.values()].map(({ buckets, ...candidate }) => ({
    ...candidate,
    sharedBuckets: buckets.size,
    sharesTitle: [...buckets].some((bucketKey) => bucketKey.startsWith('T#')),
  }));
}
