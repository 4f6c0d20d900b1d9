import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, Packer, Paragraph, SymbolRun, TextRun } from 'docx';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { esbuildArgs, PROJECT_ROOT } from '../../lib/casebook-function';
import { parseDossier } from '../../src/domain/dossier/parse';

/**
 * The parser loads its CommonJS readers (mammoth, yauzl, iconv-lite, chardet) by `import()`. In
 * the deployed bundle those become chunks whose only export is `default`, unlike Node, where the
 * tests run: a reader that destructured named exports worked in every test and failed in Lambda
 * (every .docx, zip and GB18030/Big5 dossier refused as unreadable). So the parser is bundled
 * here exactly as the functions are and must give the same result as the sources on every demo
 * dossier and every hostile fixture.
 */
const DIRS = [
  join(PROJECT_ROOT, 'data', 'demo'),
  join(PROJECT_ROOT, 'data', 'demo', 'broken'),
  join(PROJECT_ROOT, 'test', 'fixtures', 'dossiers', 'corpus'),
];

function dossierFiles(): string[] {
  return DIRS.flatMap((dir) =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.endsWith('README.md'))
      .map((e) => join(dir, e.name)),
  ).sort();
}

describe('the parser as bundled for Lambda', () => {
  const work = mkdtempSync(join(tmpdir(), 'casebook-bundled-parse-'));
  const files = dossierFiles();
  // A Word symbol is outside what the fast .docx reader takes: this one goes to mammoth.
  const forMammoth = join(work, 'symbol.docx');
  files.push(forMammoth);
  let bundled: Record<string, unknown> = {};

  beforeAll(async () => {
    const symbolDocument = new Document({
      sections: [
        {
          children: [
            new Paragraph({ children: [new TextRun('項目名稱:探索建立報告機制'), new SymbolRun('F04A')] }),
            new Paragraph('申報單位:廣州市荔灣區人大常委會'),
            new Paragraph('主要做法'),
            new Paragraph('一是建立制度。二是加強監督。'),
          ],
        },
      ],
    });
    writeFileSync(forMammoth, await Packer.toBuffer(symbolDocument));
    const entry = join(work, 'entry.ts');
    writeFileSync(
      entry,
      [
        `import { readFileSync } from 'node:fs';`,
        `import { parseDossier } from ${JSON.stringify(join(PROJECT_ROOT, 'src', 'domain', 'dossier', 'parse'))};`,
        `const out = {};`,
        `for (const file of JSON.parse(process.argv[2])) out[file] = await parseDossier(readFileSync(file), { key: file });`,
        `process.stdout.write(JSON.stringify(out));`,
      ].join('\n'),
    );
    const outDir = join(work, 'out');
    execFileSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'esbuild'), ['--bundle', entry, ...esbuildArgs(outDir)], {
      cwd: PROJECT_ROOT,
      stdio: 'pipe',
    });
    const stdout = execFileSync(process.execPath, [join(outDir, 'index.mjs'), JSON.stringify(files)], {
      cwd: work,
      maxBuffer: 64 * 1024 * 1024,
    });
    bundled = JSON.parse(stdout.toString('utf8')) as Record<string, unknown>;
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('covers Word files, archives and legacy charsets, so the lazily loaded readers run', () => {
    expect(files.filter((f) => f.endsWith('.docx')).length).toBeGreaterThanOrEqual(3);
    expect(files.filter((f) => f.endsWith('.zip')).length).toBeGreaterThanOrEqual(3);
    const charsets = Object.values(bundled).map((r) => (r as { source: { charset: string | null } }).source.charset);
    expect(charsets).toEqual(expect.arrayContaining(['gb18030']));
    const okDocx = Object.entries(bundled).filter(([f, r]) => f.endsWith('.docx') && (r as { ok: boolean }).ok);
    expect(okDocx.length).toBeGreaterThanOrEqual(4);
    expect((bundled[forMammoth] as { draft: { unitAsWritten: string } }).draft.unitAsWritten).toBe('廣州市荔灣區人大常委會');
  });

  it('gives the same result as the sources for every file', async () => {
    for (const file of files) {
      const expected = JSON.parse(JSON.stringify(await parseDossier(readFileSync(file), { key: file }))) as unknown;
      expect({ file, result: bundled[file] }).toEqual({ file, result: expected });
    }
  });
});
