/**
 * console/vendor/oauth.js is generated (scripts/vendor-oauth.ts): the console's sign-in flow and
 * oauth4webapi from node_modules, bundled by esbuild (that it equals a fresh build is
 * vendored.test.ts's check). Here: it gives the console every name the console imports.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from '@jest/globals';
import { expect } from '../../support/expect';
import { VENDORED_OAUTH } from '../../../scripts/vendor-oauth';

describe('console/vendor/oauth.js', () => {
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
