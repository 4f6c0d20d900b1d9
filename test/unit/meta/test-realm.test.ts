import { describe, expect, it } from '@jest/globals';

/**
 * The test environment (test/support/jest-environment.cjs) behaves like one Node realm where the
 * code under test relies on it: a structured clone is made of the realm's own objects.
 */
describe('the test realm', () => {
  it('structuredClone gives objects of this realm, deeply (plain-object checks hold)', () => {
    const source = { a: { b: [1, { c: new Date(0) }] }, m: new Map([['k', { v: 1 }]]), s: new Set([{ w: 2 }]), e: new Error('x'), r: /x/g };
    const copy = structuredClone(source);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(copy.a)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(copy.a.b)).toBe(Array.prototype);
    expect(Object.getPrototypeOf(copy.a.b[1])).toBe(Object.prototype);
    expect(copy.a.b[1]).toEqual({ c: new Date(0) });
    expect((copy.a.b[1] as { c: Date }).c).toBeInstanceOf(Date);
    expect(copy.m).toBeInstanceOf(Map);
    expect(Object.getPrototypeOf(copy.m.get('k'))).toBe(Object.prototype);
    expect(copy.s).toBeInstanceOf(Set);
    expect(Object.getPrototypeOf([...copy.s][0])).toBe(Object.prototype);
    expect(copy.e).toBeInstanceOf(Error);
    expect(copy.r).toBeInstanceOf(RegExp);
    expect(copy).toEqual(source);
    expect(copy).not.toBe(source);
  });

  it('reads globals at full speed (the global object is not an interceptor-backed proxy)', () => {
    // The same loop reading Math.imul through the global object and through a local: in a plain
    // realm they run at about the same speed; through a contextified global (jest's default
    // environment) the first is 10–50 times slower. A ratio, so a loaded machine does not matter.
    const imul = Math.imul;
    const viaGlobal = () => {
      let h = 0;
      for (let i = 0; i < 300_000; i++) h = Math.imul(h ^ i, 0x85ebca6b);
      return h;
    };
    const viaLocal = () => {
      let h = 0;
      for (let i = 0; i < 300_000; i++) h = imul(h ^ i, 0x85ebca6b);
      return h;
    };
    const best = (fn: () => number) => {
      let min = Infinity;
      for (let round = 0; round < 5; round++) {
        const started = process.hrtime.bigint();
        fn();
        min = Math.min(min, Number(process.hrtime.bigint() - started));
      }
      return min;
    };
    expect(viaGlobal()).toBe(viaLocal());
    expect(best(viaGlobal) / best(viaLocal)).toBeLessThan(4);
  });
});
