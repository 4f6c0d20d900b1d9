import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository stands on its own: no tracked file may refer to a folder beside the checkout
 * (the sibling folder named "shared" that once held the seed page, reached by climbing out with
 * "..") or to an absolute path of one machine (a home folder, root's home, the work or temporary
 * folder, or a program in the system's bin folders). Such a reference only works where the checkout
 * happens to sit next to the right things, and hides until a clone runs somewhere else.
 *
 * The patterns are assembled from pieces so that this file does not itself contain what it looks
 * for (it is tracked, and checked like every other file).
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface Finding {
  line: number;
  text: string;
  why: string;
}

const S = '/';
const UP = '\\.\\.';
/** Absolute machine paths, anchored where a path starts (not inside a URL or a longer path). */
const ABSOLUTE = new RegExp(
  String.raw`(?:^|[\s'"\x60(=,:;\[{<>|]|file:${S}${S})` +
    `(${S}home${S}[A-Za-z0-9._-]+|${S}root${S}|${S}work${S}|${S}tmp${S}[^\\s'"\\x60)]|${S}usr${S}(?:local${S})?s?bin${S}[A-Za-z0-9._-]+)`,
  'g',
);
const SHEBANG_ENV = `${S}usr${S}bin${S}env`;
/** A relative path climbing out to a folder named shared, written as a path or as path.join arguments. */
const SIBLING = [new RegExp(`((?:${UP}[/\\\\])+)shared\\b`, 'g'), new RegExp(`((?:['"]${UP}['"]\\s*,\\s*)+)['"]shared['"]`, 'g')];

/**
 * What in `text` (the content of `file`, relative to the root) points outside the repository.
 * A climb to a shared folder is allowed only when, read from the file's own folder, it names a
 * folder that exists inside the repository; a shebang's env program is how scripts find their
 * interpreter.
 */
export function outsideReferences(file: string, text: string, root = ROOT): Finding[] {
  const findings: Finding[] = [];
  const lines = text.split('\n');
  lines.forEach((lineText, i) => {
    const line = i + 1;
    for (const m of lineText.matchAll(ABSOLUTE)) {
      const path = m[1]!;
      if (line === 1 && lineText.startsWith('#!') && path === SHEBANG_ENV) continue;
      findings.push({ line, text: lineText.trim(), why: `absolute path ${path}` });
    }
    for (const re of SIBLING) {
      for (const m of lineText.matchAll(re)) {
        const ups = (m[1]!.match(/\.\./g) ?? []).length;
        const target = resolve(root, dirname(file), ...Array<string>(ups).fill('..'), 'shared');
        const inside = target.startsWith(root.endsWith(sep) ? root : root + sep);
        if (inside && existsSync(target)) continue;
        const where = inside ? `${relative(root, target)}, which is not in the repository` : 'a folder beside the repository';
        findings.push({ line, text: lineText.trim(), why: `reference to ${m[0]}: ${where}` });
      }
    }
  });
  return findings;
}

/** Text files git tracks (binary files — NUL bytes — are skipped: zip, docx, images). */
function trackedTextFiles(): { file: string; text: string }[] {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  return files.flatMap((file) => {
    const path = join(ROOT, file);
    if (!existsSync(path)) return []; // deleted in the worktree, not yet committed
    const bytes = readFileSync(path);
    if (bytes.subarray(0, 8000).includes(0)) return [];
    return [{ file, text: bytes.toString('utf8') }];
  });
}

// Samples too are assembled from pieces.
const p = (...parts: string[]) => parts.join('');

describe('the repository refers to nothing outside itself', () => {
  it('no tracked file climbs out to a shared folder or names an absolute home, work, tmp or bin path', () => {
    const tracked = trackedTextFiles();
    expect(tracked.length).toBeGreaterThan(100);
    const offending = tracked.flatMap(({ file, text }) =>
      outsideReferences(file, text).map((f) => `${file}:${f.line}: ${f.why} — ${f.text.slice(0, 160)}`),
    );
    expect(offending).toEqual([]);
  });

  it.each([
    ['a cwd-relative read of the sibling folder', 'test/unit/x.test.ts', p("readFileSync('..", "/shared/seed/page.txt')")],
    ['a URL climbing out of the checkout', 'test/unit/x.test.ts', p("new URL('../../../..", "/shared/seed/page.txt', import.meta.url)")],
    ['a path.join climbing out', 'test/e2e/x.test.ts', p("join(ROOT, '..', '", "shared', 'seed')")],
    ['a path.join from the file climbing out', 'test/e2e/x.test.ts', p("join(import.meta.dirname, '..', '..', '..', '", "shared')")],
    ['one machine’s shared folder', 'cli/commands/demo.ts', p("'/wo", "rk/shared/seed/page.txt'")],
    ['a home folder', 'docs/x.md', p('see /ho', 'me/alice/casebook')],
    ['root’s home', 'scripts/x.sh', p('cp x /ro', 'ot/.cache/')],
    ['a temporary file', 'README.md', p('written to `/t', 'mp/casebook-run`')],
    ['a file: URL', 'x.ts', p('file:///ho', 'me/bob/x')],
    ['a fixed program path', 'test/support/browser.ts', p("const CHROMIUM_PATH = '/usr/", "bin/chromium';")],
    ['a fixed program path in a shell line', 'bench/x.sh', p('PANDOC=/usr/', 'bin/pandoc')],
  ])('flags %s', (_what, file, line) => {
    expect(outsideReferences(file, line)).toHaveLength(1);
  });

  it.each([
    ['a shebang', 'cli/casebook.mjs', p('#!/usr/', 'bin/env node')],
    ['a URL that contains the words', 'docs/x.md', p('https://example.org/wo', 'rk/ho', 'me/tm', 'p/ro', 'ot/')],
    ['a shared variable or word', 'src/x.ts', 'let shared = 0; // the shared page chrome'],
    ['a deeper project path', 'README.md', p('node_modules/.cache/casebook/ and src/wo', 'rk/x')],
    ['the tmpdir() of the machine, not a literal', 'x.ts', "mkdtempSync(join(tmpdir(), 'cb-'))"],
    ['the bare word tmp in prose', 'README.md', 'keeps nothing in a tmp folder'],
  ])('does not flag %s', (_what, file, line) => {
    expect(outsideReferences(file, line)).toEqual([]);
  });

  it('allows a climb to a shared folder only when it names a folder inside the repository', () => {
    const root = mkdtempSync(join(tmpdir(), 'cb-self-contained-'));
    try {
      mkdirSync(join(root, 'src', 'shared'), { recursive: true });
      const rel = p("import { x } from '..", "/shared/x';");
      expect(outsideReferences('src/a/b.ts', rel, root)).toEqual([]); // src/shared: inside, exists
      expect(outsideReferences('src/b.ts', rel, root)).toHaveLength(1); // the checkout's sibling
      expect(outsideReferences('src/a/b/c.ts', rel, root)).toHaveLength(1); // src/a/shared: missing
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
