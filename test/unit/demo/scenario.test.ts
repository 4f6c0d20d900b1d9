/**
 * The demo's scenario (data/demo/scenario/) does what it says: every case has exactly the panel
 * it needs, so the assignment is the same on every run, and the reviewers' sheets, through the
 * real scoring, calibration and shortlist domains, rank the cases in the published page's order,
 * so the leadership meeting can approve the shortlist as ranked.
 */
import { join } from 'node:path';
import { describe, it } from '@jest/globals';
import { expect } from '../../support/expect';
import { loadDemoScenario } from '../../../cli/support/demo-scenario';
import { assignReviewers } from '../../../src/domain/round/assignment';
import { shortlist } from '../../../src/domain/round/shortlist';
import { aggregateRound, weightedTotal } from '../../../src/domain/scoring/aggregate';
import { cityCodeOf, resolveUnit } from '../../../src/domain/units';

const scenario = loadDemoScenario(join(import.meta.dirname, '..', '..', '..', 'data', 'demo', 'scenario'));
const charter = scenario.charter(new Date('2030-03-01T00:00:00Z'));
const unitOf = (name: string) => {
  const r = resolveUnit(name);
  if (!r.ok) throw new Error(`${name}: ${r.reason}`);
  return r.unit;
};
const cases = scenario.decisions.cases.map((c) => ({
  entry: c,
  caseId: `case-${String(c.order).padStart(2, '0')}`,
  order: c.order,
  unit: unitOf(c.unit),
}));

describe('the demo scenario', () => {
  it('is a valid charter with deadlines after the day it opens', () => {
    expect(charter.number).toBe(5);
    expect(charter.year).toBe(2030);
    expect(Date.parse(charter.submissionDeadline)).toBeGreaterThan(Date.parse('2030-03-01T00:00:00Z'));
    expect(charter.panel.map((p) => p).every((p) => !('leniency' in p))).toBe(true);
    expect(cases.map((c) => c.order)).toEqual(cases.map((_, i) => i + 1));
  });

  it('leaves every case exactly the reviewers it needs, whatever order the cases arrive in', () => {
    for (const order of [cases, [...cases].reverse()]) {
      const load: Record<string, number> = {};
      for (const c of order) {
        const result = assignReviewers({
          cases: [{ caseId: c.caseId, unitCode: c.unit.code, cityCode: cityCodeOf(c.unit.code)! }],
          panel: charter.panel,
          perCase: charter.reviewersPerCase,
          currentLoad: { ...load },
        });
        expect(result.shortages, c.caseId).toEqual([]);
        const free = charter.panel.filter(
          (p) => !p.jurisdictions.includes(cityCodeOf(c.unit.code)!) && !p.declaredConflicts.includes(c.unit.code),
        );
        expect(free.length, `${c.caseId}: conflict-free reviewers`).toBe(charter.reviewersPerCase);
        expect(result.assignments[0]!.reviewerIds.sort()).toEqual(free.map((p) => p.id).sort());
        for (const id of result.assignments[0]!.reviewerIds) load[id] = (load[id] ?? 0) + 1;
      }
    }
  });

  it('ranks the cases in the page’s order through calibration and the shortlist, with no departure to explain', () => {
    const totals = [];
    for (const c of cases) {
      const free = charter.panel.filter(
        (p) => !p.jurisdictions.includes(cityCodeOf(c.unit.code)!) && !p.declaredConflicts.includes(c.unit.code),
      );
      for (const reviewer of free) {
        const total = weightedTotal({ scores: scenario.sheet(reviewer.id, c.entry) }, charter.rubric);
        if (!total.ok) throw new Error(JSON.stringify(total));
        totals.push({ caseId: c.caseId, reviewerId: reviewer.id, total: total.value });
      }
    }
    const aggregate = aggregateRound(totals);
    // the reviewers do differ in leniency: calibration is doing real work here
    expect(new Set(aggregate.reviewers.map((r) => r.mean.toFixed(2))).size).toBeGreaterThan(1);
    const ranked = aggregate.cases.map((s) => {
      const c = cases.find((x) => x.caseId === s.caseId)!;
      return { caseId: s.caseId, score: s.normalizedMean, cityCode: cityCodeOf(c.unit.code)!, level: c.unit.level };
    });
    const result = shortlist({ cases: ranked, quotas: charter.quotas });
    expect(result.feasible).toBe(true);
    expect(result.entries.map((e) => e.caseId)).toEqual(cases.map((c) => c.caseId));
    expect(result.entries.filter((e) => e.explanation)).toEqual([]);
  });
});
