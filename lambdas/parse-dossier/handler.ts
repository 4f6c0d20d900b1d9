/** dossier-review task: read the uploaded object, parse it, write `parsed/<submissionId>.json`. */
import { workflowDeps } from '../../src/adapters/deps';
import { AuditRepository } from '../../src/store/audit';
import { RoundRepository } from '../../src/store/rounds';
import { SubmissionRepository } from '../../src/store/submissions';
import { parseUpload, type ParseInput } from '../../src/usecases/intake/parse';

/** The repositories this function's use case declares, and no others (they are all its bundle carries). */
const deps = workflowDeps((table) => {
  const rounds = new RoundRepository(table);
  return { rounds, submissions: new SubmissionRepository(table), audit: new AuditRepository(table, rounds) };
});

export const handler = async (event: ParseInput) => parseUpload(deps(), event);
