/** Chinese numerals as used in round numbers and item labels (五, 十二, 二十一). */
const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 兩: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Parses 1–999 written in Chinese numerals or Arabic digits; null when it is neither. */
export function parseChineseNumber(s: string): number | null {
  const t = s.trim();
  if (/^\d+$/.test(t)) return Number(t);
  if (!/^[零〇一二兩两三四五六七八九十百]+$/u.test(t)) return null;
  let total = 0;
  let current = 0;
  for (const ch of t) {
    if (ch === '百') {
      total += (current || 1) * 100;
      current = 0;
    } else if (ch === '十') {
      total += (current || 1) * 10;
      current = 0;
    } else {
      current = DIGITS[ch]!;
    }
  }
  return total + current;
}

/** The Chinese numeral for 1–99 (for item labels such as 項目十二). */
export function toChineseNumber(n: number): string {
  const names = '零一二三四五六七八九';
  if (n < 10) return names[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : names[tens]}十${ones ? names[ones] : ''}`;
}
