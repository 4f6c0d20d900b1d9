/**
 * The table is defined twice on purpose: by the stack (lib/case-store.ts, what AWS and the local
 * cloud create) and by src/store/schema.ts (what tests and the bench create in a DynamoDB Local
 * they start themselves, without synthesizing). This proves the two the same: the stack's table,
 * read the way the local cloud reads it (local/topology/tables.ts), equals `tableDefinition`.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { tablesOf } from '../../local/topology/tables';
import { TemplateReader, type CfnTemplate } from '../../local/topology/template';
import { tableDefinition } from '../../src/store/schema';
import { synthesize } from './support';

/** The parts of CreateTable that define the table, in an order-independent form. */
function shape(input: CreateTableCommandInput) {
  const byName = <T extends { AttributeName?: string; IndexName?: string }>(list: T[] | undefined) =>
    [...(list ?? [])].sort((a, b) => String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)));
  return {
    KeySchema: input.KeySchema,
    AttributeDefinitions: byName(input.AttributeDefinitions),
    BillingMode: input.BillingMode,
    GlobalSecondaryIndexes: byName(input.GlobalSecondaryIndexes).map((g) => ({
      IndexName: g.IndexName,
      KeySchema: g.KeySchema,
      Projection: g.Projection,
    })),
    LocalSecondaryIndexes: input.LocalSecondaryIndexes ?? [],
    StreamSpecification: input.StreamSpecification,
  };
}

let stackTables: ReturnType<typeof tablesOf>;
beforeAll(() => {
  const { template } = synthesize();
  stackTables = tablesOf(new TemplateReader(template.toJSON() as CfnTemplate));
});

describe('the table definition', () => {
  it('src/store/schema.ts defines the table the stack deploys: keys, attributes, indexes, stream', () => {
    expect(stackTables).toHaveLength(1);
    const [table] = stackTables;
    expect(shape(tableDefinition('casebook'))).toEqual(shape(table!.create));
    // and the comparison sees a difference when there is one
    const other = tableDefinition('casebook');
    other.GlobalSecondaryIndexes = other.GlobalSecondaryIndexes!.slice(0, 1);
    expect(shape(other)).not.toEqual(shape(table!.create));
  });

  it('the stack expires items by expiresAt, the attribute the task store writes', () => {
    expect(stackTables[0]!.ttlAttribute).toBe('expiresAt');
  });
});
