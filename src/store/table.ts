/**
 * The one small client every repository of the case table goes through: consistent get, query
 * with every page, conditional update, and batch write/get with resends. Key shapes live in
 * ./schema.ts; what an item means lives in the repository of its aggregate.
 *
 * Imported by the repositories in this folder only.
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
  type DeleteCommandInput,
  type PutCommandInput,
  type QueryCommandInput,
  type TransactWriteCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { contention, isConditionalFailure } from './errors';
import { KEY_ATTRIBUTES } from './schema';

export type Item = Record<string, unknown>;
export type Key = { PK: string; SK: string };

/** The service's limits per BatchWriteItem and per BatchGetItem. */
const BATCH_WRITE_SIZE = 25;
const BATCH_GET_SIZE = 100;
/** Sends of one batch before its unprocessed rest is reported as contention. */
const BATCH_ATTEMPTS = 8;

/** A request's input without the table, which the client adds. */
type OnTable<T> = Omit<T, 'TableName'>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** A transaction item whose operation (Put, Update, Delete or ConditionCheck) names no table. */
export type TransactItemOnTable = { [Op in keyof TransactItem]?: OnTable<NonNullable<TransactItem[Op]>> };

/**
 * One write of a transaction that several repositories contribute to (a step's own write, the
 * submission's status, the audit entry, the near-duplicate signature): the item, and the error
 * its condition failing means. Lets a step make its writes in one TransactWriteItems instead of
 * one request each.
 */
export interface TableWrite {
  item: TransactItemOnTable;
  onConditionFailed: () => Error;
}

/** The indexes of a cancelled transaction's items whose condition failed (none: cancelled for another reason). */
export function failedConditions(error: unknown): number[] {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] } | null)?.CancellationReasons ?? [];
  return reasons.flatMap((reason, i) => (reason?.Code === 'ConditionalCheckFailed' ? [i] : []));
}

/** Exponential pause with full jitter before resending unprocessed batch items (50 ms … 3.2 s). */
function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(3_200, 50 * 2 ** (attempt - 1));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the items' order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
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

/** An item as its aggregate sees it: without the table's key attributes (and any `extra`). */
export function strip<T>(item: Item | undefined, extra: readonly string[] = []): T | undefined {
  if (!item) return undefined;
  const copy: Item = { ...item };
  for (const key of KEY_ATTRIBUTES) delete copy[key];
  for (const key of extra) delete copy[key];
  return copy as T;
}

/** Builds `SET #a = :a, …` from the defined entries of a patch; undefined entries are skipped. */
export function setExpression(patch: Record<string, unknown>, prefix = 'p') {
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

export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** The item exists and, when `expected` names any, its status is one of them. */
export function statusCondition(expected: readonly string[] | undefined): Required<Condition> {
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

export class TableClient {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  async get(key: Key): Promise<Item | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  put(input: OnTable<PutCommandInput>) {
    return this.doc.send(new PutCommand({ TableName: this.name, ...input }));
  }

  update(input: OnTable<UpdateCommandInput>) {
    return this.doc.send(new UpdateCommand({ TableName: this.name, ...input }));
  }

  delete(input: OnTable<DeleteCommandInput>) {
    return this.doc.send(new DeleteCommand({ TableName: this.name, ...input }));
  }

  /** One TransactWriteItems over this table: all items or none. */
  transact(items: readonly TransactItemOnTable[]) {
    const TransactItems = items.map((item) => {
      const onTable: TransactItem = {};
      for (const [op, body] of Object.entries(item)) Object.assign(onTable, { [op]: { TableName: this.name, ...body } });
      return onTable;
    });
    return this.doc.send(new TransactWriteCommand({ TransactItems }));
  }

  /**
   * The writes of several repositories in one TransactWriteItems: all or none. A failed condition
   * throws the error its write names (the first one, in the order given); a transaction cancelled
   * for a concurrent transaction on the same items is contention, which the steps retry.
   */
  async transactWrites(writes: readonly TableWrite[]): Promise<void> {
    try {
      await this.transact(writes.map((write) => write.item));
    } catch (error) {
      if ((error as { name?: string } | null)?.name !== 'TransactionCanceledException') throw error;
      const failed = failedConditions(error);
      if (failed.length > 0) throw writes[failed[0]!]!.onConditionFailed();
      throw contention('transaction', `${writes.length} writes`, (error as Error).message);
    }
  }

  /** Every page of a query; the lists we read are bounded by a round's size. */
  async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ ...input, TableName: this.name, ExclusiveStartKey }));
      items.push(...((out.Items ?? []) as Item[]));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** Sets the defined fields of `patch` (and `extraSet` clauses) if `condition` holds; else throws `onFailure()`. */
  async conditionalUpdate(
    key: Key,
    patch: Record<string, unknown>,
    condition: Condition,
    onFailure: () => Error,
    extraSet: string[] = [],
  ): Promise<Item> {
    const { parts, names, values } = setExpression(patch);
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.name,
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

  /**
   * BatchWriteItem in requests of 25, resending what the service left unprocessed (throttling,
   * a busy partition) with growing, jittered pauses; gives up as contention, which the steps retry.
   */
  async batchWrite(requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string], what: string, id: string): Promise<void> {
    for (let start = 0; start < requests.length; start += BATCH_WRITE_SIZE) {
      let pending = requests.slice(start, start + BATCH_WRITE_SIZE);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= BATCH_ATTEMPTS)
          throw contention(what, id, `${pending.length} writes still unprocessed after ${BATCH_ATTEMPTS} attempts`);
        if (attempt > 0) await backoff(attempt);
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.name]: pending } }));
        pending = out.UnprocessedItems?.[this.name] ?? [];
      }
    }
  }

  /**
   * BatchGetItem in requests of 100 keys, resending unprocessed keys with growing pauses. Items
   * come back in no particular order; missing ones are simply absent.
   */
  async batchGet(
    itemKeys: readonly Key[],
    options: Omit<NonNullable<BatchGetCommandInput['RequestItems']>[string], 'Keys'>,
    what: string,
  ): Promise<Item[]> {
    const items: Item[] = [];
    for (let start = 0; start < itemKeys.length; start += BATCH_GET_SIZE) {
      let pending: Record<string, unknown>[] = itemKeys.slice(start, start + BATCH_GET_SIZE);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= BATCH_ATTEMPTS)
          throw contention(what, `${itemKeys.length} keys`, `${pending.length} reads still unprocessed after ${BATCH_ATTEMPTS} attempts`);
        if (attempt > 0) await backoff(attempt);
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.name]: { ...options, Keys: pending } } }));
        items.push(...((out.Responses?.[this.name] ?? []) as Item[]));
        pending = out.UnprocessedKeys?.[this.name]?.Keys ?? [];
      }
    }
    return items;
  }
}
