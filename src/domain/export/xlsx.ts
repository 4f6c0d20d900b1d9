/**
 * The leadership meeting's score sheet as an Excel workbook (ExcelJS):
 * - 評分匯總: one row per reviewed case (the shortlist in rank order, then the passed-over cases by
 *   score) with unit, city, level, raw and normalised means, spread, reviewer count, rank, quota
 *   note and the shortlist's explanation;
 * - 評審評分: one row per reviewer and case, a column per criterion; reviewers are numbered, not
 *   named, when the round is blind (the export data already carries only the labels).
 * Numbers are stored as numbers (so the meeting can sort and sum), the header row is frozen and
 * every column has a width.
 */
import { commonJsExports } from '../dossier/commonjs';
import { labelsFor } from '../site/labels';
import { convertTo } from '../site/script';
import type { Level, Script } from '../model';
import type { RoundExport } from './model';

type ExcelJs = typeof import('exceljs');

/** ExcelJS (with its zip and XML writers) is loaded on the first workbook, never at import. */
let loading: Promise<ExcelJs> | undefined;
function loadExcelJs(): Promise<ExcelJs> {
  loading ??= import('exceljs').then(commonJsExports).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Sheet and column names, written in Traditional and converted for a Simplified round. */
const WORDS = {
  summarySheet: '評分匯總',
  reviewSheet: '評審評分',
  rank: '排名',
  order: '公告序號',
  title: '項目名稱',
  unit: '申報單位',
  city: '所屬地市',
  level: '層級',
  status: '狀態',
  rawMean: '原始平均分',
  normalizedMean: '標準化平均分',
  spread: '分差',
  reviewerCount: '評審人數',
  quotaNote: '名額說明',
  explanation: '入圍說明',
  reviewer: '評審',
  total: '加權總分',
  scoredAt: '評分時間',
};

const STATUS: Record<string, string> = {
  REVIEWED: '已評審',
  SHORTLISTED: '入圍',
  NOT_SELECTED: '未入選',
  SELECTED: '擬入選',
  APPROVED: '入選',
};

export const SCORE_SHEET_COLUMNS = [
  'rank',
  'order',
  'title',
  'unit',
  'city',
  'level',
  'status',
  'rawMean',
  'normalizedMean',
  'spread',
  'reviewerCount',
  'quotaNote',
  'explanation',
] as const;

function word(script: Script, text: string): string {
  return script === 'hant' ? text : convertTo(script, text);
}

function levelName(script: Script, level: Level): string {
  const labels = labelsFor(script);
  return level === 'county' ? labels.level_county : labels.level_township;
}

const WIDTHS: Record<(typeof SCORE_SHEET_COLUMNS)[number], number> = {
  rank: 8,
  order: 10,
  title: 44,
  unit: 32,
  city: 12,
  level: 10,
  status: 10,
  rawMean: 12,
  normalizedMean: 14,
  spread: 10,
  reviewerCount: 10,
  quotaNote: 48,
  explanation: 48,
};

export async function scoreSheetXlsx(data: RoundExport): Promise<Uint8Array> {
  const ExcelJS = await loadExcelJs();
  const script = data.round.script;
  const w = (text: string) => word(script, text);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = labelsFor(script).siteName;
  workbook.title = `${data.round.title} ${w(WORDS.summarySheet)}`;
  // fixed, so the same data always gives the same workbook properties
  const stamp = data.round.approvedAt ? new Date(data.round.approvedAt) : new Date(Date.UTC(data.round.year, 0, 1));
  workbook.created = stamp;
  workbook.modified = stamp;

  const summary = workbook.addWorksheet(w(WORDS.summarySheet), { views: [{ state: 'frozen', ySplit: 1 }] });
  summary.columns = SCORE_SHEET_COLUMNS.map((key) => ({ header: w(WORDS[key]), key, width: WIDTHS[key] }));
  for (const row of data.scores) {
    summary.addRow({
      rank: row.rank ?? null,
      order: row.order ?? null,
      title: row.title,
      unit: row.unit,
      city: row.city,
      level: levelName(script, row.level),
      status: w(STATUS[row.status] ?? row.status),
      rawMean: row.rawMean,
      normalizedMean: row.normalizedMean,
      spread: row.spread,
      reviewerCount: row.reviewerCount,
      quotaNote: row.quotaNote ?? '',
      explanation: row.explanation ?? '',
    });
  }
  for (const key of ['rawMean', 'normalizedMean', 'spread'] as const) summary.getColumn(key).numFmt = '0.00';
  for (const key of ['quotaNote', 'explanation', 'title'] as const) summary.getColumn(key).alignment = { wrapText: true, vertical: 'top' };
  styleHeader(summary.getRow(1));

  const criteria = data.criteria;
  const reviews = workbook.addWorksheet(w(WORDS.reviewSheet), { views: [{ state: 'frozen', ySplit: 1 }] });
  reviews.columns = [
    { header: w(WORDS.unit), key: 'unit', width: 32 },
    { header: w(WORDS.reviewer), key: 'reviewer', width: data.round.blindReview ? 10 : 24 },
    ...criteria.map((c) => ({ header: c.name, key: `c:${c.id}`, width: Math.max(10, c.name.length * 2 + 2) })),
    { header: w(WORDS.total), key: 'total', width: 12 },
    { header: w(WORDS.scoredAt), key: 'scoredAt', width: 22 },
  ];
  for (const review of data.reviews) {
    const values: Record<string, string | number | Date | null> = { unit: review.unit, reviewer: review.reviewer, total: review.total };
    for (const c of criteria) values[`c:${c.id}`] = typeof review.scores[c.id] === 'number' ? review.scores[c.id]! : null;
    values.scoredAt = review.scoredAt ? new Date(review.scoredAt) : null;
    reviews.addRow(values);
  }
  reviews.getColumn('total').numFmt = '0.00';
  reviews.getColumn('scoredAt').numFmt = 'yyyy-mm-dd hh:mm';
  styleHeader(reviews.getRow(1));

  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

function styleHeader(row: import('exceljs').Row): void {
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  row.height = 30;
}
