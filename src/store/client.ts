/**
 * The DocumentClient, the table client and the Store for Lambda handlers: created once per
 * process (module scope), pointed at DynamoDB Local by AWS_ENDPOINT_URL_DYNAMODB when the local
 * cloud sets it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { Store } from './store';
import { TableClient } from './table';

export function createDocumentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}

let sharedTable: TableClient | undefined;

/** The process-wide client of TABLE_NAME, for a function that composes only the repositories it uses. */
export function defaultTable(): TableClient {
  sharedTable ??= new TableClient(createDocumentClient(), config.tableName);
  return sharedTable;
}

let shared: Store | undefined;

/** The process-wide Store over TABLE_NAME: every repository (the HTTP API uses nearly all). */
export function defaultStore(): Store {
  shared ??= new Store({ doc: createDocumentClient(), tableName: config.tableName });
  return shared;
}
