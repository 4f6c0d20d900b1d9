/**
 * Lambda for the local cloud: the deployed esbuild bundles (cdk.out/asset.<hash>/index.mjs),
 * imported in this process and called with a Lambda-like context. No worker per function: the
 * whole local cloud stays one Node process plus Java.
 *
 * Fault injection makes a named function fail before its handler runs, with the error names the
 * Lambda service uses (so the state machines' Retry on `Lambda.ServiceException` is exercised).
 */
import { randomUUID } from 'node:crypto';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { localFunctionArn, functionNameFromArn, type FunctionSpec } from './topology';
import { mulberry32 } from '../src/domain/random';

export interface FunctionFault {
  /** Fail the next `times` invocations (then behave). */
  times?: number;
  /** Or fail each invocation with this probability (0..1), using a seeded generator. */
  rate?: number;
  /** Error name thrown; default `Lambda.ServiceException`. */
  errorName?: string;
}

export interface FunctionStats {
  invocations: number;
  errors: number;
  injectedFailures: number;
  totalDurationMs: number;
  maxDurationMs: number;
}

interface HostReply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string; stack?: string };
}

/** An error thrown by a handler, carried back from the host thread with its name (Retry/Catch match on it). */
export class HandlerError extends Error {
  constructor(error: { name: string; message: string; stack?: string }) {
    super(error.message);
    this.name = error.name;
    if (error.stack) this.stack = error.stack;
  }
}

/**
 * The runtime thread's heap. Left to V8's defaults (sized for a 24 GB machine: 16 MiB semi-spaces,
 * a 4 GiB old generation) it grew to ~290 MiB committed under the 500-dossier intake while ~110
 * MiB was live: V8 collects lazily when the limit is far. A young generation of 12 MiB (4 MiB
 * semi-spaces) and an old generation bounded by the largest memory a function is deployed with
 * (what one Lambda may use on AWS) keep it near its live size.
 */
export function runtimeHeapLimits(functions: readonly FunctionSpec[]): {
  maxYoungGenerationSizeMb: number;
  maxOldGenerationSizeMb: number;
} {
  return { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: Math.max(512, ...functions.map((f) => f.memoryMb)) };
}

/**
 * The worker thread that runs every bundle (see lambda-host.mjs). It shares this process's
 * environment, so the AWS_ENDPOINT_URL_* and table/bucket variables set at boot reach the
 * bundles' module-scope SDK clients.
 */
class BundleHost {
  constructor(private readonly heapLimits: ReturnType<typeof runtimeHeapLimits>) {}

  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: HostReply) => void }>();

  private ensure(): Worker {
    if (!this.worker) {
      const worker = new Worker(new URL('./lambda-host.mjs', import.meta.url), {
        execArgv: [],
        env: SHARE_ENV,
        resourceLimits: this.heapLimits,
      });
      worker.on('message', (reply: HostReply) => {
        this.pending.get(reply.id)?.resolve(reply);
        this.pending.delete(reply.id);
      });
      worker.on('error', (err) => {
        for (const p of this.pending.values())
          p.resolve({ id: 0, ok: false, error: { name: 'Lambda.ServiceException', message: `runtime crashed: ${err.message}` } });
        this.pending.clear();
        this.worker = undefined;
      });
      this.worker = worker;
    }
    return this.worker;
  }

  call(message: Record<string, unknown>): Promise<HostReply> {
    const id = this.nextId++;
    const worker = this.ensure();
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      worker.postMessage({ ...message, id });
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}

export class InjectedFault extends Error {
  constructor(name: string, functionName: string) {
    super(`injected fault in ${functionName}`);
    this.name = name;
  }
}

export class FunctionNotFound extends Error {
  constructor(name: string) {
    super(`Function not found: ${localFunctionArn(name)}`);
    this.name = 'ResourceNotFoundException';
  }
}

/** Deterministic draws in [0, 1) so rate-based faults repeat run to run. */
function seeded(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

export class LambdaRegistry {
  private readonly specs = new Map<string, FunctionSpec>();
  private readonly host: BundleHost;
  private readonly faults = new Map<string, FunctionFault & { remaining?: number }>();
  private readonly counters = new Map<string, FunctionStats>();
  private readonly random: () => number;

  /**
   * Invocations running at once. Every handler shares one thread here, where on AWS each has its
   * own CPU: without a cap, a burst of uploads starts hundreds of invocations that starve each
   * other past their timeouts. Beyond the cap, invocations wait their turn (as Lambda's async
   * queue would hold them), and a function's timeout and duration count from its start.
   */
  private readonly gate: Gate;

  constructor(
    functions: readonly FunctionSpec[],
    options: { seed?: number; faults?: Record<string, FunctionFault>; concurrency?: number } = {},
  ) {
    this.gate = new Gate(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.host = new BundleHost(runtimeHeapLimits(functions));
    for (const fn of functions) this.specs.set(fn.name, fn);
    this.random = seeded(options.seed ?? 42);
    for (const [name, fault] of Object.entries(options.faults ?? {})) this.injectFault(name, fault);
  }

  names(): string[] {
    return [...this.specs.keys()].sort();
  }

  has(nameOrArn: string): boolean {
    return this.specs.has(functionNameFromArn(nameOrArn));
  }

  /** Make a named function fail (replaces any earlier fault for it); `clearFault` ends it. */
  injectFault(name: string, fault: FunctionFault): void {
    if (!this.specs.has(name)) throw new FunctionNotFound(name);
    this.faults.set(name, { ...fault, remaining: fault.times });
  }

  clearFault(name: string): void {
    this.faults.delete(name);
  }

  /** Imports every bundle now, so a broken bundle fails at boot rather than at the first event. */
  async preload(): Promise<void> {
    await Promise.all(
      this.names().map(async (name) => {
        const spec = this.specs.get(name)!;
        const reply = await this.host.call({ type: 'preload', bundle: spec.bundle, exportName: spec.exportName });
        if (!reply.ok) throw new HandlerError(reply.error!);
      }),
    );
  }

  /** Ends the runtime thread (the local cloud's stop). */
  stop(): Promise<void> {
    return this.host.stop();
  }

  /**
   * Invokes a function synchronously (RequestResponse) and returns its result or throws its error.
   * `queue` names whose turn the invocation waits in when the cap is reached (Gate); `started` is
   * told when it has a slot and runs (Step Functions counts a task's timeout from there).
   */
  async invoke(nameOrArn: string, event: unknown, options: { queue?: string; started?: () => void } = {}): Promise<unknown> {
    const name = functionNameFromArn(nameOrArn);
    const spec = this.specs.get(name);
    if (!spec) throw new FunctionNotFound(name);
    const stats = this.statsFor(name);
    stats.invocations += 1;
    const release = await this.gate.acquire(options.queue ?? '');
    const started = performance.now();
    try {
      options.started?.();
      const fault = this.faults.get(name);
      if (fault && this.shouldFail(fault)) {
        stats.injectedFailures += 1;
        throw new InjectedFault(fault.errorName ?? 'Lambda.ServiceException', name);
      }
      const context = {
        functionName: name,
        functionVersion: '$LATEST',
        invokedFunctionArn: spec.arn,
        memoryLimitInMB: String(spec.memoryMb),
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${name}`,
        logStreamName: 'local',
        remainingMs: spec.timeoutSeconds * 1000,
      };
      // The event crosses to the runtime thread by structured clone: the handler cannot see or
      // mutate the caller's object, as across the wire.
      const reply = await withTimeout(
        this.host.call({ type: 'invoke', bundle: spec.bundle, exportName: spec.exportName, event, context }),
        spec.timeoutSeconds * 1000,
        name,
      );
      if (!reply.ok) throw new HandlerError(reply.error!);
      return reply.result;
    } catch (err) {
      stats.errors += 1;
      throw err;
    } finally {
      release();
      const ms = performance.now() - started;
      stats.totalDurationMs += ms;
      stats.maxDurationMs = Math.max(stats.maxDurationMs, ms);
    }
  }

  private shouldFail(fault: FunctionFault & { remaining?: number }): boolean {
    if (fault.remaining !== undefined) {
      if (fault.remaining <= 0) return false;
      fault.remaining -= 1;
      return true;
    }
    return fault.rate !== undefined && this.random() < fault.rate;
  }

  private statsFor(name: string): FunctionStats {
    let s = this.counters.get(name);
    if (!s) {
      s = { invocations: 0, errors: 0, injectedFailures: 0, totalDurationMs: 0, maxDurationMs: 0 };
      this.counters.set(name, s);
    }
    return s;
  }

  /** Invocation counts and durations per function (benchmarks and tests read these). */
  stats(): Record<string, FunctionStats> {
    return Object.fromEntries(this.names().map((n) => [n, { ...this.statsFor(n) }]));
  }
}

const DEFAULT_CONCURRENCY = 4;

/**
 * A counting semaphore with a FIFO queue per key, served in turn. Invocations with the same key
 * (one HTTP route, or the event-driven functions) wait in order; different keys take turns, so
 * a burst on one route cannot make every other route's invocations wait behind it. On AWS a
 * synchronous invocation never waits behind another route's: each gets its own instance.
 */
export class Gate {
  private running = 0;
  private readonly queues = new Map<string, (() => void)[]>();
  /** Keys with waiters, in the order they take their next turn. */
  private readonly turns: string[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency must be a whole number ≥ 1, got ${limit}`);
  }

  async acquire(key = ''): Promise<() => void> {
    if (this.running >= this.limit) {
      await new Promise<void>((resolve) => {
        const queue = this.queues.get(key);
        if (queue) queue.push(resolve);
        else {
          this.queues.set(key, [resolve]);
          this.turns.push(key);
        }
      });
    } else this.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.nextWaiter();
      // hand the slot straight to the next waiter, so the count never dips and races
      if (next) next();
      else this.running -= 1;
    };
  }

  private nextWaiter(): (() => void) | undefined {
    const key = this.turns.shift();
    if (key === undefined) return undefined;
    const queue = this.queues.get(key)!;
    const next = queue.shift()!;
    // a key with more waiting goes to the back of the line
    if (queue.length) this.turns.push(key);
    else this.queues.delete(key);
    return next;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`Task timed out after ${(ms / 1000).toFixed(2)} seconds (${name})`);
      err.name = 'Lambda.Timeout';
      reject(err);
    }, ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
