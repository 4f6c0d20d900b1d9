/**
 * The Lambda event-source mapping for DynamoDB Streams, played locally: poll each shard of the
 * table's stream, shape records like Lambda's DynamoDB event, drop the ones the mapping's filter
 * criteria reject, deliver in batches, retry (bisecting on error when the mapping says so),
 * honour ReportBatchItemFailures, and after the last retry write the batch to a dead-letter folder
 * (the local failure destination) and move on.
 *
 * The position in each shard is checkpointed to the data dir after every delivered batch, so a
 * restart neither loses nor replays records that were already handled.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { matchesPattern } from './patterns';
import { sleep } from './net';
import type { StreamMappingSpec } from './topology';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb';

export interface StreamPollerOptions {
  endpoint: string;
  dataDir: string;
  mappings: readonly StreamMappingSpec[];
  streamArnOf(tableName: string): Promise<string>;
  invoke(functionName: string, event: unknown): Promise<unknown>;
  /** Fault injection: hold every batch this long before delivering it. */
  delayMs?: number;
  pollIntervalMs?: number;
  /** Cap for mappings that retry "forever" (MaximumRetryAttempts -1) so a poison batch cannot stall the shard for a day. */
  maxRetriesCap?: number;
  log?: (line: string) => void;
}

export interface StreamStats {
  delivered: number;
  filteredOut: number;
  batches: number;
  failedAttempts: number;
  deadLettered: number;
}

export interface LambdaDynamoDbRecord {
  eventID: string;
  eventName: string;
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: Record<string, unknown>;
  eventSourceARN: string;
}

/** Lambda's record shape (Streams' own record plus the mapping's source ARN, dates as epoch seconds). */
export function toLambdaRecord(record: StreamRecord, eventSourceARN: string): LambdaDynamoDbRecord {
  const d = record.dynamodb ?? {};
  const created = d.ApproximateCreationDateTime;
  return {
    eventID: record.eventID ?? '',
    eventName: record.eventName ?? '',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? LOCAL_REGION,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      ...(d.Keys ? { Keys: d.Keys } : {}),
      ...(d.NewImage ? { NewImage: d.NewImage } : {}),
      ...(d.OldImage ? { OldImage: d.OldImage } : {}),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
    eventSourceARN,
  };
}

interface ShardState {
  /** Last sequence number handled (delivered, filtered out or dead-lettered). */
  after?: string;
  /** The shard is closed and fully handled. */
  done?: boolean;
}

export class StreamPoller {
  private readonly client: DynamoDBStreamsClient;
  private readonly checkpointFile: string;
  private checkpoints: Record<string, Record<string, ShardState>> = {};
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly counters = new Map<string, StreamStats>();
  private busy = 0;
  /** Per stream mapping, how many polls have found every shard empty (see drained()). */
  private readonly emptyPolls = new Map<string, number>();

  constructor(private readonly options: StreamPollerOptions) {
    this.client = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    mkdirSync(options.dataDir, { recursive: true });
    this.checkpointFile = join(options.dataDir, 'stream-checkpoints.json');
    if (existsSync(this.checkpointFile)) this.checkpoints = JSON.parse(readFileSync(this.checkpointFile, 'utf8'));
  }

  async start(): Promise<void> {
    this.running = true;
    for (const mapping of this.options.mappings) {
      const streamArn = await this.options.streamArnOf(mapping.tableName);
      this.loops.push(this.pollMapping(mapping, streamArn));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.allSettled(this.loops);
    this.client.destroy();
  }

  /** True when no batch is being delivered (tests wait on this together with their own condition). */
  get idle(): boolean {
    return this.busy === 0;
  }

  /**
   * Resolves once every stream has been read to its end since this call: each mapping has
   * finished a poll that began after the call and found no records. `idle` alone cannot say so:
   * between two polls nothing is in flight while records already wait in the stream. Bounded by
   * progress, not by time: each poll either delivers records or counts as empty.
   */
  async drained(): Promise<void> {
    const at = new Map(this.emptyPolls);
    // the poll in progress at the call may have begun before it: two more empty polls are needed
    const done = () => [...this.emptyPolls].every(([key, n]) => n >= (at.get(key) ?? 0) + 2);
    while (this.running && !done()) await sleep(this.options.pollIntervalMs ?? 200);
  }

  stats(): Record<string, StreamStats> {
    return Object.fromEntries([...this.counters].map(([k, v]) => [k, { ...v }]));
  }

  private statsFor(mapping: StreamMappingSpec): StreamStats {
    let s = this.counters.get(mapping.logicalId);
    if (!s) {
      s = { delivered: 0, filteredOut: 0, batches: 0, failedAttempts: 0, deadLettered: 0 };
      this.counters.set(mapping.logicalId, s);
    }
    return s;
  }

  private saveCheckpoints(): void {
    const tmp = `${this.checkpointFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.checkpoints, null, 1));
    renameSync(tmp, this.checkpointFile);
  }

  private async pollMapping(mapping: StreamMappingSpec, streamArn: string): Promise<void> {
    const key = `${mapping.logicalId}@${streamArn}`;
    const states = (this.checkpoints[key] ??= {});
    const iterators = new Map<string, string>();
    const interval = this.options.pollIntervalMs ?? 200;
    this.emptyPolls.set(key, 0);
    while (this.running) {
      try {
        const shards = await this.listShards(streamArn);
        let sawRecords = false;
        for (const shard of shards) {
          const id = shard.ShardId!;
          const state = (states[id] ??= {});
          if (state.done) continue;
          // Children wait until their parent is drained, as Lambda keeps per-key order.
          if (shard.ParentShardId && states[shard.ParentShardId] && !states[shard.ParentShardId]!.done) continue;
          let iterator = iterators.get(id);
          if (!iterator) {
            const got = await this.client.send(
              new GetShardIteratorCommand({
                StreamArn: streamArn,
                ShardId: id,
                ...(state.after
                  ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: state.after }
                  : { ShardIteratorType: 'TRIM_HORIZON' }),
              }),
            );
            iterator = got.ShardIterator!;
          }
          const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          const records = page.Records ?? [];
          if (records.length > 0) {
            sawRecords = true;
            await this.handleRecords(mapping, streamArn, records, state);
          }
          if (page.NextShardIterator) {
            iterators.set(id, page.NextShardIterator);
          } else {
            iterators.delete(id);
            state.done = true;
            this.saveCheckpoints();
          }
          if (!this.running) break;
        }
        if (!sawRecords) {
          this.emptyPolls.set(key, (this.emptyPolls.get(key) ?? 0) + 1);
          await sleep(interval);
        }
      } catch (err) {
        if (!this.running) break;
        this.options.log?.(`stream ${mapping.logicalId}: ${(err as Error).message}; retrying`);
        iterators.clear(); // iterators expire; start again from the checkpoints
        await sleep(interval * 5);
      }
    }
  }

  private async listShards(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const d = await this.client.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      shards.push(...(d.StreamDescription?.Shards ?? []));
      start = d.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  private async handleRecords(mapping: StreamMappingSpec, streamArn: string, records: StreamRecord[], state: ShardState): Promise<void> {
    const stats = this.statsFor(mapping);
    const shaped = records.map((r) => toLambdaRecord(r, streamArn));
    const pending: LambdaDynamoDbRecord[] = [];
    for (const record of shaped) {
      if (mapping.filters.length === 0 || mapping.filters.some((f) => matchesPattern(f, record))) pending.push(record);
      else stats.filteredOut += 1;
    }
    this.busy += 1;
    try {
      for (let i = 0; i < pending.length; i += mapping.batchSize) {
        const batch = pending.slice(i, i + mapping.batchSize);
        if (this.options.delayMs) await sleep(this.options.delayMs);
        await this.deliver(mapping, batch, stats);
      }
    } finally {
      this.busy -= 1;
    }
    state.after = records.at(-1)!.dynamodb!.SequenceNumber;
    this.saveCheckpoints();
  }

  /** Delivers one batch with the mapping's retry policy; never throws (failures go to the dead-letter folder). */
  private async deliver(mapping: StreamMappingSpec, batch: LambdaDynamoDbRecord[], stats: StreamStats): Promise<void> {
    const cap = this.options.maxRetriesCap ?? 5;
    const maxRetries = mapping.maxRetries < 0 ? cap : Math.min(mapping.maxRetries, cap);
    let remaining = batch;
    let attempt = 0;
    for (;;) {
      stats.batches += 1;
      let failure: Error | undefined;
      try {
        const result = (await this.options.invoke(mapping.functionName, { Records: remaining })) as
          { batchItemFailures?: { itemIdentifier: string }[] } | undefined;
        const failed = mapping.reportBatchItemFailures ? (result?.batchItemFailures ?? []) : [];
        if (failed.length === 0) {
          stats.delivered += remaining.length;
          return;
        }
        // Lambda restarts from the lowest failed sequence number; the records before it are done.
        const firstFailed = Math.min(
          ...failed.map((f) => {
            const at = remaining.findIndex((r) => r.dynamodb.SequenceNumber === f.itemIdentifier);
            return at < 0 ? 0 : at;
          }),
        );
        stats.delivered += firstFailed;
        remaining = remaining.slice(firstFailed);
        failure = new Error(`function reported ${failed.length} failed item(s)`);
      } catch (err) {
        failure = err as Error;
      }
      stats.failedAttempts += 1;
      attempt += 1;
      if (mapping.bisectOnError && remaining.length > 1) {
        const half = Math.ceil(remaining.length / 2);
        await this.deliver(mapping, remaining.slice(0, half), stats);
        await this.deliver(mapping, remaining.slice(half), stats);
        return;
      }
      if (attempt > maxRetries) {
        this.deadLetter(mapping, remaining, failure, attempt);
        stats.deadLettered += remaining.length;
        return;
      }
      await sleep(Math.min(100 * 2 ** attempt, 2_000));
    }
  }

  private deadLetter(mapping: StreamMappingSpec, records: LambdaDynamoDbRecord[], error: Error, attempts: number): void {
    const dir = join(this.options.dataDir, 'dead-letters', mapping.logicalId);
    mkdirSync(dir, { recursive: true });
    const first = records[0]?.dynamodb.SequenceNumber ?? 'empty';
    const file = join(dir, `${Date.now()}-${first}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          requestContext: { condition: 'RetryAttemptsExhausted', functionArn: mapping.functionName, approximateInvokeCount: attempts },
          responseContext: { functionError: error.name, message: error.message },
          mapping: mapping.logicalId,
          onFailureDestinationDeclared: mapping.onFailure,
          records,
        },
        null,
        1,
      ),
    );
    this.options.log?.(`stream ${mapping.logicalId}: ${records.length} record(s) dead-lettered to ${file}`);
  }
}
