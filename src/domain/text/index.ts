export { toHans, toHant, detectScript, scriptEvidence, comparisonKey } from './script';
export { loadTraditional } from './traditional';
export { findMojibake, findMarkup, findControlChars, findTextDefects, positionOf, excerptAt } from './defects';
export type { TextDefect, DefectKind } from './defects';
export { parseChineseNumber, toChineseNumber } from './numerals';
