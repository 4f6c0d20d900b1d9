import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { esbuildArgs, PROJECT_ROOT } from '../../lib/casebook-function';
import { detectScript, toHans, toHant } from '../../src/domain/text/script';

/**
 * OpenCC's Simplified→Traditional dictionaries (1 MB) are not part of any function's init: they
 * are a chunk that `loadTraditional()` imports (src/domain/text/script.ts). Built here exactly as
 * the functions are, in a folder without node_modules (as in Lambda): the init code must not hold
 * them, converting before `loadTraditional()` must fail loudly rather than silently, and after it
 * the bundle must convert exactly as the sources do.
 */
const SAMPLES = [
  '干部在会议上发言，关于人大代表联系群众的制度',
  '广州市荔湾区人大常委会探索建立报告机制',
  '廣州市荔灣區人大常委會',
  '里程碑：乾燥的头发与干净的衣服',
  'Hello 人大 2026',
];
// one of STPhrases' entries, written as the dictionary writes it
const ST_PHRASE = '一目了然 一目瞭然';

/** The files a bundle reads at init: its entry and every chunk it imports statically. */
function initFiles(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*"(\.{1,2}\/[^"]+\.mjs)"/g)) queue.push(resolve(dirname(file), m[1]!));
  }
  return [...seen];
}

describe('OpenCC to Traditional as bundled for Lambda', () => {
  const work = mkdtempSync(join(tmpdir(), 'casebook-bundled-hant-'));
  const esbuild = join(PROJECT_ROOT, 'node_modules', '.bin', 'esbuild');
  let bundled: { before: string; hant: string[]; hans: string[]; scripts: string[] };

  beforeAll(() => {
    const entry = join(work, 'entry.ts');
    writeFileSync(
      entry,
      [
        `import { detectScript, toHans, toHant } from ${JSON.stringify(join(PROJECT_ROOT, 'src', 'domain', 'text', 'script'))};`,
        `import { loadTraditional } from ${JSON.stringify(join(PROJECT_ROOT, 'src', 'domain', 'text', 'traditional'))};`,
        `const samples = JSON.parse(process.argv[2]);`,
        `let before = 'converted';`,
        `try { toHant(samples[0]); } catch (error) { before = error.name; }`,
        `await loadTraditional();`,
        `process.stdout.write(JSON.stringify({ before, hant: samples.map(toHant), hans: samples.map(toHans), scripts: samples.map(detectScript) }));`,
      ].join('\n'),
    );
    execFileSync(esbuild, ['--bundle', entry, ...esbuildArgs(join(work, 'entry'))], { cwd: PROJECT_ROOT, stdio: 'pipe' });
    execFileSync(
      esbuild,
      ['--bundle', join(PROJECT_ROOT, 'lambdas', 'validate-dossier', 'handler.ts'), ...esbuildArgs(join(work, 'validate'))],
      {
        cwd: PROJECT_ROOT,
        stdio: 'pipe',
      },
    );
    const stdout = execFileSync(process.execPath, [join(work, 'entry', 'index.mjs'), JSON.stringify(SAMPLES)], { cwd: work });
    bundled = JSON.parse(stdout.toString('utf8')) as typeof bundled;
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('keeps the dictionaries out of the init code, in a chunk of their own', () => {
    for (const dir of ['entry', 'validate']) {
      const entry = join(work, dir, 'index.mjs');
      const init = initFiles(entry);
      for (const file of init) expect(readFileSync(file, 'utf8')).not.toContain(ST_PHRASE);
      const lazy = readdirSync(join(work, dir, 'chunks'))
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => join(work, dir, 'chunks', f))
        .filter((f) => !init.includes(f));
      expect(lazy.some((f) => readFileSync(f, 'utf8').includes(ST_PHRASE))).toBe(true);
    }
  });

  it('refuses to convert to Traditional before loadTraditional(), where there is no node_modules', () => {
    expect(bundled.before).toBe('TraditionalNotLoadedError');
  });

  it('converts and detects scripts exactly as the sources do once loaded', () => {
    expect(bundled.hant).toEqual(SAMPLES.map(toHant));
    expect(bundled.hans).toEqual(SAMPLES.map(toHans));
    expect(bundled.scripts).toEqual(SAMPLES.map(detectScript));
    expect(bundled.hant[0]).not.toBe(SAMPLES[0]);
  });
});
