/**
 * A small log–log line chart as SVG, for the growth curves of the benchmarks. Text is escaped;
 * the chart carries a <title> and <desc> so it reads without the picture.
 */
export interface Series {
  label: string;
  points: { x: number; y: number }[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const COLORS = ['#1f5fa8', '#b3441e', '#2f7d32', '#6a3d9a'];

export function logLogChart(opts: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
}): string {
  const width = opts.width ?? 560;
  const height = opts.height ?? 340;
  const pad = { l: 70, r: 20, t: 40, b: 50 };
  const all = opts.series.flatMap((s) => s.points).filter((p) => p.x > 0 && p.y > 0);
  if (all.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img"><title>${esc(opts.title)}</title><text x="10" y="20">no data</text></svg>`;
  const lx = all.map((p) => Math.log10(p.x));
  const ly = all.map((p) => Math.log10(p.y));
  const [x0, x1] = [Math.floor(Math.min(...lx)), Math.ceil(Math.max(...lx))];
  const [y0, y1] = [Math.floor(Math.min(...ly)), Math.ceil(Math.max(...ly)) + (Math.min(...ly) === Math.max(...ly) ? 1 : 0)];
  const sx = (x: number) => pad.l + ((Math.log10(x) - x0) / Math.max(1e-9, x1 - x0)) * (width - pad.l - pad.r);
  const sy = (y: number) => height - pad.b - ((Math.log10(y) - y0) / Math.max(1e-9, y1 - y0)) * (height - pad.t - pad.b);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<title>${esc(opts.title)}</title>`);
  const desc = opts.series.map((s) => `${s.label}: ${s.points.map((p) => `${p.x} → ${p.y.toPrecision(3)}`).join(', ')}`).join('; ');
  parts.push(`<desc>${esc(desc)}</desc>`);
  parts.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${esc(opts.title)}</text>`);
  for (let e = x0; e <= x1; e++) {
    const x = sx(10 ** e);
    parts.push(
      `<line x1="${x}" y1="${pad.t}" x2="${x}" y2="${height - pad.b}" stroke="#ddd"/><text x="${x}" y="${height - pad.b + 16}" text-anchor="middle">${10 ** e}</text>`,
    );
  }
  for (let e = y0; e <= y1; e++) {
    const y = sy(10 ** e);
    parts.push(
      `<line x1="${pad.l}" y1="${y}" x2="${width - pad.r}" y2="${y}" stroke="#ddd"/><text x="${pad.l - 6}" y="${y + 4}" text-anchor="end">${(10 ** e).toPrecision(1)}</text>`,
    );
  }
  parts.push(`<text x="${width / 2}" y="${height - 12}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${height / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  opts.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = s.points.filter((p) => p.x > 0 && p.y > 0);
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const p of pts) parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3" fill="${color}"/>`);
    parts.push(`<text x="${pad.l + 10}" y="${pad.t + 14 + i * 16}" fill="${color}">${esc(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
