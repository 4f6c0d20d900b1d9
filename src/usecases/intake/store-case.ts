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
import { duplicateKeys } from '../../domain/similarity';
import { notFound } from '../../store/errors';
import { audit, auditWith, type AuditInTransactionStore, type AuditTrailStore } from '../audit';
import type { WorkflowDeps } from '../deps';
import { WorkflowError } from '../errors';
import { indexCaseVersion, type SignatureStore } from './duplicates';
import { caseIdFor, reportKeyOf, parsedKeyOf } from './keys';
import type { ValidationReport } from './validate';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type StoreCaseStore = StorePort<{
  rounds: 'requireRound';
  submissions: 'getSubmission' | 'getSubmissionInRound' | 'updateSubmissionStatus' | 'statusWrite';
  cases: 'addCaseVersion' | 'createCaseWrites' | 'getCase';
  tasks: 'cancelTask' | 'listTasksByRound';
}> &
  SignatureStore &
  AuditTrailStore &
  AuditInTransactionStore;

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
  const { round, submission, existing, report } = await readStep(deps, roundId, submissionId);
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

  // A retried step finds its own work done. The signature was written with the version; filing
  // it again is for a version stored before the signature log existed.
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
    // The case, its first version, the version's near-duplicate signature, the submission's
    // status and the audit entry: one transaction.
    const signature = await deps.store.cases.reserveSignature(indexEntry(1), duplicateKeys(text));
    try {
      await auditWith(
        deps,
        {
          roundId,
          action: 'CASE_STORED',
          subject: `case:${caseId}`,
          change: { submissionId, version: 1, unitCode: submission.unitCode, title: dossier.title },
        },
        [...deps.store.cases.createCaseWrites(record, versionOf(1)), signature.write, storedWrite(deps, roundId, submissionId, caseId)],
      );
    } catch (error) {
      await deps.store.cases.abandonSignature(signature.seq);
      if (!(error instanceof StoreError) || error.code !== 'ALREADY_EXISTS') throw error;
      // Two uploads of one unit raced; store this one as a version of the winner's case.
      return storeCase(deps, event);
    }
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
    await auditWith(
      deps,
      {
        roundId,
        action: 'CASE_VERSION_REFUSED',
        subject: `case:${caseId}`,
        change: { submissionId, code: problem.code, caseStatus: existing.status },
      },
      [deps.store.submissions.statusWrite(roundId, submissionId, 'VALID', { errors: [problem] }, ['VALID'])],
    );
    return { stored: false, caseId, roundId, reason: problem.code };
  }

  const version = existing.currentVersion + 1;
  // The version and its signature in one transaction; the signature replaces the replaced
  // version's for every near-duplicate lookup.
  const signature = await deps.store.cases.reserveSignature(indexEntry(version), duplicateKeys(text));
  try {
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
      [signature.write],
    );
  } catch (error) {
    await deps.store.cases.abandonSignature(signature.seq);
    throw error;
  }
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

function storedWrite(deps: WorkflowDeps<StoreCaseStore>, roundId: string, submissionId: string, caseId: string) {
  return deps.store.submissions.statusWrite(roundId, submissionId, 'STORED', { caseId }, ['VALID', 'STORED']);
}

/**
 * What the step reads before it acts: the validation report, then the round, the submission and
 * the unit's case in one BatchGetItem (the report names the unit, hence the case). A report
 * written before it named its unit costs the separate reads it always did.
 */
async function readStep(deps: WorkflowDeps<StoreCaseStore>, roundId: string, submissionId: string) {
  let report: ValidationReport;
  try {
    report = await deps.objects.getJson<ValidationReport>(reportKeyOf(submissionId));
  } catch (error) {
    // No report: the errors a missing round or submission raise come first, as they always did.
    await deps.store.rounds.requireRound(roundId);
    if (!(await deps.store.submissions.getSubmission(roundId, submissionId)))
      throw new WorkflowError('Casebook.SubmissionMissing', `submission ${submissionId} was not recorded`);
    throw error;
  }
  const read = await deps.store.submissions.getSubmissionInRound(
    roundId,
    submissionId,
    report.unitCode ? caseIdFor(roundId, report.unitCode) : undefined,
  );
  if (!read.round) throw notFound('round', roundId);
  if (!read.submission) throw new WorkflowError('Casebook.SubmissionMissing', `submission ${submissionId} was not recorded`);
  const existing =
    report.unitCode && report.unitCode === read.submission.unitCode
      ? read.caseRecord
      : await deps.store.cases.getCase(caseIdFor(roundId, read.submission.unitCode));
  return { round: read.round, submission: read.submission, existing, report };
}

/** Someone else moved the submission on (a person's doing); contention is transient and retried. */
function ignoreDecidedMeanwhile(error: unknown): void {
  if (error instanceof StoreError && error.code !== 'CONTENTION') return;
  throw error;
}
