/**
 * cli/casebook.mjs runs the CLI from an esbuild bundle it builds on first use and caches; these
 * tests start the real entry point (each with its own cache directory) and check that the bundle
 * behaves as the sources run through tsx do, is reused while its inputs are unchanged, is rebuilt
 * when they change, and that the CLI still runs when no bundle can be built.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = join(ROOT, 'cli', 'casebook.mjs');
// inside the project, where the bundle finds the npm packages it imports
mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
const cache = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'casebook-cli-test-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

interface Manifest {
  entry: string;
  commands: string[];
  inputs: Record<string, string>;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, CASEBOOK_CLI_CACHE: cache, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const manifest = (): Manifest => JSON.parse(readFileSync(join(cache, 'cli.json'), 'utf8')) as Manifest;

/** Each test builds or runs the CLI in a child process: slower than the unit project's default. */
const BUNDLE_TEST_TIMEOUT = 120_000;

describe('the cached CLI bundle', () => {
  it(
    'is built on first use, records its inputs, and gives the same output as the sources through tsx',
    async () => {
      const demo = join(ROOT, 'data', 'demo');
      const bundled = await cli(['validate', demo, '--json']);
      const m = manifest();
      expect(m.inputs).toHaveProperty([join('cli', 'main.ts')]);
      expect(m.inputs).toHaveProperty([join('cli', 'commands', 'validate.ts')]);
      expect(m.inputs).toHaveProperty([join('src', 'domain', 'dossier', 'parse.ts')]);
      expect(m.inputs).toHaveProperty([join('cli', 'casebook.mjs')]);
      expect(m.commands).toContain('validate.ts');
      const viaTsx = await cli(['validate', demo, '--json'], { CASEBOOK_NO_BUNDLE: '1' });
      expect(bundled.stdout.length).toBeGreaterThan(0);
      expect(bundled).toEqual(viaTsx);
    },
    BUNDLE_TEST_TIMEOUT,
  );

  it(
    'finds files next to the sources as the sources do (import.meta of each module)',
    async () => {
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
      const r = await cli(['version'], { CASEBOOK_DEBUG: '1' });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(pkg.version);
      expect(r.stderr).not.toContain('through tsx'); // it ran from the bundle
    },
    BUNDLE_TEST_TIMEOUT,
  );

  it(
    'is reused while its inputs are unchanged and rebuilt when one changes',
    async () => {
      await cli(['version']);
      const first = manifest().entry;
      await cli(['version']);
      expect(manifest().entry).toBe(first);

      // a source file that is newer (or of another size) than when the bundle was built
      const stale = manifest();
      stale.inputs[join('src', 'domain', 'dossier', 'parse.ts')] = '1:1';
      writeFileSync(join(cache, 'cli.json'), JSON.stringify(stale));
      expect((await cli(['version'])).code).toBe(0);
      const rebuilt = manifest().entry;
      expect(rebuilt).not.toBe(first);

      // a command file added to or removed from cli/commands
      const listed = manifest();
      listed.commands = listed.commands.slice(1);
      writeFileSync(join(cache, 'cli.json'), JSON.stringify(listed));
      expect((await cli(['version'])).code).toBe(0);
      expect(manifest().entry).not.toBe(rebuilt);
    },
    BUNDLE_TEST_TIMEOUT,
  );

  it(
    'runs through tsx when no bundle can be built',
    async () => {
      const r = await cli(['version'], { CASEBOOK_CLI_CACHE: join(CLI, 'not-a-directory') });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^casebook /);
    },
    BUNDLE_TEST_TIMEOUT,
  );
});
