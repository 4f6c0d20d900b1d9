/**
 * The round charter: the default rubric and charter, the charter's frozen hash, and amendments.
 *
 * What may change once a round is open (every change is an amendment with who, when and why):
 * - never after opening: `number` and `year` (they name the round);
 * - `eligibleLevels` may only be widened while the round is open (narrowing would turn away
 *   applicants who already submitted in good faith), and not at all after it closes;
 * - `submissionDeadline` may only be extended, and only before the round closes;
 * - `rubric`, `reviewersPerCase` and `blindReview` are frozen once the first score is recorded
 *   (scores under two rubrics, or some blind and some not, could not be compared);
 * - `quotas` are frozen once the shortlist exists (changing them would re-rank behind the
 *   leadership meeting's back);
 * - `noticePeriodDays`/`noticePeriodSecondsOverride` are frozen once the public notice starts;
 * - after APPROVED nothing changes.
 * Everything else (theme wording, review deadline, panel, quorum, timeouts, script) may be amended
 * with a reason. Cross-field rules hold for every charter, amended or not (see `charterIssues`).
 */
import type { Bilingual, Charter, Issue, Reviewer, RoundStatus, Rubric } from '../model';
import { charterSchema } from '../model';
import { canonicalJson, sha256Hex } from './canonical-json';
import { DomainInvariantError, type Outcome, failure, issue, success } from './outcome';

export { canonicalJson } from './canonical-json';

const band = (min: number, max: number, zh: string, en: string) => ({ min, max, text: { zh, en } as Bilingual });

/**
 * The default rubric for innovation cases of county and township people's congresses: five
 * criteria weighted to sum to 1, each scored 0–10 with four bands (0–3, 4–6, 7–8, 9–10; integer
 * bounds inclusive, a fractional score belongs to the band its integer part falls in).
 */
export const DEFAULT_RUBRIC: Rubric = {
  maxScore: 10,
  criteria: [
    {
      id: 'innovation',
      name: { zh: '創新性', en: 'Innovation' },
      weight: 0.3,
      descriptors: [
        band(0, 3, '沿用常規做法，未見新意', 'Routine practice with nothing new'),
        band(4, 6, '在既有做法上有局部改進', 'Local improvements to existing practice'),
        band(7, 8, '在機制或方法上有明顯創新，省內少見', 'A clear innovation in mechanism or method, rare in the province'),
        band(9, 10, '首創性做法，具有示範和引領意義', 'A pioneering practice that sets an example for others'),
      ],
    },
    {
      id: 'effectiveness',
      name: { zh: '實效性', en: 'Effectiveness' },
      weight: 0.25,
      descriptors: [
        band(0, 3, '成效不明或缺乏證據', 'Results unclear or unsupported by evidence'),
        band(4, 6, '有一定成效，但證據或數據有限', 'Some results, with limited evidence or data'),
        band(7, 8, '成效明顯，有數據和事例佐證', 'Clear results supported by data and examples'),
        band(9, 10, '成效顯著且持續，群眾和代表認可度高', 'Significant, lasting results, widely recognised by the public and deputies'),
      ],
    },
    {
      id: 'replicability',
      name: { zh: '可推廣性', en: 'Replicability' },
      weight: 0.2,
      descriptors: [
        band(0, 3, '依賴特殊條件，難以複製', 'Depends on special conditions; hard to repeat elsewhere'),
        band(4, 6, '在相近條件的地區可以借鑒', 'Could be adopted where conditions are similar'),
        band(7, 8, '做法清晰、成本可控，多數地區可以推廣', 'Clear, affordable practice that most places could adopt'),
        band(9, 10, '已形成制度化經驗，可在全省推廣', 'Institutionalised experience ready to roll out province-wide'),
      ],
    },
    {
      id: 'compliance',
      name: { zh: '規範性', en: 'Compliance with law and procedure' },
      weight: 0.15,
      descriptors: [
        band(0, 3, '法律依據或程序存在明顯問題', 'Clear problems with legal basis or procedure'),
        band(4, 6, '基本符合法律規定，程序有待完善', 'Broadly lawful; procedures need work'),
        band(7, 8, '依法依規，程序完備', 'Lawful, with complete procedures'),
        band(9, 10, '依法履職的典範，制度文件健全', 'A model of lawful practice with sound written rules'),
      ],
    },
    {
      id: 'participation',
      name: { zh: '民主參與', en: 'Public participation' },
      weight: 0.1,
      descriptors: [
        band(0, 3, '群眾和代表參與很少', 'Little involvement of the public or deputies'),
        band(4, 6, '有一定參與，但形式單一', 'Some involvement, in a single form'),
        band(7, 8, '代表和群眾廣泛參與，渠道多樣', 'Broad involvement of deputies and the public through varied channels'),
        band(
          9,
          10,
          '全過程人民民主的生動實踐，參與深入且有反饋',
          "A vivid practice of whole-process people's democracy, with deep participation and feedback",
        ),
      ],
    },
  ],
};

/**
 * An illustrative panel for demos and tests: provincial reviewers each tied to a city. The office
 * replaces it with the real panel when it opens a round.
 */
export const DEMO_PANEL: Reviewer[] = [
  { id: 'rev-gz', name: '評審（廣州）', jurisdictions: ['440100'], declaredConflicts: [] },
  { id: 'rev-sz', name: '評審（深圳）', jurisdictions: ['440300'], declaredConflicts: [] },
  { id: 'rev-zh', name: '評審（珠海）', jurisdictions: ['440400'], declaredConflicts: [] },
  { id: 'rev-st', name: '評審（汕頭）', jurisdictions: ['440500'], declaredConflicts: [] },
  { id: 'rev-fs', name: '評審（佛山）', jurisdictions: ['440600'], declaredConflicts: [] },
  { id: 'rev-mz', name: '評審（梅州）', jurisdictions: ['441400'], declaredConflicts: [] },
  { id: 'rev-prov', name: '評審（省直）', jurisdictions: [], declaredConflicts: [] },
];

const DAY = 86_400;

/** A charter input: any top-level field of a Charter may be given; the rest default. */
export type CharterOverrides = Partial<Charter>;

function defaultsFor(year: number): Charter {
  return {
    number: 6,
    year,
    theme: '發展和完善全過程人民民主的基層實踐',
    script: 'hant',
    eligibleLevels: ['county', 'township'],
    submissionDeadline: `${year}-09-30T23:59:59+08:00`,
    reviewDeadline: `${year}-11-15T23:59:59+08:00`,
    rubric: DEFAULT_RUBRIC,
    panel: DEMO_PANEL,
    reviewersPerCase: 3,
    quorum: 2,
    blindReview: false,
    quotas: { total: 12, maxPerCity: 2, perLevel: { township: { min: 3 } } },
    noticePeriodDays: 5,
    timeouts: {
      eligibilitySeconds: 7 * DAY,
      panelSeconds: 21 * DAY,
      leadershipSeconds: 14 * DAY,
      objectionRulingSeconds: 7 * DAY,
    },
  };
}

/**
 * Builds a charter from the defaults (6th round, the year given or the current one, both levels,
 * 3 reviewers per case, quorum 2, 12 places with at most 2 per city and at least 3 township
 * cases, 5-day notice, 7/21/14/7-day step timeouts) and validated overrides. Never throws: people's
 * input (e.g. the API's "open a round" body) comes back as coded issues.
 */
export function buildCharter(overrides: unknown = {}): Outcome<Charter> {
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    return failure([issue('CHARTER_NOT_AN_OBJECT', '', '輪次章程必須是一個物件', 'the round charter must be an object')]);
  }
  const given = overrides as Record<string, unknown>;
  const year = typeof given.year === 'number' && Number.isInteger(given.year) ? given.year : new Date().getUTCFullYear();
  return parseCharter({ ...defaultsFor(year), ...given });
}

/**
 * The same for code (seeds, demos, tests) with typed overrides: throws a coded
 * DomainInvariantError when the overrides make an invalid charter, since that is a bug.
 */
export function defaultCharter(overrides: CharterOverrides = {}): Charter {
  const built = buildCharter(overrides);
  if (!built.ok) throw new DomainInvariantError(built.errors);
  return built.value;
}

/** Validates any value as a charter: the zod schema, then the cross-field rules. */
export function parseCharter(input: unknown): Outcome<Charter> {
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const unknown = Object.keys(input).filter((key) => !(key in charterSchema.shape));
    if (unknown.length > 0) {
      return failure(
        unknown.map((key) =>
          issue('CHARTER_UNKNOWN_FIELD', key, `輪次章程沒有「${key}」這個欄位`, `the round charter has no field "${key}"`),
        ),
      );
    }
  }
  const parsed = charterSchema.safeParse(input);
  if (!parsed.success) {
    return failure(
      parsed.error.issues.map((problem) => {
        const field = problem.path.map(String).join('.');
        return issue(
          'CHARTER_INVALID_FIELD',
          field,
          `輪次章程欄位「${field || '（整體）'}」無效：${problem.message}`,
          `charter field "${field || '(root)'}" is invalid: ${problem.message}`,
        );
      }),
    );
  }
  const problems = charterIssues(parsed.data);
  return problems.length > 0 ? failure(problems) : success(parsed.data);
}

/** The rules the schema cannot express alone: deadlines in order, counts that fit, unique ids, consistent quotas. */
export function charterIssues(charter: Charter): Issue[] {
  const problems: Issue[] = [];
  if (Date.parse(charter.reviewDeadline) <= Date.parse(charter.submissionDeadline)) {
    problems.push(
      issue(
        'CHARTER_DEADLINES_ORDER',
        'reviewDeadline',
        '評審截止時間必須晚於申報截止時間',
        'the review deadline must be after the submission deadline',
      ),
    );
  }
  if (charter.quorum > charter.reviewersPerCase) {
    problems.push(
      issue(
        'CHARTER_QUORUM_TOO_HIGH',
        'quorum',
        `法定評審人數（${charter.quorum}）不能多於每案評審人數（${charter.reviewersPerCase}）`,
        `the quorum (${charter.quorum}) cannot exceed reviewers per case (${charter.reviewersPerCase})`,
      ),
    );
  }
  if (charter.reviewersPerCase > charter.panel.length) {
    problems.push(
      issue(
        'CHARTER_PANEL_TOO_SMALL',
        'panel',
        `每案需要 ${charter.reviewersPerCase} 名評審，但評審名單只有 ${charter.panel.length} 人`,
        `each case needs ${charter.reviewersPerCase} reviewers but the panel has ${charter.panel.length}`,
      ),
    );
  }
  const duplicateReviewers = duplicates(charter.panel.map((reviewer) => reviewer.id));
  if (duplicateReviewers.length > 0) {
    problems.push(
      issue(
        'CHARTER_DUPLICATE_REVIEWER',
        'panel',
        `評審編號重複：${duplicateReviewers.join('、')}`,
        `duplicate reviewer ids: ${duplicateReviewers.join(', ')}`,
      ),
    );
  }
  const duplicateCriteria = duplicates(charter.rubric.criteria.map((criterion) => criterion.id));
  if (duplicateCriteria.length > 0) {
    problems.push(
      issue(
        'CHARTER_DUPLICATE_CRITERION',
        'rubric.criteria',
        `評審標準編號重複：${duplicateCriteria.join('、')}`,
        `duplicate criterion ids: ${duplicateCriteria.join(', ')}`,
      ),
    );
  }
  charter.rubric.criteria.forEach((criterion, index) => {
    for (const descriptor of criterion.descriptors) {
      if (descriptor.min > descriptor.max || descriptor.min < 0 || descriptor.max > charter.rubric.maxScore) {
        problems.push(
          issue(
            'CHARTER_DESCRIPTOR_RANGE',
            `rubric.criteria.${index}.descriptors`,
            `「${criterion.name.zh}」的評分描述區間 ${descriptor.min}–${descriptor.max} 不在 0–${charter.rubric.maxScore} 之內或上下限顛倒`,
            `the descriptor band ${descriptor.min}–${descriptor.max} of "${criterion.name.en}" is outside 0–${charter.rubric.maxScore} or reversed`,
          ),
        );
      }
    }
  });
  const { quotas } = charter;
  let minimums = 0;
  for (const level of ['county', 'township'] as const) {
    const limits = quotas.perLevel[level];
    const name = level === 'county' ? { zh: '縣級', en: 'county-level' } : { zh: '鄉鎮級', en: 'township-level' };
    if (!limits) continue;
    if (limits.min !== undefined && limits.max !== undefined && limits.min > limits.max) {
      problems.push(
        issue(
          'CHARTER_QUOTA_LEVEL',
          `quotas.perLevel.${level}`,
          `${name.zh}最少件數大於最多件數`,
          `the ${name.en} minimum exceeds its maximum`,
        ),
      );
    }
    if ((limits.min ?? 0) > 0 && !charter.eligibleLevels.includes(level)) {
      problems.push(
        issue(
          'CHARTER_QUOTA_LEVEL_NOT_ELIGIBLE',
          `quotas.perLevel.${level}.min`,
          `${name.zh}不在可申報層級內，不能設最少件數`,
          `${name.en} units may not apply, so it cannot have a minimum`,
        ),
      );
    }
    minimums += limits.min ?? 0;
  }
  if (minimums > quotas.total) {
    problems.push(
      issue(
        'CHARTER_QUOTA_TOTAL',
        'quotas.total',
        `各層級最少件數合計 ${minimums} 件，超過總名額 ${quotas.total} 件`,
        `the level minimums add up to ${minimums}, more than the total of ${quotas.total}`,
      ),
    );
  }
  return problems;
}

/** SHA-256 (hex) of the charter's canonical JSON: the same for the same content in any key order. */
export function charterSha256(charter: Charter): string {
  return sha256Hex(canonicalJson(charter));
}

// ---------------------------------------------------------------------------------------------
// Amendments

/** What the round has reached, which decides what may still change (see module doc). */
export interface RoundProgress {
  status: RoundStatus;
  /** True once any reviewer's score is recorded. */
  scoresRecorded: boolean;
}

export interface AmendmentMeta {
  by: { id: string; name: string };
  at: string;
  reason: string;
}

/** The record of one amendment, stored beside the round (`AMEND#<at>#<id>`) and in the audit trail. */
export interface CharterAmendment {
  /** Deterministic: the same amendment of the same charter has the same id. */
  id: string;
  at: string;
  by: { id: string; name: string };
  reason: string;
  /** The JSON merge patch (RFC 7396) as given. */
  patch: Record<string, unknown>;
  /** Top-level fields whose value changed. */
  changed: string[];
  beforeSha256: string;
  afterSha256: string;
}

/**
 * Applies a JSON merge patch (RFC 7396: objects merge, arrays and scalars replace, null removes)
 * to the charter and validates the result, refusing fields frozen at the round's stage.
 * The default progress is a round that is OPEN with no scores yet.
 */
export function amendCharter(
  charter: Charter,
  patch: unknown,
  meta: AmendmentMeta,
  progress: RoundProgress = { status: 'OPEN', scoresRecorded: false },
): Outcome<{ charter: Charter; amendment: CharterAmendment }> {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return failure([issue('CHARTER_AMEND_NOT_AN_OBJECT', 'patch', '章程修訂必須是一個物件', 'a charter amendment must be an object')]);
  }
  if (typeof meta.reason !== 'string' || meta.reason.trim().length < 2) {
    return failure([
      issue('CHARTER_AMEND_REASON_REQUIRED', 'reason', '修訂章程必須說明理由', 'an amendment to the charter needs a reason'),
    ]);
  }
  if (Number.isNaN(Date.parse(meta.at))) {
    return failure([
      issue('CHARTER_AMEND_BAD_TIME', 'at', `修訂時間「${meta.at}」無效`, `the amendment time "${meta.at}" is not a valid time`),
    ]);
  }
  const parsed = parseCharter(mergePatch(charter, patch));
  if (!parsed.ok) return parsed;
  const next = parsed.value;
  const changed = (Object.keys({ ...charter, ...next }) as (keyof Charter)[])
    .filter((key) => canonicalJson(charter[key]) !== canonicalJson(next[key]))
    .sort();
  if (changed.length === 0) {
    return failure([issue('CHARTER_AMEND_NOOP', 'patch', '修訂沒有改變章程的任何內容', 'the amendment changes nothing in the charter')]);
  }
  const frozen = changed.flatMap((field) => frozenReason(field, charter, next, progress) ?? []);
  if (frozen.length > 0) return failure(frozen);
  const beforeSha256 = charterSha256(charter);
  const afterSha256 = charterSha256(next);
  const by = { id: meta.by.id, name: meta.by.name };
  const id = sha256Hex(canonicalJson({ at: meta.at, by, beforeSha256, afterSha256 })).slice(0, 16);
  return success({
    charter: next,
    amendment: {
      id,
      at: meta.at,
      by,
      reason: meta.reason.trim(),
      patch: patch as Record<string, unknown>,
      changed,
      beforeSha256,
      afterSha256,
    },
  });
}

const STAGE: Record<RoundStatus, number> = { DRAFT: 0, OPEN: 1, CLOSED: 2, SHORTLISTED: 3, NOTICE: 4, APPROVED: 5 };

function frozenReason(field: keyof Charter, before: Charter, after: Charter, progress: RoundProgress): Issue | null {
  const stage = STAGE[progress.status];
  const refuse = (zh: string, en: string) => issue('CHARTER_FIELD_FROZEN', field, zh, en);
  if (stage >= STAGE.APPROVED) return refuse('名單已批准，章程不能再修訂', 'the list is approved; the charter can no longer be amended');
  if (stage === STAGE.DRAFT) return null;
  switch (field) {
    case 'number':
    case 'year':
      return refuse('輪次開放後不能更改屆次或年份', 'the round number and year cannot change once the round is open');
    case 'eligibleLevels': {
      const narrowed = before.eligibleLevels.some((level) => !after.eligibleLevels.includes(level));
      if (stage >= STAGE.CLOSED) return refuse('申報結束後不能更改可申報層級', 'eligible levels cannot change after submissions close');
      return narrowed
        ? refuse(
            '輪次開放後只能增加可申報層級，不能刪減（已申報的單位不應被拒於門外）',
            'once open, eligible levels may only be widened: units that already applied must not be turned away',
          )
        : null;
    }
    case 'submissionDeadline':
      if (stage >= STAGE.CLOSED)
        return refuse('申報結束後不能更改申報截止時間', 'the submission deadline cannot change after submissions close');
      return Date.parse(after.submissionDeadline) < Date.parse(before.submissionDeadline)
        ? refuse(
            '輪次開放後申報截止時間只能延後，不能提前',
            'once open, the submission deadline may only be extended, never brought forward',
          )
        : null;
    case 'rubric':
    case 'reviewersPerCase':
    case 'blindReview':
      return progress.scoresRecorded || stage >= STAGE.SHORTLISTED
        ? refuse(
            '已有評審評分，評審標準、每案評審人數及匿名評審設定不能再更改',
            'scores have been recorded: the rubric, reviewers per case and blind review can no longer change',
          )
        : null;
    case 'quotas':
      return stage >= STAGE.SHORTLISTED
        ? refuse('入圍名單已產生，名額配置不能再更改', 'the shortlist exists: quotas can no longer change')
        : null;
    case 'noticePeriodDays':
    case 'noticePeriodSecondsOverride':
      return stage >= STAGE.NOTICE
        ? refuse('公示期已開始，公示天數不能再更改', 'the public notice has started: its length can no longer change')
        : null;
    default:
      return null;
  }
}

/** RFC 7396 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value);
  }
  return base;
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) (seen.has(value) ? repeated : seen).add(value);
  return [...repeated];
}
