/**
 * Shared pieces of the dashboard charts: escaping, the accessible SVG frame, the data-table
 * fallback and a deterministic number and date format.
 *
 * Charts are pure: the same input gives the same bytes (no clock, no locale, no randomness), so
 * they can be cached, diffed and tested as strings. All text that reaches the markup is escaped:
 * unit and reviewer names come from uploads and the charter.
 */
import type { Bilingual } from '../model';

export interface ChartTable {
  caption: string;
  columns: string[];
  rows: string[][];
}

export interface Chart {
  /** Stable id, also the prefix of the SVG's element ids. */
  id: string;
  title: Bilingual;
  /** A standalone SVG document with role="img", <title> and <desc>. */
  svg: string;
  /** The chart in one paragraph of Chinese text (also the SVG's <desc>). */
  text: string;
  /** The data behind the chart, for a table fallback. */
  table: ChartTable;
}

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Ids end up in `id` attributes and `aria-labelledby`: keep them to a safe alphabet. */
export const safeId = (id: string): string =>
  id
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'chart';

/** Fixed decimals without locale or negative zero, so output is byte-stable. */
export function fmt(n: number, digits = 1): string {
  const s = n.toFixed(digits);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** Coordinates with at most one decimal. */
export const px = (n: number): string => fmt(Math.round(n * 10) / 10, 1).replace(/\.0$/, '');

/** Approximate rendered width of a label at `size` px: CJK glyphs are one em, others about 0.6. */
export function textWidth(s: string, size = 12): number {
  let w = 0;
  for (const ch of s) w += /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/u.test(ch) ? size : size * 0.6;
  return Math.ceil(w);
}

/** China Standard Time (Guangdong), fixed: no DST, no host time zone. */
const CST_OFFSET_MS = 8 * 3600_000;

/** `YYYY-MM-DD HH:mm` in UTC+8, or the input unchanged when it is not a date. */
export function formatCst(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t + CST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

export const FONT = 'font-family="Noto Sans CJK TC, Noto Sans CJK SC, Microsoft JhengHei, PingFang TC, sans-serif" font-size="12"';

/** Text colour with at least 7:1 contrast on white; chart colours keep 3:1 for graphics (WCAG 1.4.11). */
export const INK = '#1a202c';
export const MUTED = '#4a5568';

export function svgFrame(id: string, title: string, desc: string, width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc">` +
    `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(desc)}</desc>` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>${body}</svg>`
  );
}

export function svgText(x: number, y: number, text: string, extra = ''): string {
  // a colour given in `extra` replaces the default ink (an attribute twice is not well-formed XML,
  // and the console parses charts as XML)
  const fill = /(^|\s)fill=/.test(extra) ? '' : ` fill="${INK}"`;
  return `<text x="${px(x)}" y="${px(y)}" ${FONT}${fill}${extra ? ` ${extra}` : ''}>${escapeXml(text)}</text>`;
}

/**
 * The chart as an HTML <figure>: caption, the SVG, and its data table, for pages rendered on the
 * server (readable without JavaScript and by screen readers that skip images).
 */
export function chartFigureHtml(chart: Chart): string {
  const head = chart.table.columns.map((c) => `<th scope="col">${escapeXml(c)}</th>`).join('');
  const rows = chart.table.rows
    .map(
      (r) =>
        `<tr>${r.map((cell, i) => (i === 0 ? `<th scope="row">${escapeXml(cell)}</th>` : `<td>${escapeXml(cell)}</td>`)).join('')}</tr>`,
    )
    .join('');
  return (
    `<figure class="chart" id="${chart.id}-figure" aria-labelledby="${chart.id}-caption">` +
    `<figcaption id="${chart.id}-caption">${escapeXml(chart.title.zh)}</figcaption>${chart.svg}` +
    `<details><summary>數據表：${escapeXml(chart.title.zh)}</summary>` +
    `<table><caption>${escapeXml(chart.table.caption)}</caption><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></details>` +
    `</figure>`
  );
}
