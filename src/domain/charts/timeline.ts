/**
 * The round's timeline against its deadlines: what happened (opened, closed, approved) above the
 * axis, the deadlines below it, and "now", so a missed or close deadline is visible at a glance.
 * `now` is an input: the chart never reads the clock.
 */
import { escapeXml, formatCst, INK, MUTED, px, safeId, svgFrame, svgText, textWidth, type Chart } from './svg';

export interface TimelineEvent {
  label: string;
  /** ISO 8601 instant. Events with an unreadable date are listed in the table but not drawn. */
  at: string;
  kind: 'deadline' | 'event';
}

const EVENT = '#2b6cb0';
const DEADLINE = '#c53030';

export function timelineChart(events: readonly TimelineEvent[], now: string): Chart {
  const id = safeId('timeline');
  const title = { zh: '輪次時間線與截止時間', en: 'The round’s timeline against its deadlines' };
  const nowT = Date.parse(now);
  const dated = events
    .map((e, i) => ({ ...e, t: Date.parse(e.at), i }))
    .filter((e) => !Number.isNaN(e.t))
    .sort((a, b) => a.t - b.t || a.i - b.i);
  const times = [...dated.map((e) => e.t), ...(Number.isNaN(nowT) ? [] : [nowT])];
  const t0 = times.length ? Math.min(...times) : 0;
  const t1 = times.length ? Math.max(...times) : 1;
  const span = Math.max(1, t1 - t0);
  const width = 720;
  const left = 24;
  const right = width - 24;
  const xOf = (t: number) => left + ((t - t0) / span) * (right - left);

  const above = dated.filter((e) => e.kind === 'event');
  const below = dated.filter((e) => e.kind === 'deadline');
  const lane = 18;
  const axisY = 30 + Math.max(1, above.length) * lane;
  const height = axisY + 30 + Math.max(1, below.length) * lane;
  const labelX = (x: number, label: string) => Math.max(left, Math.min(x - 4, right - textWidth(label)));
  const mark = (e: (typeof dated)[number], i: number, side: 'above' | 'below') => {
    const x = xOf(e.t);
    const colour = e.kind === 'deadline' ? DEADLINE : EVENT;
    const y = side === 'above' ? axisY - 14 - i * lane : axisY + 26 + i * lane;
    const state = e.kind === 'deadline' && !Number.isNaN(nowT) ? (e.t <= nowT ? '（已過）' : '（未到）') : '';
    const label = `${e.label} ${formatCst(e.at)}${state}`;
    return (
      `<g><title>${escapeXml(label)}</title>` +
      `<line x1="${px(x)}" y1="${axisY}" x2="${px(x)}" y2="${px(side === 'above' ? y + 4 : y - 12)}" stroke="${colour}"${e.kind === 'deadline' ? ' stroke-dasharray="4 2"' : ''}/>` +
      (e.kind === 'deadline'
        ? `<rect x="${px(x - 4)}" y="${axisY - 4}" width="8" height="8" fill="${colour}"/>`
        : `<circle cx="${px(x)}" cy="${axisY}" r="4" fill="${colour}"/>`) +
      svgText(labelX(x, label), y, label) +
      `</g>`
    );
  };
  const nowMark = Number.isNaN(nowT)
    ? ''
    : `<g><title>${escapeXml(`現在 ${formatCst(now)}`)}</title><line x1="${px(xOf(nowT))}" y1="8" x2="${px(xOf(nowT))}" y2="${height - 4}" stroke="${INK}" stroke-width="2"/>` +
      svgText(Math.min(xOf(nowT) + 4, right - 70), 14, `現在 ${formatCst(now).slice(5)}`, 'font-weight="bold"') +
      `</g>`;
  const body =
    `<line x1="${left}" y1="${axisY}" x2="${right}" y2="${axisY}" stroke="${MUTED}" stroke-width="2"/>` +
    above.map((e, i) => mark(e, i, 'above')).join('') +
    below.map((e, i) => mark(e, i, 'below')).join('') +
    nowMark;

  const stateOf = (e: TimelineEvent) => {
    const t = Date.parse(e.at);
    if (Number.isNaN(t)) return '日期無效';
    if (e.kind === 'event') return '已發生';
    if (Number.isNaN(nowT)) return '截止';
    return t <= nowT ? '截止（已過）' : '截止（未到）';
  };
  const listed = [...dated, ...events.filter((e) => Number.isNaN(Date.parse(e.at)))];
  const text = listed.length
    ? `${title.zh}${Number.isNaN(nowT) ? '' : `（現在 ${formatCst(now)}）`}：${listed.map((e) => `${e.label} ${formatCst(e.at)} ${stateOf(e)}`).join('；')}。`
    : `${title.zh}：尚無資料。`;
  return {
    id,
    title,
    svg: svgFrame(id, title.zh, text, width, height, body),
    text,
    table: {
      caption: `${title.zh}（時間為北京時間 UTC+8）`,
      columns: ['事項', '時間', '性質'],
      rows: listed.map((e) => [e.label, formatCst(e.at), stateOf(e)]),
    },
  };
}
