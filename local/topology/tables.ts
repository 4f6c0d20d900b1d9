/** The stack's DynamoDB tables as CreateTable inputs: keys, indexes, stream and TTL. */
import type { TableSpec } from '../dynamodb';
import { TABLE_TYPES, type Json, type TemplateReader } from './template';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export function tablesOf(t: TemplateReader): TableSpec[] {
  return t.byType(...TABLE_TYPES).map(([id, r]) => {
    const p = r.Properties ?? {};
    const gsis = (p.GlobalSecondaryIndexes as Record<string, Json>[] | undefined)?.map((g) => ({
      IndexName: g.IndexName as string,
      KeySchema: g.KeySchema as never,
      Projection: (g.Projection ?? { ProjectionType: 'ALL' }) as never,
    }));
    const lsis = (p.LocalSecondaryIndexes as Record<string, Json>[] | undefined)?.map((g) => ({
      IndexName: g.IndexName as string,
      KeySchema: g.KeySchema as never,
      Projection: (g.Projection ?? { ProjectionType: 'ALL' }) as never,
    }));
    const stream = p.StreamSpecification as { StreamViewType?: string } | undefined;
    const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
    const create: CreateTableCommandInput = {
      TableName: t.name(id),
      KeySchema: p.KeySchema as never,
      AttributeDefinitions: p.AttributeDefinitions as never,
      BillingMode: 'PAY_PER_REQUEST',
      ...(gsis?.length ? { GlobalSecondaryIndexes: gsis } : {}),
      ...(lsis?.length ? { LocalSecondaryIndexes: lsis } : {}),
      ...(stream?.StreamViewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType as never } } : {}),
    };
    return { logicalId: id, create, ...(ttl?.Enabled !== false && ttl?.AttributeName ? { ttlAttribute: ttl.AttributeName } : {}) };
  });
}
