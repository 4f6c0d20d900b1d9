/**
 * The data a published site is rendered from, and how it is built from store records.
 *
 * A snapshot is plain data with a canonical JSON form, so its hash names exactly what a set of
 * rendered files was made from (the manifest carries it). Rendering reads nothing else.
 */
import { hash } from 'node:crypto';
import type { CaseRecord, Level, Round, Script } from '../model';

export type PublishedRoundStatus = 'NOTICE' | 'APPROVED';

export interface SiteCorrection {
  at: string;
  note: string;
}

export interface SiteCase {
  caseId: string;
  /** 1-based position in the announcement; kept when an earlier case is withdrawn. */
  order: number;
  title: string;
  unit: { name: string; city: string };
  /** The unit's level (search filter); absent in snapshots made before it was kept. */
  level?: Level;
  /** 主要做法 */
  practices: string;
  /** 主要成效 (may be empty) */
  outcomes: string;
  /** 入選理由 */
  reason: string;
  /**
   * The script of the applicant's own text (title, practices, outcomes) when it differs from the
   * round's: a dossier written in Simplified still reads in Traditional on the Traditional pages.
   */
  dossierScript?: Script;
  /** Office corrections after publication, oldest first. */
  corrections: SiteCorrection[];
  withdrawn: boolean;
  withdrawnAt?: string;
}

export interface SiteRound {
  roundId: string;
  number: number;
  year: number;
  theme: string;
  /** The script the round's data is written in; the mirror is converted from it. */
  script: Script;
  status: PublishedRoundStatus;
  /** Derived from the end and the charter's notice period. */
  noticeStartsAt?: string;
  noticeEndsAt?: string;
  approvedAt?: string;
  /** In announcement order, withdrawn cases included (flagged). */
  cases: SiteCase[];
}

export interface SiteSnapshot {
  rounds: SiteRound[];
}

/** A case record with the public content of its current version, as the store returns it. */
export interface PublicationCase {
  record: CaseRecord;
  practices: string;
  outcomes?: string;
  /** The script the applicant wrote the dossier in (its title, practices and outcomes). */
  script?: Script;
}

export interface PublicationRound {
  round: Round;
  cases: PublicationCase[];
}

const PUBLISHED_STATUSES: ReadonlySet<string> = new Set(['NOTICE', 'APPROVED']);

export function isPublishedStatus(status: string): status is PublishedRoundStatus {
  return PUBLISHED_STATUSES.has(status);
}

/** Rounds before the public notice are not on the site; their cases are not public yet. */
export function buildSnapshot(rounds: readonly PublicationRound[]): SiteSnapshot {
  const siteRounds: SiteRound[] = [];
  for (const { round, cases } of rounds) {
    if (!isPublishedStatus(round.status)) continue;
    const byId = new Map(cases.map((c) => [c.record.caseId, c]));
    const siteCases: SiteCase[] = [];
    for (const entry of announcementEntries(
      round,
      cases.map((c) => c.record),
    )) {
      const found = byId.get(entry.caseId);
      if (!found) continue;
      const { record } = found;
      const withdrawn = record.status === 'WITHDRAWN';
      siteCases.push({
        caseId: record.caseId,
        order: entry.order,
        title: record.title,
        unit: { name: record.unitName, city: record.city },
        ...(record.level ? { level: record.level } : {}),
        practices: found.practices,
        outcomes: found.outcomes ?? '',
        ...(found.script ? { dossierScript: found.script } : {}),
        reason: entry.reason ?? record.reason ?? '',
        corrections: (record.corrections ?? [])
          .map((c) => ({ at: c.at, note: c.note }))
          .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
        withdrawn,
        ...(withdrawn ? { withdrawnAt: record.updatedAt } : {}),
      });
    }
    siteRounds.push({
      roundId: round.roundId,
      number: round.charter.number,
      year: round.charter.year,
      theme: round.charter.theme,
      script: round.charter.script,
      status: round.status,
      ...(round.noticeEndsAt ? noticeWindow(round, round.noticeEndsAt) : {}),
      ...(round.approvedAt ? { approvedAt: round.approvedAt } : {}),
      cases: siteCases,
    });
  }
  siteRounds.sort((a, b) => (a.roundId < b.roundId ? -1 : a.roundId > b.roundId ? 1 : 0));
  return { rounds: siteRounds };
}

function noticeWindow(round: Round, noticeEndsAt: string): { noticeStartsAt?: string; noticeEndsAt: string } {
  const end = Date.parse(noticeEndsAt);
  const seconds = round.charter.noticePeriodSecondsOverride ?? Math.round(round.charter.noticePeriodDays * 86_400);
  if (Number.isNaN(end)) return { noticeEndsAt };
  return { noticeStartsAt: new Date(end - seconds * 1000).toISOString(), noticeEndsAt };
}

const LISTED_STATUSES: ReadonlySet<string> = new Set(['SELECTED', 'APPROVED', 'WITHDRAWN']);

/**
 * The cases of a round's announcement, in order. The leadership's approved list decides once it
 * is recorded; before that (during the notice) the shortlist's ranks restricted to the selected
 * cases do, and as a last resort the selected cases by id.
 */
export function announcementEntries(
  round: Round,
  records: readonly Pick<CaseRecord, 'caseId' | 'status'>[],
): { caseId: string; order: number; reason?: string }[] {
  if (round.approvedList && round.approvedList.length > 0) {
    return [...round.approvedList].sort((a, b) => a.order - b.order).map((e) => ({ caseId: e.caseId, order: e.order, reason: e.reason }));
  }
  const listed = new Set(records.filter((r) => LISTED_STATUSES.has(r.status)).map((r) => r.caseId));
  if (round.shortlist && round.shortlist.length > 0) {
    const ranked = [...round.shortlist].sort((a, b) => a.rank - b.rank).map((e) => e.caseId);
    const chosen = listed.size > 0 ? ranked.filter((id) => listed.has(id)) : ranked;
    return chosen.map((caseId, i) => ({ caseId, order: i + 1 }));
  }
  return [...listed].sort().map((caseId, i) => ({ caseId, order: i + 1 }));
}

/** JSON with object keys sorted, so equal data always serialises to equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256Hex(data: string | Uint8Array): string {
  // the one-shot form skips a Hash object per call: the manifest hashes thousands of files
  return hash('sha256', data, 'hex');
}

export function snapshotSha256(snapshot: SiteSnapshot): string {
  return sha256Hex(canonicalJson(snapshot));
}
