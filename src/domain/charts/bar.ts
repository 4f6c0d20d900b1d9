/** Horizontal bar chart of counts (cases by city, cases by status). */
import type { Bilingual } from '../model';
import { escapeXml, fmt, INK, MUTED, px, safeId, svgFrame, svgText, textWidth, type Chart } from './svg';

export interface BarChartOptions {
  /** Display names for the data's keys (e.g. status codes → Chinese). Keys without one show as is. */
  labels?: Record<string, string>;
  /** Key order; keys not listed follow, largest first. Default: largest first, then by name. */
  order?: readonly string[];
  /** Column header of the category in the data table. */
  categoryHeader?: string;
  /** Unit of the counts, e.g. 宗. */
  unit?: string;
}

const BAR = '#2b6cb0';

export function barChart(id: string, title: Bilingual, data: Record<string, number>, options: BarChartOptions = {}): Chart {
  const cid = safeId(id);
  const unit = options.unit ?? '';
  const rank = new Map((options.order ?? []).map((k, i) => [k, i]));
  const entries = Object.entries(data)
    .filter(([, v]) => Number.isFinite(v) && v >= 0)
    .sort((a, b) => {
      const ra = rank.get(a[0]) ?? Infinity;
      const rb = rank.get(b[0]) ?? Infinity;
      if (ra !== rb) return ra - rb;
      return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    })
    .map(([key, value]) => ({ key, label: options.labels?.[key] ?? key, value }));
  const total = entries.reduce((a, e) => a + e.value, 0);
  const max = Math.max(1, ...entries.map((e) => e.value));
  const rowH = 24;
  const labelW = Math.min(240, Math.max(60, ...entries.map((e) => textWidth(e.label) + 12)));
  const barW = 320;
  const width = labelW + barW + 60;
  const height = Math.max(1, entries.length) * rowH + 30;
  const rows = entries
    .map((e, i) => {
      const y = 8 + i * rowH;
      const w = (e.value / max) * barW;
      return (
        `<g>` +
        `<title>${escapeXml(`${e.label}：${e.value}${unit}`)}</title>` +
        svgText(labelW - 8, y + 15, e.label, 'text-anchor="end"') +
        `<rect x="${labelW}" y="${y + 3}" width="${px(Math.max(w, e.value > 0 ? 2 : 0))}" height="${rowH - 8}" fill="${BAR}"/>` +
        svgText(labelW + w + 6, y + 15, `${e.value}`) +
        `</g>`
      );
    })
    .join('');
  const axisY = 8 + Math.max(1, entries.length) * rowH;
  const axis =
    `<line x1="${labelW}" y1="4" x2="${labelW}" y2="${axisY}" stroke="${MUTED}"/>` +
    `<text x="${labelW}" y="${axisY + 16}" font-size="11" font-family="sans-serif" fill="${MUTED}">0</text>` +
    `<text x="${labelW + barW}" y="${axisY + 16}" font-size="11" font-family="sans-serif" fill="${MUTED}" text-anchor="end">${max}</text>`;
  const empty = entries.length === 0 ? svgText(labelW + 8, 24, '（尚無資料）', `fill="${INK}"`) : '';
  const text = entries.length
    ? `${title.zh}，共 ${total}${unit}：${entries.map((e) => `${e.label} ${e.value}${unit}`).join('，')}。`
    : `${title.zh}：尚無資料。`;
  return {
    id: cid,
    title,
    svg: svgFrame(cid, title.zh, text, width, height, axis + rows + empty),
    text,
    table: {
      caption: title.zh,
      columns: [options.categoryHeader ?? '類別', `數量${unit ? `（${unit}）` : ''}`, '佔比'],
      rows: entries.map((e) => [e.label, `${e.value}`, total > 0 ? `${fmt((e.value / total) * 100)}%` : '—']),
    },
  };
}
