import { describe, expect, it } from '@jest/globals';
import { poll } from '../../support/poll';

describe('poll() (test/support/poll.ts)', () => {
  it('retries until the matcher passes', async () => {
    let n = 0;
    await poll(() => ++n, { interval: 5 }).toBe(3);
    expect(n).toBe(3);
    await poll(async () => ['a', String(n)]).toContain('3');
    await poll(() => n).not.toBe(0);
  });

  it('fails with the last failure once the timeout has passed', async () => {
    let calls = 0;
    await expect(poll(() => ++calls, { timeout: 100, interval: 10 }).toBe(-1)).rejects.toThrow(
      /did not succeed within 100 ms[\s\S]*Expected: -1/,
    );
    expect(calls).toBeGreaterThan(2);
    await expect(poll(() => 1, { timeout: 50 }).not.toBe(1)).rejects.toThrow(/did not succeed/);
  });

  it('retries a callback that throws, and reports a matcher that does not exist', async () => {
    let n = 0;
    await poll(
      () => {
        if (++n < 3) throw new Error('not yet');
        return n;
      },
      { interval: 5 },
    ).toBe(3);
    await expect((poll(() => 1) as unknown as Record<string, () => Promise<void>>).toBeSomethingElse!()).rejects.toThrow(
      /no matcher toBeSomethingElse/,
    );
  });
});
