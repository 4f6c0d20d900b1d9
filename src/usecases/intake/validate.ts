/**
 * Validate step: the dossier domain's rules with the round's context (eligible levels, whether
 * the round still accepts uploads at the time this one arrived, the unit folder the applicant
 * uploaded into, and the stored dossiers of any round that share a similarity bucket with this
 * one, for the near-duplicate warning). Writes `reports/<submissionId>.json`, which holds the
 * canonical dossier when valid.
 */
import * as z from 'zod';
import type { CanonicalDossier, ParseResult } from '../../domain/dossier/schema';
import type { Issue } from '../../domain/model';
import { audit } from '../audit';
import type { WorkflowDeps } from '../deps';
import { WorkflowError } from '../errors';
import type { DossierRules } from './dossier-domain';
import { validateRules } from './validate-rules';
import { nearDuplicateCandidates } from './duplicates';
import { caseIdFor, parsedKeyOf, reportKeyOf } from './keys';

export const validateInputSchema = z.object({ roundId: z.string(), submissionId: z.string() });
export type ValidateInput = z.infer<typeof validateInputSchema>;

export interface ValidationReport {
  submissionId: string;
  roundId: string;
  valid: boolean;
  errors: Issue[];
  warnings: Issue[];
  dossier: CanonicalDossier | null;
  checkedAt: string;
}

export async function validateSubmission(
  deps: WorkflowDeps,
  event: ValidateInput,
  rules: Pick<DossierRules, 'validate'> = validateRules,
): Promise<{ valid: boolean; reportKey: string; errorCount: number }> {
  const { roundId, submissionId } = validateInputSchema.parse(event);
  const round = await deps.store.requireRound(roundId);
  const submission = await deps.store.getSubmission(roundId, submissionId);
  if (!submission) throw new WorkflowError('Casebook.SubmissionMissing', `submission ${submissionId} was not recorded`);
  const parsed = await deps.objects.getJson<ParseResult>(parsedKeyOf(submissionId));

  // The upload's own time decides, not the moment this step runs (a retried step may run late).
  const closed = round.status !== 'OPEN' || Date.parse(submission.createdAt) > Date.parse(round.charter.submissionDeadline);
  const draft = parsed.draft;
  const others = draft
    ? await nearDuplicateCandidates(
        deps.store,
        { title: draft.title?.trim() ?? '', practicesText: draft.practicesText?.trim() ?? '' },
        caseIdFor(roundId, submission.unitCode),
      )
    : [];
  const outcome = rules.validate(parsed, {
    round: { number: round.charter.number, eligibleLevels: [...round.charter.eligibleLevels], closed },
    expectedUnitCode: submission.unitCode,
    others,
  });
  const valid = outcome.valid && outcome.dossier !== null;
  const report: ValidationReport = {
    submissionId,
    roundId,
    valid,
    errors: outcome.errors,
    warnings: outcome.warnings,
    dossier: valid ? outcome.dossier : null,
    checkedAt: deps.clock.now().toISOString(),
  };
  const reportKey = reportKeyOf(submissionId);
  await deps.objects.putJson(reportKey, report);
  await deps.store.updateSubmissionStatus(roundId, submissionId, valid ? 'VALID' : 'INVALID', { errors: outcome.errors, warnings: outcome.warnings }, [
    'PARSED',
    'VALID',
    'INVALID',
  ]);
  await audit(deps, roundId, 'SUBMISSION_VALIDATED', `submission:${submissionId}`, { valid, errorCodes: outcome.errors.map((issue) => issue.code) });
  return { valid, reportKey, errorCount: outcome.errors.length };
}
