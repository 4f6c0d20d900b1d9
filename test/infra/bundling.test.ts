import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { esbuildArgs, PROJECT_ROOT } from '../../lib/casebook-function';

/**
 * The bundles are built with code splitting (see `esbuildArgs`): what a function reaches only
 * through `import()` must land in a chunk of its own, not in the entry that every cold start
 * compiles. Built here for one workflow function, with the house arguments.
 */
describe('function bundles', () => {
  const out = mkdtempSync(join(tmpdir(), 'casebook-bundle-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('keeps the house options: ESM, node24, minified, source maps, the require banner', () => {
    const args = esbuildArgs('/x');
    expect(args).toEqual(
      expect.arrayContaining([
        '--format=esm',
        '--target=node24',
        '--minify',
        '--sourcemap',
        '--splitting',
        '--outdir=/x',
        '--entry-names=index',
        '--out-extension:.js=.mjs',
      ]),
    );
    expect(args.some((a) => a.startsWith('--banner:js=') && a.includes('createRequire'))).toBe(true);
  });

  it('loads the S3 and SES adapters of a workflow function on demand, not at import', () => {
    execFileSync(
      join(PROJECT_ROOT, 'node_modules', '.bin', 'esbuild'),
      ['--bundle', join(PROJECT_ROOT, 'lambdas', 'check-round', 'handler.ts'), ...esbuildArgs(out)],
      { cwd: PROJECT_ROOT, stdio: 'pipe' },
    );
    const chunks = readdirSync(join(out, 'chunks'));
    const s3 = chunks.find((f) => f.startsWith('s3-wiring-') && f.endsWith('.mjs'));
    const ses = chunks.find((f) => f.startsWith('ses-wiring-') && f.endsWith('.mjs'));
    expect(s3).toBeDefined();
    expect(ses).toBeDefined();
    const entry = readFileSync(join(out, 'index.mjs'), 'utf8');
    expect(entry).toContain('export');
    // referenced only by dynamic import(), never by a static import statement
    expect(entry).toContain(`import("./chunks/${s3}")`);
    expect(entry).not.toMatch(new RegExp(`from\\s*"\\./chunks/${s3!.replace(/[.]/g, '\\.')}"`));
    expect(entry).not.toContain('S3Client');
  });
});
