import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Level, Quotas } from '../../../src/domain/model';
import { shortlist, type RankedCase } from '../../../src/domain/round/shortlist';

const c = (caseId: string, score: number, cityCode: string, level: Level = 'county'): RankedCase => ({ caseId, score, cityCode, level });

describe('shortlist', () => {
  it('is pure score order, ties by case id, when no quota binds', () => {
    const result = shortlist({
      cases: [c('b', 8, 'gz'), c('a', 8, 'sz'), c('c', 9, 'fs'), c('d', 7, 'st'), c('e', 6, 'mz')],
      quotas: { total: 3, perLevel: {} },
    });
    expect(result.entries).toEqual([
      { caseId: 'c', rank: 1, score: 9 },
      { caseId: 'a', rank: 2, score: 8 },
      { caseId: 'b', rank: 3, score: 8 },
    ]);
    expect(result.rejected.map((rejected) => [rejected.caseId, rejected.code])).toEqual([
      ['d', 'BELOW_CUT'],
      ['e', 'BELOW_CUT'],
    ]);
    expect(result.feasible).toBe(true);
  });

  it('passes over a case for the per-city maximum and explains the move-up, naming the cases and the quota', () => {
    const result = shortlist({
      cases: [
        { ...c('gz1', 9.5, '440100'), label: '荔灣區', cityName: '廣州市' },
        { ...c('gz2', 9.1, '440100'), label: '越秀區', cityName: '廣州市' },
        { ...c('sz1', 8.7, '440300'), label: '羅湖區', cityName: '深圳市' },
      ],
      quotas: { total: 2, maxPerCity: 1, perLevel: {} },
    });
    expect(result.entries.map((entry) => entry.caseId)).toEqual(['gz1', 'sz1']);
    expect(result.entries[0]!.explanation).toBeUndefined();
    expect(result.entries[1]!.explanation?.zh).toContain('越秀區');
    expect(result.entries[1]!.explanation?.zh).toContain('每市最多 1 件');
    expect(result.entries[1]!.explanation?.en).toContain('at most 1 per city');
    expect(result.rejected).toEqual([
      expect.objectContaining({
        caseId: 'gz2',
        code: 'CITY_MAX',
        reason: expect.objectContaining({ zh: expect.stringContaining('荔灣區') }),
      }),
    ]);
  });

  it('reserves places for a level minimum and explains it', () => {
    const result = shortlist({
      cases: [c('k1', 9, 'a'), c('k2', 8.5, 'b'), c('k3', 8, 'c'), c('t1', 6, 'd', 'township'), c('t2', 5, 'e', 'township')],
      quotas: { total: 3, perLevel: { township: { min: 2 } } },
    });
    expect(result.entries.map((entry) => entry.caseId)).toEqual(['k1', 't1', 't2']);
    const k2 = result.rejected.find((rejected) => rejected.caseId === 'k2')!;
    expect(k2.code).toBe('RESERVED_FOR_LEVEL_MIN');
    expect(k2.reason.zh).toContain('鄉鎮級案例至少須有 2 件');
    expect(result.entries[1]!.explanation?.en).toMatch(/k2 .*places reserved for at least 2 township-level/);
  });

  it('respects a level maximum', () => {
    const result = shortlist({
      cases: [c('t1', 9, 'a', 'township'), c('t2', 8, 'b', 'township'), c('k1', 7, 'c')],
      quotas: { total: 2, perLevel: { township: { max: 1 } } },
    });
    expect(result.entries.map((entry) => entry.caseId)).toEqual(['t1', 'k1']);
    expect(result.rejected[0]).toMatchObject({ caseId: 't2', code: 'LEVEL_MAX' });
  });

  it('finds the valid list where take-then-swap would be stuck on a city cap', () => {
    // Township minimum 1, one place per city: the only township is in the city of the top case.
    const result = shortlist({
      cases: [c('gzK', 9, 'gz'), c('szK', 8, 'sz'), c('gzT', 5, 'gz', 'township')],
      quotas: { total: 2, maxPerCity: 1, perLevel: { township: { min: 1 } } },
    });
    expect(result.feasible).toBe(true);
    expect(result.entries.map((entry) => entry.caseId)).toEqual(['szK', 'gzT']);
  });

  it('reports infeasibility clearly and still builds the best list under the other quotas', () => {
    const result = shortlist({
      cases: [c('k1', 9, 'a'), c('k2', 8, 'b'), c('t1', 7, 'c', 'township')],
      quotas: { total: 3, perLevel: { township: { min: 2 } } },
    });
    expect(result.feasible).toBe(false);
    expect(result.issues).toContainEqual(expect.objectContaining({ code: 'SHORTLIST_INFEASIBLE', field: 'quotas.perLevel.township.min' }));
    expect(result.issues.find((problem) => problem.code === 'SHORTLIST_INFEASIBLE')!.message.zh).toContain('至少須有 2 件');
    expect(result.entries.map((entry) => entry.caseId)).toEqual(['k1', 'k2', 't1']);
  });

  it('leaves out cases without a valid score or level, with coded issues', () => {
    const result = shortlist({
      cases: [c('a', Number.NaN, 'x'), { ...c('b', 5, 'y'), level: 'province' as Level }, c('d', 4, 'z'), c('d', 3, 'z')],
      quotas: { total: 3, perLevel: {} },
    });
    expect(result.entries.map((entry) => entry.caseId)).toEqual(['d']);
    expect(result.issues.map((problem) => problem.code).sort()).toEqual([
      'SHORTLIST_DUPLICATE_CASE',
      'SHORTLIST_INVALID_CASE',
      'SHORTLIST_INVALID_CASE',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties against brute force

const arbitraryCase = fc.record({
  score: fc.integer({ min: 0, max: 20 }),
  city: fc.constantFrom('gz', 'sz', 'fs', 'st'),
  level: fc.constantFrom<Level>('county', 'township'),
});

const bound = fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined });
const arbitraryQuotas: fc.Arbitrary<Quotas> = fc.record({
  total: fc.integer({ min: 1, max: 6 }),
  maxPerCity: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  perLevel: fc.record({
    county: fc.option(fc.record({ min: bound, max: bound }), { nil: undefined }),
    township: fc.option(fc.record({ min: bound, max: bound }), { nil: undefined }),
  }),
});

function validList(list: readonly RankedCase[], quotas: Quotas): boolean {
  if (list.length > quotas.total) return false;
  const perCity = new Map<string, number>();
  for (const item of list) perCity.set(item.cityCode, (perCity.get(item.cityCode) ?? 0) + 1);
  if (quotas.maxPerCity !== undefined && [...perCity.values()].some((count) => count > quotas.maxPerCity!)) return false;
  for (const level of ['county', 'township'] as const) {
    const count = list.filter((item) => item.level === level).length;
    const limits = quotas.perLevel[level];
    if (limits?.min !== undefined && count < limits.min) return false;
    if (limits?.max !== undefined && count > limits.max) return false;
  }
  return true;
}

/** The best valid list: longest, then lexicographically best in score order. */
function bruteForce(ordered: readonly RankedCase[], quotas: Quotas): RankedCase[] | null {
  let best: number[] | null = null;
  for (let mask = 0; mask < 1 << ordered.length; mask += 1) {
    const indexes = ordered.map((_, index) => index).filter((index) => mask & (1 << index));
    if (
      !validList(
        indexes.map((index) => ordered[index]!),
        quotas,
      )
    )
      continue;
    if (!best || indexes.length > best.length || (indexes.length === best.length && lexicallySmaller(indexes, best))) best = indexes;
  }
  return best ? best.map((index) => ordered[index]!) : null;
}

function lexicallySmaller(a: number[], b: number[]): boolean {
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return a[index]! < b[index]!;
  return false;
}

describe('shortlist properties', () => {
  it('never violates a quota when a valid list exists, and picks the longest, best-in-score-order valid list', () => {
    fc.assert(
      fc.property(fc.array(arbitraryCase, { maxLength: 9 }), arbitraryQuotas, (specs, quotas) => {
        const cases = specs.map((spec, index) => c(`c${index}`, spec.score, spec.city, spec.level));
        const ordered = [...cases].sort((a, b) => b.score - a.score || (a.caseId < b.caseId ? -1 : 1));
        const expected = bruteForce(ordered, quotas);
        const result = shortlist({ cases, quotas });
        const chosen = result.entries.map((entry) => cases.find((item) => item.caseId === entry.caseId)!);
        expect(result.entries.map((entry) => entry.rank)).toEqual(chosen.map((_, index) => index + 1));
        expect(new Set([...result.entries.map((entry) => entry.caseId), ...result.rejected.map((rejected) => rejected.caseId)]).size).toBe(
          cases.length,
        );
        if (expected) {
          expect(result.feasible).toBe(true);
          expect(validList(chosen, quotas)).toBe(true);
          expect(chosen.map((item) => item.caseId)).toEqual(expected.map((item) => item.caseId));
        } else {
          expect(result.feasible).toBe(false);
          expect(result.issues.some((problem) => problem.code === 'SHORTLIST_INFEASIBLE')).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('is exactly the top of the score order when no quota binds', () => {
    fc.assert(
      fc.property(fc.array(arbitraryCase, { maxLength: 25 }), fc.integer({ min: 1, max: 30 }), (specs, total) => {
        const cases = specs.map((spec, index) => c(`c${index}`, spec.score, spec.city, spec.level));
        const ordered = [...cases].sort((a, b) => b.score - a.score || (a.caseId < b.caseId ? -1 : 1));
        const result = shortlist({ cases, quotas: { total, maxPerCity: 30, perLevel: { county: { max: 30 }, township: { min: 0 } } } });
        expect(result.entries.map((entry) => entry.caseId)).toEqual(ordered.slice(0, total).map((item) => item.caseId));
        expect(result.entries.every((entry) => entry.explanation === undefined)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('explains exactly the entries that rank below a passed-over case', () => {
    fc.assert(
      fc.property(fc.array(arbitraryCase, { maxLength: 12 }), arbitraryQuotas, (specs, quotas) => {
        const cases = specs.map((spec, index) => c(`c${index}`, spec.score, spec.city, spec.level));
        const ordered = [...cases].sort((a, b) => b.score - a.score || (a.caseId < b.caseId ? -1 : 1));
        const result = shortlist({ cases, quotas });
        const position = (caseId: string) => ordered.findIndex((item) => item.caseId === caseId);
        const passedOver = result.rejected.filter((rejected) => rejected.code !== 'BELOW_CUT').map((rejected) => position(rejected.caseId));
        for (const entry of result.entries) {
          const movedUp = passedOver.some((index) => index < position(entry.caseId));
          expect(entry.explanation !== undefined).toBe(movedUp);
        }
      }),
      { numRuns: 200 },
    );
  });
});
