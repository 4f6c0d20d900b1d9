import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, it, jest } from '@jest/globals';
import { expect } from '../../support/expect';
import { Scheduler } from '../../../local/schedules';
import { buildTopology, rateMs, TopologyError, type ScheduleSpec } from '../../../local/topology';

let assembly: string;
beforeAll(() => {
  assembly = mkdtempSync(join(tmpdir(), 'casebook-schedules-'));
  mkdirSync(join(assembly, 'asset.sweep'));
  writeFileSync(join(assembly, 'asset.sweep', 'index.mjs'), 'export const handler = async () => ({});\n');
});
afterAll(() => rmSync(assembly, { recursive: true, force: true }));

const sweepFunction = {
  Type: 'AWS::Lambda::Function',
  Properties: { Handler: 'index.handler', Timeout: 120, MemorySize: 512 },
  Metadata: { 'casebook:function': 'remind-overdue', 'aws:asset:path': 'asset.sweep' },
};
const scheduleRule = (expression: string, extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::Events::Rule',
  Properties: {
    ScheduleExpression: expression,
    State: 'ENABLED',
    Targets: [{ Arn: { 'Fn::GetAtt': ['Sweep', 'Arn'] }, Id: 'Target0' }],
    ...extra,
  },
});

describe('scheduled rules in the topology', () => {
  it('reads a rate rule with its period and target, apart from the event-pattern rules', () => {
    const topology = buildTopology({ Resources: { Sweep: sweepFunction, Hourly: scheduleRule('rate(1 hour)') } } as never, assembly);
    expect(topology.schedules).toEqual([
      { logicalId: 'Hourly', expression: 'rate(1 hour)', rateMs: 3_600_000, targets: [{ kind: 'function', name: 'remind-overdue' }] },
    ]);
    expect(topology.rules).toEqual([]);
  });

  it('leaves out a disabled schedule and refuses cron, naming the rule', () => {
    const disabled = buildTopology(
      { Resources: { Sweep: sweepFunction, Off: scheduleRule('rate(1 hour)', { State: 'DISABLED' }) } } as never,
      assembly,
    );
    expect(disabled.schedules).toEqual([]);
    expect(() =>
      buildTopology({ Resources: { Sweep: sweepFunction, Nightly: scheduleRule('cron(0 2 * * ? *)') } } as never, assembly),
    ).toThrow(/rule Nightly: cron\(0 2 \* \* \? \*\): only rate\(\.\.\.\) schedules run locally/);
  });

  it('rateMs follows EventBridge: singular unit for 1, plural otherwise', () => {
    expect(rateMs('rate(1 minute)')).toBe(60_000);
    expect(rateMs('rate(5 minutes)')).toBe(300_000);
    expect(rateMs('rate(2 hours)')).toBe(7_200_000);
    expect(rateMs('rate(1 day)')).toBe(86_400_000);
    for (const bad of ['rate(1 hours)', 'rate(2 hour)', 'rate(0 minutes)', 'rate(1 second)', 'every hour']) {
      expect(() => rateMs(bad), bad).toThrow(TopologyError);
    }
  });
});

describe('Scheduler', () => {
  const hourly: ScheduleSpec = {
    logicalId: 'Hourly',
    expression: 'rate(1 hour)',
    rateMs: 3_600_000,
    targets: [{ kind: 'function', name: 'remind-overdue' }],
  };
  let scheduler: Scheduler | undefined;
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
    jest.useRealTimers();
  });

  it('by default fires an hourly rule every 60 s locally, with a Scheduled Event for its function', async () => {
    const calls: [string, unknown][] = [];
    scheduler = new Scheduler({
      schedules: [hourly],
      invokeFunction: async (name, event) => void calls.push([name, event]),
      startExecution: () => undefined,
    });
    scheduler.start();
    await jest.advanceTimersByTimeAsync(59_999);
    expect(calls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBe('remind-overdue');
    expect(calls[0]![1]).toMatchObject({
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      resources: [expect.stringMatching(/:rule\/Hourly$/)],
    });
    await jest.advanceTimersByTimeAsync(120_000);
    expect(calls).toHaveLength(3);
  });

  it('fires at the given interval; a slow run is not started twice; stop ends the timer', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    scheduler = new Scheduler({
      schedules: [hourly],
      options: { intervalMs: 500 },
      invokeFunction: () => {
        calls += 1;
        return new Promise<void>((resolve) => (release = resolve));
      },
      startExecution: () => undefined,
    });
    scheduler.start();
    await jest.advanceTimersByTimeAsync(2_000);
    expect(calls).toBe(1); // still running: the three later ticks were skipped
    release();
    await jest.advanceTimersByTimeAsync(500);
    expect(calls).toBe(2);
    release();
    await scheduler.stop();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(2);
    expect(scheduler.stats()).toEqual({ Hourly: { runs: 2, failures: 0 } });
  });

  it('a failing target is counted and logged, and the next tick runs again; disabled runs nothing', async () => {
    const lines: string[] = [];
    let calls = 0;
    scheduler = new Scheduler({
      schedules: [hourly],
      options: { intervalMs: 1_000 },
      invokeFunction: async () => {
        calls += 1;
        throw new Error('table unavailable');
      },
      startExecution: () => undefined,
      log: (line) => lines.push(line),
    });
    scheduler.start();
    await jest.advanceTimersByTimeAsync(2_000);
    expect(calls).toBe(2);
    expect(scheduler.stats()).toEqual({ Hourly: { runs: 2, failures: 2 } });
    expect(lines.some((line) => line.includes('remind-overdue failed: table unavailable'))).toBe(true);

    let disabledCalls = 0;
    const off = new Scheduler({
      schedules: [hourly],
      options: { disabled: true },
      invokeFunction: async () => void (disabledCalls += 1),
      startExecution: () => undefined,
    });
    off.start();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(disabledCalls).toBe(0);
    await off.stop();
  });
});
