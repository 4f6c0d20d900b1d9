/** dossier-review task: mark the submission INVALID and tell the applicant why, with codes. */
import { defaultDeps } from '../../src/adapters/deps';
import { recordRejection, type RejectionInput } from '../../src/usecases/intake/reject';

export const handler = async (event: RejectionInput) => recordRejection(defaultDeps(), event);
