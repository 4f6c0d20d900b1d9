/**
 * Parse step: read the uploaded object, parse it with the dossier domain, keep the result at
 * `parsed/<submissionId>.json` and record the submission. Unreadable content is not an error of
 * this step: it is a parse result with coded errors, and the workflow rejects it next.
 */
import * as z from 'zod';
import { ObjectNotFoundError } from '../../ports/object-store';
import { auditWith, type AuditInTransactionStore } from '../audit';
import type { WorkflowDeps } from '../deps';
import { WorkflowError } from '../errors';
import type { DossierRules } from './dossier-domain';
import { parseRules } from '../../bundle-seams/parse-rules';
import { parseDossierKey, parsedKeyOf } from './keys';
import type { StorePort } from '../../store/store';

/** What this use case reads and writes of the case table. */
export type ParseStore = StorePort<{ rounds: 'roundExists'; submissions: 'parsedWrite' }> & AuditInTransactionStore;

export const parseInputSchema = z.object({ bucket: z.string(), key: z.string(), versionId: z.string().nullish() });
export type ParseInput = z.infer<typeof parseInputSchema>;

export interface ParseOutput {
  submissionId: string;
  roundId: string;
  unitCode: string;
  parsedKey: string;
  parseOk: boolean;
}

export async function parseUpload(
  deps: WorkflowDeps<ParseStore>,
  event: ParseInput,
  rules: Pick<DossierRules, 'parse'> = parseRules,
): Promise<ParseOutput> {
  const input = parseInputSchema.parse(event);
  const location = parseDossierKey(input.key);
  if (!location)
    throw new WorkflowError(
      'Casebook.UploadNotRecognised',
      `key does not follow dossiers/<roundId>/<unitCode>/<submissionId>/<file>: ${input.key}`,
    );
  if (!(await deps.store.rounds.roundExists(location.roundId)))
    throw new WorkflowError('Casebook.UploadNotRecognised', `no round ${location.roundId} for ${input.key}`);

  let bytes: Uint8Array;
  try {
    bytes = (await deps.objects.getObject(input.key, input.versionId ?? undefined)).body;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw new WorkflowError('Casebook.UploadNotRecognised', `object is gone: ${input.key}`);
    throw error;
  }
  const result = await rules.parse(bytes, { key: input.key });
  const parsedKey = parsedKeyOf(location.submissionId);
  await deps.objects.putJson(parsedKey, result);

  const now = deps.clock.now().toISOString();
  // The submission (created PARSED, or moved to PARSED when the API recorded it at presign time
  // or a retried step finds it) and the audit entry: one transaction.
  await auditWith(
    deps,
    {
      roundId: location.roundId,
      action: 'SUBMISSION_PARSED',
      subject: `submission:${location.submissionId}`,
      change: {
        key: input.key,
        versionId: input.versionId ?? null,
        unitCode: location.unitCode,
        ok: result.ok,
        errorCodes: result.errors.map((issue) => issue.code),
      },
    },
    [
      deps.store.submissions.parsedWrite({
        submissionId: location.submissionId,
        roundId: location.roundId,
        unitCode: location.unitCode,
        key: input.key,
        ...(input.versionId ? { versionId: input.versionId } : {}),
        fileName: location.fileName,
        status: 'PARSED',
        createdAt: now,
        errors: result.errors,
        warnings: result.warnings,
      }),
    ],
  );
  return { submissionId: location.submissionId, roundId: location.roundId, unitCode: location.unitCode, parsedKey, parseOk: result.ok };
}
