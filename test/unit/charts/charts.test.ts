import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { barChart, chartFigureHtml, distributionChart, timelineChart, CASE_STATUS_ZH, CASE_STATUS_ORDER } from '../../../src/domain/charts';
import { aggregateRound } from '../../../src/domain/scoring/aggregate';

const TAGS = new Set(['svg', 'title', 'desc', 'rect', 'text', 'line', 'circle', 'g']);

/** Every '<' in the markup opens one of the tags the charts write: no text leaked unescaped. */
function onlyKnownTags(svg: string): boolean {
  for (const m of svg.matchAll(/<\/?([^\s>/]*)/g)) if (!TAGS.has(m[1]!)) return false;
  return true;
}

const widths = (svg: string) => [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));

describe('barChart', () => {
  const data = { 廣州市: 4, 深圳市: 2, 佛山市: 1 };
  const chart = barChart('cases-by-city', { zh: '各市案例數', en: 'Cases by city' }, data, { categoryHeader: '城市', unit: '宗' });

  it('is an accessible image: role, title and desc referenced by aria-labelledby', () => {
    expect(chart.svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="cases-by-city-title cases-by-city-desc"/);
    expect(chart.svg).toContain('<title id="cases-by-city-title">各市案例數</title>');
    expect(chart.svg).toContain(`<desc id="cases-by-city-desc">${chart.text}</desc>`);
    expect(chart.text).toBe('各市案例數，共 7宗：廣州市 4宗，深圳市 2宗，佛山市 1宗。');
  });

  it('draws bars in proportion, largest first, with the counts as text', () => {
    expect(widths(chart.svg)).toEqual([320, 160, 80]);
    expect(chart.svg.indexOf('廣州市')).toBeLessThan(chart.svg.indexOf('深圳市'));
    expect(chart.svg).toMatch(/>4<\/text>/);
  });

  it('has a data table with shares', () => {
    expect(chart.table.columns).toEqual(['城市', '數量（宗）', '佔比']);
    expect(chart.table.rows).toEqual([
      ['廣州市', '4', '57.1%'],
      ['深圳市', '2', '28.6%'],
      ['佛山市', '1', '14.3%'],
    ]);
  });

  it('follows a given order and label map (statuses in workflow order, in Chinese)', () => {
    const c = barChart(
      's',
      { zh: '各狀態', en: 's' },
      { APPROVED: 9, IN_REVIEW: 1, ELIGIBILITY_PENDING: 3 },
      { labels: CASE_STATUS_ZH, order: CASE_STATUS_ORDER },
    );
    expect(c.table.rows.map((r) => r[0])).toEqual(['待資格審查', '評審中', '已審定']);
  });

  it('says so when there is no data', () => {
    const c = barChart('e', { zh: '空', en: 'empty' }, {});
    expect(c.text).toBe('空：尚無資料。');
    expect(c.svg).toContain('（尚無資料）');
    expect(c.table.rows).toEqual([]);
  });

  it('escapes hostile labels and ids, whatever the input (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.nat(1000)), fc.string(), (d, id) => {
        const c = barChart(id, { zh: '<b>x</b>', en: 'x' }, d);
        expect(onlyKnownTags(c.svg)).toBe(true);
        expect(c.id).toMatch(/^[a-z0-9-]+$/);
      }),
    );
    const hostile = barChart('x', { zh: 't', en: 't' }, { '<script>alert(1)</script>': 1, '"onload="x': 2 });
    expect(hostile.svg).not.toContain('<script>');
    expect(hostile.svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(hostile.svg).not.toContain('"onload="');
  });

  it('is deterministic', () => {
    expect(
      barChart(
        'cases-by-city',
        { zh: '各市案例數', en: 'Cases by city' },
        { 佛山市: 1, 深圳市: 2, 廣州市: 4 },
        { categoryHeader: '城市', unit: '宗' },
      ),
    ).toEqual(chart);
  });
});

describe('distributionChart', () => {
  const panel = [
    { id: 'r1', name: '嚴格評審' },
    { id: 'r2', name: '寬鬆評審' },
    { id: 'r3', name: '未評評審' },
  ];
  // r1 scores everything 2 points lower than r2: normalisation should bring their means together
  const reviews = [
    { caseId: 'a', reviewerId: 'r1', total: 5 },
    { caseId: 'b', reviewerId: 'r1', total: 6 },
    { caseId: 'c', reviewerId: 'r1', total: 7 },
    { caseId: 'a', reviewerId: 'r2', total: 7 },
    { caseId: 'b', reviewerId: 'r2', total: 8 },
    { caseId: 'c', reviewerId: 'r2', total: 9 },
  ];
  const chart = distributionChart({ panel, reviews, maxScore: 10 });

  it('tabulates raw and normalised values from the scoring domain', () => {
    const agg = aggregateRound(reviews);
    const normMean = (rid: string) => {
      const xs = agg.reviews.filter((r) => r.reviewerId === rid).map((r) => r.normalised);
      return (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2);
    };
    expect(chart.table.rows[0]).toEqual(['嚴格評審', '3', '6.00', '5.00–7.00', normMean('r1'), expect.any(String), '標準分換算']);
    expect(chart.table.rows[1]![2]).toBe('8.00');
    // after calibration both reviewers sit on the round mean (7)
    expect(chart.table.rows[0]![4]).toBe('7.00');
    expect(chart.table.rows[1]![4]).toBe('7.00');
    expect(chart.table.rows[2]).toEqual(['未評評審', '0', '—', '—', '—', '—', '—']);
  });

  it('draws one dot per review in each panel and says who has not scored', () => {
    expect(chart.svg.match(/<circle /g)!.length).toBe(6 * 2 + 2 /* legend */);
    expect(chart.svg).toContain('尚無評分');
    expect(chart.text).toContain('嚴格評審 評 3 份，原始平均 6.00，標準化後平均 7.00');
    expect(chart.text).toContain('未評評審 尚無評分');
    expect(chart.svg).toContain('<title id="reviewer-scores-title">各評審評分分佈（標準化前／後）</title>');
  });

  it('lists reviewers that scored but are not on the panel, and escapes names', () => {
    const c = distributionChart({
      panel: [{ id: 'r1', name: '<i>評審</i>' }],
      reviews: [...reviews, { caseId: 'a', reviewerId: 'zz', total: 4 }],
      maxScore: 10,
    });
    expect(c.table.rows.map((r) => r[0])).toEqual(['<i>評審</i>', 'r2', 'zz']);
    expect(onlyKnownTags(c.svg)).toBe(true);
  });

  it('with no scores at all, says so', () => {
    const c = distributionChart({ panel, reviews: [], maxScore: 10 });
    expect(c.text).toBe('各評審評分分佈（標準化前／後）：尚無評分。');
  });
});

describe('timelineChart', () => {
  const events = [
    { label: '開放徵集', at: '2024-03-01T01:00:00Z', kind: 'event' as const },
    { label: '申報截止', at: '2024-04-30T15:59:59Z', kind: 'deadline' as const },
    { label: '評審截止', at: '2024-06-30T15:59:59Z', kind: 'deadline' as const },
    { label: '壞日期', at: 'not a date', kind: 'event' as const },
  ];
  const chart = timelineChart(events, '2024-05-15T02:00:00Z');

  it('marks deadlines past or still ahead relative to the given now, in UTC+8', () => {
    expect(chart.table.rows).toEqual([
      ['開放徵集', '2024-03-01 09:00', '已發生'],
      ['申報截止', '2024-04-30 23:59', '截止（已過）'],
      ['評審截止', '2024-06-30 23:59', '截止（未到）'],
      ['壞日期', 'not a date', '日期無效'],
    ]);
    expect(chart.text).toContain('（現在 2024-05-15 10:00）');
    expect(chart.svg).toContain('申報截止 2024-04-30 23:59（已過）');
  });

  it('draws deadlines dashed and now as a line, and does not draw undated events', () => {
    expect(chart.svg.match(/stroke-dasharray="4 2"/g)!.length).toBe(2);
    expect(chart.svg).toContain('現在 05-15 10:00');
    expect(chart.svg).not.toMatch(/<text[^>]*>壞日期/);
  });

  it('does not depend on the host time zone', () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(timelineChart(events, '2024-05-15T02:00:00Z')).toEqual(chart);
    } finally {
      process.env.TZ = before;
    }
  });

  it('escapes labels', () => {
    const c = timelineChart([{ label: '<script>x</script>', at: '2024-01-01T00:00:00Z', kind: 'event' }], '2024-01-02T00:00:00Z');
    expect(onlyKnownTags(c.svg)).toBe(true);
  });
});

describe('chartFigureHtml', () => {
  it('wraps the SVG with a caption and a data table with row and column headers', () => {
    const c = barChart('x', { zh: '各市<案例>', en: 'x' }, { 廣州市: 1 }, { categoryHeader: '城市' });
    const html = chartFigureHtml(c);
    expect(html).toContain('<figcaption id="x-caption">各市&lt;案例&gt;</figcaption>');
    expect(html).toContain('<th scope="col">城市</th>');
    expect(html).toContain('<tr><th scope="row">廣州市</th><td>1</td><td>100.0%</td></tr>');
    expect(html).toContain(c.svg);
  });
});
