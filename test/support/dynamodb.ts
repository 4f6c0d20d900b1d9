/**
 * DynamoDB Local for workflow tests: one in-memory instance per test file, the case table
 * created exactly as docs/architecture.md describes it (src/store/schema.ts), and a Store on it.
 *
 *   const db = await startTestTable();   // in beforeAll
 *   db.store.rounds.createRound(...)
 *   await db.stop();                     // in afterAll
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../../local/dynamodb';
import { createDocumentClient } from '../../src/store/client';
import { tableDefinition } from '../../src/store/schema';
import { Store } from '../../src/store/store';

export interface TestTable {
  endpoint: string;
  tableName: string;
  client: DynamoDBClient;
  store: Store;
  stop(): Promise<void>;
}

export async function startTestTable(tableName = 'casebook-test'): Promise<TestTable> {
  const local = await startDynamoDbLocal({ inMemory: true });
  const client = new DynamoDBClient({ endpoint: local.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }),
    );
  } catch (error) {
    client.destroy();
    await local.stop();
    throw error;
  }
  const store = new Store({ doc: createDocumentClient(client), tableName });
  return {
    endpoint: local.endpoint,
    tableName,
    client,
    store,
    async stop() {
      client.destroy();
      await local.stop();
    },
  };
}
