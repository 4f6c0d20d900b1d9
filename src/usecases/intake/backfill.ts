/**
 * Backfill: a published result page of an earlier round becomes a past round in the table
 * (status APPROVED, its cases with their texts and near-duplicate index entries), so that this
 * year's dossiers are checked against earlier years' cases too.
 *
 * Idempotent: ids derive from the round number and the units, every write is conditional on the
 * item being absent, and the index entries are the same puts again; re-importing the same page
 * changes nothing. An office maintenance step, not part of any workflow.
 */
import { createHash } from 'node:crypto';
import type { AnnouncementImport } from '../../domain/announcement';
import type { CanonicalDossier } from '../../domain/dossier/schema';
import { extractMeasures } from '../../domain/dossier/extract';
import { charterSchema, type ApprovedEntry, type CaseRecord, type Charter, type Round } from '../../domain/model';
import { detectScript } from '../../domain/text/script';
import { loadTraditional } from '../../domain/text/traditional';
import { cityCodeOf, resolveUnit } from '../../domain/units';
import { StoreError } from '../../store/errors';
import type { Clock } from '../../ports/clock';
import { audit, type AuditTrailStore } from '../audit';
import { UseCaseError } from '../errors';
import { indexCaseVersion, type DuplicatesStore } from './duplicates';
import { caseIdFor } from './keys';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type BackfillStore = StorePort<{ rounds: 'createRound' | 'requireRound'; cases: 'createCase' }> & DuplicatesStore & AuditTrailStore;

export interface BackfillOptions {
  /** The year the round ran (result pages rarely say it in a parsable place). */
  year: number;
  /** Where the page came from, kept on each case version as its source. */
  sourceName: string;
  /** SHA-256 of the page as read. */
  sourceSha256: string;
}

export interface BackfillResult {
  roundId: string;
  roundCreated: boolean;
  cases: { number: number; caseId: string; unitCode: string; title: string; created: boolean }[];
  /** Cases that could not be stored (no unit the registry knows, or no text), with why. */
  skipped: { number: number; title: string; reason: string }[];
}

export const archivedRoundId = (number: number) => `archive-round-${number}`;

/**
 * The charter of an archived round records what the page says (number, year, theme, the number
 * selected); the panel and rubric were never published, so they say so instead of inventing one.
 */
function archivedCharter(page: AnnouncementImport, number: number, year: number, selected: number): Charter {
  const unpublished = { zh: '往屆評審資料未公布', en: 'not published for past rounds' };
  return charterSchema.parse({
    number,
    year,
    theme: page.round.theme ?? page.round.title ?? `第${number}屆`,
    script: 'hant',
    eligibleLevels: ['county', 'township'],
    submissionDeadline: `${year}-12-31T23:59:59+08:00`,
    reviewDeadline: `${year}-12-31T23:59:59+08:00`,
    rubric: {
      maxScore: 10,
      criteria: [{ id: 'archived', name: unpublished, weight: 1, descriptors: [{ min: 0, max: 10, text: unpublished }] }],
    },
    panel: [{ id: 'archive', name: unpublished.zh }],
    reviewersPerCase: 1,
    quorum: 1,
    quotas: { total: Math.max(1, selected) },
    noticePeriodDays: 0,
    timeouts: { eligibilitySeconds: 1, panelSeconds: 1, leadershipSeconds: 1, objectionRulingSeconds: 1 },
  });
}

export async function backfillRound(
  deps: { store: BackfillStore; clock: Clock },
  page: AnnouncementImport,
  options: BackfillOptions,
): Promise<BackfillResult> {
  await loadTraditional();
  const number = page.round.number;
  if (!number) {
    throw new UseCaseError('ROUND_NUMBER_MISSING', {
      zh: '頁面沒有寫明屆次（第N屆），無法作為往屆評選導入。',
      en: 'The page names no round number (第N屆); it cannot be filed as a past round.',
    });
  }
  const roundId = archivedRoundId(number);
  const now = deps.clock.now().toISOString();

  const skipped: BackfillResult['skipped'] = [];
  const stored: { entry: ApprovedEntry; record: CaseRecord; dossier: CanonicalDossier }[] = [];
  for (const c of page.cases) {
    const resolved = resolveUnit(c.unit);
    if (!resolved.ok) {
      skipped.push({ number: c.number, title: c.title, reason: `${resolved.reason}: ${c.unit || '(no unit)'}` });
      continue;
    }
    if (!c.practices.trim()) {
      skipped.push({ number: c.number, title: c.title, reason: 'PRACTICES_REQUIRED' });
      continue;
    }
    const unit = resolved.unit;
    const caseId = caseIdFor(roundId, unit.code);
    const dossier: CanonicalDossier = {
      title: c.title,
      unit,
      round: number,
      practices: { text: c.practices, measures: extractMeasures(c.practices) },
      attachments: [],
      script: detectScript(`${c.title}${c.practices}`),
      source: { key: `${options.sourceName}#${c.number}`, sha256: options.sourceSha256, format: 'markdown', charset: 'utf-8' },
    };
    const record: CaseRecord = {
      caseId,
      roundId,
      unitCode: unit.code,
      unitName: unit.canonicalName,
      city: cityCodeOf(unit.code) ?? unit.city,
      level: unit.level,
      title: c.title,
      currentVersion: 1,
      currentSubmissionId: `archive-${number}-${c.number}`,
      status: 'APPROVED',
      reason: c.reason,
      createdAt: now,
      updatedAt: now,
    };
    stored.push({ entry: { caseId, order: stored.length + 1, reason: c.reason }, record, dossier });
  }

  const round: Round = {
    roundId,
    charter: archivedCharter(page, number, options.year, stored.length),
    status: 'APPROVED',
    createdAt: now,
    approvedAt: now,
    approvedList: stored.map((s) => s.entry),
    publicationRevision: 1,
  };
  let roundCreated = true;
  try {
    await deps.store.rounds.createRound(round);
  } catch (error) {
    if (!(error instanceof StoreError) || error.code !== 'ALREADY_EXISTS') throw error;
    roundCreated = false;
  }
  const roundNumber = (await deps.store.rounds.requireRound(roundId)).charter.number;

  // Every case is visited even when the round existed: a run cut short the first time completes.
  const cases: BackfillResult['cases'] = [];
  for (const { record, dossier } of stored) {
    let created = true;
    try {
      await deps.store.cases.createCase(record, {
        caseId: record.caseId,
        roundId,
        version: 1,
        submissionId: record.currentSubmissionId,
        dossier,
        createdAt: now,
      });
    } catch (error) {
      if (!(error instanceof StoreError) || error.code !== 'ALREADY_EXISTS') throw error;
      created = false;
    }
    await indexCaseVersion(
      deps.store,
      { caseId: record.caseId, roundId, roundNumber, unitCode: record.unitCode, title: record.title, version: 1 },
      { title: dossier.title, practicesText: dossier.practices.text },
    );
    cases.push({
      number: Number(record.currentSubmissionId.split('-').at(-1)),
      caseId: record.caseId,
      unitCode: record.unitCode,
      title: record.title,
      created,
    });
  }
  if (roundCreated) {
    await audit(deps, roundId, 'ROUND_BACKFILLED', `round:${roundId}`, {
      source: options.sourceName,
      sha256: options.sourceSha256,
      cases: cases.map((c) => c.caseId),
      skipped,
    });
  }
  return { roundId, roundCreated, cases, skipped };
}

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
