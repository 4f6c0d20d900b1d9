/**
 * Each reviewer's score distribution before and after normalisation, side by side on the same
 * 0..max scale, so the office sees who is harsh, who is lenient and what calibration did.
 *
 * The normalised values come from the scoring domain's `aggregateRound` (the very numbers the
 * ranking uses), not from a second formula that could disagree with it.
 */
import { aggregateRound, type ReviewTotal } from '../scoring/aggregate';
import { escapeXml, fmt, INK, MUTED, px, safeId, svgFrame, svgText, textWidth, type Chart } from './svg';

export interface PanelMember {
  id: string;
  name: string;
}

export interface DistributionInput {
  /** The round's panel, in the order to show. Reviewers with scores but not listed follow. */
  panel: readonly PanelMember[];
  /** Every scored review of the round (weighted totals on the rubric's scale). */
  reviews: readonly ReviewTotal[];
  /** Top of the totals' scale. */
  maxScore: number;
}

const RAW = '#c05621';
const NORM = '#2f855a';
const CALIBRATION_ZH = { zscore: '標準分換算', shift: '平移（評分全同）', raw: '不調整（僅一份）' } as const;

export function distributionChart(input: DistributionInput): Chart {
  const id = safeId('reviewer-scores');
  const title = { zh: '各評審評分分佈（標準化前／後）', en: 'Each reviewer’s scores before and after normalisation' };
  const max = input.maxScore > 0 ? input.maxScore : 1;
  const agg = aggregateRound(input.reviews);
  const names = new Map(input.panel.map((p) => [p.id, p.name]));
  const order = [
    ...input.panel.map((p) => p.id),
    ...agg.reviewers
      .map((r) => r.reviewerId)
      .filter((r) => !names.has(r))
      .sort(),
  ];
  const rows = order.map((reviewerId) => {
    const own = agg.reviews.filter((r) => r.reviewerId === reviewerId);
    const calibration = agg.reviewers.find((r) => r.reviewerId === reviewerId)?.calibration;
    return {
      reviewerId,
      name: names.get(reviewerId) ?? reviewerId,
      raw: own.map((r) => r.total),
      norm: own.map((r) => r.normalised),
      calibration,
    };
  });
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

  const rowH = 30;
  const labelW = Math.min(200, Math.max(80, ...rows.map((r) => textWidth(r.name) + 14)));
  const panelW = 240;
  const gap = 36;
  const top = 40;
  const width = labelW + panelW * 2 + gap + 24;
  const height = top + Math.max(1, rows.length) * rowH + 28;
  const x0 = (panel: 0 | 1) => labelW + panel * (panelW + gap);
  const xOf = (panel: 0 | 1, v: number) => x0(panel) + (Math.min(max, Math.max(0, v)) / max) * panelW;

  const heads =
    svgText(x0(0) + panelW / 2, 16, `標準化前（原始總分 0–${fmt(max, 0)}）`, 'text-anchor="middle" font-weight="bold"') +
    svgText(x0(1) + panelW / 2, 16, '標準化後（換算至同一尺度）', 'text-anchor="middle" font-weight="bold"');
  const axisY = top + Math.max(1, rows.length) * rowH;
  const axes = ([0, 1] as const)
    .map((p) =>
      [0, 0.5, 1]
        .map((f) => {
          const x = x0(p) + f * panelW;
          return (
            `<line x1="${px(x)}" y1="${top - 8}" x2="${px(x)}" y2="${axisY}" stroke="#e2e8f0"/>` +
            `<text x="${px(x)}" y="${axisY + 16}" font-size="11" font-family="sans-serif" fill="${MUTED}" text-anchor="middle">${fmt(f * max, max * f === Math.round(max * f) ? 0 : 1)}</text>`
          );
        })
        .join(''),
    )
    .join('');
  const dots = (panel: 0 | 1, values: number[], y: number, colour: string, label: string) => {
    const seen = new Map<string, number>();
    return values
      .map((v) => {
        const x = xOf(panel, v);
        const key = px(x);
        const n = seen.get(key) ?? 0;
        seen.set(key, n + 1);
        // identical scores stack upwards instead of hiding behind each other
        const cy = y - n * 5;
        return `<circle cx="${key}" cy="${px(cy)}" r="4" fill="${colour}" fill-opacity="0.8"><title>${escapeXml(`${label} ${fmt(v, 2)}`)}</title></circle>`;
      })
      .join('');
  };
  const body = rows
    .map((r, i) => {
      const y = top + i * rowH + rowH / 2;
      const parts = [svgText(labelW - 8, y + 4, r.name, 'text-anchor="end"')];
      for (const p of [0, 1] as const)
        parts.push(`<line x1="${x0(p)}" y1="${px(y)}" x2="${x0(p) + panelW}" y2="${px(y)}" stroke="#a0aec0"/>`);
      if (r.raw.length === 0) {
        parts.push(svgText(x0(0) + 6, y - 4, '尚無評分', `fill="${MUTED}"`));
      } else {
        parts.push(dots(0, r.raw, y, RAW, `${r.name} 原始`), dots(1, r.norm, y, NORM, `${r.name} 標準化後`));
        for (const [p, values] of [
          [0, r.raw],
          [1, r.norm],
        ] as const) {
          const m = xOf(p, mean(values));
          parts.push(`<line x1="${px(m)}" y1="${px(y - 10)}" x2="${px(m)}" y2="${px(y + 10)}" stroke="${INK}" stroke-width="2"/>`);
        }
      }
      return `<g>${parts.join('')}</g>`;
    })
    .join('');
  const legend =
    `<circle cx="${labelW}" cy="${height - 6}" r="4" fill="${RAW}"/>` +
    svgText(labelW + 8, height - 2, '原始總分') +
    `<circle cx="${labelW + 90}" cy="${height - 6}" r="4" fill="${NORM}"/>` +
    svgText(labelW + 98, height - 2, '標準化後') +
    `<line x1="${labelW + 180}" y1="${height - 12}" x2="${labelW + 180}" y2="${height}" stroke="${INK}" stroke-width="2"/>` +
    svgText(labelW + 186, height - 2, '平均');

  const scored = rows.filter((r) => r.raw.length > 0);
  const text = scored.length
    ? `${title.zh}：` +
      rows
        .map((r) =>
          r.raw.length === 0
            ? `${r.name} 尚無評分`
            : `${r.name} 評 ${r.raw.length} 份，原始平均 ${fmt(mean(r.raw), 2)}，標準化後平均 ${fmt(mean(r.norm), 2)}`,
        )
        .join('；') +
      `。全輪平均 ${fmt(agg.scale.mean, 2)}。`
    : `${title.zh}：尚無評分。`;
  const range = (xs: number[]) => (xs.length ? `${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)}` : '—');
  return {
    id,
    title,
    svg: svgFrame(id, title.zh, text, width, height, heads + axes + body + legend),
    text,
    table: {
      caption: `${title.zh}（總分滿分 ${fmt(max, 0)}）`,
      columns: ['評審', '份數', '原始平均', '原始範圍', '標準化後平均', '標準化後範圍', '調整方式'],
      rows: rows.map((r) => [
        r.name,
        `${r.raw.length}`,
        r.raw.length ? fmt(mean(r.raw), 2) : '—',
        range(r.raw),
        r.norm.length ? fmt(mean(r.norm), 2) : '—',
        range(r.norm),
        r.calibration ? CALIBRATION_ZH[r.calibration] : '—',
      ]),
    },
  };
}
