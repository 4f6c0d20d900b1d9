/**
 * Machine-readable outputs: the round as JSON and CSV (one row shape, so both carry the same
 * content), the Atom feed, sitemap.xml and robots.txt. Texts are in the round's own script.
 */
import type { Script } from '../model';
import { rfc3339 } from './format';
import { escapeHtml } from './html';
import { roundTitle, labelsFor } from './labels';
import { sitePaths } from './paths';
import { langTag } from './script';
import type { SiteCase, SiteRound } from './snapshot';
import { sortRoundsNewestFirst } from './pages';

/** One row of the round's open data; withdrawn cases keep only who and when. */
export interface OpenDataRow {
  order: number;
  caseId: string;
  title: string;
  unit: string;
  city: string;
  practices: string;
  outcomes: string;
  reason: string;
  url: string;
  /** Corrections as `<ISO time> <note>` lines, oldest first. */
  corrections: string;
  withdrawnAt: string;
}

export const OPEN_DATA_COLUMNS: readonly (keyof OpenDataRow)[] = [
  'order',
  'caseId',
  'title',
  'unit',
  'city',
  'practices',
  'outcomes',
  'reason',
  'url',
  'corrections',
  'withdrawnAt',
];

export function openDataRows(round: SiteRound, baseUrl: string): OpenDataRow[] {
  return round.cases.map((c: SiteCase) => ({
    order: c.order,
    caseId: c.caseId,
    title: c.title,
    unit: c.unit.name,
    city: c.unit.city,
    practices: c.withdrawn ? '' : c.practices,
    outcomes: c.withdrawn ? '' : c.outcomes,
    reason: c.withdrawn ? '' : c.reason,
    url: c.withdrawn ? '' : baseUrl + sitePaths.case(round.script, round.roundId, c.caseId),
    corrections: c.withdrawn ? '' : c.corrections.map((x) => `${x.at} ${x.note}`).join('\n'),
    withdrawnAt: c.withdrawn ? (c.withdrawnAt ?? '') : '',
  }));
}

/** `rows` lets the renderer build the rows once for both the JSON and the CSV. */
export function roundJson(round: SiteRound, baseUrl: string, rows: readonly OpenDataRow[] = openDataRows(round, baseUrl)): string {
  const labels = labelsFor(round.script);
  const document = {
    round: {
      roundId: round.roundId,
      number: round.number,
      year: round.year,
      title: roundTitle(labels, round.number, round.status),
      theme: round.theme,
      script: round.script,
      lang: langTag(round.script),
      status: round.status,
      noticeStartsAt: round.noticeStartsAt ?? null,
      noticeEndsAt: round.noticeEndsAt ?? null,
      approvedAt: round.approvedAt ?? null,
      url: baseUrl + sitePaths.round(round.script, round.roundId),
      csv: baseUrl + sitePaths.roundCsv(round.roundId),
    },
    columns: OPEN_DATA_COLUMNS,
    cases: rows,
  };
  return JSON.stringify(document, null, 2) + '\n';
}

/** Spreadsheets execute cells that start like a formula; a leading apostrophe keeps them text. */
function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 with a UTF-8 byte order mark, which spreadsheet programs need to read Chinese. */
export function roundCsv(round: SiteRound, baseUrl: string, rows: readonly OpenDataRow[] = openDataRows(round, baseUrl)): string {
  const lines = [OPEN_DATA_COLUMNS.join(',')];
  for (const row of rows) lines.push(OPEN_DATA_COLUMNS.map((col) => csvCell(row[col])).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** When a round's page last changed, from data only. */
export function roundUpdatedAt(round: SiteRound): string | undefined {
  const times = [
    round.status === 'APPROVED' ? round.approvedAt : round.noticeStartsAt,
    ...round.cases.flatMap((c) => [...c.corrections.map((x) => x.at), ...(c.withdrawnAt ? [c.withdrawnAt] : [])]),
  ]
    .filter((t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)))
    .map((t) => rfc3339(t));
  return times.sort().pop();
}

/** Rounds must already be in the feed's script. */
export function atomFeed(script: Script, rounds: readonly SiteRound[], baseUrl: string): string {
  const labels = labelsFor(script);
  const self = baseUrl + sitePaths.feed(script);
  const ordered = sortRoundsNewestFirst(rounds);
  const entries = ordered.map((round) => {
    const title = roundTitle(labels, round.number, round.status);
    const url = baseUrl + sitePaths.round(script, round.roundId);
    const updated = rfc3339(roundUpdatedAt(round));
    const count = round.cases.filter((c) => !c.withdrawn).length;
    return `<entry>
<id>urn:casebook:round:${escapeHtml(round.roundId)}:${round.status === 'NOTICE' ? 'notice' : 'announcement'}</id>
<title>${escapeHtml(title)}</title>
<link rel="alternate" type="text/html" href="${escapeHtml(url)}"/>
<updated>${updated}</updated>
<summary>${escapeHtml(`${labels.theme}：${round.theme}；${labels.caseCount}：${count}`)}</summary>
</entry>`;
  });
  const feedUpdated =
    ordered
      .map((r) => rfc3339(roundUpdatedAt(r)))
      .sort()
      .pop() ?? rfc3339(undefined);
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${langTag(script)}">
<id>${escapeHtml(self)}</id>
<title>${escapeHtml(labels.siteName)}</title>
<link rel="self" type="application/atom+xml" href="${escapeHtml(self)}"/>
<link rel="alternate" type="text/html" href="${escapeHtml(baseUrl + sitePaths.siteIndex(script))}"/>
<updated>${feedUpdated}</updated>
<author><name>${escapeHtml(labels.siteName)}</name></author>
${entries.join('\n')}
</feed>
`;
}

export function sitemap(pagePaths: readonly string[], baseUrl: string): string {
  const urls = [...pagePaths].sort().map((p) => `<url><loc>${escapeHtml(baseUrl + p)}</loc></url>`);
  return `<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.join('\n')}
</urlset>
`;
}

export function robotsTxt(baseUrl: string): string {
  return `User-agent: *\nAllow: /\nSitemap: ${baseUrl}${sitePaths.sitemap}\n`;
}
