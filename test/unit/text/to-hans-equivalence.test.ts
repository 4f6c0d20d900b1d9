import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import * as OpenCC from 'opencc-js';
import fc from 'fast-check';
import { toHans } from '../../../src/domain/text';
import { SEED_PATH } from '../../support/seed';

// The reference: the library's own converters chained, Hong Kong forms first, then Taiwan forms.
const hk = OpenCC.Converter({ from: 'hk', to: 'cn' });
const tw = OpenCC.Converter({ from: 'tw', to: 'cn' });
const reference = (s: string) => tw(hk(s));

describe('toHans (two-pass converter)', () => {
  it('matches the chained library converters on the seed page and the unit registry', () => {
    const lines = [
      ...readFileSync(SEED_PATH, 'utf8').split('\n'),
      ...readFileSync(new URL('../../../data/units/guangdong.json', import.meta.url), 'utf8').split('\n'),
    ];
    const differing = lines.filter((line) => toHans(line) !== reference(line));
    expect(differing).toEqual([]);
  });

  it('matches them on Taiwan- and Hong Kong-specific variant forms', () => {
    for (const s of ['臺山市', '台山市', '裏面', '裡面', '着手', '綫路', '線路', '峯會', '衞生']) {
      expect(toHans(s)).toBe(reference(s));
    }
  });

  it('agrees, character by character over the CJK blocks, with one of the library converters', () => {
    // Chaining hk→cn and tw→cn applies the Traditional→Simplified table twice, which turns a few
    // already-Simplified results into something else (麼 → 么 → 幺). The two-pass converter applies
    // it once, so where it differs from the chain it must equal one of the single converters.
    const departures: string[] = [];
    for (let cp = 0x3400; cp <= 0x9fff; cp++) {
      const ch = String.fromCodePoint(cp);
      const ours = toHans(ch);
      if (ours === reference(ch)) continue;
      departures.push(ch);
      expect([hk(ch), tw(ch)]).toContain(ours);
    }
    expect(departures.length).toBeLessThan(10);
    expect(toHans('什麼')).toBe('什么');
  });

  it('matches the chain on arbitrary CJK strings away from those characters', () => {
    const cjk = fc.string({ unit: fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCodePoint(c)), maxLength: 60 });
    const doubleConverted = /[薴顎鯰麼麽]/u;
    fc.assert(
      fc.property(cjk, (s) => doubleConverted.test(s) || toHans(s) === reference(s)),
      { numRuns: 300 },
    );
  });
});
