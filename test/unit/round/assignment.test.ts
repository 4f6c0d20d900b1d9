import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Reviewer } from '../../../src/domain/model';
import { assignReviewers, conflictOf, replaceReviewer, type AssignableCase } from '../../../src/domain/round/assignment';

const reviewer = (id: string, jurisdictions: string[] = [], declaredConflicts: string[] = []): Reviewer => ({
  id,
  name: `評審${id}`,
  jurisdictions,
  declaredConflicts,
});

const GUANGZHOU = '440100';
const SHENZHEN = '440300';
const FOSHAN = '440600';

const cases: AssignableCase[] = [
  { caseId: 'c-liwan', unitCode: '440103', cityCode: GUANGZHOU },
  { caseId: 'c-luohu', unitCode: '440303', cityCode: SHENZHEN },
  { caseId: 'c-gaoming', unitCode: '440608', cityCode: FOSHAN },
  { caseId: 'c-fengan', unitCode: '441621-鳳安鎮', cityCode: '441600' },
];

describe('conflictOf', () => {
  it('names the jurisdiction: city, county (also derived from a township unit code) and declared conflicts', () => {
    expect(conflictOf(reviewer('a', [GUANGZHOU]), cases[0]!)?.en).toContain(GUANGZHOU);
    expect(conflictOf(reviewer('b', ['441621']), cases[3]!)?.zh).toContain('441621');
    expect(conflictOf(reviewer('c', [], ['440303']), cases[1]!)?.en).toContain('declared a conflict with 440303');
    expect(conflictOf(reviewer('d', [], ['c-gaoming']), cases[2]!)).not.toBeNull();
    expect(conflictOf(reviewer('e', [SHENZHEN]), cases[0]!)).toBeNull();
  });
});

describe('assignReviewers', () => {
  it('never assigns a reviewer from the case city or county or with a declared conflict', () => {
    const panel = [
      reviewer('gz', [GUANGZHOU]),
      reviewer('sz', [SHENZHEN]),
      reviewer('fs', [FOSHAN]),
      reviewer('hy', ['441621']),
      reviewer('x', [], ['c-luohu']),
    ];
    const result = assignReviewers({ cases, panel, perCase: 3 });
    const on = Object.fromEntries(result.assignments.map((assignment) => [assignment.caseId, assignment.reviewerIds]));
    expect(on['c-liwan']).not.toContain('gz');
    expect(on['c-luohu']).toEqual(['gz', 'fs', 'hy']);
    expect(on['c-gaoming']).not.toContain('fs');
    expect(on['c-fengan']).not.toContain('hy');
    expect(result.shortages).toEqual([]);
    const loads = countLoads(result.assignments);
    expect(Math.max(...loads.values()) - Math.min(...loads.values())).toBeLessThanOrEqual(1);
  });

  it('reports a shortage with a reason when too few reviewers are free of conflict, and still assigns those', () => {
    const panel = [reviewer('gz1', [GUANGZHOU]), reviewer('gz2', [GUANGZHOU]), reviewer('sz', [SHENZHEN])];
    const result = assignReviewers({ cases: [cases[0]!], panel, perCase: 3 });
    expect(result.assignments).toEqual([{ caseId: 'c-liwan', reviewerIds: ['sz'] }]);
    expect(result.shortages).toHaveLength(1);
    expect(result.shortages[0]).toMatchObject({ caseId: 'c-liwan', needed: 3, available: 1 });
    expect(result.shortages[0]!.reason.zh).toContain('3');
  });

  it('counts existing load and respects exclusions', () => {
    const panel = [reviewer('a'), reviewer('b'), reviewer('c')];
    const result = assignReviewers({
      cases: [cases[0]!, cases[1]!],
      panel,
      perCase: 1,
      currentLoad: { a: 5, b: 0, c: 0 },
      exclude: [{ caseId: 'c-liwan', reviewerId: 'b' }],
    });
    const on = Object.fromEntries(result.assignments.map((assignment) => [assignment.caseId, assignment.reviewerIds]));
    expect(on['c-liwan']).toEqual(['c']);
    expect(on['c-luohu']).toEqual(['b']);
  });

  it('reports bad input as coded issues instead of throwing', () => {
    const result = assignReviewers({ cases: [cases[0]!, cases[0]!], panel: [reviewer('a'), reviewer('a')], perCase: 0 });
    expect(result.issues.map((problem) => problem.code).sort()).toEqual([
      'ASSIGN_BAD_PER_CASE',
      'ASSIGN_DUPLICATE_CASE',
      'ASSIGN_DUPLICATE_REVIEWER',
    ]);
  });

  it('does not always pick the first reviewers of the panel when loads tie', () => {
    const panel = ['a', 'b', 'c', 'd', 'e'].map((id) => reviewer(id));
    const picked = new Set<string>();
    for (let index = 0; index < 20; index += 1) {
      const result = assignReviewers({ cases: [{ caseId: `case-${index}`, unitCode: '440103', cityCode: GUANGZHOU }], panel, perCase: 1 });
      picked.add(result.assignments[0]!.reviewerIds[0]!);
    }
    expect(picked.size).toBeGreaterThan(2);
  });

  it('moves work along a chain when no single move can rebalance', () => {
    // Only "a" may take the Guangzhou cases; "b" may take the Shenzhen ones too, "c" only Shenzhen.
    const panel = [reviewer('a', [SHENZHEN]), reviewer('b'), reviewer('c', [GUANGZHOU])];
    const gz = [1, 2, 3, 4].map((n) => ({ caseId: `gz${n}`, unitCode: '440103', cityCode: GUANGZHOU }));
    const sz = [1, 2].map((n) => ({ caseId: `sz${n}`, unitCode: '440303', cityCode: SHENZHEN }));
    const result = assignReviewers({ cases: [...gz, ...sz], panel, perCase: 1 });
    expect([...countLoads(result.assignments).values()].sort()).toEqual([2, 2, 2]);
  });

  it('property: never a conflicted or excluded reviewer, full staffing where possible, no direct move improves balance, order-independent', () => {
    const cities = ['440100', '440300', '440600', '441600'];
    const caseArb = fc.record({ city: fc.constantFrom(...cities), county: fc.integer({ min: 1, max: 3 }) });
    const reviewerArb = fc.record({
      jurisdictions: fc.subarray([...cities, '440101', '440301', '440602']),
      conflictsWithCase: fc.array(fc.nat(15), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(
        fc.array(caseArb, { minLength: 1, maxLength: 16 }),
        fc.array(reviewerArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(5), { maxLength: 8 }),
        fc.array(fc.tuple(fc.nat(15), fc.nat(7)), { maxLength: 4 }),
        fc.nat(),
        (caseSpecs, reviewerSpecs, perCase, loads, exclusions, seed) => {
          const input: AssignableCase[] = caseSpecs.map((spec, index) => ({
            caseId: `c${index}`,
            unitCode: `${spec.city.slice(0, 4)}0${spec.county}`,
            cityCode: spec.city,
          }));
          const panel = reviewerSpecs.map((spec, index) =>
            reviewer(
              `r${index}`,
              spec.jurisdictions,
              spec.conflictsWithCase.map((n) => `c${n}`),
            ),
          );
          const currentLoad = Object.fromEntries(loads.map((load, index) => [`r${index}`, load]));
          const exclude = exclusions.map(([caseIndex, reviewerIndex]) => ({ caseId: `c${caseIndex}`, reviewerId: `r${reviewerIndex}` }));
          const result = assignReviewers({ cases: input, panel, perCase, currentLoad, exclude });

          const excluded = new Set(exclude.map((pair) => `${pair.caseId}/${pair.reviewerId}`));
          const eligibleOf = (reviewCase: AssignableCase) =>
            panel
              .filter((member) => conflictOf(member, reviewCase) === null && !excluded.has(`${reviewCase.caseId}/${member.id}`))
              .map((member) => member.id);
          const totalLoad = new Map(panel.map((member) => [member.id, currentLoad[member.id] ?? 0]));
          for (const assignment of result.assignments) for (const id of assignment.reviewerIds) totalLoad.set(id, totalLoad.get(id)! + 1);

          expect(result.assignments.map((assignment) => assignment.caseId)).toEqual(input.map((reviewCase) => reviewCase.caseId));
          for (const [index, assignment] of result.assignments.entries()) {
            const reviewCase = input[index]!;
            const eligible = eligibleOf(reviewCase);
            expect(new Set(assignment.reviewerIds).size).toBe(assignment.reviewerIds.length);
            for (const id of assignment.reviewerIds) expect(eligible).toContain(id);
            expect(assignment.reviewerIds.length).toBe(Math.min(perCase, eligible.length));
            expect(result.shortages.some((shortage) => shortage.caseId === reviewCase.caseId)).toBe(eligible.length < perCase);
            for (const holder of assignment.reviewerIds) {
              for (const other of eligible) {
                if (assignment.reviewerIds.includes(other)) continue;
                expect(totalLoad.get(holder)!).toBeLessThanOrEqual(totalLoad.get(other)! + 1);
              }
            }
          }

          const shuffled = [...input].sort(
            (a, b) =>
              ((a.caseId.length * 31 + seed) % 7) - ((b.caseId.length * 17 + seed) % 5) ||
              (seed % 2 ? 1 : -1) * a.caseId.localeCompare(b.caseId),
          );
          const again = assignReviewers({ cases: shuffled, panel, perCase, currentLoad, exclude });
          const asMap = (assignments: typeof result.assignments) =>
            Object.fromEntries(assignments.map((assignment) => [assignment.caseId, assignment.reviewerIds]));
          expect(asMap(again.assignments)).toEqual(asMap(result.assignments));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: without conflicts or prior load, every reviewer ends within one case of every other', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 4 }),
        (caseCount, panelSize, perCase) => {
          const panel = Array.from({ length: Math.max(panelSize, perCase) }, (_, index) => reviewer(`r${index}`));
          const input = Array.from({ length: caseCount }, (_, index) => ({ caseId: `k${index}`, unitCode: '440103', cityCode: GUANGZHOU }));
          const result = assignReviewers({ cases: input, panel, perCase });
          const loads = countLoads(
            result.assignments,
            panel.map((member) => member.id),
          );
          expect(Math.max(...loads.values()) - Math.min(...loads.values())).toBeLessThanOrEqual(1);
          expect(result.shortages).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('assignReviewers balance against brute force', () => {
  it('property: on small rounds the load is as even as any conflict-free assignment allows', () => {
    const cities = ['440100', '440300', '440600'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...cities), { minLength: 1, maxLength: 4 }),
        fc.array(fc.subarray(cities, { maxLength: 2 }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 1, max: 2 }),
        fc.array(fc.nat(2), { maxLength: 4 }),
        (caseCities, jurisdictions, perCase, loads) => {
          const input = caseCities.map((city, index) => ({ caseId: `c${index}`, unitCode: `${city.slice(0, 4)}01`, cityCode: city }));
          const panel = jurisdictions.map((codes, index) => reviewer(`r${index}`, codes));
          const currentLoad = Object.fromEntries(loads.map((load, index) => [`r${index}`, load]));
          const result = assignReviewers({ cases: input, panel, perCase, currentLoad });

          const options = input.map((reviewCase) => {
            const eligible = panel.filter((member) => conflictOf(member, reviewCase) === null).map((member) => member.id);
            return subsetsOfSize(eligible, Math.min(perCase, eligible.length));
          });
          const score = (chosen: string[][]) => {
            const load = new Map(panel.map((member) => [member.id, currentLoad[member.id] ?? 0]));
            for (const ids of chosen) for (const id of ids) load.set(id, load.get(id)! + 1);
            return { squares: [...load.values()].reduce((sum, value) => sum + value * value, 0), max: Math.max(...load.values()) };
          };
          let best = { squares: Number.POSITIVE_INFINITY, max: Number.POSITIVE_INFINITY };
          const walk = (index: number, chosen: string[][]) => {
            if (index === options.length) {
              const current = score(chosen);
              if (current.squares < best.squares) best = { ...current };
              if (current.max < best.max) best = { ...best, max: current.max };
              return;
            }
            for (const option of options[index]!) walk(index + 1, [...chosen, option]);
          };
          walk(0, []);
          const ours = score(result.assignments.map((assignment) => assignment.reviewerIds));
          expect(ours.squares).toBe(best.squares);
          expect(ours.max).toBe(best.max);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function subsetsOfSize(items: string[], size: number): string[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [first, ...rest] = items;
  return [...subsetsOfSize(rest, size - 1).map((subset) => [first!, ...subset]), ...subsetsOfSize(rest, size)];
}

describe('replaceReviewer', () => {
  const panel = [reviewer('gz', [GUANGZHOU]), reviewer('a'), reviewer('b'), reviewer('c')];

  it('picks the least-loaded conflict-free reviewer not already on the case', () => {
    const result = replaceReviewer({
      reviewCase: cases[0]!,
      panel,
      currentReviewerIds: ['a', 'b'],
      missingReviewerId: 'a',
      currentLoad: { c: 1 },
    });
    expect(result).toEqual({ ok: true, reviewerId: 'c' });
  });

  it('answers a coded error when nobody can step in or the reviewer is not on the case', () => {
    const none = replaceReviewer({ reviewCase: cases[0]!, panel, currentReviewerIds: ['a', 'b', 'c'], missingReviewerId: 'a' });
    expect(none.ok ? null : none.errors[0]!.code).toBe('ASSIGN_NO_REPLACEMENT');
    const notOn = replaceReviewer({ reviewCase: cases[0]!, panel, currentReviewerIds: ['a'], missingReviewerId: 'b' });
    expect(notOn.ok ? null : notOn.errors[0]!.code).toBe('ASSIGN_NOT_ON_CASE');
  });

  it('respects exclusions of reviewers replaced before', () => {
    const result = replaceReviewer({
      reviewCase: cases[0]!,
      panel,
      currentReviewerIds: ['a'],
      missingReviewerId: 'a',
      exclude: [{ caseId: 'c-liwan', reviewerId: 'b' }],
    });
    expect(result).toEqual({ ok: true, reviewerId: 'c' });
  });
});

function countLoads(assignments: { reviewerIds: string[] }[], everyone: string[] = []): Map<string, number> {
  const loads = new Map(everyone.map((id) => [id, 0]));
  for (const assignment of assignments) for (const id of assignment.reviewerIds) loads.set(id, (loads.get(id) ?? 0) + 1);
  return loads;
}
