/**
 * The single table's physical schema and key shapes (docs/architecture.md, "Table").
 *
 * The stack (lib/case-store.ts) and the local cloud create the table from the synthesized
 * template; this definition exists for tests and the bench, which start DynamoDB Local
 * themselves without synthesizing. test/infra/table-schema.test.ts proves it equal to the
 * stack's table (keys, attributes, indexes, stream).
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export function tableDefinition(tableName: string): CreateTableCommandInput {
  const index = (name: 'GSI1' | 'GSI2') => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: `${name}PK`, KeyType: 'HASH' as const },
      { AttributeName: `${name}SK`, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'].map((AttributeName) => ({
      AttributeName,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [index('GSI1'), index('GSI2')],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Key builders: the only place item keys are spelled. */
export const keys = {
  round: (roundId: string) => ({ PK: `ROUND#${roundId}`, SK: 'ROUND' }),
  roundIndex: (year: number, number: number) => ({ GSI1PK: 'ROUNDS', GSI1SK: `${year}#${pad(number, 3)}` }),
  amendment: (roundId: string, at: string, id: string) => ({ PK: `ROUND#${roundId}`, SK: `AMEND#${at}#${id}` }),
  submission: (roundId: string, submissionId: string) => ({ PK: `ROUND#${roundId}`, SK: `SUBMISSION#${submissionId}` }),
  submissionIndex: (unitCode: string, roundId: string, createdAt: string) => ({
    GSI1PK: `UNIT#${unitCode}#${roundId}`,
    GSI1SK: `SUBMISSION#${createdAt}`,
  }),
  case: (caseId: string) => ({ PK: `CASE#${caseId}`, SK: 'CASE' }),
  caseIndex: (roundId: string, status: string, caseId: string, unitCode: string) => ({
    GSI1PK: `ROUND#${roundId}#CASES`,
    GSI1SK: `${status}#${caseId}`,
    GSI2PK: `UNIT#${unitCode}#${roundId}`,
    GSI2SK: 'CASE',
  }),
  caseVersion: (caseId: string, version: number) => ({ PK: `CASE#${caseId}`, SK: `VERSION#${pad(version, 4)}` }),
  review: (caseId: string, reviewerId: string) => ({ PK: `CASE#${caseId}`, SK: `REVIEW#${reviewerId}` }),
  reviewIndex: (reviewerId: string, roundId: string, status: string, caseId: string) => ({
    GSI2PK: `REVIEWER#${reviewerId}#${roundId}`,
    GSI2SK: `${status}#${caseId}`,
  }),
  task: (taskId: string) => ({ PK: `TASK#${taskId}`, SK: 'TASK' }),
  taskIndex: (role: string, status: string, createdAt: string, roundId: string, kind: string, taskId: string) => ({
    GSI1PK: `TASKS#${role}`,
    GSI1SK: `${status}#${createdAt}`,
    GSI2PK: `ROUND#${roundId}#TASKS`,
    GSI2SK: `${kind}#${status}#${taskId}`,
  }),
  objection: (roundId: string, objectionId: string) => ({ PK: `ROUND#${roundId}`, SK: `OBJECTION#${objectionId}` }),
  /**
   * The public objection route's counters for a round (src/usecases/api/objection-guard.ts): one
   * item per hashed source and window (TTL'd), the round's key for those hashes, and its totals.
   */
  objectionSource: (roundId: string, sourceHash: string, windowStart: number) => ({
    PK: `OBJGUARD#${roundId}`,
    SK: `SRC#${sourceHash}#${windowStart}`,
  }),
  objectionGuardKey: (roundId: string) => ({ PK: `OBJGUARD#${roundId}`, SK: 'KEY' }),
  objectionGuardTotals: (roundId: string) => ({ PK: `OBJGUARD#${roundId}`, SK: 'TOTALS' }),
  audit: (roundId: string, seq: number) => ({ PK: `AUDIT#${roundId}`, SK: pad(seq, 10) }),
  /** The chain's head: the seq counter and how far the chain is sealed. 'HEAD' sorts after every `<seq:010>`. */
  auditHead: (roundId: string) => ({ PK: `AUDIT#${roundId}`, SK: 'HEAD' }),
  /** The id alone in the sort key: a retried notifier writes the same key and finds it taken. */
  notification: (roundId: string, id: string) => ({ PK: `OUTBOX#${roundId}`, SK: `N#${id}` }),
  notificationIndex: (status: string, createdAt: string) => ({ GSI1PK: 'OUTBOX', GSI1SK: `${status}#${createdAt}` }),
  siteManifest: () => ({ PK: 'SITE', SK: 'MANIFEST' }),
  /**
   * A near-duplicate bucket (`<band:02>#<hash>` or `T#<hash>`, src/domain/similarity) and one
   * version of a case in it: each version its own item, so filing one never touches another's.
   */
  duplicateBucket: (bucketKey: string, caseId: string, version: number) => ({
    PK: `DEDUP#${bucketKey}`,
    SK: `${caseId}#${pad(version, 4)}`,
  }),
  /**
   * The near-duplicate signature log: one entry per stored case version (its bucket keys), by
   * seq, in one partition; 'HEAD' (the seq counter) sorts after every `<seq:012>`.
   */
  signature: (seq: number) => ({ PK: 'DUPSIG', SK: pad(seq, 12) }),
  signatureHead: () => ({ PK: 'DUPSIG', SK: 'HEAD' }),
  /** The partition of a near-duplicate bucket (what a lookup queries). */
  duplicateBucketPartition: (bucketKey: string) => `DEDUP#${bucketKey}`,
};

/** Attributes that belong to the table layout, not to the entity; removed on every read. */
export const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'type'] as const;
