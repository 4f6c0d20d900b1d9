/**
 * The first worksheet of an .xlsx workbook as rows of text, read with ExcelJS. Cells come out as
 * the text a person sees: a number as digits (unit codes are often typed as numbers), a mailto
 * hyperlink as its text, a formula as its result, rich text joined.
 */
import ExcelJS from 'exceljs';

/** Workbooks larger than this are refused before ExcelJS inflates them (a zip bomb stays a zip). */
const MAX_ROWS = 20_000;
const MAX_COLUMNS = 50;

export async function readXlsxRows(bytes: Uint8Array): Promise<{ line: number; cells: string[] }[]> {
  const workbook = new ExcelJS.Workbook();
  // ExcelJS's load() is typed for Node's Buffer of an older @types/node
  await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  const sheet = workbook.worksheets.find((w) => w.state !== 'hidden' && w.state !== 'veryHidden') ?? workbook.worksheets[0];
  if (!sheet) return [];
  if (sheet.rowCount > MAX_ROWS) throw new Error(`the worksheet has ${sheet.rowCount} rows; at most ${MAX_ROWS} are read`);
  const rows: { line: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    const last = Math.min(row.cellCount, MAX_COLUMNS);
    for (let c = 1; c <= last; c++) cells.push(cellText(row.getCell(c)));
    rows.push({ line: rowNumber, cells });
  });
  return rows;
}

function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text).join('');
    if ('hyperlink' in value) {
      const text = (value as { text?: unknown }).text;
      if (typeof text === 'string') return text;
      if (text && typeof text === 'object' && 'richText' in text)
        return (text as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join('');
      return String((value as { hyperlink: string }).hyperlink).replace(/^mailto:/i, '');
    }
    if ('result' in value) {
      const result = (value as { result?: unknown }).result;
      return result === undefined || result === null ? '' : typeof result === 'object' ? '' : String(result);
    }
    if ('error' in value) return '';
  }
  return cell.text ?? '';
}
