/**
 * Byte-for-byte regression guard for the whole rendered site: every file's SHA-256 for a round
 * set that reaches every page kind (an approved round with a correction and a withdrawal, a
 * Simplified notice with an objection form, hostile text, personal data, an id that is not a
 * plain token, a dossier in the other script). The expected hashes were recorded from the
 * renderer before its performance work (templates joined once per page, shared page chrome),
 * so any change to what a page says or how it is escaped fails here with the file's path.
 * A deliberate change to the pages re-records them: `UPDATE_GOLDEN=1 npm run test:unit -- test/unit/site/golden-site.test.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from '@jest/globals';
import { expect } from '../../support/expect';
import { buildSnapshot, renderSite, type SiteSnapshot } from '../../../src/domain/site';
import { goldenRounds } from './fixtures';

const GOLDEN = new URL('./golden-site.json', import.meta.url);

function render(snapshot: SiteSnapshot) {
  return renderSite(snapshot, { baseUrl: 'https://cases.example.org/base/', apiBaseUrl: 'https://api.example.org/v1/' });
}

describe('the rendered site, byte for byte', () => {
  it('matches the recorded hash of every file', () => {
    const site = render(buildSnapshot(goldenRounds()));
    const actual = {
      snapshotSha256: site.manifest.snapshotSha256,
      files: Object.fromEntries(Object.entries(site.manifest.files).map(([p, e]) => [p, `${e.sha256} ${e.size}`])),
    };
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, JSON.stringify(actual, null, 2) + '\n');
    const expected = JSON.parse(readFileSync(GOLDEN, 'utf8')) as typeof actual;
    expect(Object.keys(actual.files).sort()).toEqual(Object.keys(expected.files).sort());
    for (const path of Object.keys(expected.files)) expect(actual.files[path], path).toBe(expected.files[path]);
    expect(actual.snapshotSha256).toBe(expected.snapshotSha256);
  });
});
