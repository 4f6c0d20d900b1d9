import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Anything that can hold an environment variable and receive grants (a Lambda function). */
export type Bindable = IFunction & { addEnvironment(key: string, value: string): unknown };

/** The global secondary indexes of the single-table design (see docs/table-design.md). */
export const TABLE_INDEXES = ['GSI1', 'GSI2'] as const;

/**
 * CaseStore: the one DynamoDB table that holds rounds, submissions, cases, reviews, tasks,
 * objections, the audit chain, the outbox and the site manifest (single-table design, documented
 * in docs/table-design.md). On-demand capacity (a round is bursty: quiet for months, busy for
 * days), a NEW_AND_OLD_IMAGES stream (the publisher compares before and after), point-in-time
 * recovery and deletion protection (the audit chain is the record), TTL on `expiresAt`.
 */
export class CaseStore extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'PK', type: AttributeType.STRING },
      sortKey: { name: 'SK', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index,
        partitionKey: { name: `${index}PK`, type: AttributeType.STRING },
        sortKey: { name: `${index}SK`, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /** Read-only access (items and indexes) plus `TABLE_NAME`, in one call so they cannot drift. */
  bindRead(fn: Bindable): void {
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    this.table.grantReadData(fn);
  }

  /** Read-write access (items and indexes, transactions included) plus `TABLE_NAME`. */
  bindReadWrite(fn: Bindable): void {
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    this.table.grantReadWriteData(fn);
  }
}
