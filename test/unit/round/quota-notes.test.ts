import { describe, expect, it } from '@jest/globals';
import { quotaNotes } from '../../../src/domain/round/quota-notes';

const cases = [
  { caseId: 'a', level: 'county' as const, city: '廣州市' },
  { caseId: 'b', level: 'township' as const, city: '廣州市' },
  { caseId: 'c', level: 'county' as const, city: '深圳市' },
];

describe('quota notes', () => {
  it('name each entry’s place under the total, its level’s bounds and its city’s maximum, in rank order', () => {
    const entries = [
      { caseId: 'c', rank: 3, score: 6 },
      { caseId: 'a', rank: 1, score: 9 },
      { caseId: 'b', rank: 2, score: 8 },
    ];
    const notes = quotaNotes(entries, cases, { total: 3, maxPerCity: 2, perLevel: { township: { min: 1 }, county: { max: 2 } } });
    expect(notes.get('a')).toEqual({
      zh: '名額 3 宗中的第 1 宗；縣級第 1 宗（縣級至多 2）；廣州市第 1 宗（每市至多 2）',
      en: 'place 1 of 3; county-level no. 1 (county-level: at most 2); 廣州市 no. 1 (at most 2 per city)',
    });
    expect(notes.get('b')?.zh).toBe('名額 3 宗中的第 2 宗；鄉鎮級第 1 宗（鄉鎮級至少 1）；廣州市第 2 宗（每市至多 2）');
    expect(notes.get('c')?.zh).toBe('名額 3 宗中的第 3 宗；縣級第 2 宗（縣級至多 2）；深圳市第 1 宗（每市至多 2）');
  });

  it('say only what the charter sets: no city or level bounds when it sets none', () => {
    const notes = quotaNotes([{ caseId: 'a', rank: 1, score: 9 }], cases, { total: 12, perLevel: {} });
    expect(notes.get('a')).toEqual({ zh: '名額 12 宗中的第 1 宗；縣級第 1 宗', en: 'place 1 of 12; county-level no. 1' });
  });

  it('keep a note on the total for an entry whose case is unknown', () => {
    const notes = quotaNotes([{ caseId: 'gone', rank: 1, score: 9 }], [], { total: 5, perLevel: {} });
    expect(notes.get('gone')).toEqual({ zh: '名額 5 宗中的第 1 宗', en: 'place 1 of 5' });
  });
});
