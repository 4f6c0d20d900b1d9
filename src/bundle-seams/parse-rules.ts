/** The parsing half of DossierRules (see src/usecases/intake/dossier-domain.ts for why it has a module of its own). */
import { parseDossier } from '../domain/dossier/parse';
import type { DossierRules } from '../usecases/intake/dossier-domain';

export const parseRules: Pick<DossierRules, 'parse'> = {
  parse: (bytes, source) => parseDossier(bytes, { key: source.key }),
};
