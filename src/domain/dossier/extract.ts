/**
 * Structure found in free text: the enumerated measures of 主要做法 and the figures of 工作成效.
 */
import type { Figure } from './schema';

const ORDINAL = '[一二三四五六七八九十]+';
/** Enumeration styles, most specific first: 一是…, （一）…, 1. / 1、… */
const STYLES: RegExp[] = [
  new RegExp(`${ORDINAL}是`, 'gu'),
  new RegExp(`[（(]${ORDINAL}[)）]`, 'gu'),
  /(?<![\d.])\d{1,2}[.、．](?!\d)/gu,
  /(?:^|\n)[-*]\s+/gu,
];

/**
 * Splits practices into their enumerated points ("一是…二是…", "(一)(二)", "1. 2."). Text
 * before the first marker is the preamble and not a measure. No enumeration: no measures.
 */
export function extractMeasures(text: string): string[] {
  for (const style of STYLES) {
    const marks = [...text.matchAll(style)];
    if (marks.length < 2) continue;
    const measures: string[] = [];
    for (let i = 0; i < marks.length; i++) {
      const start = marks[i]!.index + marks[i]![0].length;
      const end = i + 1 < marks.length ? marks[i + 1]!.index : text.length;
      const measure = text
        .slice(start, end)
        .trim()
        .replace(/^[:：,，]\s*/u, '');
      if (measure) measures.push(measure);
    }
    if (measures.length >= 2) return measures;
  }
  return [];
}

const MULTIPLIERS: Record<string, number> = { 萬: 10_000, 万: 10_000, 億: 100_000_000, 亿: 100_000_000, 千: 1000, 百: 100 };
const COUNTERS = [
  '萬元',
  '万元',
  '億元',
  '亿元',
  '元',
  '人次',
  '場次',
  '场次',
  '人',
  '件',
  '個',
  '个',
  '場',
  '场',
  '條',
  '条',
  '名',
  '次',
  '家',
  '所',
  '項',
  '项',
  '村',
  '戶',
  '户',
  '期',
  '屆',
  '届',
  '份',
  '篇',
  '批',
  '%',
  '％',
];
const FIGURE = new RegExp(
  `(\\d+(?:\\.\\d+)?)(多|余|餘)?([萬万億亿千百])?(${COUNTERS.map((c) => c.replace('%', '%')).join('|')})(以上|左右|以下)?`,
  'gu',
);

/** The clause around an offset: between the nearest sentence or clause punctuation. */
function clauseAround(text: string, start: number, end: number): string {
  const stops = /[。；;！!？?\n]/u;
  let a = start;
  while (a > 0 && !stops.test(text[a - 1]!)) a--;
  let b = end;
  while (b < text.length && !stops.test(text[b]!)) b++;
  return text.slice(a, b).trim();
}

/** Quantities such as 10萬人, 351件, 70%以上, 150多萬元, each with its clause. */
export function extractFigures(text: string): Figure[] {
  const figures: Figure[] = [];
  for (const m of text.matchAll(FIGURE)) {
    const [whole, digits, , multiplier, counter] = m;
    let unit = counter!;
    let value = Number(digits);
    // "150多萬元" is counted in 萬元 (how budgets are written); "10萬人" is 100,000 people.
    if (multiplier && unit === '元' && /[萬万億亿]/u.test(multiplier)) unit = `${multiplier}元`;
    else if (multiplier) value *= MULTIPLIERS[multiplier]!;
    if (unit === '％') unit = '%';
    figures.push({ value, unit, text: whole, context: clauseAround(text, m.index, m.index + whole.length) });
  }
  return figures;
}
