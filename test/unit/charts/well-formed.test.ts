import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { barChart, distributionChart, timelineChart } from '../../../src/domain/charts';

/**
 * The console parses each chart with an XML parser (image/svg+xml), which rejects what an HTML
 * parser forgives; a chart that is not well-formed simply does not show. These checks stand in
 * for that parser: every tag balanced, no attribute twice on one element.
 */
function wellFormedProblems(svg: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g)) {
    const [, closing, name, attrs, selfClosing] = m;
    if (closing) {
      if (stack.pop() !== name) problems.push(`unbalanced </${name}>`);
      continue;
    }
    const names = [...attrs!.matchAll(/([\w:-]+)="/g)].map((a) => a[1]!);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) problems.push(`<${name}> has ${dup} twice`);
    if (!selfClosing) stack.push(name!);
  }
  if (stack.length) problems.push(`unclosed ${stack.join(', ')}`);
  if (/<(?![/a-zA-Z!?])/.test(svg)) problems.push('a bare <');
  return problems;
}

describe('charts are well-formed XML', () => {
  it('bar chart, empty and with hostile labels', () => {
    expect(wellFormedProblems(barChart('e', { zh: '空', en: 'empty' }, {}).svg)).toEqual([]);
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.nat(50), { maxKeys: 8 }), (data) => {
        expect(wellFormedProblems(barChart('b', { zh: '各市', en: 'by city' }, data).svg)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('distribution chart, with and without scores', () => {
    const panel = [
      { id: 'r1', name: '評審甲' },
      { id: 'r2', name: '<i>乙</i>' },
    ];
    expect(wellFormedProblems(distributionChart({ panel, reviews: [], maxScore: 10 }).svg)).toEqual([]);
    const reviews = [
      { caseId: 'a', reviewerId: 'r1', total: 5 },
      { caseId: 'b', reviewerId: 'r1', total: 7 },
      { caseId: 'a', reviewerId: 'r2', total: 6 },
    ];
    expect(wellFormedProblems(distributionChart({ panel, reviews, maxScore: 10 }).svg)).toEqual([]);
  });

  it('timeline chart', () => {
    const events = [
      { label: '開始徵集', at: '2024-04-01T00:00:00Z', kind: 'event' as const },
      { label: '截止 & 評審', at: '2024-06-30T15:59:59Z', kind: 'deadline' as const },
    ];
    expect(wellFormedProblems(timelineChart(events, '2024-05-15T02:00:00Z').svg)).toEqual([]);
  });
});
