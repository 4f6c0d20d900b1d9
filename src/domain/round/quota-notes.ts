/**
 * Quota notes: for each entry of a shortlist, which places of the charter's quotas it takes, in
 * words, so whoever approves the list sees how each case sits under the quotas (the total, its
 * level's minimum and maximum, its city's maximum), not only its rank and score.
 */
import type { Bilingual, Level, Quotas, ShortlistEntry } from '../model';

export interface QuotaSubject {
  caseId: string;
  level: Level;
  /** The city's name as shown (e.g. 廣州市); cases of one city share it. */
  city: string;
}

const LEVEL_NAME: Record<Level, Bilingual> = {
  county: { zh: '縣級', en: 'county-level' },
  township: { zh: '鄉鎮級', en: 'township-level' },
};

function bounds(min: number | undefined, max: number | undefined): Bilingual | undefined {
  if (min === undefined && max === undefined) return undefined;
  const zh = [min !== undefined ? `至少 ${min}` : '', max !== undefined ? `至多 ${max}` : ''].filter(Boolean).join('、');
  const en = [min !== undefined ? `at least ${min}` : '', max !== undefined ? `at most ${max}` : ''].filter(Boolean).join(', ');
  return { zh, en };
}

/**
 * One note per entry, in the shortlist's order. Entries whose case is unknown get a note on the
 * total alone (a case withdrawn after ranking still holds its place on the list).
 */
export function quotaNotes(entries: readonly ShortlistEntry[], cases: readonly QuotaSubject[], quotas: Quotas): Map<string, Bilingual> {
  const byId = new Map(cases.map((c) => [c.caseId, c]));
  const perLevel = new Map<Level, number>();
  const perCity = new Map<string, number>();
  const notes = new Map<string, Bilingual>();
  const ordered = [...entries].sort((a, b) => a.rank - b.rank);
  for (const [index, entry] of ordered.entries()) {
    const zh = [`名額 ${quotas.total} 宗中的第 ${index + 1} 宗`];
    const en = [`place ${index + 1} of ${quotas.total}`];
    const c = byId.get(entry.caseId);
    if (c) {
      const levelCount = (perLevel.get(c.level) ?? 0) + 1;
      perLevel.set(c.level, levelCount);
      const q = quotas.perLevel?.[c.level];
      const b = bounds(q?.min, q?.max);
      const name = LEVEL_NAME[c.level];
      zh.push(`${name.zh}第 ${levelCount} 宗${b ? `（${name.zh}${b.zh}）` : ''}`);
      en.push(`${name.en} no. ${levelCount}${b ? ` (${name.en}: ${b.en})` : ''}`);
      const cityCount = (perCity.get(c.city) ?? 0) + 1;
      perCity.set(c.city, cityCount);
      if (quotas.maxPerCity !== undefined) {
        zh.push(`${c.city}第 ${cityCount} 宗（每市至多 ${quotas.maxPerCity}）`);
        en.push(`${c.city} no. ${cityCount} (at most ${quotas.maxPerCity} per city)`);
      }
    }
    notes.set(entry.caseId, { zh: zh.join('；'), en: en.join('; ') });
  }
  return notes;
}
