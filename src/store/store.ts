/**
 * The case table as repositories, one per aggregate, over one small table client. Every read and
 * write of the single table goes through them, so key shapes, index maintenance and conditions
 * live in one place per aggregate; reads use GetItem or Query only (no Scan on any path).
 *
 * `Store` is the wiring's composition of all of them. A use case never takes a `Store`: it
 * declares the repositories and methods it uses (`StorePort`, see src/usecases/ports.ts) and is
 * handed this object, which satisfies every such port.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AuditRepository } from './audit';
import { CaseRepository } from './cases';
import { ObjectionRepository } from './objections';
import { OutboxRepository } from './outbox';
import { ReviewRepository } from './reviews';
import { RoundRepository } from './rounds';
import { SubmissionRepository } from './submissions';
import { TableClient } from './table';
import { TaskRepository } from './tasks';

export type { Amendment } from './rounds';
export type { AuditSealResult } from './audit';
export { DEFAULT_AUDIT_GRACE_MS } from './audit';
export type {
  CaseVersion,
  DuplicateCandidate,
  DuplicateCandidateLookup,
  DuplicateIndexEntry,
  DuplicateText,
  RankedDuplicateCandidate,
} from './cases';
export type { NewTask, StoredTask } from './tasks';
export type { TableWrite } from './table';
export type { ReservedAuditEntry } from './audit';
export type { ReservedSignature } from './signatures';
export type { SubmissionInRound } from './submissions';

export interface StoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Grace period for a reserved audit seq without its entry (default 60 s). */
  auditGraceMs?: number;
  /** Grace period for a reserved near-duplicate signature seq without its entry (default 60 s). */
  signatureGraceMs?: number;
  /** Clock for audit bookkeeping (ms since epoch); tests move it past the grace period. */
  now?: () => number;
}

/** Every repository of the case table, by aggregate. */
export interface Repositories {
  rounds: RoundRepository;
  submissions: SubmissionRepository;
  cases: CaseRepository;
  reviews: ReviewRepository;
  tasks: TaskRepository;
  objections: ObjectionRepository;
  outbox: OutboxRepository;
  audit: AuditRepository;
}

export class Store implements Repositories {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly rounds: RoundRepository;
  readonly submissions: SubmissionRepository;
  readonly cases: CaseRepository;
  readonly reviews: ReviewRepository;
  readonly tasks: TaskRepository;
  readonly objections: ObjectionRepository;
  readonly outbox: OutboxRepository;
  readonly audit: AuditRepository;

  constructor(options: StoreOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
    const table = new TableClient(options.doc, options.tableName);
    this.rounds = new RoundRepository(table);
    this.submissions = new SubmissionRepository(table);
    this.cases = new CaseRepository(table, { signatureGraceMs: options.signatureGraceMs, now: options.now });
    this.reviews = new ReviewRepository(table);
    this.tasks = new TaskRepository(table);
    this.objections = new ObjectionRepository(table);
    this.outbox = new OutboxRepository(table);
    this.audit = new AuditRepository(table, this.rounds, { auditGraceMs: options.auditGraceMs, now: options.now });
  }
}

/**
 * The narrow view of the store a use case declares: per repository, the methods it calls. For
 * example `StorePort<{ tasks: 'createTask' | 'getTask'; audit: 'appendAudit' }>`. A `Store`
 * satisfies every such port; a test may pass anything that has those methods.
 */
export type StorePort<Need extends { [R in keyof Repositories]?: keyof Repositories[R] }> = {
  [R in keyof Need & keyof Repositories]: Pick<Repositories[R], Need[R] & keyof Repositories[R]>;
};
