/** dossier-review task: store the case version (conditional), superseding the unit's previous one. */
import { defaultDeps } from '../../src/adapters/deps';
import { storeCase, type StoreCaseInput } from '../../src/usecases/intake/store-case';

export const handler = async (event: StoreCaseInput) => storeCase(defaultDeps(), event);
