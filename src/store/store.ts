/**
 * The case table as a domain-shaped repository: every read and write of the single table goes
 * through here, so key shapes, index maintenance and conditions live in one place.
 *
 * Reads use GetItem or Query only (no Scan on any path). Status changes are conditional on the
 * status the caller expects, so two people acting at once get a clear conflict instead of a lost
 * update. Task tokens are written on Task items and returned only by `getTaskToken`.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandInput,
  type BatchWriteCommandInput,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type {
  Actor,
  ApprovedEntry,
  AuditEntry,
  CaseRecord,
  CaseStatus,
  Charter,
  Notification,
  Objection,
  Review,
  Round,
  RoundStatus,
  ScoreSheet,
  Submission,
  SubmissionStatus,
  Task,
  TaskKind,
  TaskStatus,
} from '../domain/model';
import { SYSTEM_ACTOR, TASK_ROLE } from '../domain/model';
import {
  AUDIT_SEQ_ABANDONED,
  GENESIS_HASH,
  isUnsealed,
  sealEntry,
  type StoredAuditEntry,
  type UnsealedAuditEntry,
} from '../domain/audit/chain';
import type { AuditDraft } from './audit-link';
import {
  alreadyExists,
  conflict,
  StoreError,
  isConditionalFailure,
  notFound,
  contention,
  reviewAlreadyScored,
  taskAlreadyDecided,
  taskExpired,
} from './errors';
import { KEY_ATTRIBUTES, keys } from './schema';

/** A charter change after the round opened: who, when, why and what. */
export interface Amendment {
  amendmentId: string;
  roundId: string;
  at: string;
  by: { id: string; name: string };
  reason: string;
  /** The changed charter fields, before and after. */
  change: { before: Partial<Charter>; after: Partial<Charter> };
  charterSha256After?: string;
}

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

/** A task as stored: the model's Task plus who may decide it and where in the workflow it waits. */
export interface StoredTask extends Task {
  role: string;
  stateName: string;
  /** Reviewer ids for a panel task; empty for role-wide steps. */
  assignees?: string[];
  /** How many times this step was (re)opened after a timeout. */
  attempt?: number;
  /** When the overdue sweep reminded (set once, before it notifies). */
  remindedAt?: string;
}

export interface NewTask {
  taskId: string;
  kind: TaskKind;
  roundId: string;
  caseId?: string;
  executionArn: string;
  stateName: string;
  createdAt: string;
  expiresAt: string;
  dueAt?: string;
  assignees?: string[];
  attempt?: number;
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
/** The service's limits per BatchWriteItem and per BatchGetItem. */
const BATCH_WRITE_SIZE = 25;
const BATCH_GET_SIZE = 100;
/** Sends of one batch before its unprocessed rest is reported as contention. */
const BATCH_ATTEMPTS = 8;

/** Exponential pause with full jitter before resending unprocessed batch items (50 ms … 3.2 s). */
function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(3_200, 50 * 2 ** (attempt - 1));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export interface StoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Grace period for a reserved audit seq without its entry (default 60 s). */
  auditGraceMs?: number;
  /** Clock for audit bookkeeping (ms since epoch); tests move it past the grace period. */
  now?: () => number;
}

type Item = Record<string, unknown>;

/** Internal: a task's condition failed; the caller reads the task to say why. */
class TaskConditionFailed extends Error {}

function strip<T>(item: Item | undefined, extra: readonly string[] = []): T | undefined {
  if (!item) return undefined;
  const copy: Item = { ...item };
  for (const key of KEY_ATTRIBUTES) delete copy[key];
  for (const key of extra) delete copy[key];
  return copy as T;
}

/** Builds `SET #a = :a, …` from the defined entries of a patch; undefined entries are skipped. */
function setExpression(patch: Record<string, unknown>, prefix = 'p') {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  let i = 0;
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const n = `#${prefix}${i}`;
    const v = `:${prefix}${i}`;
    names[n] = field;
    values[v] = value;
    parts.push(`${n} = ${v}`);
    i += 1;
  }
  return { parts, names, values };
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

export class Store {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;

  private readonly auditGraceMs: number;
  private readonly now: () => number;

  constructor(options: StoreOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
    this.auditGraceMs = options.auditGraceMs ?? DEFAULT_AUDIT_GRACE_MS;
    this.now = options.now ?? Date.now;
  }

  // -------------------------------------------------------------------------------------------
  // plumbing

  private async get(key: { PK: string; SK: string }): Promise<Item | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  /** Every page of a query; the lists we read are bounded by a round's size. */
  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey }));
      items.push(...((out.Items ?? []) as Item[]));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  private async conditionalUpdate(
    key: { PK: string; SK: string },
    patch: Record<string, unknown>,
    condition: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
    onFailure: () => Error,
    extraSet: string[] = [],
  ): Promise<Item> {
    const { parts, names, values } = setExpression(patch);
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET ${[...parts, ...extraSet].join(', ')}`,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: { ...names, ...condition.names },
          ExpressionAttributeValues: { ...values, ...condition.values },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as Item;
    } catch (error) {
      if (isConditionalFailure(error)) throw onFailure();
      throw error;
    }
  }

  private statusCondition(expected: readonly string[] | undefined): {
    expression: string;
    names: Record<string, string>;
    values: Record<string, unknown>;
  } {
    if (!expected || expected.length === 0) return { expression: 'attribute_exists(PK)', values: {}, names: {} };
    const values: Record<string, unknown> = {};
    const placeholders = expected.map((status, i) => {
      values[`:expected${i}`] = status;
      return `:expected${i}`;
    });
    return {
      expression: `attribute_exists(PK) AND #status IN (${placeholders.join(', ')})`,
      names: { '#status': 'status' },
      values,
    };
  }

  // -------------------------------------------------------------------------------------------
  // rounds

  async createRound(round: Round): Promise<Round> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.round(round.roundId), ...keys.roundIndex(round.charter.year, round.charter.number), type: 'Round', ...round },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return round;
    } catch (error) {
      if (isConditionalFailure(error)) throw alreadyExists('round', round.roundId);
      throw error;
    }
  }

  async getRound(roundId: string): Promise<Round | undefined> {
    return strip<Round>(await this.get(keys.round(roundId)));
  }

  async requireRound(roundId: string): Promise<Round> {
    const round = await this.getRound(roundId);
    if (!round) throw notFound('round', roundId);
    return round;
  }

  /** All rounds, newest first. */
  async listRounds(): Promise<Round[]> {
    const items = await this.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': 'ROUNDS' },
      ScanIndexForward: false,
    });
    return items.map((item) => strip<Round>(item)!);
  }

  /**
   * Moves a round to `to` (and sets the other fields of `patch`) only if its status is one of
   * `expected`; otherwise a CONFLICT naming the round.
   */
  async updateRoundStatus(
    roundId: string,
    to: RoundStatus,
    expected: readonly RoundStatus[],
    patch: Partial<Omit<Round, 'roundId' | 'status'>> = {},
  ): Promise<Round> {
    const condition = this.statusCondition(expected);
    const item = await this.conditionalUpdate(keys.round(roundId), { ...patch, status: to }, condition, () =>
      conflict('round', roundId, `expected status ${expected.join('|')}`),
    );
    return strip<Round>(item)!;
  }

  /** Sets fields of a round without changing its status, optionally only in the given statuses. */
  async updateRound(
    roundId: string,
    patch: Partial<Omit<Round, 'roundId' | 'status'>>,
    expected?: readonly RoundStatus[],
  ): Promise<Round> {
    const condition = this.statusCondition(expected);
    const item = await this.conditionalUpdate(keys.round(roundId), patch, condition, () =>
      expected ? conflict('round', roundId, `expected status ${expected.join('|')}`) : notFound('round', roundId),
    );
    return strip<Round>(item)!;
  }

  /** Records an amendment and replaces the charter in one transaction, while the round is in `expected`. */
  async amendRound(
    amendment: Amendment,
    newCharter: Charter,
    expected: readonly RoundStatus[],
    charterSha256?: string,
  ): Promise<void> {
    const condition = this.statusCondition(expected);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.round(amendment.roundId),
                UpdateExpression: charterSha256 ? 'SET #charter = :charter, #sha = :sha' : 'SET #charter = :charter',
                ConditionExpression: condition.expression,
                ExpressionAttributeNames: {
                  ...condition.names,
                  '#charter': 'charter',
                  ...(charterSha256 ? { '#sha': 'charterSha256' } : {}),
                },
                ExpressionAttributeValues: {
                  ...condition.values,
                  ':charter': newCharter,
                  ...(charterSha256 ? { ':sha': charterSha256 } : {}),
                },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.amendment(amendment.roundId, amendment.at, amendment.amendmentId), type: 'Amendment', ...amendment },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) throw conflict('round', amendment.roundId, `expected status ${expected.join('|')}`);
      throw error;
    }
  }

  async listAmendments(roundId: string): Promise<Amendment[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `ROUND#${roundId}`, ':sk': 'AMEND#' },
    });
    return items.map((item) => strip<Amendment>(item)!);
  }

  // -------------------------------------------------------------------------------------------
  // submissions

  /**
   * Records a submission once. A retried parse step finds the item already there and gets it
   * back with `created: false` instead of an error.
   */
  async recordSubmission(submission: Submission): Promise<{ created: boolean; submission: Submission }> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.submission(submission.roundId, submission.submissionId),
            ...keys.submissionIndex(submission.unitCode, submission.roundId, submission.createdAt),
            type: 'Submission',
            ...submission,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { created: true, submission };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const existing = await this.getSubmission(submission.roundId, submission.submissionId);
      return { created: false, submission: existing! };
    }
  }

  async getSubmission(roundId: string, submissionId: string): Promise<Submission | undefined> {
    return strip<Submission>(await this.get(keys.submission(roundId, submissionId)));
  }

  async updateSubmissionStatus(
    roundId: string,
    submissionId: string,
    to: SubmissionStatus,
    patch: Partial<Pick<Submission, 'errors' | 'warnings' | 'caseId'>> = {},
    expected?: readonly SubmissionStatus[],
  ): Promise<Submission> {
    const item = await this.conditionalUpdate(keys.submission(roundId, submissionId), { ...patch, status: to }, this.statusCondition(expected), () =>
      expected ? conflict('submission', submissionId, `expected status ${expected.join('|')}`) : notFound('submission', submissionId),
    );
    return strip<Submission>(item)!;
  }

  async listSubmissionsByRound(roundId: string): Promise<Submission[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `ROUND#${roundId}`, ':sk': 'SUBMISSION#' },
    });
    return items.map((item) => strip<Submission>(item)!);
  }

  /** A unit's submissions to a round, oldest first. */
  async listSubmissionsByUnit(unitCode: string, roundId: string): Promise<Submission[]> {
    const items = await this.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :sk)',
      ExpressionAttributeValues: { ':pk': `UNIT#${unitCode}#${roundId}`, ':sk': 'SUBMISSION#' },
    });
    return items.map((item) => strip<Submission>(item)!);
  }

  // -------------------------------------------------------------------------------------------
  // cases

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
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: this.caseItem(record), ConditionExpression: 'attribute_not_exists(PK)' } },
            { Put: { TableName: this.tableName, Item: this.versionItem(version), ConditionExpression: 'attribute_not_exists(PK)' } },
          ],
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) throw alreadyExists('case', record.caseId);
      throw error;
    }
  }

  /**
   * Adds version `version.version` to a case whose current version is `version.version - 1` and
   * whose status is one of `expected`; the previous version stays, marked superseded. The case
   * takes the fields of `patch` (its new status, title, current submission).
   */
  async addCaseVersion(
    version: CaseVersion,
    patch: Partial<Omit<CaseRecord, 'caseId' | 'roundId' | 'unitCode' | 'currentVersion'>> & { status: CaseStatus },
    expected: readonly CaseStatus[],
  ): Promise<void> {
    const previous = version.version - 1;
    const { parts, names, values } = setExpression({
      ...patch,
      currentVersion: version.version,
      currentSubmissionId: version.submissionId,
      GSI1SK: `${patch.status}#${version.caseId}`,
    });
    const condition = this.statusCondition(expected);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.case(version.caseId),
                UpdateExpression: `SET ${parts.join(', ')}`,
                ConditionExpression: `${condition.expression} AND currentVersion = :previous`,
                ExpressionAttributeNames: { ...names, ...condition.names },
                ExpressionAttributeValues: { ...values, ...condition.values, ':previous': previous },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: keys.caseVersion(version.caseId, previous),
                UpdateExpression: 'SET supersededAt = :at',
                ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(supersededAt)',
                ExpressionAttributeValues: { ':at': version.createdAt },
              },
            },
            { Put: { TableName: this.tableName, Item: this.versionItem(version), ConditionExpression: 'attribute_not_exists(PK)' } },
          ],
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) {
        throw conflict('case', version.caseId, `expected version ${previous} in status ${expected.join('|')}`);
      }
      throw error;
    }
  }

  async getCase(caseId: string): Promise<CaseRecord | undefined> {
    return strip<CaseRecord>(await this.get(keys.case(caseId)));
  }

  async requireCase(caseId: string): Promise<CaseRecord> {
    const record = await this.getCase(caseId);
    if (!record) throw notFound('case', caseId);
    return record;
  }

  async getCaseVersion(caseId: string, version: number): Promise<CaseVersion | undefined> {
    return strip<CaseVersion>(await this.get(keys.caseVersion(caseId, version)));
  }

  async listCaseVersions(caseId: string): Promise<CaseVersion[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':sk': 'VERSION#' },
    });
    return items.map((item) => strip<CaseVersion>(item)!);
  }

  /** Cases of a round, optionally only those in one status. */
  async listCasesByRound(roundId: string, status?: CaseStatus): Promise<CaseRecord[]> {
    const items = await this.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: status ? 'GSI1PK = :pk AND begins_with(GSI1SK, :sk)' : 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': `ROUND#${roundId}#CASES`, ...(status ? { ':sk': `${status}#` } : {}) },
    });
    return items.map((item) => strip<CaseRecord>(item)!);
  }

  /** The case of a unit in a round (one per unit; later uploads are its versions). */
  async getCaseByUnit(unitCode: string, roundId: string): Promise<CaseRecord | undefined> {
    const items = await this.queryAll({
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
    const item = await this.conditionalUpdate(
      keys.case(caseId),
      { ...patch, status: to, GSI1SK: `${to}#${caseId}` },
      this.statusCondition(expected),
      () => conflict('case', caseId, `expected status ${expected.join('|')}`),
    );
    return strip<CaseRecord>(item)!;
  }

  // -------------------------------------------------------------------------------------------
  // near-duplicate index (docs/table-design.md, "Near-duplicate buckets")

  /**
   * Files a case version under each of its buckets: 25 entries per BatchWriteItem. Each version
   * has its own entry (the version is in the sort key), so a Put never replaces another
   * version's entry and needs no condition: a retried step writes the same items again, and a
   * late retry of a superseded version only adds entries that readers skip as superseded.
   */
  async indexCaseText(entry: DuplicateIndexEntry, bucketKeys: readonly string[]): Promise<void> {
    await this.batchWrite(
      bucketKeys.map((bucketKey) => ({
        PutRequest: { Item: { ...keys.duplicateBucket(bucketKey, entry.caseId, entry.version), type: 'DuplicateIndexEntry', ...entry } },
      })),
      `${entry.caseId} v${entry.version}`,
    );
  }

  /**
   * Removes the entries of one version of a case (the version a newer one replaced), whatever
   * newer versions are filed: theirs are other items.
   */
  async unindexCaseText(caseId: string, bucketKeys: readonly string[], version: number): Promise<void> {
    await this.batchWrite(
      bucketKeys.map((bucketKey) => ({ DeleteRequest: { Key: keys.duplicateBucket(bucketKey, caseId, version) } })),
      `${caseId} v${version}`,
    );
  }

  /**
   * BatchWriteItem in requests of 25, resending what the service left unprocessed (throttling,
   * a busy partition) with growing, jittered pauses; gives up as contention, which the steps retry.
   */
  private async batchWrite(requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string], id: string): Promise<void> {
    for (let start = 0; start < requests.length; start += BATCH_WRITE_SIZE) {
      let pending = requests.slice(start, start + BATCH_WRITE_SIZE);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= BATCH_ATTEMPTS) throw contention('near-duplicate index', id, `${pending.length} writes still unprocessed after ${BATCH_ATTEMPTS} attempts`);
        if (attempt > 0) await backoff(attempt);
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
        pending = out.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }

  /**
   * BatchGetItem in requests of 100 keys, resending unprocessed keys with growing pauses. Items
   * come back in no particular order; missing ones are simply absent.
   */
  private async batchGet(
    itemKeys: readonly { PK: string; SK: string }[],
    options: Omit<NonNullable<BatchGetCommandInput['RequestItems']>[string], 'Keys'>,
    what: string,
  ): Promise<Item[]> {
    const items: Item[] = [];
    for (let start = 0; start < itemKeys.length; start += BATCH_GET_SIZE) {
      let pending: Record<string, unknown>[] = itemKeys.slice(start, start + BATCH_GET_SIZE);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= BATCH_ATTEMPTS) throw contention(what, `${itemKeys.length} keys`, `${pending.length} reads still unprocessed after ${BATCH_ATTEMPTS} attempts`);
        if (attempt > 0) await backoff(attempt);
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { ...options, Keys: pending } } }));
        items.push(...((out.Responses?.[this.tableName] ?? []) as Item[]));
        pending = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return items;
  }

  /**
   * What the near-duplicate check compares of several case versions, in as few requests as
   * possible (100 a request): title, practices text and whether the version is superseded. Only
   * those attributes are read; a version not found is left out.
   */
  async getDuplicateTexts(refs: readonly { caseId: string; version: number }[]): Promise<DuplicateText[]> {
    const unique = new Map(refs.map((ref) => [`${ref.caseId}#${ref.version}`, keys.caseVersion(ref.caseId, ref.version)]));
    const items = await this.batchGet(
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
    const { candidates } = await this.findRankedDuplicateCandidates(bucketKeys);
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
  async findRankedDuplicateCandidates(bucketKeys: readonly string[], perBucketLimit?: number): Promise<DuplicateCandidateLookup> {
    let truncated = false;
    const pages = await inParallel(bucketKeys, INDEX_CONCURRENCY, async (bucketKey) => {
      const input = {
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.duplicateBucketPartition(bucketKey) },
        ProjectionExpression: '#caseId, #roundNumber, #version',
        ExpressionAttributeNames: { '#caseId': 'caseId', '#roundNumber': 'roundNumber', '#version': 'version' },
      };
      if (perBucketLimit === undefined) return { bucketKey, items: await this.queryAll(input) };
      const items: Item[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const out = await this.doc.send(
          new QueryCommand({ ...input, TableName: this.tableName, Limit: perBucketLimit + 1 - items.length, ExclusiveStartKey }),
        );
        items.push(...((out.Items ?? []) as Item[]));
        ExclusiveStartKey = out.LastEvaluatedKey;
      } while (ExclusiveStartKey && items.length <= perBucketLimit);
      // The entry past the limit is kept: it is a candidate like the others, and having read
      // it is how the lookup knows the bucket may hold more.
      if (items.length > perBucketLimit) truncated = true;
      return { bucketKey, items };
    });
    const byCase = new Map<string, RankedDuplicateCandidate & { buckets: Set<string> }>();
    for (const { bucketKey, items } of pages) {
      for (const item of items) {
        const caseId = item.caseId as string;
        const version = item.version as number;
        let seen = byCase.get(caseId);
        if (!seen) {
          seen = { caseId, roundNumber: item.roundNumber as number, version, sharedBuckets: 0, sharesTitle: false, buckets: new Set() };
          byCase.set(caseId, seen);
        } else if (seen.version < version) {
          seen.version = version;
          seen.roundNumber = item.roundNumber as number;
        }
        seen.buckets.add(bucketKey);
      }
    }
    const candidates = [...byCase.values()].map(({ buckets, ...candidate }) => ({
      ...candidate,
      sharedBuckets: buckets.size,
      sharesTitle: [...buckets].some((bucketKey) => bucketKey.startsWith('T#')),
    }));
    return { candidates, truncated };
  }

  // -------------------------------------------------------------------------------------------
  // reviews

  /** Assigns reviewers to a case; assigning someone already assigned changes nothing. */
  async assignReviewers(roundId: string, caseId: string, reviewerIds: readonly string[], at: string): Promise<void> {
    for (const reviewerId of reviewerIds) {
      const review: Review = { caseId, roundId, reviewerId, status: 'ASSIGNED', assignedAt: at };
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...keys.review(caseId, reviewerId),
              ...keys.reviewIndex(reviewerId, roundId, 'ASSIGNED', caseId),
              type: 'Review',
              ...review,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    }
  }

  /** Records a reviewer's score sheet once; a second sheet for the same case is a 409. */
  async recordScore(caseId: string, reviewerId: string, sheet: ScoreSheet, total: number, at: string): Promise<Review> {
    const existing = await this.get(keys.review(caseId, reviewerId));
    if (!existing) throw notFound('review', `${caseId}/${reviewerId}`);
    const item = await this.conditionalUpdate(
      keys.review(caseId, reviewerId),
      { sheet, total, scoredAt: at, status: 'SCORED', GSI2SK: `SCORED#${caseId}` },
      { expression: 'attribute_exists(PK) AND #status = :assigned', names: { '#status': 'status' }, values: { ':assigned': 'ASSIGNED' } },
      () => reviewAlreadyScored(caseId, reviewerId),
    );
    return strip<Review>(item)!;
  }

  async getReview(caseId: string, reviewerId: string): Promise<Review | undefined> {
    return strip<Review>(await this.get(keys.review(caseId, reviewerId)));
  }

  async updateReviewStatus(
    caseId: string,
    reviewerId: string,
    to: Review['status'],
    expected: readonly Review['status'][],
  ): Promise<Review> {
    const item = await this.conditionalUpdate(
      keys.review(caseId, reviewerId),
      { status: to, GSI2SK: `${to}#${caseId}` },
      this.statusCondition(expected),
      () => conflict('review', `${caseId}/${reviewerId}`, `expected status ${expected.join('|')}`),
    );
    return strip<Review>(item)!;
  }

  async listReviewsByCase(caseId: string): Promise<Review[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':sk': 'REVIEW#' },
    });
    return items.map((item) => strip<Review>(item)!);
  }

  async listReviewsByReviewer(reviewerId: string, roundId: string, status?: Review['status']): Promise<Review[]> {
    const items = await this.queryAll({
      IndexName: 'GSI2',
      KeyConditionExpression: status ? 'GSI2PK = :pk AND begins_with(GSI2SK, :sk)' : 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': `REVIEWER#${reviewerId}#${roundId}`, ...(status ? { ':sk': `${status}#` } : {}) },
    });
    return items.map((item) => strip<Review>(item)!);
  }

  // -------------------------------------------------------------------------------------------
  // tasks (approval steps)

  /**
   * Creates the task holding the workflow's token. The id is deterministic, so a retried
   * open-task finds its task already there and gets `created: false`.
   */
  async createTask(task: NewTask, taskToken: string): Promise<{ created: boolean; task: StoredTask }> {
    const role = TASK_ROLE[task.kind];
    const stored: StoredTask = { ...task, role, status: 'OPEN' };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.task(task.taskId),
            ...keys.taskIndex(role, 'OPEN', task.createdAt, task.roundId, task.kind, task.taskId),
            type: 'Task',
            ...stored,
            taskToken,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { created: true, task: stored };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      return { created: false, task: (await this.getTask(task.taskId))! };
    }
  }

  /** A task without its token (the only shape any caller outside the decision path sees). */
  async getTask(taskId: string): Promise<StoredTask | undefined> {
    return strip<StoredTask>(await this.get(keys.task(taskId)), ['taskToken']);
  }

  async requireTask(taskId: string): Promise<StoredTask> {
    const task = await this.getTask(taskId);
    if (!task) throw notFound('task', taskId);
    return task;
  }

  /** The workflow token of a task: the one read path that returns it, for the decision function. */
  async getTaskToken(taskId: string): Promise<string | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.task(taskId), ProjectionExpression: 'taskToken', ConsistentRead: true }),
    );
    return out.Item?.taskToken as string | undefined;
  }

  private async moveTask(
    taskId: string,
    to: TaskStatus,
    patch: Record<string, unknown>,
    now: string,
    requireUnexpired: boolean,
  ): Promise<StoredTask> {
    const task = await this.requireTask(taskId);
    const index = keys.taskIndex(task.role, to, task.createdAt, task.roundId, task.kind, taskId);
    const condition = requireUnexpired
      ? {
          expression: 'attribute_exists(PK) AND #status = :open AND expiresAt > :now',
          names: { '#status': 'status' },
          values: { ':open': 'OPEN', ':now': now },
        }
      : { expression: 'attribute_exists(PK) AND #status = :open', names: { '#status': 'status' }, values: { ':open': 'OPEN' } };
    try {
      const item = await this.conditionalUpdate(
        keys.task(taskId),
        { ...patch, status: to, GSI1SK: index.GSI1SK, GSI2SK: index.GSI2SK },
        condition,
        () => new TaskConditionFailed(),
      );
      return strip<StoredTask>(item, ['taskToken'])!;
    } catch (error) {
      if (!(error instanceof TaskConditionFailed)) throw error;
      const current = await this.requireTask(taskId);
      if (current.status === 'EXPIRED' || current.status === 'CANCELLED') throw taskExpired(taskId);
      if (current.status === 'OPEN') throw taskExpired(taskId); // open but past expiresAt
      throw taskAlreadyDecided(taskId);
    }
  }

  /**
   * Records the decision on an OPEN, unexpired task. A task already decided answers
   * TASK_ALREADY_DECIDED (409); an expired or cancelled one TASK_EXPIRED (410).
   */
  async decideTask(taskId: string, decision: unknown, by: Actor, at: string): Promise<StoredTask> {
    return this.moveTask(taskId, 'DECIDED', { decision, decidedBy: by.id, decidedAt: at }, at, true);
  }

  /** Marks an OPEN task EXPIRED (the workflow's timeout fired); errors as `decideTask` otherwise. */
  async expireTask(taskId: string, at: string): Promise<StoredTask> {
    return this.moveTask(taskId, 'EXPIRED', { expiredAt: at }, at, false);
  }

  async cancelTask(taskId: string, at: string): Promise<StoredTask> {
    return this.moveTask(taskId, 'CANCELLED', { cancelledAt: at }, at, false);
  }

  /** Replaces the token of an OPEN task (the engine re-entered the waiting state and minted a new one). */
  async refreshTaskToken(taskId: string, taskToken: string): Promise<void> {
    await this.conditionalUpdate(
      keys.task(taskId),
      { taskToken },
      { expression: 'attribute_exists(PK) AND #status = :open', names: { '#status': 'status' }, values: { ':open': 'OPEN' } },
      () => taskAlreadyDecided(taskId),
    );
  }

  /** Adds reviewer ids to a panel task's assignees (a replacement reviewer). */
  async addTaskAssignees(taskId: string, reviewerIds: readonly string[]): Promise<StoredTask> {
    const task = await this.requireTask(taskId);
    const assignees = [...new Set([...(task.assignees ?? []), ...reviewerIds])];
    const item = await this.conditionalUpdate(
      keys.task(taskId),
      { assignees },
      { expression: 'attribute_exists(PK) AND #status = :open', names: { '#status': 'status' }, values: { ':open': 'OPEN' } },
      () => taskAlreadyDecided(taskId),
    );
    return strip<StoredTask>(item, ['taskToken'])!;
  }

  /**
   * Claims the overdue reminder of an OPEN task that was not reminded yet: true for the one caller
   * whose conditional write set `remindedAt`, false for every other (already reminded, decided,
   * expired or gone). Whoever gets true sends the reminder; a retry gets false and sends nothing.
   */
  async markTaskReminded(taskId: string, at: string): Promise<boolean> {
    try {
      await this.conditionalUpdate(
        keys.task(taskId),
        { remindedAt: at },
        {
          expression: 'attribute_exists(PK) AND #status = :open AND attribute_not_exists(remindedAt)',
          names: { '#status': 'status' },
          values: { ':open': 'OPEN' },
        },
        () => new TaskConditionFailed(),
      );
      return true;
    } catch (error) {
      if (error instanceof TaskConditionFailed) return false;
      throw error;
    }
  }

  /** Gives a claimed reminder back (its sending failed), so the next sweep tries again. */
  async releaseTaskReminder(taskId: string, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.task(taskId),
          UpdateExpression: 'REMOVE remindedAt',
          ConditionExpression: 'remindedAt = :at',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  /**
   * OPEN tasks of every round past their `dueAt` and not yet reminded, oldest first per role. One
   * Query per role on GSI1 (`TASKS#<role>`, `OPEN#…`): it reads the open tasks only (a few per
   * live round), and the filter keeps those due by `now` (ISO strings in UTC compare in time order).
   */
  async listOverdueTasks(now: string): Promise<StoredTask[]> {
    const roles = [...new Set(Object.values(TASK_ROLE))].sort();
    const perRole = await Promise.all(
      roles.map((role) =>
        this.queryAll({
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :open)',
          FilterExpression: 'dueAt <= :now AND attribute_not_exists(remindedAt)',
          ExpressionAttributeValues: { ':pk': `TASKS#${role}`, ':open': 'OPEN#', ':now': now },
        }),
      ),
    );
    return perRole.flat().map((item) => strip<StoredTask>(item, ['taskToken'])!);
  }

  /** Tasks a role may act on, newest first, optionally only in one status. */
  async listTasksByRole(role: string, status?: TaskStatus): Promise<StoredTask[]> {
    const items = await this.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: status ? 'GSI1PK = :pk AND begins_with(GSI1SK, :sk)' : 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': `TASKS#${role}`, ...(status ? { ':sk': `${status}#` } : {}) },
      ScanIndexForward: false,
    });
    return items.map((item) => strip<StoredTask>(item, ['taskToken'])!);
  }

  async listTasksByRound(roundId: string, kind?: TaskKind, status?: TaskStatus): Promise<StoredTask[]> {
    const prefix = kind ? (status ? `${kind}#${status}#` : `${kind}#`) : undefined;
    const items = await this.queryAll({
      IndexName: 'GSI2',
      KeyConditionExpression: prefix ? 'GSI2PK = :pk AND begins_with(GSI2SK, :sk)' : 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': `ROUND#${roundId}#TASKS`, ...(prefix ? { ':sk': prefix } : {}) },
    });
    const tasks = items.map((item) => strip<StoredTask>(item, ['taskToken'])!);
    return status && !kind ? tasks.filter((task) => task.status === status) : tasks;
  }

  // -------------------------------------------------------------------------------------------
  // objections

  async fileObjection(objection: Objection): Promise<Objection> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.objection(objection.roundId, objection.objectionId), type: 'Objection', ...objection },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return objection;
    } catch (error) {
      if (isConditionalFailure(error)) throw alreadyExists('objection', objection.objectionId);
      throw error;
    }
  }

  async getObjection(roundId: string, objectionId: string): Promise<Objection | undefined> {
    return strip<Objection>(await this.get(keys.objection(roundId, objectionId)));
  }

  async listObjections(roundId: string, status?: Objection['status']): Promise<Objection[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `ROUND#${roundId}`, ':sk': 'OBJECTION#' },
    });
    const objections = items.map((item) => strip<Objection>(item)!);
    return status ? objections.filter((objection) => objection.status === status) : objections;
  }

  async ruleObjection(roundId: string, objectionId: string, outcome: 'DISMISSED' | 'UPHELD', ruling: string): Promise<Objection> {
    const item = await this.conditionalUpdate(
      keys.objection(roundId, objectionId),
      { status: outcome, ruling },
      { expression: 'attribute_exists(PK) AND #status = :open', names: { '#status': 'status' }, values: { ':open': 'OPEN' } },
      () => conflict('objection', objectionId, 'already ruled or missing'),
    );
    return strip<Objection>(item)!;
  }

  // -------------------------------------------------------------------------------------------
  // outbox

  /**
   * Records a notification once: its id is deterministic (the notifier derives it from what the
   * notification is about), so a retried step finds it there and gets the stored one back.
   */
  async appendNotificationOnce(notification: Notification): Promise<{ created: boolean; notification: Notification }> {
    const key = keys.notification(notification.roundId, notification.notificationId);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, ...keys.notificationIndex(notification.status, notification.createdAt), type: 'Notification', ...notification },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { created: true, notification };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      return { created: false, notification: strip<Notification>(await this.get(key))! };
    }
  }

  async appendNotification(notification: Notification): Promise<Notification> {
    return (await this.appendNotificationOnce(notification)).notification;
  }

  async getNotification(roundId: string, notificationId: string): Promise<Notification | undefined> {
    return strip<Notification>(await this.get(keys.notification(roundId, notificationId)));
  }

  /** Marks a notification RELEASED if it is still PENDING (a sent email); false if it was not. */
  async markNotificationReleased(notification: Pick<Notification, 'roundId' | 'notificationId' | 'createdAt'>, at: string): Promise<boolean> {
    try {
      await this.conditionalUpdate(
        keys.notification(notification.roundId, notification.notificationId),
        { status: 'RELEASED', releasedAt: at, GSI1SK: `RELEASED#${notification.createdAt}` },
        { expression: 'attribute_exists(PK) AND #status = :pending', names: { '#status': 'status' }, values: { ':pending': 'PENDING' } },
        () => conflict('notification', notification.notificationId, 'not pending'),
      );
      return true;
    } catch (error) {
      if (error instanceof StoreError && error.code === 'CONFLICT') return false;
      throw error;
    }
  }

  /** Withdraws a PENDING notification whose sending failed, so that a retry may send it. */
  async withdrawNotification(roundId: string, notificationId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.notification(roundId, notificationId),
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING' },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  /** Notifications waiting to be released, oldest first. */
  async listPendingNotifications(): Promise<Notification[]> {
    const items = await this.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :sk)',
      ExpressionAttributeValues: { ':pk': 'OUTBOX', ':sk': 'PENDING#' },
    });
    return items.map((item) => strip<Notification>(item)!);
  }

  /** A round's notifications, oldest first (the sort key holds the id, so ordering is done here). */
  async listNotificationsByRound(roundId: string): Promise<Notification[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `OUTBOX#${roundId}` },
    });
    return items
      .map((item) => strip<Notification>(item)!)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.notificationId.localeCompare(b.notificationId));
  }

  /** Marks a pending notification RELEASED (once; a second release is a conflict). */
  async releaseNotification(notificationId: string, at: string): Promise<Notification> {
    const pending = await this.queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :sk)',
      FilterExpression: 'notificationId = :id',
      ExpressionAttributeValues: { ':pk': 'OUTBOX', ':sk': 'PENDING#', ':id': notificationId },
    });
    const found = pending[0];
    if (!found) throw notFound('notification', notificationId);
    const item = await this.conditionalUpdate(
      { PK: found.PK as string, SK: found.SK as string },
      { status: 'RELEASED', releasedAt: at, GSI1SK: `RELEASED#${found.createdAt as string}` },
      { expression: 'attribute_exists(PK) AND #status = :pending', names: { '#status': 'status' }, values: { ':pending': 'PENDING' } },
      () => conflict('notification', notificationId, 'already released'),
    );
    return strip<Notification>(item)!;
  }

  // -------------------------------------------------------------------------------------------
  // audit trail
  //
  // Appending and linking are split (docs/table-design.md, "Audit chain"): an append takes the
  // next seq from an atomic counter on the round's head item and writes the entry unsealed, so
  // concurrent writers never conflict; `sealAudit` links entries in seq order afterwards, one
  // logical sealer per round, and every read path seals first.

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
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...keys.audit(entry.roundId, seq), type: 'AuditEntry', ...entry, appendedAt: this.now() },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
        return entry;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    }
    throw contention('audit entry', draft.roundId, `every reserved seq was taken by the time its entry was written (${AUDIT_APPEND_ATTEMPTS} attempts)`);
  }

  private async reserveAuditSeq(roundId: string): Promise<number> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.auditHead(roundId),
        UpdateExpression: 'ADD nextSeq :one SET reservedAt = :now, #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':now': this.now(), ':type': 'AuditHead' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return out.Attributes!.nextSeq as number;
  }

  private async auditHead(roundId: string): Promise<AuditHead | undefined> {
    const item = await this.get(keys.auditHead(roundId));
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
  private async sealBatch(roundId: string, head: AuditHead, last: number): Promise<{ sealedSeq: number; sealedHash: string; stopped: boolean }> {
    const items = await this.queryAll({
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
    const written = await inParallel(links, AUDIT_SEAL_CONCURRENCY, (link) => (link.alreadySealed ? Promise.resolve(true) : this.writeSeal(link.entry)));
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
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.audit(entry.roundId, entry.seq),
          UpdateExpression: 'SET prevHash = :prev, #hash = :hash, sealed = :true',
          ConditionExpression: 'sealed = :false',
          ExpressionAttributeNames: { '#hash': 'hash' },
          ExpressionAttributeValues: { ':prev': entry.prevHash, ':hash': entry.hash, ':true': true, ':false': false },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const current = await this.get(keys.audit(entry.roundId, entry.seq));
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
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }));
      return item;
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      return (await this.get(keys.audit(roundId, seq)))!;
    }
  }

  /** Moves the sealed head forward; false when another sealer already moved it at least as far. */
  private async advanceAuditHead(roundId: string, sealedSeq: number, sealedHash: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.auditHead(roundId),
          UpdateExpression: 'SET sealedSeq = :seq, sealedHash = :hash',
          ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(sealedSeq) OR sealedSeq < :seq)',
          ExpressionAttributeValues: { ':seq': sealedSeq, ':hash': sealedHash },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }

  /** Seals the audit trail of every round (the hourly sweep does this, so chains seal even when nobody reads them). */
  async sealAllAudits(): Promise<void> {
    const rounds = await this.listRounds();
    for (const round of rounds) await this.sealAudit(round.roundId);
  }

  /**
   * A round's audit trail in chain order, sealed first, with any entries that could not be sealed
   * yet (a seq still within its grace period) as an unsealed tail.
   */
  async listAuditWithPending(roundId: string): Promise<StoredAuditEntry[]> {
    await this.sealAudit(roundId);
    const items = await this.queryAll({
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

  // -------------------------------------------------------------------------------------------
  // finalization

  /**
   * The approval of a round in one transaction: every approved case APPROVED with its published
   * reason, and the round APPROVED with its ordered list. Fails as a whole (CONFLICT) if the round
   * is not in NOTICE or any case is not SELECTED/SHORTLISTED. At most 99 cases (DynamoDB's
   * transaction limit is 100 items); a round selects far fewer.
   */
  async markApproved(roundId: string, approvedList: readonly ApprovedEntry[], at: string): Promise<void> {
    if (approvedList.length > 99) throw conflict('round', roundId, 'more than 99 approved cases do not fit one transaction');
    const round = await this.requireRound(roundId);
    const revision = (round.publicationRevision ?? 0) + 1;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.round(roundId),
                UpdateExpression: 'SET #status = :approved, approvedList = :list, approvedAt = :at, publicationRevision = :revision',
                ConditionExpression: '#status = :notice',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':approved': 'APPROVED', ':list': approvedList, ':at': at, ':revision': revision, ':notice': 'NOTICE' },
              },
            },
            ...approvedList.map((entry) => ({
              Update: {
                TableName: this.tableName,
                Key: keys.case(entry.caseId),
                UpdateExpression: 'SET #status = :approved, GSI1SK = :gsi, reason = :reason, updatedAt = :at',
                ConditionExpression: 'roundId = :round AND #status IN (:selected, :shortlisted)',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':approved': 'APPROVED',
                  ':gsi': `APPROVED#${entry.caseId}`,
                  ':reason': entry.reason,
                  ':at': at,
                  ':round': roundId,
                  ':selected': 'SELECTED',
                  ':shortlisted': 'SHORTLISTED',
                },
              },
            })),
          ],
        }),
      );
    } catch (error) {
      if (isConditionalFailure(error)) throw conflict('round', roundId, 'round not in NOTICE or a case not selected');
      throw error;
    }
  }
}
