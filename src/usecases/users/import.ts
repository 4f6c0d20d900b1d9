/**
 * Importing an accounts file into a user directory: the same code for the API route (Cognito on
 * AWS, the local directory on the local cloud) and for `casebook users bootstrap` straight
 * against a user pool with the deployer's credentials.
 *
 * The whole file is read and checked every time (so a duplicate address is caught across the
 * file), then only a window of rows is applied: an API call stays well under API Gateway's 29 s
 * when a province imports 1,700 units, and the client asks for the next window.
 */
import { decodeText } from '../../domain/dossier/charset';
import { loadTraditional } from '../../domain/text/traditional';
import type { Issue } from '../../domain/model';
import { accountChanges, parseCsv, readAccountSheet, type AccountChange, type AccountRow, type AccountSheet } from '../../domain/users';
import type { DirectoryUser, UserDirectory } from '../../ports/user-directory';

/** A spreadsheet's first worksheet as rows of text cells, with their 1-based row numbers. */
export type WorkbookReader = (bytes: Uint8Array) => Promise<{ line: number; cells: string[] }[]>;

export type ImportOutcome = 'created' | 'updated' | 'unchanged' | 'refused' | 'failed';

export interface ImportLine {
  line: number;
  email?: string;
  outcome: ImportOutcome;
  /** For updated rows: the fields that change. */
  changes?: AccountChange[];
  /** Why a row was refused or failed: coded, bilingual. */
  issues?: Issue[];
  /** Locally (no mail): the one-time password of an invited user, to hand over in person. */
  temporaryPassword?: string;
  /** An existing account that is disabled stays disabled: an import never re-enables anyone. */
  disabled?: true;
}

export interface ImportReport {
  /** Nothing was written: the outcomes say what an import would do. */
  dryRun: boolean;
  /** Rows of the file (without the header), refused ones included. */
  rows: number;
  from: number;
  /** The index to ask for next; absent once the last window is done. */
  next?: number;
  lines: ImportLine[];
  /** Problems with the file itself: when present, no row was read. */
  fileIssues: Issue[];
  /** Counts of this window's outcomes. */
  summary: Record<ImportOutcome, number>;
}

const XLSX_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const isZip = (bytes: Uint8Array) => XLSX_MAGIC.every((b, i) => bytes[i] === b);

const fileProblem = (code: string, zh: string, en: string): Issue => ({ code, field: 'file', message: { zh, en } });

/**
 * Reads an accounts file: a workbook (.xlsx, recognised by its bytes, not only its name) through
 * `readWorkbook`, anything else as CSV text in any charset decodeText knows (UTF-8 with or without
 * BOM, UTF-16, GB18030, Big5).
 */
export async function readAccountsFile(file: { fileName: string; bytes: Uint8Array }, readWorkbook: WorkbookReader): Promise<AccountSheet> {
  // an unknown unit code is looked up as a name, and the registry converts names to Traditional
  await loadTraditional();
  if (file.bytes.length === 0) return { rows: [], refused: [], fileIssues: [fileProblem('FILE_EMPTY', '文件是空的', 'the file is empty')] };
  if (isZip(file.bytes) || /\.xlsx$/i.test(file.fileName)) {
    let records: { line: number; cells: string[] }[];
    try {
      records = await readWorkbook(file.bytes);
    } catch {
      return {
        rows: [],
        refused: [],
        fileIssues: [
          fileProblem(
            'XLSX_UNREADABLE',
            '無法讀取此 Excel 文件（.xlsx）；請另存為 .xlsx 或 CSV 後再試',
            'this Excel file (.xlsx) cannot be read; save it again as .xlsx or CSV and retry',
          ),
        ],
      };
    }
    return readAccountSheet(records);
  }
  if (/\.xls$/i.test(file.fileName) || (file.bytes[0] === 0xd0 && file.bytes[1] === 0xcf)) {
    return {
      rows: [],
      refused: [],
      fileIssues: [
        fileProblem(
          'XLS_NOT_SUPPORTED',
          '不支援舊版 Excel（.xls）；請另存為 .xlsx 或 CSV',
          'old Excel files (.xls) are not supported; save as .xlsx or CSV',
        ),
      ],
    };
  }
  const decoded = await decodeText(file.bytes);
  if (!decoded)
    return {
      rows: [],
      refused: [],
      fileIssues: [
        fileProblem(
          'FILE_NOT_TEXT',
          '無法識別文件的文字編碼；請存為 UTF-8 的 CSV',
          'the file’s text encoding is not recognised; save it as UTF-8 CSV',
        ),
      ],
    };
  const table = parseCsv(decoded.text);
  if (table.issues.length > 0) return { rows: [], refused: [], fileIssues: table.issues };
  return readAccountSheet(table.records);
}

export interface ImportOptions {
  dryRun: boolean;
  /** Index of the first row of the window (rows in line order, refused ones included). */
  from?: number;
  /** Rows per window. */
  limit?: number;
  /** Directory calls in flight at once (Cognito's admin APIs are rate-limited per account). */
  concurrency?: number;
  /** The account of the person importing: a row may not take the office role away from them. */
  actorSub?: string;
}

const emptySummary = (): Record<ImportOutcome, number> => ({ created: 0, updated: 0, unchanged: 0, refused: 0, failed: 0 });

async function mapPool<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

async function importRow(directory: UserDirectory, row: AccountRow, options: ImportOptions): Promise<ImportLine> {
  const base = { line: row.line, email: row.email };
  let existing: DirectoryUser | undefined;
  try {
    existing = await directory.find(row.username);
    if (existing && options.actorSub && existing.sub === options.actorSub && row.role !== 'secretariat') {
      return {
        ...base,
        outcome: 'refused',
        issues: [
          {
            code: 'USER_SELF_ROLE_CHANGE',
            field: 'role',
            message: {
              zh: `第 ${row.line} 行：不能取消您自己帳號的辦公室角色`,
              en: `line ${row.line}: you cannot take the office role away from your own account`,
            },
            at: { line: row.line },
          },
        ],
      };
    }
    const changes = existing ? accountChanges(row, existing) : [];
    const disabled = existing && !existing.enabled ? { disabled: true as const } : {};
    if (existing && changes.length === 0) return { ...base, outcome: 'unchanged', ...disabled };
    if (options.dryRun) return existing ? { ...base, outcome: 'updated', changes, ...disabled } : { ...base, outcome: 'created' };
    const { line: _line, ...profile } = row;
    const result = await directory.upsert(profile);
    if (result.created)
      return { ...base, outcome: 'created', ...(result.temporaryPassword ? { temporaryPassword: result.temporaryPassword } : {}) };
    return result.changed ? { ...base, outcome: 'updated', changes, ...disabled } : { ...base, outcome: 'unchanged', ...disabled };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      ...base,
      outcome: 'failed',
      issues: [
        {
          code: 'USER_DIRECTORY_FAILED',
          field: 'email',
          message: {
            zh: `第 ${row.line} 行：用戶目錄未能處理此帳號（${reason}），再次匯入會重試`,
            en: `line ${row.line}: the user directory could not process this account (${reason}); importing again retries it`,
          },
          at: { line: row.line },
        },
      ],
    };
  }
}

/** Applies (or with dryRun, plans) one window of a checked accounts file. */
export async function importAccounts(directory: UserDirectory, sheet: AccountSheet, options: ImportOptions): Promise<ImportReport> {
  const from = Math.max(0, Math.floor(options.from ?? 0));
  const limit = Math.max(1, Math.floor(options.limit ?? 100));
  if (sheet.fileIssues.length > 0)
    return { dryRun: options.dryRun, rows: 0, from: 0, lines: [], fileIssues: sheet.fileIssues, summary: emptySummary() };
  const all: ({ kind: 'row'; row: AccountRow } | { kind: 'refused'; line: ImportLine })[] = [
    ...sheet.rows.map((row) => ({ kind: 'row' as const, row })),
    ...sheet.refused.map((r) => ({
      kind: 'refused' as const,
      line: { line: r.line, ...(r.email ? { email: r.email } : {}), outcome: 'refused' as const, issues: r.issues },
    })),
  ].sort((a, b) => (a.kind === 'row' ? a.row.line : a.line.line) - (b.kind === 'row' ? b.row.line : b.line.line));
  const window = all.slice(from, from + limit);
  const lines = await mapPool(window, options.concurrency ?? 4, async (item) =>
    item.kind === 'refused' ? item.line : importRow(directory, item.row, options),
  );
  const summary = emptySummary();
  for (const l of lines) summary[l.outcome]++;
  return {
    dryRun: options.dryRun,
    rows: all.length,
    from,
    ...(from + limit < all.length ? { next: from + limit } : {}),
    lines,
    fileIssues: [],
    summary,
  };
}
