/**
 * The console has no bundler, so console/vendor/ holds modules generated from src/ by
 * `npm run vendor`: the sign-in flow with oauth4webapi (oauth.js) and the role and status names
 * (labels.js). Each committed file must be exactly what a fresh build gives, so the console runs
 * the CLI's flow with the library the lockfile pins and shows the words the rest of the system uses.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from '@jest/globals';
import { expect } from '../../support/expect';
import { buildVendoredLabels, VENDORED_LABELS } from '../../../scripts/vendor-labels';
import { buildVendoredOauth, VENDORED_OAUTH } from '../../../scripts/vendor-oauth';

describe('console/vendor/', () => {
  it.each([
    ['oauth.js', VENDORED_OAUTH, 'src/auth/flow.ts and node_modules', buildVendoredOauth],
    ['labels.js', VENDORED_LABELS, 'src/domain/labels.ts', buildVendoredLabels],
  ] as const)('%s is byte for byte a fresh build (from %s; run `npm run vendor` after changing %s)', async (name, file, _from, fresh) => {
    expect(readFileSync(file, 'utf8') === (await fresh()), `console/vendor/${name} is stale: run \`npm run vendor\``).toBe(true);
  });
});
