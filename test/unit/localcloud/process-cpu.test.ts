/**
 * DynamoDB Local's readiness wait is bounded by the JVM's progress (CPU time it uses), not by a
 * fixed time a busy machine overruns: the measure must see work happen, and be absent (not zero)
 * where /proc is missing.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { processTreeCpuMs } from '../../../local/dynamodb';

describe('processTreeCpuMs', () => {
  (existsSync('/proc/self/stat') ? it : it.skip)('grows while the process works', () => {
    const before = processTreeCpuMs(process.pid)!;
    // spin until the measure moves (ticks are 10 ms; a loaded machine gives this test little CPU)
    const giveUp = Date.now() + 10_000;
    let x = 0;
    while (processTreeCpuMs(process.pid) === before && Date.now() < giveUp) for (let i = 0; i < 1e5; i++) x += Math.sqrt(i);
    expect(x).toBeGreaterThan(0);
    expect(processTreeCpuMs(process.pid)!).toBeGreaterThan(before);
  });

  it('is undefined for a process that does not exist', () => {
    expect(processTreeCpuMs(2 ** 22 + 12345)).toBeUndefined();
  });
});
