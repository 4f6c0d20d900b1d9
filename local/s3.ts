/**
 * S3 for the local cloud: s3rver 3.7.1 on disk (in a child process, see s3rver-child.mjs), the
 * buckets of the template with CORS for browser PUTs to presigned URLs, and bucket events routed
 * like the stack's EventBridge rules in EventBridge's own event shape.
 *
 * Delivery is at least once and survives a crash: each event is written to a pending folder
 * before it is routed and removed only after every target took it (a restart replays the rest).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep } from './net';
import { matchesPattern } from './patterns';
import { LOCAL_ACCOUNT, LOCAL_REGION, type BucketSpec, type RuleSpec, type Target } from './topology';

/** s3rver checks SigV4 signatures against this fixed account; the local SDK clients use it too. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * The S3 workarounds for the local SDK clients: s3rver stores streamed uploads that carry the
 * SDK's default flexible checksums corrupted (aws-chunked framing kept in the object).
 */
export const S3_CLIENT_ENV = {
  AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
} as const;

export interface S3rverEvent {
  Records: {
    eventName: string;
    eventTime: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer: string } };
    requestParameters?: { sourceIPAddress?: string };
    responseElements?: Record<string, string>;
  }[];
}

export interface EventBridgeS3Event {
  version: '0';
  id: string;
  'detail-type': 'Object Created' | 'Object Deleted';
  source: 'aws.s3';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    version: '0';
    bucket: { name: string };
    object: { key: string; size?: number; etag?: string; 'version-id'?: string; sequencer: string };
    'request-id': string;
    requester: string;
    'source-ip-address': string;
    reason: string;
  };
}

export interface LocalS3Options {
  dataDir: string;
  buckets: readonly BucketSpec[];
  port?: number;
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  pid: number;
  onEvent(listener: (event: S3rverEvent) => void): void;
  stop(): Promise<void>;
}

function corsXml(): string {
  // Browsers PUT dossiers straight to presigned URLs from the console's origin.
  return `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const directory = join(options.dataDir, 's3');
  mkdirSync(directory, { recursive: true });
  const port = options.port ?? (await freePort());
  const config = {
    port,
    directory,
    buckets: options.buckets.map((b) => ({ name: b.name, configs: [corsXml()] })),
  };
  const child: ChildProcess = fork(fileURLToPath(new URL('./s3rver-child.mjs', import.meta.url)), [JSON.stringify(config)], {
    execPath: process.execPath,
    // A small heap: s3rver keeps little alive (objects go to disk), but with V8's defaults for this
    // machine it grew to ~200-235 MiB under 3,000 PUT+GET of 6 KB while ~90 MiB sufficed at the same
    // speed (16 MiB semi-spaces and a far old-space limit: collected late). 128 MiB leaves room for
    // s3rver's request handling; bodies are streamed, not held on the heap.
    execArgv: ['--openssl-legacy-provider', '--no-warnings', '--max-semi-space-size=1', '--max-old-space-size=128'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const listeners: ((event: S3rverEvent) => void)[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`s3rver exited (code ${code}) before it was ready:\n${stderr}`));
    child.once('exit', onExit);
    child.on('message', (message: { type: string; event?: S3rverEvent; message?: string }) => {
      if (message.type === 'ready') {
        child.off('exit', onExit);
        resolve();
      } else if (message.type === 'error') {
        reject(new Error(`s3rver failed to start: ${message.message}`));
      } else if (message.type === 'event' && message.event) {
        for (const listener of listeners) listener(message.event);
      }
    });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    onEvent: (listener) => listeners.push(listener),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The key as S3 puts it into event notifications: URL-encoded per path segment, spaces as `+`
 * (handlers must decode it; a raw key would hide that bug locally).
 */
export function encodeS3EventKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

/** Turns one s3rver record into the event EventBridge delivers for it. */
export function toEventBridgeEvent(record: S3rverEvent['Records'][number], versioned: boolean): EventBridgeS3Event {
  const created = record.eventName.startsWith('ObjectCreated');
  const object = record.s3.object;
  // s3rver keeps no versions; a versioned bucket still needs a version id per PUT, stable across
  // duplicate deliveries of the same event (the sequencer and the content hash identify the PUT).
  const versionId = versioned
    ? createHash('sha256')
        .update(`${record.s3.bucket.name}/${object.key}/${object.sequencer}/${object.eTag ?? ''}`)
        .digest('base64url')
        .slice(0, 32)
    : undefined;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': created ? 'Object Created' : 'Object Deleted',
    source: 'aws.s3',
    account: LOCAL_ACCOUNT,
    time: new Date(record.eventTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:s3:::${record.s3.bucket.name}`],
    detail: {
      version: '0',
      bucket: { name: record.s3.bucket.name },
      object: {
        key: encodeS3EventKey(object.key),
        ...(object.size !== undefined ? { size: object.size } : {}),
        ...(object.eTag ? { etag: object.eTag } : {}),
        ...(versionId ? { 'version-id': versionId } : {}),
        sequencer: object.sequencer.padStart(18, '0'),
      },
      'request-id': record.responseElements?.['x-amz-request-id'] ?? randomUUID(),
      requester: LOCAL_ACCOUNT,
      'source-ip-address': record.requestParameters?.sourceIPAddress ?? '127.0.0.1',
      reason: record.eventName.split(':')[1] === 'Put' ? 'PutObject' : (record.eventName.split(':')[1] ?? 'PutObject'),
    },
  };
}

export interface EventRouterOptions {
  dataDir: string;
  rules: readonly RuleSpec[];
  buckets: readonly BucketSpec[];
  /** Async invocation of a function (Lambda retries twice on error). */
  invokeFunction(name: string, event: unknown): Promise<unknown>;
  startExecution(stateMachineArn: string, input: string): Promise<unknown>;
  /** Fault injection: deliver each event twice. */
  duplicate?: boolean;
  log?: (line: string) => void;
}

export interface EventRouterStats {
  received: number;
  matched: number;
  deliveries: number;
  failedAttempts: number;
  deadLettered: number;
}

/** Routes bucket events through the rules, at least once, with async-invoke retries and a dead-letter folder. */
export class EventRouter {
  private readonly pendingDir: string;
  private readonly deadDir: string;
  private readonly counters: EventRouterStats = { received: 0, matched: 0, deliveries: 0, failedAttempts: 0, deadLettered: 0 };
  private inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: EventRouterOptions) {
    this.pendingDir = join(options.dataDir, 'events', 'pending');
    this.deadDir = join(options.dataDir, 'dead-letters', 'events');
    mkdirSync(this.pendingDir, { recursive: true });
  }

  /** Takes an s3rver event: persisted first, then routed in the background. */
  accept(raw: S3rverEvent): void {
    for (const record of raw.Records) {
      const bucket = this.options.buckets.find((b) => b.name === record.s3.bucket.name);
      if (!bucket?.eventBridge) continue; // like S3: no EventBridge notifications unless enabled on the bucket
      this.counters.received += 1;
      const event = toEventBridgeEvent(record, bucket.versioned);
      const copies = this.options.duplicate ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        const copy = i === 0 ? event : { ...event, id: randomUUID() };
        const file = join(this.pendingDir, `${Date.now()}-${copy.id}.json`);
        writeFileSync(`${file}.tmp`, JSON.stringify(copy));
        renameSync(`${file}.tmp`, file);
        this.track(this.route(copy, file));
      }
    }
  }

  /** Replays events that were accepted but not fully delivered before a crash. */
  replayPending(): number {
    const files = readdirSync(this.pendingDir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    for (const name of files) {
      const file = join(this.pendingDir, name);
      const event = JSON.parse(readFileSync(file, 'utf8')) as EventBridgeS3Event;
      this.track(this.route(event, file));
    }
    return files.length;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  get idle(): boolean {
    return this.inFlight.size === 0;
  }

  stats(): EventRouterStats {
    return { ...this.counters };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private async route(event: EventBridgeS3Event, file: string): Promise<void> {
    const targets: { rule: string; target: Target }[] = [];
    for (const rule of this.options.rules) {
      if (matchesPattern(rule.pattern, event)) for (const target of rule.targets) targets.push({ rule: rule.logicalId, target });
    }
    if (targets.length > 0) this.counters.matched += 1;
    const results = await Promise.all(targets.map(({ rule, target }) => this.deliver(rule, target, event)));
    // A stop() mid-delivery leaves the file for the next boot to replay.
    if (results.every(Boolean)) rmSync(file, { force: true });
  }

  /** true when the target took the event or it was dead-lettered (either way: done with it). */
  private async deliver(rule: string, target: Target, event: EventBridgeS3Event): Promise<boolean> {
    const attempts = 3; // Lambda's async invocation: the first try plus two retries
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.stopped) return false;
      try {
        this.counters.deliveries += 1;
        if (target.kind === 'function') await this.options.invokeFunction(target.name, event);
        else await this.options.startExecution(target.arn, JSON.stringify(event));
        return true;
      } catch (err) {
        lastError = err as Error;
        this.counters.failedAttempts += 1;
        if (attempt < attempts) await sleep(200 * attempt);
      }
    }
    mkdirSync(this.deadDir, { recursive: true });
    writeFileSync(
      join(this.deadDir, `${Date.now()}-${event.id}.json`),
      JSON.stringify({ rule, target, error: { name: lastError?.name, message: lastError?.message }, event }, null, 1),
    );
    this.counters.deadLettered += 1;
    this.options.log?.(`event ${event.id} for ${rule} dead-lettered: ${lastError?.message}`);
    return true;
  }
}
