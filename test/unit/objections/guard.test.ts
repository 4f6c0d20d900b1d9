/** The objection guard's pure rules: normalisation, content refusals, the sliding-window limit. */
import { describe, it } from '@jest/globals';
import { expect } from '../../support/expect';
import fc from 'fast-check';
import {
  contentRefusal,
  longestRun,
  normaliseObjectionText,
  OBJECTION_LIMITS,
  retryAfterSeconds,
  slidingCount,
  sourceLimited,
  windowOf,
  withinSourceLimit,
} from '../../../src/domain/objections/guard';

const GENUINE = '此案例所稱的代表聯絡站在申報年度之前已經撤銷，材料與事實不符，請辦公室核實。';

describe('normaliseObjectionText', () => {
  it('folds width, case, white space and zero-width characters, and nothing else', () => {
    expect(normaliseObjectionText('  Ｈｅｌｌｏ\u3000 World\u200b！\n\n請核實 ')).toBe('hello world! 請核實');
    expect(normaliseObjectionText('請核實。')).not.toBe(normaliseObjectionText('請核實！'));
    expect(normaliseObjectionText('甲乙')).not.toBe(normaliseObjectionText('乙甲'));
  });

  it('is idempotent and ignores how white space is spread', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.array(fc.constantFrom(' ', '\n', '\t', '\u3000'), { minLength: 1, maxLength: 4 }),
        (text, ws) => {
          const n = normaliseObjectionText(text);
          expect(normaliseObjectionText(n)).toBe(n);
          const spaced = text.split(' ').join(ws.join(''));
          expect(normaliseObjectionText(`${ws.join('')}${spaced}${ws.join('')}`)).toBe(normaliseObjectionText(text.split(' ').join(' ')));
        },
      ),
    );
  });
});

describe('contentRefusal', () => {
  it('lets a reasoned objection through, with up to three sources cited', () => {
    expect(contentRefusal(GENUINE)).toBeUndefined();
    expect(contentRefusal(`${GENUINE} 見 https://a.example/1 https://b.example/2 www.c.example/3`)).toBeUndefined();
  });

  it('refuses control characters, link lists, long runs and texts without words, each with its code in both languages', () => {
    const cases: [string, string][] = [
      [`${GENUINE}\u0007`, 'OBJECTION_CONTROL_CHARACTERS'],
      [`${GENUINE} ${['1', '2', '3', '4'].map((n) => `https://spam.example/${n}`).join(' ')}`, 'OBJECTION_TOO_MANY_LINKS'],
      [`${GENUINE}${'！'.repeat(OBJECTION_LIMITS.maxRun + 1)}`, 'OBJECTION_REPEATED_CHARACTERS'],
      ['？？？。。。！！！…… https://x.example', 'OBJECTION_NO_WORDS'],
    ];
    for (const [text, code] of cases) {
      const r = contentRefusal(text);
      expect(r?.code, text).toBe(code);
      expect(r?.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(r?.message.en).toMatch(/[a-z]/);
    }
  });

  it('a run exactly at the limit passes; one more is refused', () => {
    expect(contentRefusal(`${GENUINE}${'好'.repeat(OBJECTION_LIMITS.maxRun)}`)).toBeUndefined();
    expect(contentRefusal(`${GENUINE}${'好'.repeat(OBJECTION_LIMITS.maxRun + 1)}`)?.code).toBe('OBJECTION_REPEATED_CHARACTERS');
  });

  it('longestRun counts code points, not UTF-16 units', () => {
    expect(longestRun('𠀀𠀀𠀀a')).toBe(3);
    expect(longestRun('')).toBe(0);
  });
});

describe('per-source limit (sliding window over two fixed windows)', () => {
  const W = OBJECTION_LIMITS.windowSeconds;
  const MAX = OBJECTION_LIMITS.perSourceMax;

  it('windows tile time: start ≤ now < start + size, the previous window just before, expiry after both', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.integer({ min: 1, max: 86_400 }), (now, size) => {
        const w = windowOf(now, size);
        expect(w.start * 1000).toBeLessThanOrEqual(now);
        expect(now).toBeLessThan((w.start + size) * 1000);
        expect(w.previous).toBe(w.start - size);
        expect(w.elapsed).toBeGreaterThanOrEqual(0);
        expect(w.elapsed).toBeLessThan(1);
        expect(w.expiresAt).toBe(w.start + 2 * size);
      }),
    );
  });

  it('a fresh source gets exactly the limit, then is refused for the rest of the window', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.999, noNaN: true }), (elapsed) => {
        const allowed = Array.from({ length: MAX + 5 }, (_, i) => withinSourceLimit(0, i + 1, elapsed)).filter(Boolean).length;
        expect(allowed).toBe(MAX);
      }),
    );
  });

  it('the estimate never exceeds the two windows together and grows with either count', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.double({ min: 0, max: 1, noNaN: true }), (prev, cur, e) => {
        const est = slidingCount(prev, cur, e);
        expect(est).toBeGreaterThanOrEqual(cur);
        expect(est).toBeLessThanOrEqual(prev + cur);
        expect(slidingCount(prev + 1, cur, e)).toBeGreaterThanOrEqual(est);
        expect(slidingCount(prev, cur + 1, e)).toBeGreaterThan(est);
      }),
    );
  });

  it('never lets more than the limit through in any one window, whatever the posting pattern', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 * W * 1000 - 1 }), { minLength: 1, maxLength: 200 }), (times) => {
        const counts = new Map<number, number>();
        const allowedPerWindow = new Map<number, number>();
        for (const t of [...times].sort((a, b) => a - b)) {
          const w = windowOf(t, W);
          const current = (counts.get(w.start) ?? 0) + 1;
          counts.set(w.start, current);
          if (withinSourceLimit(counts.get(w.previous) ?? 0, current, w.elapsed))
            allowedPerWindow.set(w.start, (allowedPerWindow.get(w.start) ?? 0) + 1);
        }
        for (const n of allowedPerWindow.values()) expect(n).toBeLessThanOrEqual(MAX);
      }),
    );
  });

  it('Retry-After is at least a second, and waiting it out brings a source under the limit again', () => {
    fc.assert(
      fc.property(fc.nat(3 * MAX), fc.integer({ min: 1, max: 3 * MAX }), fc.double({ min: 0, max: 0.999, noNaN: true }), (prev, cur, e) => {
        fc.pre(!withinSourceLimit(prev, cur, e));
        const wait = retryAfterSeconds(prev, cur, e, W);
        expect(wait).toBeGreaterThanOrEqual(1);
        const at = e + wait / W;
        // later in this window the count stays, the previous share decays; in the next, this window becomes the previous
        const est = at < 1 ? slidingCount(prev, cur, at) : at < 2 ? slidingCount(cur, 0, at - 1) : 0;
        expect(est).toBeLessThanOrEqual(MAX + 1e-9);
      }),
    );
  });

  it('the refusal names the limit and the wait in both languages', () => {
    const r = sourceLimited(1800);
    expect(r.code).toBe('OBJECTION_RATE_LIMITED');
    expect(r.message.zh).toContain(`${MAX} 次`);
    expect(r.message.zh).toContain('30 分鐘');
    expect(r.message.en).toContain('30 minute');
  });
});
