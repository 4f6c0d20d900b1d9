/** dossier-review task: mark the submission INVALID and tell the applicant why, with codes. */
import { workflowDeps } from '../../src/adapters/deps';
import { AuditRepository } from '../../src/store/audit';
import { RoundRepository } from '../../src/store/rounds';
import { SubmissionRepository } from '../../src/store/submissions';
import { recordRejection, type RejectionInput } from '../../src/usecases/intake/reject';

/** The repositories this function's use case declares, and no others (they are all its bundle carries). */
const deps = workflowDeps((table) => {
  const rounds = new RoundRepository(table);
  return { submissions: new SubmissionRepository(table), audit: new AuditRepository(table, rounds) };
});

export const handler = async (event: RejectionInput) => recordRejection(deps(), event);
