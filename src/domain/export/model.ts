/**
 * What the office exports from an approved round: the announcement with its annex (the Word
 * document and the printable annex) and the meeting's score sheet (Excel). Plain data, built by
 * the export use case from the store, in the round's own script, with personal data removed from
 * every published text; withdrawn cases, objections and (in a blind round) reviewers' identities
 * never enter it.
 */
import type { Level, Script } from '../model';

export const ROUND_EXPORT_FORMAT = 'casebook-round-export/1';

export interface ExportCase {
  /** 項目N */
  order: number;
  caseId: string;
  title: string;
  unit: string;
  city: string;
  level?: Level;
  /** 主要做法 */
  practices: string;
  /** 主要成效 (may be empty) */
  outcomes: string;
  /** 入選理由 */
  reason: string;
}

/** One row of the score sheet: a reviewed case with its aggregate and place on the shortlist. */
export interface ScoreRow {
  caseId: string;
  /** Place in the announcement, for an approved case. */
  order?: number;
  title: string;
  unit: string;
  city: string;
  level: Level;
  status: string;
  rawMean: number;
  normalizedMean: number;
  spread: number;
  reviewerCount: number;
  /** Rank on the shortlist; absent for a case the shortlist passed over. */
  rank?: number;
  /** How the case sits under the quotas, or why the shortlist passed it over. */
  quotaNote?: string;
  /** Why the case departs from pure score order on the shortlist. */
  explanation?: string;
}

/** One reviewer's scores for one case; `reviewer` is a label (評審 1, 2, …) in a blind round. */
export interface ReviewerScore {
  caseId: string;
  unit: string;
  reviewer: string;
  total: number;
  /** criterion id → score */
  scores: Record<string, number>;
  scoredAt?: string;
}

export interface RoundExport {
  format: typeof ROUND_EXPORT_FORMAT;
  round: {
    roundId: string;
    number: number;
    year: number;
    theme: string;
    script: Script;
    approvedAt?: string;
    blindReview: boolean;
    /** 第五屆廣東省縣鄉人大工作創新案例評選結果揭曉 */
    title: string;
    /** The announcement's paragraph, as the round page prints it. */
    lead: string;
    /** 附件：第五屆廣東省縣鄉人大工作創新案例 */
    annexTitle: string;
  };
  /** The announced cases in order, withdrawn ones left out. */
  cases: ExportCase[];
  criteria: { id: string; name: string; weight: number }[];
  maxScore: number;
  scores: ScoreRow[];
  reviews: ReviewerScore[];
}
