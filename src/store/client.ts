/**
 * The DocumentClient and the Store for Lambda handlers: created once per process (module scope),
 * pointed at DynamoDB Local by AWS_ENDPOINT_URL_DYNAMODB when the local cloud sets it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { Store } from './store';

export function createDocumentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}

let shared: Store | undefined;

/** The process-wide Store over TABLE_NAME. */
export function defaultStore(): Store {
  shared ??= new Store({ doc: createDocumentClient(), tableName: config.tableName });
  return shared;
}
