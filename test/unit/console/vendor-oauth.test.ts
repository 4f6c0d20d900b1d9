/**
 * console/vendor/oauth.js is generated (scripts/vendor-oauth.ts): the console's sign-in flow and
 * oauth4webapi from node_modules, bundled by esbuild. The committed file must be exactly what a
 * fresh build gives, so the console runs the flow the CLI runs with the library the lockfile pins.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from '@jest/globals';
import { expect } from '../../support/expect';
import { buildVendoredOauth, VENDORED_OAUTH } from '../../../scripts/vendor-oauth';

describe('console/vendor/oauth.js', () => {
  it('is byte for byte a fresh build from src/auth/flow.ts and node_modules (run `npm run vendor` after changing either)', async () => {
    const fresh = await buildVendoredOauth();
    expect(readFileSync(VENDORED_OAUTH, 'utf8') === fresh, 'console/vendor/oauth.js is stale: run `npm run vendor`').toBe(true);
  });

  it('exports the flow the console imports, with no import of its own (the console has no bundler)', async () => {
    const text = readFileSync(VENDORED_OAUTH, 'utf8');
    expect(text).not.toMatch(/^\s*import\s/m);
    const core = readFileSync('console/js/core.js', 'utf8');
    const imported =
      /import \{([^}]+)\} from '\.\.\/vendor\/oauth\.js'/
        .exec(core)?.[1]
        ?.split(',')
        .map((n) => n.trim())
        .filter(Boolean) ?? [];
    expect(imported.length).toBeGreaterThan(5);
    const exported =
      /export \{([^}]+)\}/
        .exec(text)?.[1]
        ?.split(',')
        .map((n) => n.trim())
        .filter(Boolean) ?? [];
    for (const name of imported) expect(exported, name).toContain(name);
  });
});
