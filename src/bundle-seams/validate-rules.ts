/** The validating half of DossierRules (see src/usecases/intake/dossier-domain.ts for why it has a module of its own). */
import { validateDossier } from '../domain/dossier/validate';
import type { DossierRules } from '../usecases/intake/dossier-domain';

export const validateRules: Pick<DossierRules, 'validate'> = {
  validate: (parsed, context) => validateDossier(parsed, context),
};
