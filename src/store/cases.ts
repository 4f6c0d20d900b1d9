/**
 * Cases and their versions (one per accepted submission), and the near-duplicate index that files
 * each version's text under its MinHash buckets (docs/table-design.md, "Near-duplicate buckets").
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord, CaseStatus } from '../domain/model';
import { alreadyExists, conflict, isConditionalFailure, notFound } from './errors';
import { keys } from './schema';
import { DuplicateSignatureLog, rankCandidates, type ReservedSignature } from './signatures';
import { inParallel, setExpression, statusCondition, strip, type Item, type TableClient, type TableWrite } from './table';

/** One stored version of a case: the canonical dossier that a submission produced. */
export interface CaseVersion {
  caseId: string;
  roundId: string;
  version: number;
  submissionId: string;
  /** The canonical dossier (the parser's output) of this version. */
  dossier: unknown;
  /** S3 keys of the parsed dossier and its validation report. */
  parsedKey?: string;
  reportKey?: string;
  createdAt: string;
  supersededAt?: string;
}

/**
 * A case filed under one near-duplicate bucket: what validation needs to load the candidate
 * (its current version) and to name it in the warning, without reading the case first.
 */
export interface DuplicateIndexEntry {
  caseId: string;
  roundId: string;
  roundNumber: number;
  unitCode: string;
  title: string;
  /** The case version whose text put the case in this bucket. */
  version: number;
}

/** A case found in a near-duplicate bucket: which version to load, and its round for the warning. */
export type DuplicateCandidate = Pick<DuplicateIndexEntry, 'caseId' | 'roundNumber' | 'version'>;

/** A candidate with how strongly the index points at it (`Store.findRankedDuplicateCandidates`). */
export interface RankedDuplicateCandidate extends DuplicateCandidate {
  /** How many of the looked-up buckets hold the case (any of its versions), title bucket included. */
  sharedBuckets: number;
  /** Whether one of those is the title's bucket (`T#…`): an equal title is a duplicate by the rules. */
  sharesTitle: boolean;
}

/** What one lookup found, and whether any bucket held more entries than it read. */
export interface DuplicateCandidateLookup {
  candidates: RankedDuplicateCandidate[];
  /** True when some bucket was cut at the per-bucket limit: more candidates may exist. */
  truncated: boolean;
}

/** What the near-duplicate check reads of a stored case version (`Store.getDuplicateTexts`). */
export interface DuplicateText {
  caseId: string;
  version: number;
  supersededAt?: string;
  /** Absent when the stored dossier has no such field (the check then skips the version). */
  title?: string;
  practicesText?: string;
}

/** How many bucket Queries one lookup keeps in flight. */
const INDEX_CONCURRENCY = 10;

export class CaseRepository {
  /** The near-duplicate signature log, with what this container has read of it. */
  private readonly signatures: DuplicateSignatureLog;

  constructor(
    private readonly table: TableClient,
    options: { signatureGraceMs?: number; now?: () => number } = {},
  ) {
    this.signatures = new DuplicateSignatureLog(table, { graceMs: options.signatureGraceMs, now: options.now });
  }

  private caseItem(record: CaseRecord): Item {
    return {
      ...keys.case(record.caseId),
      ...keys.caseIndex(record.roundId, record.status, record.caseId, record.unitCode),
      type: 'Case',
      ...record,
    };
  }

  private versionItem(version: CaseVersion): Item {
    return { ...keys.caseVersion(version.caseId, version.version), type: 'CaseVersion', ...version };
  }

  /** Creates a case with its first version, only if no case with that id exists. */
  async createCase(record: CaseRecord, version: CaseVersion): Promise<void> {
    await this.table.transactWrites(this.createCaseWrites(record, version));
  }

  /**
   * `createCase` as writes of a larger transaction (with the version's near-duplicate signature,
   * the submission's status and the audit entry: `AuditRepository.appendAuditWith`).
   */
  createCaseWrites(record: CaseRecord, version: CaseVersion): TableWrite[] {
    const exists = () => alreadyExists('case', record.caseId);
    return [
      { item: { Put: { Item: this.caseItem(record), ConditionExpression: 'attribute_not_exists(PK)' } }, onConditionFailed: exists },
      { item: { Put: { Item: this.versionItem(version), ConditionExpression: 'attribute_not_exists(PK)' } }, onConditionFailed: exists },
    ];
  }

  /**
   * Adds version `version.version` to a case whose current version is `version.version - 1` and
   * whose status is one of `expected`; the previous version stays, marked superseded. The case
   * takes the fields of `patch` (its new status, title, current submission). `also` are writes
   * made in the same transaction (the new version's near-duplicate signature).
   */
  async addCaseVersion(
    version: CaseVersion,
    patch: Partial<Omit<CaseRecord, 'caseId' | 'roundId' | 'unitCode' | 'currentVersion'>> & { status: CaseStatus },
    expected: readonly CaseStatus[],
    also: readonly TableWrite[] = [],
  ): Promise<void> {
    await this.table.transactWrites([...this.addCaseVersionWrites(version, patch, expected), ...also]);
  }

  /** `addCaseVersion` as writes of a larger transaction. */
  addCaseVersionWrites(
    version: CaseVersion,
    patch: Partial<Omit<CaseRecord, 'caseId' | 'roundId' | 'unitCode' | 'currentVersion'>> & { status: CaseStatus },
    expected: readonly CaseStatus[],
  ): TableWrite[] {
    const previous = version.version - 1;
    const { parts, names, values } = setExpression({
      ...patch,
      currentVersion: version.version,
      currentSubmissionId: version.submissionId,
      GSI1SK: `${patch.status}#${version.caseId}`,
    });
    const condition = statusCondition(expected);
    const stale = () => conflict('case', version.caseId, `expected version ${previous} in status ${expected.join('|')}`);
    return [
      {
        item: {
          Update: {
            Key: keys.case(version.caseId),
            UpdateExpression: `SET ${parts.join(', ')}`,
            ConditionExpression: `${condition.expression} AND currentVersion = :previous`,
            ExpressionAttributeNames: { ...names, ...condition.names },
            ExpressionAttributeValues: { ...values, ...condition.values, ':previous': previous },
          },
        },
        onConditionFailed: stale,
      },
      {
        item: {
          Update: {
            Key: keys.caseVersion(version.caseId, previous),
            UpdateExpression: 'SET supersededAt = :at',
            ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(supersededAt)',
            ExpressionAttributeValues: { ':at': version.createdAt },
          },
        },
        onConditionFailed: stale,
      },
      { item: { Put: { Item: this.versionItem(version), ConditionExpression: 'attribute_not_exists(PK)' } }, onConditionFailed: stale },
    ];
  }

  async getCase(caseId: string): Promise<CaseRecord | undefined> {
    return strip<CaseRecord>(await this.table.get(keys.case(caseId)));
  }

  async requireCase(caseId: string): Promise<CaseRecord> {
    const record = await this.getCase(caseId);
    if (!record) throw notFound('case', caseId);
    return record;
  }

  async getCaseVersion(caseId: string, version: number): Promise<CaseVersion | undefined> {
    return strip<CaseVersion>(await this.table.get(keys.caseVersion(caseId, version)));
  }

  async listCaseVersions(caseId: string): Promise<CaseVersion[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':sk': 'VERSION#' },
    });
    return items.map((item) => strip<CaseVersion>(item)!);
  }

  /** Cases of a round, optionally only those in one status. */
  async listCasesByRound(roundId: string, status?: CaseStatus): Promise<CaseRecord[]> {
    const items = await this.table.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: status ? 'GSI1PK = :pk AND begins_with(GSI1SK, :sk)' : 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': `ROUND#${roundId}#CASES`, ...(status ? { ':sk': `${status}#` } : {}) },
    });
    return items.map((item) => strip<CaseRecord>(item)!);
  }

  /** The case of a unit in a round (one per unit; later uploads are its versions). */
  async getCaseByUnit(unitCode: string, roundId: string): Promise<CaseRecord | undefined> {
    const items = await this.table.queryAll({
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK = :sk',
      ExpressionAttributeValues: { ':pk': `UNIT#${unitCode}#${roundId}`, ':sk': 'CASE' },
    });
    return strip<CaseRecord>(items[0]);
  }

  async updateCaseStatus(
    caseId: string,
    to: CaseStatus,
    expected: readonly CaseStatus[],
    patch: Partial<Pick<CaseRecord, 'score' | 'reason' | 'corrections' | 'updatedAt'>> = {},
  ): Promise<CaseRecord> {
    const item = await this.table.conditionalUpdate(
      keys.case(caseId),
      { ...patch, status: to, GSI1SK: `${to}#${caseId}` },
      statusCondition(expected),
      () => conflict('case', caseId, `expected status ${expected.join('|')}`),
    );
    return strip<CaseRecord>(item)!;
  }

  // near-duplicate signature log (what validation reads) and bucket index (the reference lookup)

  /**
   * Reserves the log seq of a case version's signature (one counter update) and returns its Put,
   * for the transaction that stores the version (`createCase` / `addCaseVersion`'s `also`): the
   * signature then exists exactly when the version does.
   */
  reserveSignature(entry: DuplicateIndexEntry, bucketKeys: readonly string[]): Promise<ReservedSignature> {
    return this.signatures.reserve(entry, bucketKeys);
  }

  /** Fills a reserved seq whose transaction failed, so that readers need not wait for it. */
  abandonSignature(seq: number): Promise<void> {
    return this.signatures.abandon(seq);
  }

  /**
   * Files a case version's signature unless the log already holds it (or a newer version of the
   * case): for backfilled rounds, for cases stored before the log existed, and for a retried step.
   */
  async fileSignature(entry: DuplicateIndexEntry, bucketKeys: readonly string[]): Promise<void> {
    if (await this.signatures.holds(entry.caseId, entry.version)) return;
    await this.signatures.append(entry, bucketKeys);
  }

  /**
   * The cases filed under any of the given buckets, one per case (its current version), each with
   * the number of those buckets that hold it, from the signature log: one Query of the log's
   * unread tail, whatever the number of buckets. Answers exactly as
   * `findRankedDuplicateCandidatesInBuckets` on a bucket index holding the same versions.
   */
  findRankedDuplicateCandidates(bucketKeys: readonly string[], perBucketLimit?: number): Promise<DuplicateCandidateLookup> {
    return this.signatures.findRanked(bucketKeys, perBucketLimit);
  }

  /**
   * The bucket index: the near-duplicate lookup before the signature log, one item per version
   * per bucket. Kept as the reference the log's lookup is tested against (same answers on the
   * same stored versions); no step writes it any more.
   *
   * Files a case version under each of its buckets: 25 entries per BatchWriteItem. Each version
   * has its own entry (the version is in the sort key), so a Put never replaces another
   * version's entry and needs no condition: a retried step writes the same items again, and a
   * late retry of a superseded version only adds entries that readers skip as superseded.
   */
  async indexCaseText(entry: DuplicateIndexEntry, bucketKeys: readonly string[]): Promise<void> {
    await this.table.batchWrite(
      bucketKeys.map((bucketKey) => ({
        PutRequest: { Item: { ...keys.duplicateBucket(bucketKey, entry.caseId, entry.version), type: 'DuplicateIndexEntry', ...entry } },
      })),
      'near-duplicate index',
      `${entry.caseId} v${entry.version}`,
    );
  }

  /**
   * Removes the entries of one version of a case (the version a newer one replaced), whatever
   * newer versions are filed: theirs are other items.
   */
  async unindexCaseText(caseId: string, bucketKeys: readonly string[], version: number): Promise<void> {
    await this.table.batchWrite(
      bucketKeys.map((bucketKey) => ({ DeleteRequest: { Key: keys.duplicateBucket(bucketKey, caseId, version) } })),
      'near-duplicate index',
      `${caseId} v${version}`,
    );
  }

  /**
   * What the near-duplicate check compares of several case versions, in as few requests as
   * possible (100 a request): title, practices text and whether the version is superseded. Only
   * those attributes are read; a version not found is left out.
   */
  async getDuplicateTexts(refs: readonly { caseId: string; version: number }[]): Promise<DuplicateText[]> {
    const unique = new Map(refs.map((ref) => [`${ref.caseId}#${ref.version}`, keys.caseVersion(ref.caseId, ref.version)]));
    const items = await this.table.batchGet(
      [...unique.values()],
      {
        ConsistentRead: true,
        ProjectionExpression: '#caseId, #version, #supersededAt, #dossier.#title, #dossier.#practices.#text',
        ExpressionAttributeNames: {
          '#caseId': 'caseId',
          '#version': 'version',
          '#supersededAt': 'supersededAt',
          '#dossier': 'dossier',
          '#title': 'title',
          '#practices': 'practices',
          '#text': 'text',
        },
      },
      'case version',
    );
    return items.map((item) => {
      const dossier = item.dossier as { title?: unknown; practices?: { text?: unknown } } | undefined;
      return {
        caseId: item.caseId as string,
        version: item.version as number,
        ...(typeof item.supersededAt === 'string' ? { supersededAt: item.supersededAt } : {}),
        ...(typeof dossier?.title === 'string' ? { title: dossier.title } : {}),
        ...(typeof dossier?.practices?.text === 'string' ? { practicesText: dossier.practices.text } : {}),
      };
    });
  }

  /**
   * The cases filed under any of the given buckets, one per case (its newest version seen): one
   * Query per bucket, however many cases the table holds. Only what the check needs to load a
   * candidate is read back (a bucket of near copies repeats the same cases in many buckets).
   * Reads every entry of every bucket; validation uses the bounded `findRankedDuplicateCandidates`.
   */
  async findDuplicateCandidates(bucketKeys: readonly string[]): Promise<DuplicateCandidate[]> {
    const { candidates } = await this.findRankedDuplicateCandidatesInBuckets(bucketKeys);
    return candidates.map(({ caseId, roundNumber, version }) => ({ caseId, roundNumber, version }));
  }

  /**
   * The cases filed under any of the given buckets, one per case (its newest version seen), each
   * with the number of those buckets that hold it: one Query per bucket.
   *
   * With `perBucketLimit`, each Query stops after that many entries plus one; a bucket that
   * yields the extra one may hold more, and the lookup says so (`truncated`). Entries come in sort-key order, i.e. by case id — a
   * hash of round and unit, so an arbitrary order but the same one in every bucket. That is why
   * the cut is safe for the candidates that matter: a near copy at similarity s shares about
   * 50·s⁵ of the 50 bands (≈ 4 at the rules' 0.6, ≈ 39 at 0.95), so it is lost only if it is cut
   * from every one of its buckets, and a case cut from one bucket for coming late in the shared
   * order is cut from the others only where as many cases precede it there too. What the cut
   * drops first are cases that sit in one or two crowded buckets — the weakest candidates.
   * Without a limit every entry is read (each Query pages to the end).
   */
  async findRankedDuplicateCandidatesInBuckets(bucketKeys: readonly string[], perBucketLimit?: number): Promise<DuplicateCandidateLookup> {
    let truncated = false;
    const pages = await inParallel(bucketKeys, INDEX_CONCURRENCY, async (bucketKey) => {
      const input = {
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.duplicateBucketPartition(bucketKey) },
        ProjectionExpression: '#caseId, #roundNumber, #version',
        ExpressionAttributeNames: { '#caseId': 'caseId', '#roundNumber': 'roundNumber', '#version': 'version' },
      };
      if (perBucketLimit === undefined) return { bucketKey, items: await this.table.queryAll(input) };
      const items: Item[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const out = await this.table.doc.send(
          new QueryCommand({ ...input, TableName: this.table.name, Limit: perBucketLimit + 1 - items.length, ExclusiveStartKey }),
        );
        items.push(...((out.Items ?? []) as Item[]));
        ExclusiveStartKey = out.LastEvaluatedKey;
      } while (ExclusiveStartKey && items.length <= perBucketLimit);
      // The entry past the limit is kept: it is a candidate like the others, and having read
      // it is how the lookup knows the bucket may hold more.
      if (items.length > perBucketLimit) truncated = true;
      return { bucketKey, items };
    });
    const candidates = rankCandidates(
      pages.map(({ bucketKey, items }) => ({
        bucketKey,
        items: items.map((item) => ({
          caseId: item.caseId as string,
          roundNumber: item.roundNumber as number,
          version: item.version as number,
        })),
      })),
    );
    return { candidates, truncated };
  }
}
