/**
 * The shortlist: cases in score order under the round's quotas, with every departure from pure
 * score order explained in words.
 *
 * Rules, in the order the office would state them:
 * 1. Cases are taken by score, highest first; equal scores are ordered by case id (stable and
 *    visible to everyone, unlike any hidden tie-break).
 * 2. The list is as long as the quotas allow, up to `quotas.total`.
 * 3. A case is passed over when taking it would exceed the per-city maximum, a level's maximum,
 *    or would leave too few places (or the wrong cities) to reach a level's minimum or the list's
 *    length. The next case in score order then moves up.
 *
 * The usual office rule, "take in order, then swap the best remaining of a short level for the
 * lowest removable entry", fails on some inputs where city caps and level minimums interact, so
 * the list is built greedily with a look-ahead instead: before taking a case, an exact
 * feasibility test checks that the list can still be completed under every quota. With only two levels that test is
 * a small transportation problem decided by its cut conditions (for each set Q of levels, the
 * places wanted from Q ≤ Σ over cities of min(cases of Q left in the city, places left in the
 * city)). The result never violates a quota when a valid list exists, equals pure score order when
 * no quota binds, and otherwise is the best list in score order (lexicographically) among the
 * longest valid ones — exactly what the swap rule produces whenever the swap rule works.
 *
 * When no list meets every minimum, the minimums are lowered to what can be reached (then to zero
 * if still needed), the list is built under the rest, and `feasible: false` with coded issues says
 * which quota could not be met and why.
 */
import { LEVELS, type Bilingual, type Issue, type Level, type Quotas, type ShortlistEntry } from '../model';
import { issue } from './outcome';

export interface RankedCase {
  caseId: string;
  /** The score ranked on (normally the normalised mean). */
  score: number;
  cityCode: string;
  level: Level;
  /** Shown in explanations instead of the id (e.g. the unit's name or the case title). */
  label?: string;
  /** Shown in explanations instead of the city code. */
  cityName?: string;
}

export type RejectionCode = 'BELOW_CUT' | 'CITY_MAX' | 'LEVEL_MAX' | 'RESERVED_FOR_LEVEL_MIN' | 'QUOTAS_JOINTLY' | 'INVALID_INPUT';

export interface RejectedCase {
  caseId: string;
  score: number;
  code: RejectionCode;
  reason: Bilingual;
}

export interface ShortlistResult {
  /** The list in order (rank 1 first); `explanation` is set on entries that moved up past a passed-over case. */
  entries: ShortlistEntry[];
  /** Every other case, in score order, each with why. */
  rejected: RejectedCase[];
  /** False when no list could meet every quota (see issues). */
  feasible: boolean;
  issues: Issue[];
}

const LEVEL_NAME: Record<Level, Bilingual> = {
  county: { zh: '縣級', en: 'county-level' },
  township: { zh: '鄉鎮級', en: 'township-level' },
};

/** Departures from score order: a case of these codes passed over makes later entries move up. */
const DEPARTURES: ReadonlySet<RejectionCode> = new Set(['CITY_MAX', 'LEVEL_MAX', 'RESERVED_FOR_LEVEL_MIN', 'QUOTAS_JOINTLY']);

interface Limits {
  total: number;
  maxPerCity: number;
  min: Record<Level, number>;
  max: Record<Level, number>;
}

/** Builds the shortlist (see module doc). */
export function shortlist(input: { cases: readonly RankedCase[]; quotas: Quotas }): ShortlistResult {
  const issues: Issue[] = [];
  const rejected: RejectedCase[] = [];
  const seen = new Set<string>();
  const pool: RankedCase[] = [];
  for (const candidate of input.cases) {
    if (seen.has(candidate.caseId)) {
      issues.push(
        issue(
          'SHORTLIST_DUPLICATE_CASE',
          `cases.${candidate.caseId}`,
          `案件 ${candidate.caseId} 出現多於一次，只計第一次`,
          `case ${candidate.caseId} appears more than once; the first counts`,
        ),
      );
      continue;
    }
    seen.add(candidate.caseId);
    if (
      typeof candidate.score !== 'number' ||
      !Number.isFinite(candidate.score) ||
      !(LEVELS as readonly string[]).includes(candidate.level)
    ) {
      const problem = !(LEVELS as readonly string[]).includes(candidate.level) ? 'level' : 'score';
      issues.push(
        issue(
          'SHORTLIST_INVALID_CASE',
          `cases.${candidate.caseId}.${problem}`,
          problem === 'level'
            ? `案件 ${candidate.caseId} 的層級「${candidate.level}」無效，未參與排序`
            : `案件 ${candidate.caseId} 沒有有效分數，未參與排序`,
          problem === 'level'
            ? `case ${candidate.caseId} has an unknown level "${candidate.level}" and was not ranked`
            : `case ${candidate.caseId} has no valid score and was not ranked`,
        ),
      );
      rejected.push({
        caseId: candidate.caseId,
        score: candidate.score,
        code: 'INVALID_INPUT',
        reason:
          problem === 'level'
            ? { zh: '層級無效，未參與排序', en: 'unknown level; not ranked' }
            : { zh: '沒有有效分數，未參與排序', en: 'no valid score; not ranked' },
      });
      continue;
    }
    pool.push(candidate);
  }
  const order = [...pool].sort((a, b) => b.score - a.score || (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));

  const limits = limitsOf(input.quotas);
  let feasible = true;
  let size = longestFeasible(order, limits);
  if (size === null) {
    feasible = false;
    issues.push(...explainInfeasible(order, limits));
    for (const level of LEVELS) limits.min[level] = Math.min(limits.min[level], reachableOfLevel(order, limits, level));
    size = longestFeasible(order, limits);
    if (size === null) {
      for (const level of LEVELS) limits.min[level] = 0;
      size = longestFeasible(order, limits) ?? 0;
    }
  }
  if (size < Math.min(limits.total, order.length)) {
    issues.push(
      issue(
        'SHORTLIST_BELOW_TOTAL',
        'quotas.total',
        `在配額限制下最多只能選出 ${size} 件（名額 ${limits.total} 件）`,
        `the quotas allow at most ${size} cases on the list (total ${limits.total})`,
      ),
    );
  }

  const chosen: RankedCase[] = [];
  const taken = emptyCounts();
  const passedOver: { candidate: RankedCase; code: RejectionCode; short: Bilingual }[] = [];
  const entries: ShortlistEntry[] = [];
  for (const [index, candidate] of order.entries()) {
    if (chosen.length >= size) {
      rejected.push({
        caseId: candidate.caseId,
        score: candidate.score,
        code: 'BELOW_CUT',
        reason: {
          zh: `名單已滿（共 ${size} 件），本案分數在入選線以下`,
          en: `the list is full (${size} cases); this case scored below the cut`,
        },
      });
      continue;
    }
    const refusal = refusalOf(candidate, chosen, taken, order.slice(index + 1), limits, size);
    if (refusal) {
      rejected.push({ caseId: candidate.caseId, score: candidate.score, code: refusal.code, reason: refusal.reason });
      passedOver.push({ candidate, code: refusal.code, short: refusal.short });
      continue;
    }
    chosen.push(candidate);
    add(taken, candidate);
    entries.push({ caseId: candidate.caseId, rank: chosen.length, score: candidate.score, ...explanationFor(candidate, passedOver) });
  }
  rejected.sort((a, b) => rankOf(order, a.caseId) - rankOf(order, b.caseId));
  return { entries, rejected, feasible, issues };
}

function rankOf(order: readonly RankedCase[], caseId: string): number {
  const index = order.findIndex((candidate) => candidate.caseId === caseId);
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
}

function explanationFor(
  candidate: RankedCase,
  passedOver: readonly { candidate: RankedCase; code: RejectionCode; short: Bilingual }[],
): { explanation?: Bilingual } {
  const above = passedOver.filter((item) => DEPARTURES.has(item.code));
  if (above.length === 0) return {};
  const zh = above.map((item) => `${nameOf(item.candidate)}（${item.candidate.score} 分，${item.short.zh}）`).join('、');
  const en = above.map((item) => `${nameOf(item.candidate)} (${item.candidate.score}; ${item.short.en})`).join(', ');
  return {
    explanation: {
      zh: `${nameOf(candidate)}（${candidate.score} 分）排在 ${zh} 之後，因上述案件受配額限制未入選，本案依分數順序遞補入選。`,
      en: `${nameOf(candidate)} (${candidate.score}) ranks below ${en}, which the quotas kept off the list, so it moved up in score order.`,
    },
  };
}

function refusalOf(
  candidate: RankedCase,
  chosen: readonly RankedCase[],
  taken: Counts,
  rest: readonly RankedCase[],
  limits: Limits,
  size: number,
): { code: RejectionCode; reason: Bilingual; short: Bilingual } | null {
  const city = cityNameOf(candidate);
  const level = LEVEL_NAME[candidate.level];
  const inCity = taken.city.get(candidate.cityCode) ?? 0;
  if (inCity >= limits.maxPerCity) {
    const sameCity = chosen.filter((other) => other.cityCode === candidate.cityCode).map(nameOf);
    return {
      code: 'CITY_MAX',
      reason: {
        zh: `每市最多 ${limits.maxPerCity} 件：${city}已有 ${sameCity.join('、')} 以更高分數入選`,
        en: `at most ${limits.maxPerCity} per city: ${city} already has ${sameCity.join(', ')} on the list with higher scores`,
      },
      short: { zh: `每市最多 ${limits.maxPerCity} 件，${city}名額已滿`, en: `at most ${limits.maxPerCity} per city, ${city} full` },
    };
  }
  if (taken.level[candidate.level] >= limits.max[candidate.level]) {
    return {
      code: 'LEVEL_MAX',
      reason: {
        zh: `${level.zh}案例最多 ${limits.max[candidate.level]} 件，已由分數更高的${level.zh}案例佔滿`,
        en: `at most ${limits.max[candidate.level]} ${level.en} cases, already taken by higher-scored ones`,
      },
      short: { zh: `${level.zh}最多 ${limits.max[candidate.level]} 件`, en: `at most ${limits.max[candidate.level]} ${level.en}` },
    };
  }
  const withCandidate = cloneCounts(taken);
  add(withCandidate, candidate);
  if (completable(withCandidate, rest, limits, size)) return null;
  for (const other of LEVELS) {
    if (limits.min[other] === 0) continue;
    const relaxed: Limits = { ...limits, min: { ...limits.min, [other]: 0 } };
    if (completable(withCandidate, rest, relaxed, size)) {
      const otherName = LEVEL_NAME[other];
      return {
        code: 'RESERVED_FOR_LEVEL_MIN',
        reason: {
          zh: `${otherName.zh}案例至少須有 ${limits.min[other]} 件：若本案入選，餘下名額將不足以容納所需的${otherName.zh}案例`,
          en: `at least ${limits.min[other]} ${otherName.en} cases are required: with this case on the list, the remaining places could not hold them`,
        },
        short: {
          zh: `名額須保留予${otherName.zh}至少 ${limits.min[other]} 件`,
          en: `places reserved for at least ${limits.min[other]} ${otherName.en}`,
        },
      };
    }
  }
  return {
    code: 'QUOTAS_JOINTLY',
    reason: {
      zh: `若本案入選，在每市及各層級配額的共同限制下，名單將無法湊足 ${size} 件`,
      en: `with this case on the list, the per-city and per-level quotas together would not allow a list of ${size}`,
    },
    short: { zh: '各項配額無法同時滿足', en: 'quotas could not all be met' },
  };
}

// ---------------------------------------------------------------------------------------------
// Feasibility

interface Counts {
  total: number;
  level: Record<Level, number>;
  city: Map<string, number>;
}

function emptyCounts(): Counts {
  return { total: 0, level: { county: 0, township: 0 }, city: new Map() };
}

function cloneCounts(counts: Counts): Counts {
  return { total: counts.total, level: { ...counts.level }, city: new Map(counts.city) };
}

function add(counts: Counts, candidate: RankedCase): void {
  counts.total += 1;
  counts.level[candidate.level] += 1;
  counts.city.set(candidate.cityCode, (counts.city.get(candidate.cityCode) ?? 0) + 1);
}

function limitsOf(quotas: Quotas): Limits {
  const perLevel = quotas.perLevel ?? {};
  return {
    total: Math.max(0, Math.floor(quotas.total)),
    maxPerCity: quotas.maxPerCity ?? Number.POSITIVE_INFINITY,
    min: { county: perLevel.county?.min ?? 0, township: perLevel.township?.min ?? 0 },
    max: { county: perLevel.county?.max ?? Number.POSITIVE_INFINITY, township: perLevel.township?.max ?? Number.POSITIVE_INFINITY },
  };
}

/** The longest list size ≤ total that some valid list reaches, or null when none does. */
function longestFeasible(order: readonly RankedCase[], limits: Limits): number | null {
  for (let size = Math.min(limits.total, order.length); size >= 0; size -= 1) {
    if (completable(emptyCounts(), order, limits, size)) return size;
  }
  return null;
}

/**
 * Whether `taken` (already within the caps) can be completed to exactly `size` cases from `rest`
 * under every quota: choose how many of each level to add, then check the transportation cut
 * conditions over cities (see module doc).
 */
function completable(taken: Counts, rest: readonly RankedCase[], limits: Limits, size: number): boolean {
  const need = size - taken.total;
  if (need < 0) return false;
  const placesLeft = (cityCode: string) => limits.maxPerCity - (taken.city.get(cityCode) ?? 0);
  for (const count of taken.city.values()) if (count > limits.maxPerCity) return false;
  const available = new Map<string, Record<Level, number>>();
  for (const candidate of rest) {
    const row = available.get(candidate.cityCode) ?? { county: 0, township: 0 };
    row[candidate.level] += 1;
    available.set(candidate.cityCode, row);
  }
  const bounds = LEVELS.map((level) => {
    const low = Math.max(0, limits.min[level] - taken.level[level]);
    const high = Math.min(limits.max[level] - taken.level[level], need);
    return { level, low, high };
  });
  if (bounds.some((bound) => bound.high < bound.low)) return false;
  const capacityOf = (levels: readonly Level[]) => {
    let capacity = 0;
    for (const [cityCode, row] of available) {
      const supply = levels.reduce((sum, level) => sum + row[level], 0);
      capacity += Math.max(0, Math.min(supply, placesLeft(cityCode)));
    }
    return capacity;
  };
  const subsets: Level[][] = [];
  for (let mask = 1; mask < 1 << LEVELS.length; mask += 1) subsets.push(LEVELS.filter((_, bit) => mask & (1 << bit)));
  const capacities = subsets.map(capacityOf);
  const wanted: number[] = new Array(LEVELS.length).fill(0);
  const tryLevel = (index: number, remaining: number): boolean => {
    if (index === LEVELS.length - 1) {
      const bound = bounds[index]!;
      if (remaining < bound.low || remaining > bound.high) return false;
      wanted[index] = remaining;
      return subsets.every((subset, at) => subset.reduce((sum, level) => sum + wanted[LEVELS.indexOf(level)]!, 0) <= capacities[at]!);
    }
    const bound = bounds[index]!;
    for (let count = bound.low; count <= Math.min(bound.high, remaining); count += 1) {
      wanted[index] = count;
      if (tryLevel(index + 1, remaining - count)) return true;
    }
    return false;
  };
  return tryLevel(0, need);
}

/** The most cases of one level a valid list could hold, ignoring the other level's minimum. */
function reachableOfLevel(order: readonly RankedCase[], limits: Limits, level: Level): number {
  const perCity = new Map<string, number>();
  for (const candidate of order) if (candidate.level === level) perCity.set(candidate.cityCode, (perCity.get(candidate.cityCode) ?? 0) + 1);
  let reachable = 0;
  for (const count of perCity.values()) reachable += Math.min(count, limits.maxPerCity);
  return Math.min(reachable, limits.max[level], limits.total);
}

function explainInfeasible(order: readonly RankedCase[], limits: Limits): Issue[] {
  const issues: Issue[] = [];
  for (const level of LEVELS) {
    const name = LEVEL_NAME[level];
    const min = limits.min[level];
    if (min === 0) continue;
    if (min > limits.max[level]) {
      issues.push(
        issue(
          'SHORTLIST_INFEASIBLE',
          `quotas.perLevel.${level}`,
          `${name.zh}最少 ${min} 件大於最多 ${limits.max[level]} 件`,
          `the ${name.en} minimum ${min} exceeds its maximum ${limits.max[level]}`,
        ),
      );
      continue;
    }
    const reachable = reachableOfLevel(order, limits, level);
    if (reachable < min) {
      issues.push(
        issue(
          'SHORTLIST_INFEASIBLE',
          `quotas.perLevel.${level}.min`,
          `${name.zh}案例至少須有 ${min} 件，但在每市及總額限制下最多只能選出 ${reachable} 件`,
          `at least ${min} ${name.en} cases are required, but the per-city and total quotas allow only ${reachable}`,
        ),
      );
    }
  }
  if (issues.length === 0) {
    const mins = LEVELS.filter((level) => limits.min[level] > 0);
    issues.push(
      issue(
        'SHORTLIST_INFEASIBLE',
        'quotas',
        `各層級最少件數（${mins.map((level) => `${LEVEL_NAME[level].zh} ${limits.min[level]} 件`).join('、')}）在總額 ${limits.total} 件及每市限制下無法同時滿足`,
        `the level minimums (${mins.map((level) => `${LEVEL_NAME[level].en} ${limits.min[level]}`).join(', ')}) cannot all be met within the total of ${limits.total} and the per-city maximum`,
      ),
    );
  }
  return issues;
}

function nameOf(candidate: RankedCase): string {
  return candidate.label ?? candidate.caseId;
}

function cityNameOf(candidate: RankedCase): string {
  return candidate.cityName ?? candidate.cityCode;
}
