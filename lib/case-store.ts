import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { allow, roleOf as requireRole } from './iam';

/** Anything that can hold an environment variable and receive grants (a Lambda function). */
export type Bindable = IFunction & { addEnvironment(key: string, value: string): unknown };

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

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

  /** The table and each index by name: no `index/*` wildcard, and no Scan anywhere. */
  private get readResources(): string[] {
    return [this.table.tableArn, ...TABLE_INDEXES.map((index) => `${this.table.tableArn}/index/${index}`)];
  }

  /** Read-only access (items and indexes) plus `TABLE_NAME`, in one call so they cannot drift. */
  bindRead(fn: Bindable): void {
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    allow(requireRole(fn), { actions: READ_ACTIONS, resources: this.readResources });
  }

  /** Read-write access (items, indexes, transactions) plus `TABLE_NAME`; still no Scan. */
  bindReadWrite(fn: Bindable): void {
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    allow(requireRole(fn), { actions: READ_ACTIONS, resources: this.readResources });
    allow(requireRole(fn), { actions: WRITE_ACTIONS, resources: [this.table.tableArn] });
  }
}
