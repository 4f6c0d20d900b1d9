/**
 * The office's exports of an approved round (GET /rounds/{id}/export): the announcement with its
 * annex, exactly as the published pages word it, and the leadership meeting's score sheet.
 *
 * Only an approved round exports: before the leadership meeting and the public notice the list is
 * not final. Withdrawn cases are left out everywhere, objections (and their contacts) are never
 * read, and in a blind round reviewers appear as 評審 1, 2, … in an order that does not follow
 * their ids (so the numbers say nothing about who they are).
 */
import { publicContent } from '../../domain/site/public-content';
import { quotaNotes } from '../../domain/round/quota-notes';
import { listCities } from '../../domain/units';
import { ROUND_EXPORT_FORMAT, type ExportCase, type ReviewerScore, type RoundExport, type ScoreRow } from '../../domain/export/model';
import type { Actor, CaseRecord, Round, Script } from '../../domain/model';
import { labelsFor, roundName, roundTitle } from '../../domain/site/labels';
import { announcementLead } from '../../domain/site/pages';
import { publicRound } from '../../domain/site/render';
import { convertTo } from '../../domain/site/script';
import { loadTraditional } from '../../domain/text/traditional';
import { announcementEntries, buildSnapshot, sha256Hex, type PublicationCase } from '../../domain/site/snapshot';
import { wrongState } from '../errors';
import { requireRole } from './access';
import type { StorePort } from '../../store/store';
import type { ApiDeps } from './ports';
import { loadRound, type LoadRoundStore } from './rounds';

/** What the round export reads of the case table. */
export type ExportsApiStore = StorePort<{
  cases: 'listCasesByRound' | 'getCaseVersion';
  reviews: 'listReviewsByCase';
  audit: 'listAudit';
}> &
  LoadRoundStore;

/** City code → the city's name in Traditional script (the rows convert it to the round's script). */
const CITY_NAMES: ReadonlyMap<string, string> = new Map(listCities().map((c) => [c.code, c.hant]));

/** Statuses of a case that was scored and ranked (a withdrawn case is never exported). */
const SCORED_STATUSES: ReadonlySet<string> = new Set(['REVIEWED', 'SHORTLISTED', 'NOT_SELECTED', 'SELECTED', 'APPROVED']);

export async function roundExport(deps: ApiDeps<ExportsApiStore>, actor: Actor, roundId: string): Promise<RoundExport> {
  requireRole(actor, 'secretariat', 'approver');
  // the export's texts, and the Word and Excel files made from them, are converted to the round's script
  const traditional = loadTraditional();
  traditional.catch(() => undefined);
  const round = await loadRound(deps, roundId);
  if (round.status !== 'APPROVED') {
    throw wrongState('ROUND_NOT_APPROVED', {
      zh: `第${round.charter.number}屆評選（${roundId}）尚未審定公布（目前狀態：${round.status}），審定後才能匯出公告、評分表和附件。`,
      en: `Round ${roundId} is not approved yet (status ${round.status}); the announcement, score sheet and annex export once it is.`,
    });
  }
  const script = round.charter.script;
  const records = await deps.store.cases.listCasesByRound(roundId);
  const byId = new Map(records.map((r) => [r.caseId, r]));
  await traditional;

  // The announcement through the site's own snapshot and script rules, so every text is the page's.
  const listed = announcementEntries(round, records)
    .map((e) => byId.get(e.caseId))
    .filter((r): r is CaseRecord => r !== undefined);
  const publication: PublicationCase[] = await Promise.all(
    listed.map(async (record) => ({
      record,
      ...publicContent((await deps.store.cases.getCaseVersion(record.caseId, record.currentVersion))?.dossier),
    })),
  );
  const siteRound = publicRound(buildSnapshot([{ round, cases: publication }]).rounds[0]!, script);
  const labels = labelsFor(script);
  const cases: ExportCase[] = siteRound.cases
    .filter((c) => !c.withdrawn)
    .map((c) => ({
      order: c.order,
      caseId: c.caseId,
      title: c.title,
      unit: c.unit.name,
      city: c.unit.city,
      ...(c.level ? { level: c.level } : {}),
      practices: c.practices,
      outcomes: c.outcomes,
      reason: c.reason,
    }));

  const { scores, reviews } = await scoreSheet(deps, round, records, cases, script);
  return {
    format: ROUND_EXPORT_FORMAT,
    round: {
      roundId,
      number: round.charter.number,
      year: round.charter.year,
      theme: siteRound.theme,
      script,
      ...(round.approvedAt ? { approvedAt: round.approvedAt } : {}),
      blindReview: round.charter.blindReview,
      title: roundTitle(labels, round.charter.number, 'APPROVED'),
      lead: announcementLead({ round: siteRound, labels, script }),
      annexTitle: `${labels.annexPrefix}${roundName(labels, round.charter.number)}`,
    },
    cases,
    criteria: round.charter.rubric.criteria.map((c) => ({ id: c.id, name: inScript(script, c.name.zh), weight: c.weight })),
    maxScore: round.charter.rubric.maxScore,
    scores,
    reviews,
  };
}

function inScript(script: Script, text: string): string {
  return text ? convertTo(script, text) : text;
}

interface PassedOver {
  caseId: string;
  reason?: { zh?: string };
}

async function scoreSheet(
  deps: ApiDeps<ExportsApiStore>,
  round: Round,
  records: readonly CaseRecord[],
  announced: readonly ExportCase[],
  script: Script,
): Promise<{ scores: ScoreRow[]; reviews: ReviewerScore[] }> {
  const orderOf = new Map(announced.map((c) => [c.caseId, c.order]));
  const shortlist = new Map((round.shortlist ?? []).map((e) => [e.caseId, e]));
  const passedOver = await passedOverReasons(deps, round.roundId);
  const scored = records.filter((r) => SCORED_STATUSES.has(r.status) && r.score);
  // Cases carry their city's code; the sheet names the city as people write it. The quota notes
  // are the staff view's (GET /rounds/{id}/staff-view): counted over the whole shortlist, a case
  // withdrawn after ranking included, since it held its place when the list was approved.
  const cityOf = (code: string) => CITY_NAMES.get(code) ?? code;
  const placed = quotaNotes(
    round.shortlist ?? [],
    records.map((r) => ({ caseId: r.caseId, level: r.level, city: cityOf(r.city) })),
    round.charter.quotas,
  );

  const rows: ScoreRow[] = scored.map((r) => {
    const entry = shortlist.get(r.caseId);
    const note = entry ? placed.get(r.caseId)?.zh : passedOver.get(r.caseId);
    const order = orderOf.get(r.caseId);
    return {
      caseId: r.caseId,
      ...(order !== undefined ? { order } : {}),
      title: inScript(script, r.title),
      unit: inScript(script, r.unitName),
      city: inScript(script, cityOf(r.city)),
      level: r.level,
      status: r.status,
      rawMean: r.score!.rawMean,
      normalizedMean: r.score!.normalizedMean,
      spread: r.score!.spread,
      reviewerCount: r.score!.count,
      ...(entry ? { rank: entry.rank } : {}),
      ...(note ? { quotaNote: inScript(script, note) } : {}),
      ...(entry?.explanation?.zh ? { explanation: inScript(script, entry.explanation.zh) } : {}),
    };
  });
  // the shortlist in rank order, then the passed-over cases by score
  rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || b.normalizedMean - a.normalizedMean || (a.caseId < b.caseId ? -1 : 1));

  const names = new Map(round.charter.panel.map((p) => [p.id, p.name]));
  const scoredReviews = (
    await Promise.all(
      rows.map(async (row) =>
        (await deps.store.reviews.listReviewsByCase(row.caseId))
          .filter((review) => review.status === 'SCORED' && typeof review.total === 'number')
          .map((review) => ({ row, review })),
      ),
    )
  ).flat();
  const label = reviewerLabels(
    round,
    scoredReviews.map((x) => x.review.reviewerId),
    names,
    script,
  );
  const reviews: ReviewerScore[] = scoredReviews.map(({ row, review }) => ({
    caseId: row.caseId,
    unit: row.unit,
    reviewer: label.get(review.reviewerId)!,
    total: review.total!,
    scores: { ...(review.sheet?.scores ?? {}) },
    ...(review.scoredAt ? { scoredAt: review.scoredAt } : {}),
  }));
  return { scores: rows, reviews };
}

/**
 * How reviewers are named in the sheet: by name (and id) in an open round; in a blind round by a
 * number given in the order of a keyed hash of their ids, so the numbering is stable for the round
 * but tells nothing about who is who.
 */
function reviewerLabels(round: Round, ids: readonly string[], names: ReadonlyMap<string, string>, script: Script): Map<string, string> {
  const distinct = [...new Set(ids)];
  const labels = new Map<string, string>();
  if (round.charter.blindReview) {
    const key = (id: string) => sha256Hex(`${round.roundId}\u0000${round.charterSha256 ?? ''}\u0000${id}`);
    distinct
      .map((id) => ({ id, k: key(id) }))
      .sort((a, b) => (a.k < b.k ? -1 : 1))
      .forEach(({ id }, i) => labels.set(id, `${script === 'hans' ? '评审' : '評審'} ${i + 1}`));
  } else {
    for (const id of distinct) labels.set(id, names.has(id) ? `${inScript(script, names.get(id)!)}（${id}）` : id);
  }
  return labels;
}

/** The passed-over cases and why, from the last ranking in the round's audit trail. */
async function passedOverReasons(deps: ApiDeps<ExportsApiStore>, roundId: string): Promise<Map<string, string>> {
  const entries = await deps.store.audit.listAudit(roundId);
  const ranking = [...entries].reverse().find((e) => e.action === 'ROUND_SHORTLISTED');
  const change = (ranking?.change ?? {}) as { passedOver?: unknown };
  const out = new Map<string, string>();
  if (Array.isArray(change.passedOver)) {
    for (const item of change.passedOver as PassedOver[]) {
      if (item && typeof item.caseId === 'string' && typeof item.reason?.zh === 'string') out.set(item.caseId, item.reason.zh);
    }
  }
  return out;
}
