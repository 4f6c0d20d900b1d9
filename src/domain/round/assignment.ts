/**
 * Assigning reviewers to cases: never from the case's city or county, never a declared conflict,
 * with the load spread as evenly as the conflicts allow, and the same answer for the same input.
 *
 * How: every case can be staffed independently (a reviewer has no capacity limit), so a case is
 * short exactly when fewer than `perCase` reviewers are free of conflict with it. Cases are taken
 * most-constrained first and given the least-loaded eligible reviewers, ties broken by a stable
 * hash of (case, reviewer) so the panel's first names are not always picked. The greedy result is
 * then improved by moving assignments along chains (A hands a case to B, B hands another to C …)
 * from a reviewer with at least two more cases than another, until no such chain exists. With no
 * chain left the sum of squared loads is minimal, which (for this transportation problem) also
 * makes the spread max−min as small as the conflicts permit; without binding conflicts it is ≤ 1.
 * Existing loads (`currentLoad`) count but are never moved.
 */
import type { Bilingual, Issue, Reviewer } from '../model';
import { sha256Hex } from './canonical-json';
import { issue } from './outcome';

export interface AssignableCase {
  caseId: string;
  unitCode: string;
  /** City registry code (GB/T 2260, e.g. 440100). */
  cityCode: string;
  /** County registry code; derived from a township unit code (`<county>-<name>`) or a county unit code when absent. */
  countyCode?: string;
}

export interface AssignmentInput {
  cases: readonly AssignableCase[];
  panel: readonly Reviewer[];
  perCase: number;
  /** Cases each reviewer already holds in this round (they count towards balance, never move). */
  currentLoad?: Readonly<Record<string, number>>;
  /** Pairs that must not be assigned (e.g. a reviewer who went missing on that case). */
  exclude?: readonly { caseId: string; reviewerId: string }[];
}

export interface Assignment {
  caseId: string;
  /** In panel order. */
  reviewerIds: string[];
}

export interface Shortage {
  caseId: string;
  /** Reviewers the case should have. */
  needed: number;
  /** Reviewers free of conflict with it (all of them were assigned). */
  available: number;
  reason: Bilingual;
}

export interface AssignmentResult {
  /** One per distinct case, in input order (a short case carries the reviewers it could get). */
  assignments: Assignment[];
  shortages: Shortage[];
  /** Input problems (duplicate ids, bad perCase): coded, bilingual. */
  issues: Issue[];
}

/** Why a reviewer may not review a case, or null when they may. */
export function conflictOf(reviewer: Reviewer, reviewCase: AssignableCase): Bilingual | null {
  const county = countyCodeOf(reviewCase);
  const places = [reviewCase.cityCode, county].filter((code): code is string => Boolean(code));
  const jurisdiction = reviewer.jurisdictions.find((code) => places.includes(code));
  if (jurisdiction) {
    return {
      zh: `評審 ${reviewer.name} 屬於申報單位所在地（${jurisdiction}）`,
      en: `reviewer ${reviewer.name} belongs to the applicant's jurisdiction (${jurisdiction})`,
    };
  }
  const declared = reviewer.declaredConflicts.find(
    (code) => code === reviewCase.caseId || code === reviewCase.unitCode || places.includes(code),
  );
  if (declared) {
    return {
      zh: `評審 ${reviewer.name} 已申報與 ${declared} 有利益衝突`,
      en: `reviewer ${reviewer.name} declared a conflict with ${declared}`,
    };
  }
  return null;
}

/** The county code of a case: given, or the part of a township unit code before `-`, or a 6-digit county unit code. */
export function countyCodeOf(reviewCase: AssignableCase): string | undefined {
  if (reviewCase.countyCode) return reviewCase.countyCode;
  const prefix = reviewCase.unitCode.split('-')[0] ?? '';
  return /^\d{6}$/.test(prefix) ? prefix : undefined;
}

/** Assigns `perCase` conflict-free reviewers to every case with balanced load (see module doc). */
export function assignReviewers(input: AssignmentInput): AssignmentResult {
  const issues: Issue[] = [];
  const perCase = Number.isInteger(input.perCase) && input.perCase > 0 ? input.perCase : 0;
  if (perCase === 0) {
    issues.push(
      issue(
        'ASSIGN_BAD_PER_CASE',
        'perCase',
        `每案評審人數必須是正整數（收到 ${input.perCase}）`,
        `reviewers per case must be a positive integer (got ${input.perCase})`,
      ),
    );
  }
  const panel = uniqueBy(
    input.panel,
    (reviewer) => reviewer.id,
    (id) =>
      issues.push(
        issue(
          'ASSIGN_DUPLICATE_REVIEWER',
          `panel.${id}`,
          `評審名單中 ${id} 出現多於一次，只計第一次`,
          `reviewer ${id} appears more than once in the panel; the first counts`,
        ),
      ),
  );
  const cases = uniqueBy(
    input.cases,
    (reviewCase) => reviewCase.caseId,
    (id) =>
      issues.push(
        issue(
          'ASSIGN_DUPLICATE_CASE',
          `cases.${id}`,
          `案件 ${id} 出現多於一次，只分配一次`,
          `case ${id} appears more than once; it is assigned once`,
        ),
      ),
  );
  const excluded = new Set((input.exclude ?? []).map((pair) => pairKey(pair.caseId, pair.reviewerId)));
  const panelIndex = new Map(panel.map((reviewer, index) => [reviewer.id, index]));

  const load = new Map(panel.map((reviewer) => [reviewer.id, Math.max(0, input.currentLoad?.[reviewer.id] ?? 0)]));
  const eligible = new Map<string, string[]>();
  for (const reviewCase of cases) {
    eligible.set(
      reviewCase.caseId,
      panel
        .filter((reviewer) => !excluded.has(pairKey(reviewCase.caseId, reviewer.id)) && conflictOf(reviewer, reviewCase) === null)
        .map((reviewer) => reviewer.id),
    );
  }

  // Most constrained first, then by hash: independent of the order cases arrive in.
  const order = [...cases].sort(
    (a, b) =>
      eligible.get(a.caseId)!.length - eligible.get(b.caseId)!.length ||
      compareTie(stableHash(a.caseId), stableHash(b.caseId), a.caseId, b.caseId),
  );
  const assigned = new Map<string, Set<string>>();
  for (const reviewCase of order) {
    const candidates = [...eligible.get(reviewCase.caseId)!].sort(
      (a, b) =>
        load.get(a)! - load.get(b)! ||
        compareTie(stableHash(pairKey(reviewCase.caseId, a)), stableHash(pairKey(reviewCase.caseId, b)), a, b),
    );
    const chosen = new Set(candidates.slice(0, perCase));
    for (const reviewerId of chosen) load.set(reviewerId, load.get(reviewerId)! + 1);
    assigned.set(reviewCase.caseId, chosen);
  }

  rebalance(
    order.map((reviewCase) => reviewCase.caseId),
    panel.map((reviewer) => reviewer.id),
    eligible,
    assigned,
    load,
  );

  const shortages: Shortage[] = [];
  const assignments: Assignment[] = cases.map((reviewCase) => {
    const reviewerIds = [...assigned.get(reviewCase.caseId)!].sort((a, b) => panelIndex.get(a)! - panelIndex.get(b)!);
    if (perCase > 0 && reviewerIds.length < perCase) {
      shortages.push({
        caseId: reviewCase.caseId,
        needed: perCase,
        available: reviewerIds.length,
        reason: {
          zh: `案件 ${reviewCase.caseId} 需要 ${perCase} 名評審，但評審名單中只有 ${reviewerIds.length} 名與其無利益衝突（不屬同一市、縣，也未申報衝突）`,
          en: `case ${reviewCase.caseId} needs ${perCase} reviewers but only ${reviewerIds.length} on the panel are free of conflict with it (not from its city or county, no declared conflict)`,
        },
      });
    }
    return { caseId: reviewCase.caseId, reviewerIds };
  });
  return { assignments, shortages, issues };
}

/**
 * Moves assignments along chains from a reviewer with load L to one with load ≤ L − 2 until none
 * is left. Each move lowers the sum of squared loads by at least 2, so it terminates.
 */
function rebalance(
  caseIds: readonly string[],
  reviewerIds: readonly string[],
  eligible: ReadonlyMap<string, readonly string[]>,
  assigned: Map<string, Set<string>>,
  load: Map<string, number>,
): void {
  for (;;) {
    const path = findImprovingChain(caseIds, reviewerIds, eligible, assigned, load);
    if (!path) return;
    for (const step of path) {
      const holders = assigned.get(step.caseId)!;
      holders.delete(step.from);
      holders.add(step.to);
    }
    const first = path[0]!;
    const last = path[path.length - 1]!;
    load.set(first.from, load.get(first.from)! - 1);
    load.set(last.to, load.get(last.to)! + 1);
  }
}

interface Move {
  caseId: string;
  from: string;
  to: string;
}

function findImprovingChain(
  caseIds: readonly string[],
  reviewerIds: readonly string[],
  eligible: ReadonlyMap<string, readonly string[]>,
  assigned: ReadonlyMap<string, Set<string>>,
  load: ReadonlyMap<string, number>,
): Move[] | null {
  // Edges: reviewer X can hand case c to Y when X holds c (a new assignment), Y is eligible and does not.
  const edges = new Map<string, Move[]>(reviewerIds.map((id) => [id, []]));
  for (const caseId of caseIds) {
    const holders = assigned.get(caseId)!;
    const free = eligible.get(caseId)!.filter((id) => !holders.has(id));
    for (const from of holders) for (const to of free) edges.get(from)!.push({ caseId, from, to });
  }
  const sources = [...reviewerIds].sort((a, b) => load.get(b)! - load.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
  for (const source of sources) {
    const sourceLoad = load.get(source)!;
    const cameBy = new Map<string, Move | null>([[source, null]]);
    const queue = [source];
    while (queue.length > 0) {
      const at = queue.shift()!;
      for (const move of edges.get(at)!) {
        if (cameBy.has(move.to)) continue;
        cameBy.set(move.to, move);
        if (load.get(move.to)! <= sourceLoad - 2) {
          const path: Move[] = [];
          for (let step: Move | null = move; step; step = cameBy.get(step.from) ?? null) path.unshift(step);
          return path;
        }
        queue.push(move.to);
      }
    }
  }
  return null;
}

export interface ReplacementInput {
  reviewCase: AssignableCase;
  panel: readonly Reviewer[];
  /** Reviewers currently on the case, including the missing one. */
  currentReviewerIds: readonly string[];
  missingReviewerId: string;
  currentLoad?: Readonly<Record<string, number>>;
  /** Pairs that must not be used, e.g. reviewers who were replaced on this case before. */
  exclude?: readonly { caseId: string; reviewerId: string }[];
}

export type ReplacementResult = { ok: true; reviewerId: string } | { ok: false; errors: Issue[] };

/**
 * Picks a reviewer to replace a missing one on a case: conflict-free, not already on the case,
 * not the missing reviewer, least loaded (ties by the same stable hash as assignment).
 */
export function replaceReviewer(input: ReplacementInput): ReplacementResult {
  const caseId = input.reviewCase.caseId;
  if (!input.currentReviewerIds.includes(input.missingReviewerId)) {
    return {
      ok: false,
      errors: [
        issue(
          'ASSIGN_NOT_ON_CASE',
          'missingReviewerId',
          `評審 ${input.missingReviewerId} 並未分配到案件 ${caseId}`,
          `reviewer ${input.missingReviewerId} is not assigned to case ${caseId}`,
        ),
      ],
    };
  }
  const excluded = new Set((input.exclude ?? []).map((pair) => pairKey(pair.caseId, pair.reviewerId)));
  const onCase = new Set(input.currentReviewerIds);
  const candidates = input.panel
    .filter(
      (reviewer) =>
        !onCase.has(reviewer.id) && !excluded.has(pairKey(caseId, reviewer.id)) && conflictOf(reviewer, input.reviewCase) === null,
    )
    .map((reviewer) => reviewer.id)
    .sort(
      (a, b) =>
        (input.currentLoad?.[a] ?? 0) - (input.currentLoad?.[b] ?? 0) ||
        compareTie(stableHash(pairKey(caseId, a)), stableHash(pairKey(caseId, b)), a, b),
    );
  const chosen = candidates[0];
  if (!chosen) {
    return {
      ok: false,
      errors: [
        issue(
          'ASSIGN_NO_REPLACEMENT',
          'panel',
          `評審名單中已沒有可替換 ${input.missingReviewerId} 審閱案件 ${caseId} 的評審（其餘評審已在此案、有利益衝突或已被排除），請先擴充評審名單`,
          `no reviewer on the panel can replace ${input.missingReviewerId} on case ${caseId} (the others are on the case, conflicted or excluded); add reviewers to the panel first`,
        ),
      ],
    };
  }
  return { ok: true, reviewerId: chosen };
}

function pairKey(caseId: string, reviewerId: string): string {
  return `${caseId}\u0000${reviewerId}`;
}

/** A number from a string that is stable across runs and machines. */
export function stableHash(text: string): number {
  return Number.parseInt(sha256Hex(text).slice(0, 12), 16);
}

function compareTie(hashA: number, hashB: number, a: string, b: string): number {
  return hashA - hashB || (a < b ? -1 : a > b ? 1 : 0);
}

function uniqueBy<T>(items: readonly T[], keyOf: (item: T) => string, onDuplicate: (key: string) => void): T[] {
  const seen = new Set<string>();
  const unique: T[] = [];
  for (const item of items) {
    const key = keyOf(item);
    if (seen.has(key)) {
      onDuplicate(key);
      continue;
    }
    seen.add(key);
    unique.push(item);
  }
  return unique;
}
