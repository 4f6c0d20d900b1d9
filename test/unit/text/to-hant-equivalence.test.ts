import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import * as OpenCC from 'opencc-js';
import fc from 'fast-check';
import { toHant } from '../../../src/domain/text';
import { SEED_PATH } from '../../support/seed';

// The reference: the library's full entry point, which script.ts no longer imports (it builds the
// same cn→hk converter from the smaller cn2t preset).
const reference = OpenCC.Converter({ from: 'cn', to: 'hk' });

describe('toHant (cn2t preset)', () => {
  it('matches the full library converter on the seed page and the unit registry', () => {
    const lines = [
      ...readFileSync(SEED_PATH, 'utf8').split('\n'),
      ...readFileSync(new URL('../../../data/units/guangdong.json', import.meta.url), 'utf8').split('\n'),
    ];
    const differing = lines.filter((line) => toHant(line) !== reference(line));
    expect(differing).toEqual([]);
  });

  it('matches it on phrases that need segmentation', () => {
    for (const s of ['干部', '发展', '头发', '里面', '台山市', '着手', '后来', '皇后', '面条']) {
      expect(toHant(s)).toBe(reference(s));
    }
  });

  it('matches it on arbitrary CJK text', () => {
    const cjk = fc.string({ unit: fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCodePoint(c)), maxLength: 60 });
    fc.assert(
      fc.property(cjk, (s) => toHant(s) === reference(s)),
      { numRuns: 300 },
    );
  });
});
