/** Rejection step: the submission is INVALID and the applicant hears why, code by code. */
import * as z from 'zod';
import type { Issue } from '../../domain/model';
import { audit, type AuditTrailStore } from '../audit';
import type { WorkflowDeps } from '../deps';
import { WorkflowError } from '../errors';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type RejectStore = StorePort<{ submissions: 'getSubmission' | 'updateSubmissionStatus' }> & AuditTrailStore;

export const rejectionInputSchema = z.object({ roundId: z.string(), submissionId: z.string() });
export type RejectionInput = z.infer<typeof rejectionInputSchema>;

export async function recordRejection(
  deps: WorkflowDeps<RejectStore>,
  event: RejectionInput,
): Promise<{ status: 'INVALID'; errorCodes: string[] }> {
  const { roundId, submissionId } = rejectionInputSchema.parse(event);
  const submission = await deps.store.submissions.getSubmission(roundId, submissionId);
  if (!submission) throw new WorkflowError('Casebook.SubmissionMissing', `submission ${submissionId} was not recorded`);
  const errors: Issue[] = submission.errors ?? [];
  if (submission.status !== 'INVALID') {
    await deps.store.submissions.updateSubmissionStatus(roundId, submissionId, 'INVALID', {}, ['PARSED', 'VALID', 'INVALID']);
  }
  const lines = (pick: 'zh' | 'en') => errors.map((issue) => `- [${issue.code}] ${issue.message[pick]}`).join('\n');
  await deps.notifier.notify({
    roundId,
    kind: 'VALIDATION_RESULT',
    recipient: submission.unitCode,
    dedupKey: `submission:${submissionId}`,
    subject: { zh: `申報材料未通過檢查：${submission.fileName}`, en: `Your dossier did not pass the checks: ${submission.fileName}` },
    body: {
      zh: `您提交的「${submission.fileName}」有以下問題，請修改後在截止時間前重新上傳：\n${lines('zh')}`,
      en: `"${submission.fileName}" has these problems; please fix them and upload again before the deadline:\n${lines('en')}`,
    },
  });
  const errorCodes = errors.map((issue) => issue.code);
  await audit(deps, roundId, 'SUBMISSION_REJECTED', `submission:${submissionId}`, { errorCodes });
  return { status: 'INVALID', errorCodes };
}
