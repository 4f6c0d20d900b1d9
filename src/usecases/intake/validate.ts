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
import { auditWith, type AuditInTransactionStore } from '../audit';
import type { WorkflowDeps } from '../deps';
import { WorkflowError } from '../errors';
import type { DossierRules } from './dossier-domain';
import { validateRules } from '../../bundle-seams/validate-rules';
import { nearDuplicateCandidates, type NearDuplicateLookup, type DuplicatesStore } from './duplicates';
import { issue } from '../../domain/dossier/codes';
import { loadLegacyEncodings } from '../../domain/text/defects';
import { loadTraditional } from '../../domain/text/traditional';
import { caseIdFor, parsedKeyOf, reportKeyOf } from './keys';
import { notFound } from '../../store/errors';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type ValidateStore = StorePort<{ submissions: 'getSubmissionInRound' | 'statusWrite' }> & DuplicatesStore & AuditInTransactionStore;

export const validateInputSchema = z.object({ roundId: z.string(), submissionId: z.string() });
export type ValidateInput = z.infer<typeof validateInputSchema>;

export interface ValidationReport {
  submissionId: string;
  roundId: string;
  /** The unit folder of the upload (lets store-case read the unit's case with the submission). */
  unitCode?: string;
  valid: boolean;
  errors: Issue[];
  warnings: Issue[];
  dossier: CanonicalDossier | null;
  checkedAt: string;
}

export async function validateSubmission(
  deps: WorkflowDeps<ValidateStore>,
  event: ValidateInput,
  rules: Pick<DossierRules, 'validate'> = validateRules,
): Promise<{ valid: boolean; reportKey: string; errorCount: number }> {
  const { roundId, submissionId } = validateInputSchema.parse(event);
  // Script detection and the unit registry convert to Traditional, the mojibake check re-encodes
  // with iconv-lite: load both (chunks of their own, not the function's init) while the reads
  // below wait on the network.
  const traditional = Promise.all([loadTraditional(), loadLegacyEncodings()]);
  traditional.catch(() => undefined);
  // The round and the submission in one read.
  const { round, submission } = await deps.store.submissions.getSubmissionInRound(roundId, submissionId);
  if (!round) throw notFound('round', roundId);
  if (!submission) throw new WorkflowError('Casebook.SubmissionMissing', `submission ${submissionId} was not recorded`);
  const parsed = await deps.objects.getJson<ParseResult>(parsedKeyOf(submissionId));

  // The upload's own time decides, not the moment this step runs (a retried step may run late).
  const closed = round.status !== 'OPEN' || Date.parse(submission.createdAt) > Date.parse(round.charter.submissionDeadline);
  const draft = parsed.draft;
  const lookup = draft
    ? await nearDuplicateCandidates(
        deps.store,
        { title: draft.title?.trim() ?? '', practicesText: draft.practicesText?.trim() ?? '' },
        caseIdFor(roundId, submission.unitCode),
      )
    : { others: [], uncompared: 0, atLeast: false };
  await traditional;
  const ruled = rules.validate(parsed, {
    round: { number: round.charter.number, eligibleLevels: [...round.charter.eligibleLevels], closed },
    expectedUnitCode: submission.unitCode,
    others: lookup.others,
  });
  // The rules compare only a dossier with practices text (without one nothing was left uncompared).
  const outcome = draft?.practicesText?.trim() ? { ...ruled, warnings: [...ruled.warnings, ...uncomparedWarning(lookup)] } : ruled;
  const valid = outcome.valid && outcome.dossier !== null;
  const report: ValidationReport = {
    submissionId,
    roundId,
    unitCode: submission.unitCode,
    valid,
    errors: outcome.errors,
    warnings: outcome.warnings,
    dossier: valid ? outcome.dossier : null,
    checkedAt: deps.clock.now().toISOString(),
  };
  const reportKey = reportKeyOf(submissionId);
  await deps.objects.putJson(reportKey, report);
  // The status and the audit entry in one transaction.
  await auditWith(
    deps,
    {
      roundId,
      action: 'SUBMISSION_VALIDATED',
      subject: `submission:${submissionId}`,
      change: { valid, errorCodes: outcome.errors.map((issue) => issue.code) },
    },
    [
      deps.store.submissions.statusWrite(
        roundId,
        submissionId,
        valid ? 'VALID' : 'INVALID',
        issuesForSubmissionItem(outcome.errors, outcome.warnings, reportKey),
        ['PARSED', 'VALID', 'INVALID'],
      ),
    ],
  );
  return { valid, reportKey, errorCount: outcome.errors.length };
}

/**
 * The candidates the near-duplicate lookup found but did not compare (it compares the likeliest
 * `NEAR_DUPLICATE_BOUNDS.compared`), as one warning after the near-duplicate ones, so a reader
 * knows the list is not all there is; none when every candidate was compared (every normal round).
 */
function uncomparedWarning(lookup: NearDuplicateLookup): Issue[] {
  if (lookup.uncompared === 0) return [];
  const n = lookup.uncompared;
  return [
    issue('DUPLICATE_NEAR_UNCOMPARED', 'practices', {
      countZh: lookup.atLeast ? ` 至少 ${n} ` : ` ${n} `,
      countEn: lookup.atLeast ? `At least ${n}` : String(n),
      compared: lookup.others.length,
    }),
  ];
}

/**
 * How many bytes of issues (as JSON) the submission item holds. A DynamoDB item stops at 400 KB
 * (its encoding of these maps is ~10% larger than their JSON), and a dossier that nearly repeats
 * a thousand stored cases gets a thousand 400-byte DUPLICATE_NEAR warnings: its status update
 * would fail on every retry.
 */
export const STORED_ISSUES_BUDGET_BYTES = 330_000;

/**
 * The issues the submission item keeps: all of them when they fit the budget (every dossier
 * validated before this limit existed), otherwise every error and every warning that is not a
 * near duplicate, as many near-duplicate warnings as fit, in order, and one DUPLICATE_NEAR_MORE
 * warning that counts the rest and points to the report, which keeps them all.
 */
export function issuesForSubmissionItem(
  errors: Issue[],
  warnings: Issue[],
  reportKey: string,
  budgetBytes = STORED_ISSUES_BUDGET_BYTES,
): { errors: Issue[]; warnings: Issue[] } {
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
  if (bytes({ errors, warnings }) <= budgetBytes) return { errors, warnings };
  const near = warnings.filter((w) => w.code === 'DUPLICATE_NEAR');
  const kept = warnings.filter((w) => w.code !== 'DUPLICATE_NEAR');
  const more = (n: number): Issue => ({
    code: 'DUPLICATE_NEAR_MORE',
    field: 'practices',
    message: {
      zh: `另有 ${n} 個內容高度相似的案例未在此列出；驗證報告（${reportKey}）列出全部。`,
      en: `${n} more near-duplicate cases are not listed here; the validation report (${reportKey}) lists them all.`,
    },
  });
  let used = bytes({ errors, warnings: [...kept, more(near.length)] });
  let listed = 0;
  while (listed < near.length) {
    const next = bytes(near[listed]) + 1;
    if (used + next > budgetBytes) break;
    used += next;
    listed += 1;
  }
  const listedNear = near.slice(0, listed);
  const keptNear = new Set(listedNear);
  // Warnings stay in the rules’ order; the count of the rest comes last.
  const ordered = warnings.filter((w) => w.code !== 'DUPLICATE_NEAR' || keptNear.has(w));
  return { errors, warnings: [...ordered, more(near.length - listed)] };
}
