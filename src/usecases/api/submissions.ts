/** Applicants start uploads (presigned PUT) and follow their submissions; the office sees all. */
import type { Actor } from '../../domain/model';
import { forbidden, notFound, wrongState } from '../errors';
import { isApplicant, isOffice, requireRole } from './access';
import type { ApiDeps } from './ports';
import { loadRound, type LoadRoundStore } from './rounds';
import { submissionView } from './views';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type SubmissionsApiStore = StorePort<{ submissions: 'getSubmission' | 'listSubmissionsByRound' | 'listSubmissionsByUnit' }> &
  LoadRoundStore;

export const UPLOAD_URL_SECONDS = 15 * 60;

/** `dossiers/<roundId>/<unitCode>/<submissionId>/<file name>`: the caller's unit, not the file, picks the folder. */
export const dossierKey = (roundId: string, unitCode: string, submissionId: string, fileName: string) =>
  `dossiers/${roundId}/${unitCode}/${submissionId}/${fileName}`;

export async function startSubmission(
  deps: ApiDeps<SubmissionsApiStore>,
  actor: Actor,
  roundId: string,
  input: { fileName: string; contentType: string; size: number },
) {
  requireRole(actor, 'applicant');
  if (!actor.unitCode) {
    throw forbidden({
      zh: '您的帳號沒有綁定申報單位，請聯絡辦公室。',
      en: 'Your account is not bound to an applicant unit (custom:unitCode); ask the office.',
    });
  }
  const round = await loadRound(deps, roundId);
  if (round.status !== 'OPEN') {
    throw wrongState('ROUND_NOT_OPEN', {
      zh: `本輪次目前不接受申報（狀態：${round.status}）。`,
      en: `The round is not accepting submissions (${round.status}).`,
    });
  }
  const now = deps.now();
  if (now.getTime() >= Date.parse(round.charter.submissionDeadline)) {
    throw wrongState('DEADLINE_PASSED', {
      zh: `申報已於 ${round.charter.submissionDeadline} 截止。`,
      en: `Submissions closed at ${round.charter.submissionDeadline}.`,
    });
  }
  const submissionId = deps.newId();
  const key = dossierKey(roundId, actor.unitCode, submissionId, input.fileName);
  const url = await deps.uploads.presignPut({
    key,
    contentType: input.contentType,
    contentLength: input.size,
    expiresInSeconds: UPLOAD_URL_SECONDS,
  });
  return {
    submissionId,
    key,
    upload: {
      method: 'PUT' as const,
      url,
      headers: { 'content-type': input.contentType, 'content-length': String(input.size) },
      expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    },
  };
}

export async function listSubmissions(deps: ApiDeps<SubmissionsApiStore>, actor: Actor, roundId: string) {
  await loadRound(deps, roundId);
  if (isOffice(actor)) return { submissions: (await deps.store.submissions.listSubmissionsByRound(roundId)).map(submissionView) };
  if (isApplicant(actor))
    return { submissions: (await deps.store.submissions.listSubmissionsByUnit(actor.unitCode!, roundId)).map(submissionView) };
  requireRole(actor, 'applicant', 'secretariat');
  return { submissions: [] };
}

export async function readSubmission(deps: ApiDeps<SubmissionsApiStore>, actor: Actor, roundId: string, submissionId: string) {
  requireRole(actor, 'applicant', 'secretariat');
  const s = await deps.store.submissions.getSubmission(roundId, submissionId);
  // another unit's submission answers like a missing one: ids are not confirmed across units
  if (!s || (!isOffice(actor) && s.unitCode !== actor.unitCode)) throw notFound('submission', submissionId);
  return submissionView(s);
}
