/**
 * Driving a local cloud from the benchmarks: spawn it in its own process (bench/lib/cloud-child.ts),
 * open a round through the HTTP API as the office, upload dossiers as their units' applicants
 * through presigned URLs (the path a browser takes), and watch the table for the outcome.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DynamoDBClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { createLocalIssuer, type LocalIssuer } from '../../local/issuer';
import type { BenchDossier } from '../fixtures/dossiers';
import { cloudCharter, SECRETARIAT } from '../../test/support/charters';
import { CLOUD_NODE_FLAGS } from '../../local/cloud-node-flags.mjs';

export interface ReadyInfo {
  ready: true;
  bootMs: number;
  /** Time spent making sure the template is synthesized (zero-ish unless sources changed). */
  synthMs: number;
  pid: number;
  endpoints: { s3: string; dynamodb: string; sfn: string; api: string; site: string };
  env: Record<string, string>;
  stateMachines: Record<string, string>;
}

export interface BenchCloud {
  child: ChildProcess;
  ready: ReadyInfo;
  /** Spawn to ready line, ms (the boot a person waits for, runtime start included). */
  spawnToReadyMs: number;
  command<T = any>(cmd: string): Promise<T>;
  stop(): Promise<void>;
}

/** Started with the V8 flags `casebook demo`/`dev` run the cloud with (local/cloud-node-flags.mjs). */
export async function spawnCloud(dataDir: string, opts: { meter?: boolean } = {}): Promise<BenchCloud> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [...CLOUD_NODE_FLAGS, '--import', 'tsx', 'bench/lib/cloud-child.ts', dataDir, ...(opts.meter ? ['--meter'] : [])],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  const buffered: string[] = [];
  lines.on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else buffered.push(line);
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const b = buffered.shift();
      if (b !== undefined) return resolve(b);
      const onExit = (code: number | null) => reject(new Error(`local cloud exited (${code}): ${stderr}`));
      child.once('exit', onExit);
      waiting.push((line) => {
        child.off('exit', onExit);
        resolve(line);
      });
    });
  const ready = JSON.parse(await nextLine()) as ReadyInfo;
  const spawnToReadyMs = performance.now() - t0;
  let exited = false;
  child.once('exit', () => (exited = true));
  return {
    child,
    ready,
    spawnToReadyMs,
    async command(cmd) {
      child.stdin!.write(`${JSON.stringify({ cmd })}\n`);
      const reply = JSON.parse(await nextLine()) as { ok: boolean; error?: string };
      if (!reply.ok) throw new Error(`local cloud: ${reply.error}`);
      return reply as any;
    },
    async stop() {
      if (exited) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGTERM'), 20_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** The tests' charter (test/support/charters.ts), with a panel and quota sized for bulk intake. */
function charter(number: number) {
  const { noticePeriodSecondsOverride: _short, ...charter } = cloudCharter(number, {
    panel: ['甲', '乙', '丙'].map((n, i) => ({
      id: `bench-reviewer-${i + 1}`,
      name: `評審${n}`,
      jurisdictions: [],
      declaredConflicts: [],
    })),
    quotas: { total: 20 },
  });
  return charter;
}

export class RoundDriver {
  private readonly ddb: DynamoDBClient;
  private readonly sfn: SFNClient;
  private constructor(
    private readonly ready: ReadyInfo,
    private readonly issuer: LocalIssuer,
  ) {
    this.ddb = new DynamoDBClient({
      endpoint: ready.endpoints.dynamodb,
      region: ready.env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    this.sfn = new SFNClient({
      endpoint: ready.endpoints.sfn,
      region: ready.env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  static async connect(dataDir: string, ready: ReadyInfo): Promise<RoundDriver> {
    return new RoundDriver(ready, await createLocalIssuer(dataDir));
  }

  async api<T = any>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.ready.endpoints.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async openRound(number: number): Promise<string> {
    const office = await this.issuer.mintToken(SECRETARIAT);
    const roundId = `bench-${number}`;
    const created = await this.api('POST', '/rounds', office, { roundId, charter: charter(number) });
    if (created.status >= 300) throw new Error(`POST /rounds: ${created.status} ${JSON.stringify(created.body)}`);
    const opened = await this.api('POST', `/rounds/${roundId}/open`, office);
    if (opened.status >= 300) throw new Error(`open round: ${opened.status} ${JSON.stringify(opened.body)}`);
    return roundId;
  }

  /** One applicant's upload: start a submission, PUT the bytes to the presigned URL. */
  async upload(roundId: string, d: BenchDossier, bytes: Buffer, fileName: string, contentType: string): Promise<string> {
    const applicant = await this.issuer.mintToken({
      sub: `applicant-${d.unit.code}`,
      name: d.unit.written,
      groups: ['applicant'],
      unitCode: d.unit.code,
    });
    const ticket = await this.api('POST', `/rounds/${roundId}/submissions`, applicant, { fileName, contentType, size: bytes.length });
    if (ticket.status >= 300) throw new Error(`start submission (${d.unit.code}): ${ticket.status} ${JSON.stringify(ticket.body)}`);
    const put = await fetch(ticket.body.upload.url, { method: 'PUT', headers: ticket.body.upload.headers, body: new Uint8Array(bytes) });
    if (put.status !== 200) throw new Error(`presigned PUT: ${put.status} ${await put.text()}`);
    return ticket.body.submissionId as string;
  }

  async uploadAll(
    roundId: string,
    items: { d: BenchDossier; bytes: Buffer; fileName: string; contentType: string }[],
    concurrency = 8,
  ): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < items.length) {
          const item = items[next++]!;
          await this.upload(roundId, item.d, item.bytes, item.fileName, item.contentType);
        }
      }),
    );
  }

  private async count(input: Omit<QueryCommandInput, 'TableName' | 'Select'>): Promise<number> {
    let total = 0;
    let start: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.ddb.send(
        new QueryCommand({ ...input, TableName: this.ready.env.TABLE_NAME, Select: 'COUNT', ExclusiveStartKey: start }),
      );
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return total;
  }

  /** Cases of the round waiting at the eligibility step: open ELIGIBILITY tasks. */
  waitingAtEligibility(roundId: string): Promise<number> {
    return this.count({
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :sk)',
      ExpressionAttributeValues: { ':pk': { S: `ROUND#${roundId}#TASKS` }, ':sk': { S: 'ELIGIBILITY#OPEN#' } },
    });
  }

  rejected(roundId: string): Promise<number> {
    return this.count({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      FilterExpression: '#s = :invalid',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':pk': { S: `ROUND#${roundId}` }, ':sk': { S: 'SUBMISSION#' }, ':invalid': { S: 'INVALID' } },
    });
  }

  /** dossier-review executions that failed, with the first failure's cause. */
  async failedExecutions(): Promise<{ count: number; firstCause?: string }> {
    const arn = Object.entries(this.ready.stateMachines).find(([name]) => name.includes('dossier-review'))?.[1];
    if (!arn) throw new Error('no dossier-review state machine');
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'FAILED', nextToken }));
      arns.push(...(page.executions ?? []).map((e) => e.executionArn!));
      nextToken = page.nextToken;
    } while (nextToken);
    if (!arns.length) return { count: 0 };
    const history = await this.sfn.send(new GetExecutionHistoryCommand({ executionArn: arns[0], reverseOrder: true, maxResults: 1 }));
    const failed = history.events?.[0]?.executionFailedEventDetails;
    return { count: arns.length, firstCause: failed ? `${failed.error}: ${failed.cause}` : undefined };
  }

  /**
   * Polls until every one of `n` dossiers has an outcome: waiting at eligibility, rejected, or its
   * execution failed. Fails if nothing moves for `stallMs`.
   */
  async untilSettled(
    roundId: string,
    n: number,
    stallMs = 180_000,
  ): Promise<{ waiting: number; rejected: number; failed: number; firstCause?: string }> {
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const waiting = await this.waitingAtEligibility(roundId);
      const rejected = waiting >= n ? 0 : await this.rejected(roundId);
      const failed = waiting + rejected >= n ? { count: 0 } : await this.failedExecutions();
      const settled = waiting + rejected + failed.count;
      if (settled >= n) return { waiting, rejected, failed: failed.count, firstCause: failed.firstCause };
      if (settled !== last) {
        last = settled;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > stallMs)
        throw new Error(`intake stalled: ${waiting} at eligibility, ${rejected} rejected, ${failed.count} failed of ${n}`);
      // These polls load the cloud being measured: DynamoDB Local reads every counted item on its
      // one SQLite thread (~40 ms of its CPU per poll at 200 of 500 settled, more as the round
      // fills), which at 4 polls a second was a fifth or more of that thread's work. Every second
      // while many are still in flight; every 250 ms near the end, so the finish is still timed
      // to within a quarter of a second.
      await new Promise((r) => setTimeout(r, n - settled > 8 ? 1000 : 250));
    }
  }

  close(): void {
    this.ddb.destroy();
    this.sfn.destroy();
  }
}
