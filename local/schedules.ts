/**
 * Scheduled EventBridge rules, run locally: each `rate(...)` rule of the template invokes its
 * targets with a "Scheduled Event" on a timer. A deployed rule may run hourly; a local session is
 * short, so by default each rule fires at its real rate capped at a minute, or at `intervalMs`
 * when the caller wants its own pace (tests, demos).
 *
 * A run that is still going when the next is due is not started twice (the deployed sweep is
 * idempotent anyway; locally that only saves work). Failures are logged, not retried: the next run
 * covers the same ground, which is what the deployed rule's short event age amounts to as well.
 */
import { LOCAL_ACCOUNT, LOCAL_REGION, type ScheduleSpec } from './topology';

/** The local cap on a rule's period when no interval is given. */
export const DEFAULT_LOCAL_MAX_INTERVAL_MS = 60_000;

export interface ScheduleOptions {
  /** Fire every rule at this interval instead of its own rate. */
  intervalMs?: number;
  /** Run no scheduled rule at all. */
  disabled?: boolean;
}

export interface SchedulerDeps {
  schedules: ScheduleSpec[];
  options?: ScheduleOptions;
  invokeFunction(name: string, event: unknown): Promise<unknown>;
  startExecution(stateMachineArn: string, input: unknown): Promise<unknown> | unknown;
  log?: (line: string) => void;
}

export interface ScheduleStats {
  runs: number;
  failures: number;
}

/** How often a rule fires locally. */
export function localIntervalMs(schedule: ScheduleSpec, options: ScheduleOptions = {}): number {
  if (options.intervalMs !== undefined) {
    if (!(options.intervalMs > 0)) throw new Error(`schedules.intervalMs must be positive, got ${options.intervalMs}`);
    return options.intervalMs;
  }
  return Math.min(schedule.rateMs, DEFAULT_LOCAL_MAX_INTERVAL_MS);
}

export class Scheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly counts = new Map<string, ScheduleStats>();
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    if (this.deps.options?.disabled) return;
    for (const schedule of this.deps.schedules) {
      const every = localIntervalMs(schedule, this.deps.options);
      this.deps.log?.(`schedule ${schedule.logicalId}: ${schedule.expression}, locally every ${every} ms`);
      const timer = setInterval(() => void this.fire(schedule), every);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Runs one rule's targets now (skipped while its previous run is still going). */
  fire(schedule: ScheduleSpec): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const inFlight = this.running.get(schedule.logicalId);
    if (inFlight) return inFlight;
    const run = this.runTargets(schedule).finally(() => this.running.delete(schedule.logicalId));
    this.running.set(schedule.logicalId, run);
    return run;
  }

  /** Runs every rule once now: what an hour of deployed time would have done. */
  async fireAll(): Promise<void> {
    await Promise.all(this.deps.schedules.map((schedule) => this.fire(schedule)));
  }

  stats(): Record<string, ScheduleStats> {
    return Object.fromEntries(
      this.deps.schedules.map((s) => [s.logicalId, { ...(this.counts.get(s.logicalId) ?? { runs: 0, failures: 0 }) }]),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await Promise.all(this.running.values());
  }

  private async runTargets(schedule: ScheduleSpec): Promise<void> {
    const count = this.counts.get(schedule.logicalId) ?? { runs: 0, failures: 0 };
    this.counts.set(schedule.logicalId, count);
    count.runs += 1;
    const event = scheduledEvent(schedule);
    for (const target of schedule.targets) {
      try {
        if (target.kind === 'function') await this.deps.invokeFunction(target.name, event);
        else await this.deps.startExecution(target.arn, event);
      } catch (error) {
        count.failures += 1;
        this.deps.log?.(
          `schedule ${schedule.logicalId}: target ${target.kind === 'function' ? target.name : target.arn} failed: ${(error as Error).message}`,
        );
      }
    }
  }
}

/** The event EventBridge sends a scheduled rule's targets. */
function scheduledEvent(schedule: ScheduleSpec) {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${schedule.logicalId}`],
    detail: {},
  };
}
