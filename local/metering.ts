/**
 * Metering for the local cloud: counting HTTP proxies in front of DynamoDB Local and s3rver, so a
 * local round yields the quantities AWS would bill (request units, S3 request classes, bytes
 * stored), plus the engine's state transitions and the Lambda registry's invocations. The counts
 * are saved to `<data-dir>/metering.json`, which `casebook cost ROUND` projects into dollars.
 *
 * Only the handlers' traffic is metered: the proxies are what the functions' SDK clients are
 * pointed at. The local cloud's own plumbing (stream poller, site server, benchmarks' probes)
 * talks to the parts directly, as on AWS where event-source mappings' stream reads are not billed
 * as table reads.
 *
 * DynamoDB: every data-plane request is forwarded with `ReturnConsumedCapacity: TOTAL` added when
 * the caller did not ask for it, and the units DynamoDB Local reports are summed (the response is
 * passed through unchanged: callers that did not ask simply ignore the extra field). Where no
 * capacity comes back, a unit per item touched is counted instead and the request is tallied as
 * estimated.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { leaveIdleConnectionsToClients } from './net';
import type { RoundCounts } from '../src/domain/cost/project';

export const METERING_FILE = 'metering.json';

const DATA_PLANE = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export interface DynamoDbCounts {
  /** Requests per operation name (`X-Amz-Target` without the service prefix). */
  operations: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  /** Requests whose units were estimated (no ConsumedCapacity in the response). */
  estimated: number;
  /** Notification (outbox) items written: each becomes one email on AWS. */
  notificationsWritten: number;
}

export interface BucketCounts {
  /** PUT, COPY, POST and LIST requests (S3's "tier 1" price class). */
  putRequests: number;
  /** GET and HEAD requests ("tier 2"). */
  getRequests: number;
  deleteRequests: number;
  bytesUploaded: number;
  /** Objects present now, by key, with their sizes (what a month of storage bills). */
  objects: number;
  storedBytes: number;
  /** Distinct keys uploaded under `dossiers/<roundId>/`, by round. */
  dossiersByRound: Record<string, number>;
}

export interface MeterCounts {
  dynamodb: DynamoDbCounts;
  s3: Record<string, BucketCounts>;
}

export interface Metering {
  /** Point the functions' SDK clients here (AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_S3). */
  endpoints: { dynamodb: string; s3: string };
  counts(): MeterCounts;
  /** Resolves when no proxied request is in flight. */
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(
  target: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, 'content-length': String(body.length) };
    // The Host header is left as signed: s3rver checks SigV4 signatures over it.
    const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (res) => {
      readBody(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

function reply(res: ServerResponse, upstream: { status: number; headers: IncomingMessage['headers']; body: Buffer }): void {
  const headers = { ...upstream.headers };
  delete headers['transfer-encoding'];
  headers['content-length'] = String(upstream.body.length);
  res.writeHead(upstream.status, headers);
  res.end(upstream.body);
}

interface CapacityLike {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** Units from a ConsumedCapacity value (an object, or a list for batch and transaction calls). */
export function consumedUnits(consumed: unknown): number | undefined {
  if (consumed === undefined || consumed === null) return undefined;
  const list = (Array.isArray(consumed) ? consumed : [consumed]) as CapacityLike[];
  if (list.length === 0) return undefined;
  return list.reduce((sum, c) => sum + (c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0)), 0);
}

/** Items a request touches, when no capacity is reported (one unit each). */
function itemsTouched(op: string, request: Record<string, any>, response: Record<string, any>): number {
  switch (op) {
    case 'Query':
    case 'Scan':
      return Math.max(1, Number(response.ScannedCount ?? response.Count ?? 1));
    case 'BatchGetItem':
      return Object.values((request.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>).reduce(
        (s, t) => s + (t.Keys?.length ?? 0),
        0,
      );
    case 'BatchWriteItem':
      return Object.values((request.RequestItems ?? {}) as Record<string, unknown[]>).reduce((s, t) => s + t.length, 0);
    case 'TransactWriteItems':
    case 'TransactGetItems':
      // transactions bill two units per item
      return 2 * ((request.TransactItems as unknown[] | undefined)?.length ?? 0);
    default:
      return 1;
  }
}

function notificationsIn(op: string, request: Record<string, any>): number {
  const isNotification = (item: any) => item?.type?.S === 'Notification';
  if (op === 'PutItem') return isNotification(request.Item) ? 1 : 0;
  if (op === 'TransactWriteItems') return ((request.TransactItems ?? []) as any[]).filter((t) => isNotification(t.Put?.Item)).length;
  if (op === 'BatchWriteItem')
    return Object.values((request.RequestItems ?? {}) as Record<string, any[]>)
      .flat()
      .filter((w) => isNotification(w.PutRequest?.Item)).length;
  return 0;
}

/** Bucket and key of a path-style or virtual-hosted-style S3 request. */
export function s3Target(host: string | undefined, url: string): { bucket: string; key: string; query: URLSearchParams } {
  const parsed = new URL(url, 'http://local');
  const path = decodeURIComponent(parsed.pathname).replace(/^\//, '');
  const hostName = (host ?? '').split(':')[0] ?? '';
  const virtual = /^[a-z0-9.-]+\.(localhost|127\.0\.0\.1)$/.exec(hostName);
  if (virtual) return { bucket: hostName.slice(0, -virtual[1]!.length - 1), key: path, query: parsed.searchParams };
  const slash = path.indexOf('/');
  return slash === -1
    ? { bucket: path, key: '', query: parsed.searchParams }
    : { bucket: path.slice(0, slash), key: path.slice(slash + 1), query: parsed.searchParams };
}

function listen(server: Server): Promise<string> {
  leaveIdleConnectionsToClients(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

export async function startMetering(targets: { dynamodb: string; s3: string }): Promise<Metering> {
  const dynamo: DynamoDbCounts = { operations: {}, readUnits: 0, writeUnits: 0, estimated: 0, notificationsWritten: 0 };
  const buckets = new Map<
    string,
    {
      counts: Omit<BucketCounts, 'objects' | 'storedBytes' | 'dossiersByRound'>;
      sizes: Map<string, number>;
      dossierKeys: Map<string, Set<string>>;
    }
  >();
  const bucket = (name: string) => {
    let b = buckets.get(name);
    if (!b) {
      b = { counts: { putRequests: 0, getRequests: 0, deleteRequests: 0, bytesUploaded: 0 }, sizes: new Map(), dossierKeys: new Map() };
      buckets.set(name, b);
    }
    return b;
  };
  const dynamoTarget = new URL(targets.dynamodb);
  const s3Url = new URL(targets.s3);

  const dynamoServer = createServer(
    (req, res) =>
      void (async () => {
        try {
          const body = await readBody(req);
          const op =
            String(req.headers['x-amz-target'] ?? '')
              .split('.')
              .pop() ?? '';
          let request: Record<string, any> = {};
          let sent = body;
          if (DATA_PLANE.has(op)) {
            dynamo.operations[op] = (dynamo.operations[op] ?? 0) + 1;
            request = JSON.parse(body.toString('utf8') || '{}') as Record<string, any>;
            dynamo.notificationsWritten += notificationsIn(op, request);
            if (!request.ReturnConsumedCapacity || request.ReturnConsumedCapacity === 'NONE')
              sent = Buffer.from(JSON.stringify({ ...request, ReturnConsumedCapacity: 'TOTAL' }));
          }
          const upstream = await forward(dynamoTarget, req, sent);
          if (DATA_PLANE.has(op) && upstream.status < 300) {
            const response = JSON.parse(upstream.body.toString('utf8') || '{}') as Record<string, any>;
            let units = consumedUnits(response.ConsumedCapacity);
            if (units === undefined) {
              units = itemsTouched(op, request, response);
              dynamo.estimated += 1;
            }
            if (WRITES.has(op)) dynamo.writeUnits += units;
            else dynamo.readUnits += units;
          }
          reply(res, upstream);
        } catch (err) {
          res.writeHead(502, { 'content-type': 'text/plain' }).end(`metering proxy: ${(err as Error).message}`);
        }
      })(),
  );

  const s3Server = createServer(
    (req, res) =>
      void (async () => {
        try {
          const body = await readBody(req);
          const upstream = await forward(s3Url, req, body);
          const { bucket: name, key, query } = s3Target(req.headers.host, req.url ?? '/');
          if (name && upstream.status < 400) {
            const b = bucket(name);
            const method = req.method ?? 'GET';
            if (method === 'DELETE') {
              b.counts.deleteRequests += 1;
              if (key) b.sizes.delete(key);
            } else if (method === 'GET' && (!key || query.has('list-type') || query.has('uploads'))) {
              b.counts.putRequests += 1; // LIST is billed with PUT
            } else if (method === 'GET' || method === 'HEAD') {
              b.counts.getRequests += 1;
            } else {
              b.counts.putRequests += 1;
              if (method === 'POST' && query.has('delete')) {
                for (const m of body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)) b.sizes.delete(m[1]!);
              } else if (method === 'PUT' && key && !query.has('uploadId')) {
                b.counts.bytesUploaded += body.length;
                b.sizes.set(key, body.length);
                const dossier = /^dossiers\/([^/]+)\//.exec(key);
                if (dossier) {
                  const keys = b.dossierKeys.get(dossier[1]!) ?? new Set<string>();
                  keys.add(key);
                  b.dossierKeys.set(dossier[1]!, keys);
                }
              }
            }
          }
          reply(res, upstream);
        } catch (err) {
          res.writeHead(502, { 'content-type': 'text/plain' }).end(`metering proxy: ${(err as Error).message}`);
        }
      })(),
  );

  const [dynamodbUrl, s3ProxyUrl] = await Promise.all([listen(dynamoServer), listen(s3Server)]);
  return {
    endpoints: { dynamodb: dynamodbUrl, s3: s3ProxyUrl },
    counts: () => ({
      dynamodb: { ...dynamo, operations: { ...dynamo.operations } },
      s3: Object.fromEntries(
        [...buckets].map(([name, b]) => [
          name,
          {
            ...b.counts,
            objects: b.sizes.size,
            storedBytes: [...b.sizes.values()].reduce((s, n) => s + n, 0),
            dossiersByRound: Object.fromEntries([...b.dossierKeys].map(([round, keys]) => [round, keys.size])),
          },
        ]),
      ),
    }),
    async stop() {
      await Promise.all([dynamoServer, s3Server].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/** What the local cloud exposes that metering reads (a structural subset of `LocalCloud`). */
export interface MeteredCloud {
  dataDir: string;
  endpoints: { dynamodb: string; s3: string };
  env: Record<string, string>;
  topology: { functions: readonly { name: string; memoryMb: number }[]; stateMachines: readonly { name: string; arn: string }[] };
  engine: {
    engine: {
      listExecutions(input: { stateMachineArn?: string; nextToken?: string }): {
        executions: { executionArn: string }[];
        nextToken?: string;
      };
      getExecutionHistory(input: { executionArn: string; nextToken?: string }): { events: { type: string }[]; nextToken?: string };
    };
  };
  stats(): { functions: Record<string, { invocations: number; totalDurationMs: number }>; events: { received: number } };
}

/**
 * Puts metering in front of a running local cloud: the functions' SDK clients read their
 * endpoints when their bundle is first imported, so this must run before any function has been
 * invoked (it refuses otherwise, rather than meter half the traffic).
 */
export async function meterLocalCloud(cloud: MeteredCloud): Promise<Metering> {
  const invoked = Object.values(cloud.stats().functions).reduce((s, f) => s + f.invocations, 0);
  if (invoked > 0) throw new Error(`metering must start before any function runs (${invoked} invocations already)`);
  const metering = await startMetering({ dynamodb: cloud.endpoints.dynamodb, s3: cloud.endpoints.s3 });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = metering.endpoints.dynamodb;
  process.env.AWS_ENDPOINT_URL_S3 = metering.endpoints.s3;
  return metering;
}

export interface MeteringFile {
  version: 1;
  writtenAt: string;
  /** Counts for everything that ran in this data dir since metering started (all rounds). */
  counts: RoundCounts;
  /** Dossiers uploaded per round (distinct S3 keys under dossiers/<roundId>/). */
  dossiersByRound: Record<string, number>;
  stateTransitionsByMachine: Record<string, { executions: number; stateTransitions: number }>;
  dynamodbOperations: Record<string, number>;
  notes: string[];
}

/** Assumed log volume per invocation (START/END/REPORT lines and a few structured log lines). */
export const LOG_BYTES_PER_INVOCATION = 1024;

/** Counts StateEntered events of every execution of every state machine (billed transitions). */
export function stateTransitions(cloud: MeteredCloud): MeteringFile['stateTransitionsByMachine'] {
  const engine = cloud.engine.engine;
  const out: MeteringFile['stateTransitionsByMachine'] = {};
  for (const machine of cloud.topology.stateMachines) {
    let executions = 0;
    let transitions = 0;
    let nextToken: string | undefined;
    do {
      const page = engine.listExecutions({ stateMachineArn: machine.arn, ...(nextToken ? { nextToken } : {}) });
      for (const e of page.executions) {
        executions += 1;
        let historyToken: string | undefined;
        do {
          const h = engine.getExecutionHistory({ executionArn: e.executionArn, ...(historyToken ? { nextToken: historyToken } : {}) });
          transitions += h.events.filter((ev) => ev.type.endsWith('StateEntered')).length;
          historyToken = h.nextToken;
        } while (historyToken);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    out[machine.name] = { executions, stateTransitions: transitions };
  }
  return out;
}

/** Gathers everything counted so far into the shape the cost projection takes. */
export async function collectCounts(cloud: MeteredCloud, metering: Metering): Promise<MeteringFile> {
  const counts = metering.counts();
  const stats = cloud.stats();
  const memory = new Map(cloud.topology.functions.map((f) => [f.name, f.memoryMb]));
  const lambda = Object.entries(stats.functions)
    .filter(([, s]) => s.invocations > 0)
    .map(([name, s]) => ({ name, invocations: s.invocations, totalDurationMs: s.totalDurationMs, memoryMb: memory.get(name) ?? 128 }));
  const transitions = stateTransitions(cloud);
  const siteBucket = cloud.env.SITE_BUCKET;
  const dossierBucket = cloud.env.DOSSIER_BUCKET;
  const site = siteBucket ? counts.s3[siteBucket] : undefined;
  const dossierCounts = dossierBucket ? counts.s3[dossierBucket] : undefined;
  const otherBuckets = Object.entries(counts.s3).filter(([name]) => name !== siteBucket);
  const dossiersByRound = dossierCounts?.dossiersByRound ?? {};
  const invocations = lambda.reduce((s, l) => s + l.invocations, 0);
  const dynamoRequests = Object.values(counts.dynamodb.operations).reduce((s, n) => s + n, 0);
  if (invocations > 0 && dynamoRequests === 0) {
    // the bundles' clients were built before metering repointed them (a preload at boot, say)
    throw new Error(
      `metering saw no DynamoDB request from ${invocations} invocations: the functions' SDK clients bypass the metering proxy`,
    );
  }
  const storedBytes = await tableSizeBytes(cloud).catch(() => 0);
  const file: MeteringFile = {
    version: 1,
    writtenAt: new Date().toISOString(),
    counts: {
      dossiers: Object.values(dossiersByRound).reduce((s, n) => s + n, 0),
      stateTransitions: Object.values(transitions).reduce((s, m) => s + m.stateTransitions, 0),
      lambda,
      dynamodb: { readUnits: counts.dynamodb.readUnits, writeUnits: counts.dynamodb.writeUnits, storedBytes },
      s3: {
        putRequests: otherBuckets.reduce((s, [, b]) => s + b.putRequests, 0) + (site?.putRequests ?? 0),
        getRequests: otherBuckets.reduce((s, [, b]) => s + b.getRequests, 0) + (site?.getRequests ?? 0),
        storedBytes: otherBuckets.reduce((s, [, b]) => s + b.storedBytes, 0),
      },
      // every object the publisher wrote would be one invalidation path (an upper bound: it groups them)
      site: { bytes: site?.storedBytes ?? 0, objects: site?.objects ?? 0, invalidationPaths: site?.putRequests ?? 0 },
      apiRequests: (stats.functions.api?.invocations ?? 0) + (stats.functions.decide?.invocations ?? 0),
      emails: counts.dynamodb.notificationsWritten,
      s3Events: stats.events.received,
      logBytes: invocations * LOG_BYTES_PER_INVOCATION,
    },
    dossiersByRound,
    stateTransitionsByMachine: transitions,
    dynamodbOperations: counts.dynamodb.operations,
    notes: [
      'state transitions: StateEntered events in the execution histories',
      'Lambda: the local registry’s invocations and wall-clock durations, billed at the memory the template configures',
      `DynamoDB: request units reported by DynamoDB Local (ConsumedCapacity TOTAL)${counts.dynamodb.estimated ? `; ${counts.dynamodb.estimated} request(s) estimated at one unit per item` : ''}`,
      'S3: requests and bytes seen by the metering proxy in front of s3rver; storage = objects present now',
      `logs: estimated at ${LOG_BYTES_PER_INVOCATION} bytes per invocation`,
      'emails: Notification items written to the outbox (each is one email with NOTIFIER=ses)',
    ],
  };
  return file;
}

async function tableSizeBytes(cloud: MeteredCloud): Promise<number> {
  const table = cloud.env.TABLE_NAME;
  if (!table) return 0;
  const response = await fetch(cloud.endpoints.dynamodb, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.DescribeTable',
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ TableName: table }),
  });
  const body = (await response.json()) as { Table?: { TableSizeBytes?: number } };
  return body.Table?.TableSizeBytes ?? 0;
}

export function writeMeteringFile(dataDir: string, file: MeteringFile): string {
  const path = join(dataDir, METERING_FILE);
  writeFileSync(path, `${JSON.stringify(file, null, 1)}\n`);
  return path;
}
