/**
 * Server-rendered SVG charts for the office dashboard. Each chart carries a <title> and <desc>
 * and comes with a plain-text alternative, so it reads without JavaScript and with a screen reader.
 * All text is escaped: unit and reviewer names come from uploads and the charter.
 */
export interface Chart {
  id: string;
  title: { zh: string; en: string };
  svg: string;
  text: string;
}

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const FONT = 'font-family="sans-serif" font-size="12"';

function frame(id: string, title: string, desc: string, width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-t ${id}-d">` +
    `<title id="${id}-t">${escapeXml(title)}</title><desc id="${id}-d">${escapeXml(desc)}</desc>${body}</svg>`
  );
}

export function barChart(id: string, title: { zh: string; en: string }, data: Record<string, number>): Chart {
  const entries = Object.entries(data).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const rowH = 22;
  const labelW = 150;
  const barW = 300;
  const height = Math.max(1, entries.length) * rowH + 10;
  const width = labelW + barW + 50;
  const rows = entries
    .map(([label, value], i) => {
      const y = 5 + i * rowH;
      const w = Math.round((value / max) * barW);
      return (
        `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end" ${FONT}>${escapeXml(label)}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" fill="#2b6cb0"/>` +
        `<text x="${labelW + w + 4}" y="${y + 15}" ${FONT}>${value}</text>`
      );
    })
    .join('');
  const text = entries.length ? entries.map(([l, v]) => `${l}: ${v}`).join('; ') : '（無資料）';
  return { id, title, svg: frame(id, title.zh, text, width, height, rows || `<text x="10" y="20" ${FONT}>（無資料）</text>`), text };
}

export interface ReviewerScores {
  reviewerId: string;
  name: string;
  totals: number[];
}

/** z-scores of one reviewer's totals (all zero when they gave one score or all the same). */
export function zScores(values: number[]): number[] {
  if (values.length === 0) return [];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return values.map((v) => (sd === 0 ? 0 : (v - mean) / sd));
}

/** Each reviewer's totals on the rubric scale (left) and after z-normalisation (right). */
export function reviewerDistributionChart(reviewers: ReviewerScores[], maxScore: number): Chart {
  const id = 'reviewer-scores';
  const title = { zh: '各評審評分分佈（標準化前／後）', en: 'Each reviewer’s scores before and after normalisation' };
  const rowH = 26;
  const labelW = 120;
  const panelW = 220;
  const gap = 30;
  const width = labelW + panelW * 2 + gap + 20;
  const height = 30 + Math.max(1, reviewers.length) * rowH;
  const head =
    `<text x="${labelW + panelW / 2}" y="14" text-anchor="middle" ${FONT}>原始分 0–${maxScore}</text>` +
    `<text x="${labelW + panelW + gap + panelW / 2}" y="14" text-anchor="middle" ${FONT}>標準分 −3…+3</text>`;
  const textParts: string[] = [];
  const rows = reviewers
    .map((r, i) => {
      const y = 30 + i * rowH;
      const z = zScores(r.totals);
      const raw = r.totals
        .map((t) => `<circle cx="${(labelW + (Math.min(maxScore, Math.max(0, t)) / maxScore) * panelW).toFixed(1)}" cy="${y + 8}" r="4" fill="#c05621" fill-opacity="0.7"/>`)
        .join('');
      const norm = z
        .map((v) => {
          const x = labelW + panelW + gap + ((Math.max(-3, Math.min(3, v)) + 3) / 6) * panelW;
          return `<circle cx="${x.toFixed(1)}" cy="${y + 8}" r="4" fill="#2f855a" fill-opacity="0.7"/>`;
        })
        .join('');
      const mean = r.totals.length ? r.totals.reduce((a, b) => a + b, 0) / r.totals.length : 0;
      textParts.push(`${r.name}: ${r.totals.length} 份, 原始平均 ${mean.toFixed(2)}, 原始 [${r.totals.map((t) => t.toFixed(1)).join(', ')}], 標準分 [${z.map((v) => v.toFixed(2)).join(', ')}]`);
      return (
        `<text x="${labelW - 6}" y="${y + 12}" text-anchor="end" ${FONT}>${escapeXml(r.name)}</text>` +
        `<line x1="${labelW}" y1="${y + 8}" x2="${labelW + panelW}" y2="${y + 8}" stroke="#bbb"/>` +
        `<line x1="${labelW + panelW + gap}" y1="${y + 8}" x2="${labelW + 2 * panelW + gap}" y2="${y + 8}" stroke="#bbb"/>` +
        raw +
        norm
      );
    })
    .join('');
  const text = textParts.length ? textParts.join('; ') : '（尚無評分）';
  return { id, title, svg: frame(id, title.zh, text, width, height, head + rows), text };
}

export interface TimelineEvent {
  label: string;
  at: string;
  kind: 'deadline' | 'event' | 'now';
}

/** The round's events against its deadlines, on one time axis. */
export function timelineChart(events: TimelineEvent[]): Chart {
  const id = 'timeline';
  const title = { zh: '輪次時間線與截止時間', en: 'The round’s timeline against its deadlines' };
  const valid = events.filter((e) => !Number.isNaN(Date.parse(e.at))).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const width = 640;
  const left = 20;
  const right = width - 20;
  const height = 60 + valid.length * 18;
  const t0 = valid.length ? Date.parse(valid[0]!.at) : 0;
  const t1 = valid.length ? Date.parse(valid[valid.length - 1]!.at) : 1;
  const span = Math.max(1, t1 - t0);
  const colour = { deadline: '#c53030', event: '#2b6cb0', now: '#000' };
  const marks = valid
    .map((e, i) => {
      const x = left + ((Date.parse(e.at) - t0) / span) * (right - left);
      const y = 50 + i * 18;
      return (
        `<line x1="${x.toFixed(1)}" y1="24" x2="${x.toFixed(1)}" y2="${y - 4}" stroke="${colour[e.kind]}" stroke-dasharray="${e.kind === 'deadline' ? '4 2' : '0'}"/>` +
        `<circle cx="${x.toFixed(1)}" cy="24" r="4" fill="${colour[e.kind]}"/>` +
        `<text x="${Math.min(x, right - 160).toFixed(1)}" y="${y}" ${FONT}>${escapeXml(`${e.label} ${e.at.slice(0, 16).replace('T', ' ')}`)}</text>`
      );
    })
    .join('');
  const text = valid.length ? valid.map((e) => `${e.label}: ${e.at}`).join('; ') : '（無資料）';
  return {
    id,
    title,
    svg: frame(id, title.zh, text, width, height, `<line x1="${left}" y1="24" x2="${right}" y2="24" stroke="#555"/>${marks}`),
    text,
  };
}
