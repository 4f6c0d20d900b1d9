export { parseCsv, formatCsv, type CsvRecord, type CsvTable } from './csv';
export {
  readAccountSheet,
  accountChanges,
  mapColumns,
  isEmail,
  roleOf,
  splitCodes,
  ROLE_LABELS,
  type AccountProfile,
  type AccountRow,
  type RefusedRow,
  type AccountSheet,
  type AccountChange,
  type AccountColumn,
} from './accounts';
export { passwordProblems, PASSWORD_POLICY } from './password';
