/**
 * jest's `expect` with an optional second argument, a message that heads the failure report:
 * `expect(template.hasResource(...), 'the table has point-in-time recovery').toBe(true)`.
 * Tests that check many similar things in a loop say which one failed this way. Every matcher
 * (with `.not`, `.resolves`, `.rejects`) and every static member (`expect.objectContaining`, …)
 * is jest's own; only the failure message gains the prefix.
 */
import { expect as jestExpect } from '@jest/globals';

type JestExpect = typeof jestExpect;
type Matchers = ReturnType<JestExpect>;

function withMessage<T extends object>(target: T, message: string): T {
  return new Proxy(target, {
    get(obj, name, receiver) {
      const value: unknown = Reflect.get(obj, name, receiver);
      if (name === 'not' || name === 'resolves' || name === 'rejects') return withMessage(value as object, message);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const annotate = (err: unknown) => {
          if (err instanceof Error) err.message = `${message}\n\n${err.message}`;
          return err;
        };
        try {
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(obj, args);
          if (result instanceof Promise) {
            return result.catch((err: unknown) => {
              throw annotate(err);
            });
          }
          return result;
        } catch (err) {
          throw annotate(err);
        }
      };
    },
  });
}

export const expect = new Proxy(jestExpect, {
  apply(target, _this, args: [actual: unknown, message?: string]) {
    const [actual, message] = args;
    const matchers = target(actual);
    return message === undefined ? matchers : withMessage(matchers, message);
  },
}) as JestExpect & (<T = unknown>(actual: T, message?: string) => Matchers);
