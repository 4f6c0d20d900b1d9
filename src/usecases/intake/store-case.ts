/**
 * Store step: a valid dossier becomes the unit's case in the round, or a new version of it.
 *
 * One case per unit per round (its id derives from both), every upload a version, all versions
 * kept. A new version replaces the current one only while the case waits for the eligibility
 * check or for the revision the secretariat asked for, and only before the submission deadline.
 * Once the secretariat has ruled (IN_REVIEW and later, or INELIGIBLE) the case is locked: the
 * upload is rejected with CASE_LOCKED rather than silently restarting reviews that are under way;
 * the office can still ask for a revision. When a new version supersedes one that is still
 * waiting for its eligibility check, that open step is cancelled (a decision on it answers 410)
 * and the older execution ends when its timeout fires.
 */
import * as z from 'zod';
import { cityCodeOf } from '../../domain/units';
import type { CaseRecord, CaseStatus, Issue } from '../../domain/model';
import { StoreError } from '../../store/errors';
import { audit, type AuditTrailStore } from '../audit';
import type { WorkflowDeps } from '../deps';
import { WorkflowError } from '../errors';
import { indexCaseVersion, indexedTextOf, type DuplicatesStore } from './duplicates';
import { caseIdFor, reportKeyOf, parsedKeyOf } from './keys';
import type { ValidationReport } from './validate';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type StoreCaseStore = StorePort<{
  rounds: 'requireRound';
  submissions: 'getSubmission' | 'updateSubmissionStatus';
  cases: 'addCaseVersion' | 'createCase' | 'getCase' | 'getCaseVersion';
  tasks: 'cancelTask' | 'listTasksByRound';
}> &
  DuplicatesStore &
  AuditTrailStore;

export const storeCaseInputSchema = z.object({ roundId: z.string(), submissionId: z.string() });
export type StoreCaseInput = z.infer<typeof storeCaseInputSchema>;

export type StoreCaseOutput =
  | {
      stored: true;
      caseId: string;
      roundId: string;
      version: number;
      /** Counters that make each opening of an approval step a distinct, deterministic task. */
      attempts: { eligibility: number; panel: number };
      /** Callback timeouts from the round's charter (read by TimeoutSecondsPath). */
      timeouts: { eligibilitySeconds: number; panelSeconds: number };
    }
  | { stored: false; caseId: string; roundId: string; reason: string };

const REPLACEABLE: readonly CaseStatus[] = ['ELIGIBILITY_PENDING', 'REVISION_REQUESTED'];

export { caseIdFor };

export async function storeCase(deps: WorkflowDeps<StoreCaseStore>, event: StoreCaseInput): Promise<StoreCaseOutput> {
  const { roundId, submissionId } = storeCaseInputSchema.parse(event);
  const round = await deps.store.rounds.requireRound(roundId);
  const submission = await deps.store.submissions.getSubmission(roundId, submissionId);
  if (!submission) throw new WorkflowError('Casebook.SubmissionMissing', `submission ${submissionId} was not recorded`);
  const report = await deps.objects.getJson<ValidationReport>(reportKeyOf(submissionId));
  if (!report.valid || !report.dossier) throw new WorkflowError('Casebook.NotValid', `submission ${submissionId} has no valid report`);
  const dossier = report.dossier;
  const caseId = caseIdFor(roundId, submission.unitCode);
  const now = deps.clock.now().toISOString();
  const stored = (version: number): StoreCaseOutput => ({
    stored: true,
    caseId,
    roundId,
    version,
    attempts: { eligibility: 1, panel: 1 },
    timeouts: { eligibilitySeconds: round.charter.timeouts.eligibilitySeconds, panelSeconds: round.charter.timeouts.panelSeconds },
  });
  const versionOf = (version: number) => ({
    caseId,
    roundId,
    version,
    submissionId,
    dossier,
    parsedKey: parsedKeyOf(submissionId),
    reportKey: reportKeyOf(submissionId),
    createdAt: now,
  });

  const text = { title: dossier.title, practicesText: dossier.practices.text };
  const indexEntry = (version: number) => ({
    caseId,
    roundId,
    roundNumber: round.charter.number,
    unitCode: submission.unitCode,
    title: dossier.title,
    version,
  });

  const existing = await deps.store.cases.getCase(caseId);
  // A retried step finds its own work done, except perhaps the index entries (a crash between
  // the case write and the index writes): filing them again changes nothing if they are there.
  if (existing?.currentSubmissionId === submissionId) {
    await indexCaseVersion(deps.store, indexEntry(existing.currentVersion), text);
    return stored(existing.currentVersion);
  }

  if (!existing) {
    const record: CaseRecord = {
      caseId,
      roundId,
      unitCode: submission.unitCode,
      unitName: dossier.unit.canonicalName,
      city: cityCodeOf(submission.unitCode) ?? dossier.unit.city,
      level: dossier.unit.level,
      title: dossier.title,
      currentVersion: 1,
      currentSubmissionId: submissionId,
      status: 'ELIGIBILITY_PENDING',
      createdAt: now,
      updatedAt: now,
    };
    try {
      await deps.store.cases.createCase(record, versionOf(1));
    } catch (error) {
      if (!(error instanceof StoreError) || error.code !== 'ALREADY_EXISTS') throw error;
      // Two uploads of one unit raced; store this one as a version of the winner's case.
      return storeCase(deps, event);
    }
    await indexCaseVersion(deps.store, indexEntry(1), text);
    await afterStored(deps, roundId, submissionId, caseId);
    await audit(deps, roundId, 'CASE_STORED', `case:${caseId}`, {
      submissionId,
      version: 1,
      unitCode: submission.unitCode,
      title: dossier.title,
    });
    return stored(1);
  }

  const late = Date.parse(submission.createdAt) > Date.parse(round.charter.submissionDeadline);
  if (late || !REPLACEABLE.includes(existing.status)) {
    const problem: Issue = late
      ? {
          code: 'SUBMISSION_AFTER_DEADLINE',
          field: 'submission',
          message: {
            zh: '申報截止時間已過，新版本不能取代原有案例。',
            en: 'The deadline has passed; a new version can no longer replace the case.',
          },
        }
      : {
          code: 'CASE_LOCKED',
          field: 'case',
          message: {
            zh: `案例已進入下一階段（${existing.status}），不能再以新版本取代；如需修改，請聯絡辦公室。`,
            en: `The case has moved on (${existing.status}) and can no longer be replaced by a new version; contact the secretariat to change it.`,
          },
        };
    await deps.store.submissions.updateSubmissionStatus(roundId, submissionId, 'VALID', { errors: [problem] }, ['VALID']);
    await audit(deps, roundId, 'CASE_VERSION_REFUSED', `case:${caseId}`, { submissionId, code: problem.code, caseStatus: existing.status });
    return { stored: false, caseId, roundId, reason: problem.code };
  }

  const version = existing.currentVersion + 1;
  const replaced = await deps.store.cases.getCaseVersion(caseId, existing.currentVersion);
  await deps.store.cases.addCaseVersion(
    versionOf(version),
    {
      status: 'ELIGIBILITY_PENDING',
      title: dossier.title,
      unitName: dossier.unit.canonicalName,
      level: dossier.unit.level,
      updatedAt: now,
    },
    REPLACEABLE,
  );
  const replacedText = indexedTextOf(replaced?.dossier);
  await indexCaseVersion(
    deps.store,
    indexEntry(version),
    text,
    replacedText ? { version: existing.currentVersion, text: replacedText } : undefined,
  );
  for (const task of await deps.store.tasks.listTasksByRound(roundId, 'ELIGIBILITY', 'OPEN')) {
    if (task.caseId === caseId) await deps.store.tasks.cancelTask(task.taskId, now).catch(ignoreDecidedMeanwhile);
  }
  await deps.store.submissions
    .updateSubmissionStatus(roundId, existing.currentSubmissionId, 'SUPERSEDED', {}, ['STORED', 'VALID'])
    .catch(ignoreDecidedMeanwhile);
  await afterStored(deps, roundId, submissionId, caseId);
  await audit(deps, roundId, 'CASE_VERSION_ADDED', `case:${caseId}`, {
    submissionId,
    version,
    supersedes: existing.currentSubmissionId,
    previousStatus: existing.status,
  });
  return stored(version);
}

async function afterStored(deps: WorkflowDeps<StoreCaseStore>, roundId: string, submissionId: string, caseId: string) {
  await deps.store.submissions.updateSubmissionStatus(roundId, submissionId, 'STORED', { caseId }, ['VALID', 'STORED']);
}

/** Someone else moved the submission on (a person's doing); contention is transient and retried. */
function ignoreDecidedMeanwhile(error: unknown): void {
  if (error instanceof StoreError && error.code !== 'CONTENTION') return;
  throw error;
}
