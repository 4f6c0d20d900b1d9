/** dossier-review task: read the uploaded object, parse it, write `parsed/<submissionId>.json`. */
import { defaultDeps } from '../../src/adapters/deps';
import { parseUpload, type ParseInput } from '../../src/usecases/intake/parse';

export const handler = async (event: ParseInput) => parseUpload(defaultDeps(), event);
