/** dossier-review task: run the validation rules with the round's context, write the report. */
import { workflowDeps } from '../../src/adapters/deps';
import { AuditRepository } from '../../src/store/audit';
import { CaseRepository } from '../../src/store/cases';
import { RoundRepository } from '../../src/store/rounds';
import { SubmissionRepository } from '../../src/store/submissions';
import { validateSubmission, type ValidateInput } from '../../src/usecases/intake/validate';

/** The repositories this function's use case declares, and no others (they are all its bundle carries). */
const deps = workflowDeps((table) => {
  const rounds = new RoundRepository(table);
  return {
    rounds,
    submissions: new SubmissionRepository(table),
    cases: new CaseRepository(table),
    audit: new AuditRepository(table, rounds),
  };
});

export const handler = async (event: ValidateInput) => validateSubmission(deps(), event);
