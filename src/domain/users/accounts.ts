/**
 * The accounts file of `casebook users import`: one row per person (email, name, role, unitCode
 * for applicants, jurisdictions for reviewers), read from a CSV or spreadsheet's cells, checked
 * against the units registry, and compared with the directory to plan what an import does.
 *
 * Pure: no I/O. Every refusal is coded and bilingual and names the row's line, and a refused row
 * never stops the others.
 */
import { ROLE_ZH } from '../labels';
import { ROLES, type Issue, type Role } from '../model';
import { getUnit, resolveUnit } from '../units';

/** What a directory holds about a person that an import may set (DirectoryUser has this shape). */
export interface AccountProfile {
  username: string;
  email: string;
  name: string;
  role: Role;
  unitCode?: string;
  jurisdictions?: string[];
}

export interface AccountRow extends AccountProfile {
  /** Line of the file (or spreadsheet row) the account came from. */
  line: number;
}

export interface RefusedRow {
  line: number;
  /** The address as written, when there was one (to name the row in the report). */
  email?: string;
  issues: Issue[];
}

export interface AccountSheet {
  rows: AccountRow[];
  refused: RefusedRow[];
  /** Problems with the file as a whole (no header, a required column missing): no row is read. */
  fileIssues: Issue[];
}

export type AccountColumn = 'email' | 'name' | 'role' | 'unitCode' | 'jurisdictions';

/** Header spellings accepted per column, compared lower-case without spaces, dashes or underscores. */
const HEADERS: Record<AccountColumn, readonly string[]> = {
  email: ['email', 'mail', 'emailaddress', '電郵', '电邮', '郵箱', '邮箱', '電子郵件', '电子邮件', '電子郵箱', '电子邮箱'],
  name: ['name', 'fullname', 'displayname', '姓名', '名稱', '名称'],
  role: ['role', 'group', '角色', '身份', '身分'],
  unitCode: ['unitcode', 'unit', 'custom:unitcode', '單位代碼', '单位代码', '單位編碼', '单位编码', '單位', '单位'],
  jurisdictions: ['jurisdictions', 'jurisdiction', '轄區', '辖区', '所屬地區', '所属地区'],
};
const REQUIRED_COLUMNS: readonly AccountColumn[] = ['email', 'name', 'role'];

/** Role names as the office may write them, in either script. */
const ROLE_NAMES: Record<string, Role> = {
  applicant: 'applicant',
  申報單位: 'applicant',
  申报单位: 'applicant',
  申報: 'applicant',
  申报: 'applicant',
  reviewer: 'reviewer',
  評審: 'reviewer',
  评审: 'reviewer',
  評委: 'reviewer',
  评委: 'reviewer',
  secretariat: 'secretariat',
  office: 'secretariat',
  辦公室: 'secretariat',
  办公室: 'secretariat',
  approver: 'approver',
  審定領導: 'approver',
  审定领导: 'approver',
  領導: 'approver',
  领导: 'approver',
};

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  applicant: { zh: ROLE_ZH.applicant, en: 'applicant' },
  reviewer: { zh: ROLE_ZH.reviewer, en: 'reviewer' },
  secretariat: { zh: ROLE_ZH.secretariat, en: 'office (secretariat)' },
  approver: { zh: ROLE_ZH.approver, en: 'approver' },
};

const headerKey = (h: string) =>
  h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-（）()]/g, '');

const problem = (code: string, field: string, zh: string, en: string, line?: number): Issue => ({
  code,
  field,
  message: { zh, en },
  ...(line !== undefined ? { at: { line } } : {}),
});

/** A plain e-mail address as Cognito accepts it: one @, a dotted domain, no spaces, at most 254 characters. */
export function isEmail(value: string): boolean {
  return (
    value.length <= 254 &&
    /^[^\s@"(),:;<>[\\\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(value)
  );
}

export function roleOf(value: string): Role | undefined {
  const key = value.normalize('NFKC').trim().toLowerCase();
  return ROLE_NAMES[key] ?? ((ROLES as readonly string[]).includes(key) ? (key as Role) : undefined);
}

/** Jurisdiction cells: codes separated by commas, semicolons, 、 or spaces (full-width too). */
export const splitCodes = (cell: string): string[] =>
  cell
    .normalize('NFKC')
    .split(/[\s,;、]+/)
    .map((c) => c.trim())
    .filter(Boolean);

/** Which column of `header` holds what; unknown headers are ignored. */
export function mapColumns(header: readonly string[]): { columns: Partial<Record<AccountColumn, number>>; issues: Issue[] } {
  const columns: Partial<Record<AccountColumn, number>> = {};
  const issues: Issue[] = [];
  header.forEach((h, index) => {
    const key = headerKey(h);
    for (const [column, names] of Object.entries(HEADERS) as [AccountColumn, readonly string[]][]) {
      if (!names.includes(key)) continue;
      if (columns[column] !== undefined) {
        issues.push(
          problem(
            'COLUMN_DUPLICATE',
            column,
            `「${column}」欄出現了兩次（第 ${columns[column]! + 1} 和第 ${index + 1} 欄）`,
            `the ${column} column appears twice (columns ${columns[column]! + 1} and ${index + 1})`,
            1,
          ),
        );
      } else columns[column] = index;
    }
  });
  for (const column of REQUIRED_COLUMNS) {
    if (columns[column] === undefined) {
      issues.push(
        problem(
          'COLUMN_MISSING',
          column,
          `缺少「${column}」欄：第一行必須是欄名 email, name, role, unitCode, jurisdictions`,
          `the ${column} column is missing: the first row must name the columns email, name, role, unitCode, jurisdictions`,
          1,
        ),
      );
    }
  }
  return { columns, issues };
}

/** A unit code refused, with the nearest registry entry when the cell holds a name instead. */
function unitCodeProblem(code: string, line: number): Issue | undefined {
  const unit = getUnit(code);
  if (unit && unit.level !== 'city') return undefined;
  if (unit?.level === 'city') {
    return problem(
      'UNIT_CODE_CITY_LEVEL',
      'unitCode',
      `第 ${line} 行：${code} 是地級市代碼，申報單位必須是縣級或鄉鎮級人大`,
      `line ${line}: ${code} is a city code; applicants are county- or township-level bodies`,
      line,
    );
  }
  const byName = resolveUnit(code);
  const hint = byName.ok ? `（「${code}」的代碼是 ${byName.unit.code}）` : '';
  const hintEn = byName.ok ? ` (the code of "${code}" is ${byName.unit.code})` : '';
  return problem(
    'UNIT_CODE_UNKNOWN',
    'unitCode',
    `第 ${line} 行：單位代碼 ${code} 不在單位名錄中${hint}`,
    `line ${line}: unit code ${code} is not in the units registry${hintEn}`,
    line,
  );
}

function jurisdictionProblem(code: string, line: number): Issue | undefined {
  const unit = getUnit(code);
  if (unit && (unit.level === 'city' || unit.level === 'county')) return undefined;
  return problem(
    'JURISDICTION_UNKNOWN',
    'jurisdictions',
    `第 ${line} 行：轄區代碼 ${code} 不是名錄中的地級市或縣級代碼`,
    `line ${line}: jurisdiction ${code} is not a city or county code of the registry`,
    line,
  );
}

/**
 * Reads the rows under a header row. `records` are the sheet's rows with their line numbers,
 * the first being the header.
 */
export function readAccountSheet(records: readonly { line: number; cells: readonly string[] }[]): AccountSheet {
  const [header, ...body] = records;
  if (!header) {
    return {
      rows: [],
      refused: [],
      fileIssues: [
        problem(
          'FILE_EMPTY',
          'file',
          '文件是空的：第一行應是欄名，之後每行一個帳號',
          'the file is empty: the first row names the columns, then one account per row',
        ),
      ],
    };
  }
  const { columns, issues: headerIssues } = mapColumns(header.cells);
  if (headerIssues.length > 0) return { rows: [], refused: [], fileIssues: headerIssues };
  const cell = (cells: readonly string[], column: AccountColumn) => {
    const index = columns[column];
    return index === undefined ? '' : (cells[index] ?? '').normalize('NFC').trim();
  };

  const candidates: { row?: AccountRow; refused?: RefusedRow; key?: string }[] = body.map(({ line, cells }) => {
    const issues: Issue[] = [];
    const email = cell(cells, 'email').normalize('NFKC');
    const name = cell(cells, 'name');
    const roleText = cell(cells, 'role');
    const unitCode = cell(cells, 'unitCode').normalize('NFKC');
    const jurisdictions = splitCodes(cell(cells, 'jurisdictions'));

    if (!email)
      issues.push(problem('EMAIL_MISSING', 'email', `第 ${line} 行：缺少電郵地址`, `line ${line}: the e-mail address is missing`, line));
    else if (!isEmail(email))
      issues.push(
        problem(
          'EMAIL_INVALID',
          'email',
          `第 ${line} 行：「${email}」不是有效的電郵地址`,
          `line ${line}: "${email}" is not a valid e-mail address`,
          line,
        ),
      );
    if (!name) issues.push(problem('NAME_MISSING', 'name', `第 ${line} 行：缺少姓名或單位名稱`, `line ${line}: the name is missing`, line));
    else if ([...name].length > 200)
      issues.push(
        problem('NAME_TOO_LONG', 'name', `第 ${line} 行：姓名超過 200 字`, `line ${line}: the name is longer than 200 characters`, line),
      );
    const role = roleText ? roleOf(roleText) : undefined;
    if (!roleText)
      issues.push(
        problem(
          'ROLE_MISSING',
          'role',
          `第 ${line} 行：缺少角色（applicant、reviewer、secretariat 或 approver）`,
          `line ${line}: the role is missing (applicant, reviewer, secretariat or approver)`,
          line,
        ),
      );
    else if (!role) {
      issues.push(
        problem(
          'ROLE_UNKNOWN',
          'role',
          `第 ${line} 行：不明角色「${roleText}」，應為 applicant、reviewer、secretariat 或 approver`,
          `line ${line}: unknown role "${roleText}"; use applicant, reviewer, secretariat or approver`,
          line,
        ),
      );
    }
    if (role === 'applicant') {
      if (!unitCode)
        issues.push(
          problem(
            'UNIT_CODE_MISSING',
            'unitCode',
            `第 ${line} 行：申報單位帳號需要單位代碼`,
            `line ${line}: an applicant account needs a unit code`,
            line,
          ),
        );
      else {
        const p = unitCodeProblem(unitCode, line);
        if (p) issues.push(p);
      }
    } else if (role && unitCode) {
      issues.push(
        problem(
          'UNIT_CODE_NOT_APPLICANT',
          'unitCode',
          `第 ${line} 行：只有申報單位帳號有單位代碼（此行角色為 ${role}）`,
          `line ${line}: only applicant accounts carry a unit code (this row's role is ${role})`,
          line,
        ),
      );
    }
    if (role === 'reviewer') {
      for (const code of jurisdictions) {
        const p = jurisdictionProblem(code, line);
        if (p) issues.push(p);
      }
    } else if (role && jurisdictions.length > 0) {
      issues.push(
        problem(
          'JURISDICTIONS_NOT_REVIEWER',
          'jurisdictions',
          `第 ${line} 行：只有評審帳號有轄區（此行角色為 ${role}）`,
          `line ${line}: only reviewer accounts carry jurisdictions (this row's role is ${role})`,
          line,
        ),
      );
    }
    const key = email ? email.toLowerCase() : undefined;
    if (issues.length > 0 || !role) return { refused: { line, ...(email ? { email } : {}), issues }, ...(key ? { key } : {}) };
    const row: AccountRow = {
      line,
      username: key!,
      email: key!,
      name,
      role,
      ...(role === 'applicant' ? { unitCode } : {}),
      ...(role === 'reviewer' ? { jurisdictions: [...new Set(jurisdictions)] } : {}),
    };
    return { row, key: key! };
  });

  // An address on two rows: neither row can be trusted to be the right one, so both are refused.
  const linesByKey = new Map<string, number[]>();
  body.forEach(({ line }, i) => {
    const key = candidates[i]!.key;
    if (key) linesByKey.set(key, [...(linesByKey.get(key) ?? []), line]);
  });
  const rows: AccountRow[] = [];
  const refused: RefusedRow[] = [];
  candidates.forEach((c, i) => {
    const line = body[i]!.line;
    const lines = c.key ? linesByKey.get(c.key)! : [];
    const duplicate =
      lines.length > 1
        ? problem(
            'EMAIL_DUPLICATE',
            'email',
            `第 ${line} 行：電郵 ${c.key} 在第 ${lines.join('、')} 行重複出現，這些行都未處理`,
            `line ${line}: e-mail ${c.key} appears on lines ${lines.join(', ')}; none of them is imported`,
            line,
          )
        : undefined;
    if (c.refused) refused.push(duplicate ? { ...c.refused, issues: [...c.refused.issues, duplicate] } : c.refused);
    else if (duplicate) refused.push({ line, email: c.row!.email, issues: [duplicate] });
    else rows.push(c.row!);
  });
  return { rows, refused, fileIssues: [] };
}

export type AccountChange = 'name' | 'role' | 'unitCode' | 'jurisdictions' | 'email';

/** What importing `row` changes on `existing` (empty: unchanged). */
export function accountChanges(row: AccountProfile, existing: AccountProfile): AccountChange[] {
  const changes: AccountChange[] = [];
  const codes = (list?: readonly string[]) => [...(list ?? [])].sort().join(',');
  if (existing.email.toLowerCase() !== row.email.toLowerCase()) changes.push('email');
  if (existing.name !== row.name) changes.push('name');
  if (existing.role !== row.role) changes.push('role');
  if ((existing.unitCode ?? '') !== (row.unitCode ?? '')) changes.push('unitCode');
  if (codes(existing.jurisdictions) !== codes(row.jurisdictions)) changes.push('jurisdictions');
  return changes;
}
