/**
 * Retries an assertion until it passes: `await poll(() => page.textContent('#status')).toBe('…')`.
 * The callback is called, its (awaited) value given to jest's `expect` with the matcher, every
 * `interval` ms until the matcher passes; once `timeout` ms have gone by, the next attempt is the
 * last and its failure is thrown. `.not` works as in `expect`. Defaults (1 s, every 50 ms) are those of vitest's
 * `expect.poll`, which this replaces.
 */
import { expect } from '@jest/globals';

export interface PollOptions {
  /** Give up after this many milliseconds (default 1,000). */
  timeout?: number;
  /** Wait this many milliseconds between calls (default 50). */
  interval?: number;
}

type Matchers = ReturnType<typeof expect<unknown>>;
type Async<M> = { [K in keyof M]: M[K] extends (...args: infer A) => unknown ? (...args: A) => Promise<void> : never };
export type PollMatchers = Omit<Async<Matchers>, 'not' | 'resolves' | 'rejects'> & { not: Omit<Async<Matchers['not']>, never> };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function poll(fn: () => unknown, options: PollOptions = {}): PollMatchers {
  const timeout = options.timeout ?? 1_000;
  const interval = options.interval ?? 50;
  const matchers = (negate: boolean) =>
    new Proxy(
      {},
      {
        get(_target, name) {
          if (name === 'not' && !negate) return matchers(true);
          if (typeof name !== 'string' || name === 'then') return undefined;
          return async (...args: unknown[]) => {
            const probe = expect(undefined) as unknown as Record<string, unknown> & { not: Record<string, unknown> };
            if (typeof (negate ? probe.not : probe)[name] !== 'function')
              throw new TypeError(`poll(): expect has no matcher ${negate ? 'not.' : ''}${name}`);
            // As vitest's expect.poll: each attempt awaits the callback to its end; once the
            // timeout has passed, one last attempt decides.
            let timedOut = false;
            const timer = setTimeout(() => (timedOut = true), timeout);
            try {
              for (;;) {
                const last = timedOut;
                try {
                  const e = expect(await fn()) as unknown as Record<string, (...a: unknown[]) => unknown> & {
                    not: Record<string, (...a: unknown[]) => unknown>;
                  };
                  (negate ? e.not : e)[name]!(...args);
                  return;
                } catch (err) {
                  if (last) {
                    if (err instanceof Error) err.message = `poll() did not succeed within ${timeout} ms:\n${err.message}`;
                    throw err;
                  }
                }
                await sleep(interval);
              }
            } finally {
              clearTimeout(timer);
            }
          };
        },
      },
    ) as PollMatchers;
  return matchers(false);
}
