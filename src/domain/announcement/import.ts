/**
 * Reads a published result page (like the round-5 announcement) into the round and its cases,
 * to backfill past rounds for duplicate detection and to build demo data.
 *
 * Defects are reported with their positions, never hidden: junk markup is skipped for parsing
 * but listed, and mojibake is left in the text exactly as published and listed.
 */
import { findControlChars, findMarkup, findMojibake, type DefectKind } from '../text/defects';
import { parseChineseNumber } from '../text/numerals';

export interface AnnouncementCase {
  number: number;
  title: string;
  unit: string;
  practices: string;
  reason: string;
  /** 1-based line of the 項目 heading in the page. */
  line: number;
}

export interface AnnouncementDefect {
  kind: DefectKind | 'missing-field';
  line: number;
  column: number;
  excerpt: string;
  detail: string;
}

export interface AnnouncementImport {
  round: { number: number | null; title: string | null; theme: string | null };
  cases: AnnouncementCase[];
  defects: AnnouncementDefect[];
}

const ITEM = /^[項项]目([一二三四五六七八九十百\d]+)\s*[:：]\s*(.*)$/u;
const FIELD_LABELS: { pattern: RegExp; field: 'unit' | 'practices' | 'reason' }[] = [
  { pattern: /^申[報报]單?[位]?\s*[:：]\s*(.*)$/u, field: 'unit' },
  { pattern: /^申[報报]单位\s*[:：]\s*(.*)$/u, field: 'unit' },
  { pattern: /^主要做法\s*[:：]\s*(.*)$/u, field: 'practices' },
  { pattern: /^入[選选]理由\s*[:：]\s*(.*)$/u, field: 'reason' },
];
/** Page furniture after the cases: ends whatever field was open. */
const TRAILER = /^(附件|友情[鏈链]接|相關|相关|責任編輯|责任编辑)/u;
const TAG = /<\/?[A-Za-z][^<>]*>|<!--[\s\S]*?-->/gu;

export function importAnnouncement(text: string): AnnouncementImport {
  const lines = text.normalize('NFC').replace(/\r\n?/g, '\n').split('\n');
  const defects: AnnouncementDefect[] = [];
  lines.forEach((raw, index) => {
    for (const d of [...findMarkup(raw), ...findMojibake(raw), ...findControlChars(raw)]) {
      defects.push({ kind: d.kind, line: index + 1, column: d.column, excerpt: d.excerpt, detail: d.detail });
    }
  });

  const round: AnnouncementImport['round'] = { number: null, title: null, theme: null };
  const cases: AnnouncementCase[] = [];
  let current: (Partial<AnnouncementCase> & { number: number; title: string; line: number }) | null = null;
  let openField: 'unit' | 'practices' | 'reason' | null = null;

  const finish = () => {
    if (!current) return;
    for (const field of ['unit', 'practices', 'reason'] as const) {
      if (!current[field]) {
        defects.push({
          kind: 'missing-field',
          line: current.line,
          column: 1,
          excerpt: current.title,
          detail: `case ${current.number} has no ${field}`,
        });
      }
    }
    cases.push({
      number: current.number,
      title: current.title,
      unit: current.unit ?? '',
      practices: current.practices ?? '',
      reason: current.reason ?? '',
      line: current.line,
    });
    current = null;
    openField = null;
  };

  lines.forEach((raw, index) => {
    // &nbsp; left by the page's HTML is layout, not text: it becomes an ordinary space.
    const line = raw
      .replace(TAG, '')
      .replace(/\u00A0/gu, ' ')
      .trim();
    if (!line || /^\d+\.$/.test(line)) return;
    if (round.title === null) {
      const m = /第([一二三四五六七八九十百\d]+)[屆届].*?(?:案例|評選|评选).*$/u.exec(line);
      if (m && line.length <= 60) {
        round.title = line;
        round.number = parseChineseNumber(m[1]!);
      }
    }
    if (round.theme === null) {
      const theme = /以[“"「]([^”"」]+)[”"」][為为]主[題题]/u.exec(line);
      if (theme) round.theme = theme[1]!.trim();
    }
    const item = ITEM.exec(line);
    if (item) {
      finish();
      current = { number: parseChineseNumber(item[1]!) ?? cases.length + 1, title: item[2]!.trim(), line: index + 1 };
      return;
    }
    if (!current) return;
    if (TRAILER.test(line)) {
      finish();
      return;
    }
    for (const { pattern, field } of FIELD_LABELS) {
      const m = pattern.exec(line);
      if (m) {
        current[field] = m[1]!.trim();
        openField = field;
        return;
      }
    }
    // A field that wraps onto further lines continues until the next label.
    if (openField) current[openField] = `${current[openField] ?? ''}\n${line}`.trim();
  });
  finish();
  return { round, cases, defects };
}
