/** Chinese numerals and dates as the announcements write them (第五屆, 項目十二, 2024年5月31日). */

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const UNITS = ['', '十', '百', '千'];

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五, 1000 → 一千; up to 9999, larger as digits. */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 9999) return String(n);
  // every page of a round spells the same few numbers: spell each once
  let spelled = NUMERALS[n];
  if (spelled === undefined) spelled = NUMERALS[n] = spellNumeral(n);
  return spelled;
}

const NUMERALS: string[] = [];

function spellNumeral(n: number): string {
  if (n === 0) return DIGITS[0]!;
  const digits = String(n).split('').map(Number);
  let out = '';
  let pendingZero = false;
  digits.forEach((d, i) => {
    const unit = UNITS[digits.length - 1 - i]!;
    if (d === 0) {
      pendingZero = out.length > 0;
      return;
    }
    if (pendingZero) out += DIGITS[0];
    pendingZero = false;
    // 十二, not 一十二, when the tens digit leads
    out += d === 1 && unit === '十' && out.length === 0 ? unit : DIGITS[d]! + unit;
  });
  return out;
}

const OFFICE_OFFSET_MS = 8 * 3600 * 1000;

/** The calendar date in the office's time zone (Asia/Shanghai, UTC+8, no daylight saving). */
export function officeDate(iso: string): { year: number; month: number; day: number } | undefined {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(ms + OFFICE_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 2024年5月31日 */
export function chineseDate(iso: string | undefined): string {
  if (!iso) return '';
  const d = officeDate(iso);
  return d ? `${d.year}年${d.month}月${d.day}日` : '';
}

/** 2024-05-31, for <time datetime>. */
export function isoDate(iso: string | undefined): string {
  if (!iso) return '';
  const d = officeDate(iso);
  return d ? `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}` : '';
}

/** RFC 3339 in UTC for Atom; the input's instant, normalised so equal instants print equally. */
export function rfc3339(iso: string | undefined, fallback = '1970-01-01T00:00:00Z'): string {
  if (!iso) return fallback;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? fallback : new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}
