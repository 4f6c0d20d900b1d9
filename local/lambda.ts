/**
 * Lambda for the local cloud: the deployed esbuild bundles (cdk.out/asset.<hash>/index.mjs),
 * imported in this process and called with a Lambda-like context. No worker per function: the
 * whole local cloud stays one Node process plus Java.
 *
 * Fault injection makes a named function fail before its handler runs, with the error names the
 * Lambda service uses (so the state machines' Retry on `Lambda.ServiceException` is exercised).
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { localFunctionArn, functionNameFromArn, type FunctionSpec } from './topology';

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

export interface LambdaContextLike {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
  done(): void;
  fail(): void;
  succeed(): void;
}

type Handler = (event: unknown, context: LambdaContextLike) => Promise<unknown>;

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

/** Deterministic generator (mulberry32) so rate-based faults repeat run to run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class LambdaRegistry {
  private readonly specs = new Map<string, FunctionSpec>();
  private readonly loaded = new Map<string, Promise<Handler>>();
  private readonly faults = new Map<string, FunctionFault & { remaining?: number }>();
  private readonly counters = new Map<string, FunctionStats>();
  private readonly random: () => number;

  constructor(functions: readonly FunctionSpec[], options: { seed?: number; faults?: Record<string, FunctionFault> } = {}) {
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
    await Promise.all(this.names().map((name) => this.load(name)));
  }

  private load(name: string): Promise<Handler> {
    let handler = this.loaded.get(name);
    if (!handler) {
      const spec = this.specs.get(name)!;
      handler = import(pathToFileURL(spec.bundle).href).then((mod: Record<string, unknown>) => {
        const fn = mod[spec.exportName];
        if (typeof fn !== 'function') throw new Error(`${spec.bundle} exports no function ${spec.exportName}`);
        return fn as Handler;
      });
      this.loaded.set(name, handler);
    }
    return handler;
  }

  /** Invokes a function synchronously (RequestResponse) and returns its result or throws its error. */
  async invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    const name = functionNameFromArn(nameOrArn);
    const spec = this.specs.get(name);
    if (!spec) throw new FunctionNotFound(name);
    const stats = this.statsFor(name);
    stats.invocations += 1;
    const started = performance.now();
    try {
      const fault = this.faults.get(name);
      if (fault && this.shouldFail(fault)) {
        stats.injectedFailures += 1;
        throw new InjectedFault(fault.errorName ?? 'Lambda.ServiceException', name);
      }
      const handler = await this.load(name);
      const deadline = Date.now() + spec.timeoutSeconds * 1000;
      const context: LambdaContextLike = {
        functionName: name,
        functionVersion: '$LATEST',
        invokedFunctionArn: spec.arn,
        memoryLimitInMB: String(spec.memoryMb),
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${name}`,
        logStreamName: 'local',
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
        done: () => undefined,
        fail: () => undefined,
        succeed: () => undefined,
      };
      // Deep copy: a handler must not see (or mutate) the caller's object, as across the wire.
      return await withTimeout(handler(structuredClone(event), context), spec.timeoutSeconds * 1000, name);
    } catch (err) {
      stats.errors += 1;
      throw err;
    } finally {
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
