/** dossier-review task: run the validation rules with the round's context, write the report. */
import { defaultDeps } from '../../src/adapters/deps';
import { validateSubmission, type ValidateInput } from '../../src/usecases/intake/validate';

export const handler = async (event: ValidateInput) => validateSubmission(defaultDeps(), event);
