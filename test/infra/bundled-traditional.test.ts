import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { esbuildArgs, PROJECT_ROOT } from '../../lib/casebook-function';
import { findMojibake } from '../../src/domain/text/defects';
import { detectScript, toHans, toHant } from '../../src/domain/text/script';

/**
 * OpenCC's Simplified→Traditional dictionaries (1 MB) and iconv-lite are not part of any
 * function's init: they are chunks that `loadTraditional()` and `loadLegacyEncodings()` import
 * (src/domain/text/script.ts, defects.ts). Built here exactly as the functions are, in a folder
 * without node_modules (as in Lambda): the init code must not hold them, using them before the
 * load must fail loudly rather than silently, and after it the bundle must give exactly what the
 * sources give.
 */
const MOJIBAKE = ['ä¸­æ–‡å†…å®¹', '銆傗€滃悜浜烘皯', '正常的中文內容'];
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
  let bundled: { before: string; beforeIconv: string; hant: string[]; hans: string[]; scripts: string[]; mojibake: unknown[] };

  beforeAll(() => {
    const entry = join(work, 'entry.ts');
    writeFileSync(
      entry,
      [
        `import { detectScript, toHans, toHant } from ${JSON.stringify(join(PROJECT_ROOT, 'src', 'domain', 'text', 'script'))};`,
        `import { loadTraditional } from ${JSON.stringify(join(PROJECT_ROOT, 'src', 'domain', 'text', 'traditional'))};`,
        `import { findMojibake, loadLegacyEncodings } from ${JSON.stringify(join(PROJECT_ROOT, 'src', 'domain', 'text', 'defects'))};`,
        `const mojibake = ${JSON.stringify(MOJIBAKE)};`,
        `let beforeIconv = 'checked';`,
        `try { findMojibake(mojibake[0]); } catch (error) { beforeIconv = error.name; }`,
        `await loadLegacyEncodings();`,
        `const samples = JSON.parse(process.argv[2]);`,
        `let before = 'converted';`,
        `try { toHant(samples[0]); } catch (error) { before = error.name; }`,
        `await loadTraditional();`,
        `process.stdout.write(JSON.stringify({ before, beforeIconv, hant: samples.map(toHant), hans: samples.map(toHans), scripts: samples.map(detectScript), mojibake: mojibake.map(findMojibake) }));`,
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
      // iconv-lite's GBK table is read from a file it requires; its encodings index names them all
      for (const file of init) expect(readFileSync(file, 'utf8')).not.toContain('windows1252');
      const lazy = readdirSync(join(work, dir, 'chunks'))
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => join(work, dir, 'chunks', f))
        .filter((f) => !init.includes(f));
      expect(lazy.some((f) => readFileSync(f, 'utf8').includes(ST_PHRASE))).toBe(true);
    }
  });

  it('refuses to convert to Traditional or re-encode before the load, where there is no node_modules', () => {
    expect(bundled.before).toBe('TraditionalNotLoadedError');
    expect(bundled.beforeIconv).toBe('LegacyEncodingsNotLoadedError');
  });

  it('finds mojibake exactly as the sources do once iconv-lite is loaded', () => {
    expect(bundled.mojibake).toEqual(MOJIBAKE.map(findMojibake));
    expect((bundled.mojibake[0] as unknown[]).length).toBeGreaterThan(0);
    expect((bundled.mojibake[1] as unknown[]).length).toBeGreaterThan(0);
  });

  it('converts and detects scripts exactly as the sources do once loaded', () => {
    expect(bundled.hant).toEqual(SAMPLES.map(toHant));
    expect(bundled.hans).toEqual(SAMPLES.map(toHans));
    expect(bundled.scripts).toEqual(SAMPLES.map(detectScript));
    expect(bundled.hant[0]).not.toBe(SAMPLES[0]);
  });
});
