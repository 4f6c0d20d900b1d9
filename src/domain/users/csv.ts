/**
 * CSV as spreadsheets write it (RFC 4180 and what Excel and WPS actually produce): fields quoted
 * with `"` (a quote inside doubled), quoted fields spanning lines, CRLF, LF or lone CR line ends,
 * a byte-order mark at the start, comma-separated (or tab-separated when the header row has tabs
 * and no commas: "Unicode text" exports). Blank lines are skipped. Every record keeps the line it
 * starts on, so a report can name it.
 */
import type { Issue } from '../model';

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  cells: string[];
}

export interface CsvTable {
  records: CsvRecord[];
  /** Structural problems (an unclosed quote, text after a closing quote). */
  issues: Issue[];
  delimiter: ',' | '\t';
}

const BOM = '\uFEFF';

function pickDelimiter(text: string): ',' | '\t' {
  // the header row outside quoted cells (a quoted cell may hold a tab or a line end)
  const unquoted = /^(?:"(?:[^"]|"")*"|[^"\r\n])*/.exec(text)?.[0].replace(/"(?:[^"]|"")*"/g, '') ?? '';
  return unquoted.includes('\t') && !unquoted.includes(',') ? '\t' : ',';
}

export function parseCsv(input: string): CsvTable {
  const text = input.startsWith(BOM) ? input.slice(1) : input;
  const delimiter = pickDelimiter(text);
  const records: CsvRecord[] = [];
  const issues: Issue[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  /** The cell was quoted and its closing quote seen: only a delimiter or line end may follow. */
  let closed = false;
  let quoteLine = 0;
  let anyContent = false;

  const endRecord = () => {
    cells.push(cell);
    // a line holding only delimiters or nothing at all is blank
    if (anyContent || cells.some((c) => c !== '')) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    closed = false;
    anyContent = false;
  };

  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
          closed = true;
        }
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        cell += ch;
      }
      continue;
    }
    if (ch === delimiter) {
      cells.push(cell);
      cell = '';
      closed = false;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
      continue;
    }
    if (ch === '"' && cell === '' && !closed) {
      quoted = true;
      anyContent = true;
      quoteLine = line;
      continue;
    }
    if (closed) {
      issues.push({
        code: 'CSV_TEXT_AFTER_QUOTE',
        field: 'file',
        message: {
          zh: `第 ${line} 行：引號結束後還有文字，請把整個欄位放在引號內`,
          en: `line ${line}: text follows a closing quote; quote the whole field`,
        },
        at: { line },
      });
      closed = false;
    }
    cell += ch;
  }
  if (quoted) {
    issues.push({
      code: 'CSV_UNCLOSED_QUOTE',
      field: 'file',
      message: { zh: `第 ${quoteLine} 行開始的引號沒有結束`, en: `the quote opened on line ${quoteLine} is never closed` },
      at: { line: quoteLine },
    });
  }
  if (cell !== '' || cells.length > 0 || anyContent) endRecord();
  return { records, issues, delimiter };
}

/** Writes cells as CSV (quoting only where needed), the inverse of parseCsv for tests and exports. */
export function formatCsv(rows: readonly (readonly string[])[], lineEnd: '\r\n' | '\n' = '\r\n'): string {
  const quote = (c: string) => (/[",\r\n\t]/.test(c) || c === '' ? `"${c.replace(/"/g, '""')}"` : c);
  return rows.map((r) => r.map(quote).join(',')).join(lineEnd) + lineEnd;
}
