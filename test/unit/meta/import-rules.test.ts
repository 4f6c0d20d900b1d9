/**
 * The import rules of the code's rooms, checked on the source text (docs/architecture.md, "Rooms",
 * and each folder's README say the same in words):
 * - every room imports only the rooms MAY_IMPORT lists for it, `import()` included: the domain
 *   only itself, use cases no HTTP and no adapters, the local cloud none of the application's
 *   use cases, nothing outside test/ and bench/ any test code;
 * - src/domain imports nothing outside src/domain (so it can be tested and reused alone);
 * - use cases (src/usecases) import neither the HTTP layer (src/api), nor the AWS adapters
 *   (src/adapters), nor an AWS SDK: they speak through ports and coded errors;
 * - no module of src/, lib/, local/, cli/, bench/ or scripts/ reaches itself again through static
 *   value imports (a cycle makes load order matter and one bundle drag in the other's code).
 *   Type-only imports and `import()` are left out: neither runs anything at load time.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';

/** The TypeScript and JavaScript modules under `dir` (declaration files hold no code). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|mjs)$/.test(path) && !/\.d\.m?ts$/.test(path) ? [path] : [];
  });
}

interface Import {
  specifier: string;
  typeOnly: boolean;
  /** `import('…')`: loaded on first use, so it forms no cycle, but it still crosses a room's boundary. */
  dynamic?: boolean;
}

/** Static `import … from` and `export … from` clauses (comments stripped first). */
export function importsOf(text: string): Import[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: Import[] = [];
  for (const m of code.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm)) {
    out.push({ specifier: m[4]!, typeOnly: !!m[2] || /^\{\s*(type\s+[^,}]+,?\s*)+\}$/.test(m[3]!.trim()) });
  }
  for (const m of code.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push({ specifier: m[1]!, typeOnly: false });
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ specifier: m[1]!, typeOnly: false, dynamic: true });
  return out;
}

/** The file a relative specifier names (`./x` → `x.ts` or `x/index.ts`), or undefined for a package. */
function resolve(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = normalize(join(dirname(from), specifier));
  return [`${base}.ts`, join(base, 'index.ts'), base].find((candidate) => files.has(candidate));
}

/** Every cycle's smallest representation, found by depth-first search over the graph. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(canonical.join(' → '), canonical);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return [...cycles.values()];
}

/** Every room whose modules import one another; a cycle is looked for across all of them. */
const CODE_ROOTS = ['src', 'lib', 'local', 'cli', 'bench', 'scripts'];
const allFiles = CODE_ROOTS.flatMap((root) => sourceFiles(root)).map((f) => relative('.', f));
const fileSet = new Set(allFiles);
const files = allFiles.filter((f) => f.startsWith('src/') && f.endsWith('.ts'));
const importsByFile = new Map(allFiles.map((file) => [file, importsOf(readFileSync(file, 'utf8'))]));

/**
 * What each room may import (relative imports; packages are the domain and use-case rules'
 * business). The longest matching prefix names a file's room; the READMEs of the folders and
 * docs/architecture.md ("Rooms") say the same in words.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  'src/domain/': ['src/domain/', 'data/'],
  'src/ports/': ['src/ports/', 'src/domain/'],
  'src/store/': ['src/store/', 'src/domain/', 'src/ports/', 'src/config.ts', 'src/usecases/errors.ts'],
  'src/usecases/': [
    'src/usecases/',
    'src/domain/',
    'src/ports/',
    'src/store/',
    'src/bundle-seams/parse-rules.ts',
    'src/bundle-seams/validate-rules.ts',
  ],
  'src/adapters/': ['src/adapters/', 'src/ports/', 'src/domain/', 'src/store/', 'src/usecases/', 'src/config.ts', 'src/bundle-seams/'],
  'src/bundle-seams/': ['src/bundle-seams/', 'src/adapters/', 'src/domain/', 'src/ports/', 'src/usecases/', 'src/store/', 'src/config.ts'],
  'src/auth/': ['src/auth/'],
  // the API loads the local cloud's user directory (by import(), in its own chunk) only where
  // CASEBOOK_LOCAL_USERS_DIR is set, that is, when it runs inside the local cloud
  'src/api/': ['src/', 'local/user-directory.ts'],
  'src/': ['src/'],
  'lambdas/': ['src/'],
  'bin/': ['lib/'],
  'lib/': ['lib/', 'src/api/routes.ts', 'src/auth/', 'src/domain/'],
  // the local cloud runs the stack's bundles; it does not import the application's use cases or API
  'local/': ['local/', 'lib/project.ts', 'src/auth/', 'src/domain/', 'src/ports/'],
  'cli/': ['cli/', 'local/', 'src/'],
  'scripts/': ['scripts/', 'src/domain/'],
  'bench/': ['bench/', 'lib/', 'local/', 'src/', 'test/support/'],
};

function roomOf(file: string): string | undefined {
  return Object.keys(MAY_IMPORT)
    .filter((prefix) => file.startsWith(prefix))
    .sort((a, b) => b.length - a.length)[0];
}

/** Relative imports that leave the importing file's room for one it may not use. */
export function roomViolations(importsOf: ReadonlyMap<string, readonly Import[]>): string[] {
  return [...importsOf].flatMap(([file, imports]) => {
    const room = roomOf(file);
    if (!room) return [];
    return imports.flatMap(({ specifier }) => {
      if (!specifier.startsWith('.')) return [];
      const target = normalize(join(dirname(file), specifier));
      const allowed = MAY_IMPORT[room]!.some((prefix) =>
        prefix.endsWith('/') ? target.startsWith(prefix) : target.replace(/(\.ts)?$/, '.ts') === prefix,
      );
      return allowed ? [] : [`${file} → ${specifier}`];
    });
  });
}

describe('import rules', () => {
  it('reads the whole tree', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(importsOf("import type { A } from './a';\nimport { b, type C } from '../b';\nexport { d } from './d';")).toEqual([
      { specifier: './a', typeOnly: true },
      { specifier: '../b', typeOnly: false },
      { specifier: './d', typeOnly: false },
    ]);
  });

  it('src/domain imports nothing outside src/domain', () => {
    const offending = files
      .filter((file) => file.startsWith('src/domain/'))
      .flatMap((file) =>
        importsByFile.get(file)!.flatMap(({ specifier }) => {
          const target = resolve(file, specifier, fileSet);
          // data files (JSON registries under data/) are facts, not code
          const outside = specifier.startsWith('.')
            ? !target?.startsWith('src/domain/') && !specifier.endsWith('.json')
            : /^(@aws-sdk\/|aws-lambda$|aws-cdk-lib)/.test(specifier);
          return outside ? [`${file} → ${specifier}`] : [];
        }),
      );
    expect(offending).toEqual([]);
  });

  it('use cases import neither src/api, nor src/adapters, nor an AWS SDK', () => {
    const offending = files
      .filter((file) => file.startsWith('src/usecases/'))
      .flatMap((file) =>
        importsByFile.get(file)!.flatMap(({ specifier }) => {
          const target = resolve(file, specifier, fileSet) ?? '';
          return target.startsWith('src/api/') || target.startsWith('src/adapters/') || specifier.startsWith('@aws-sdk/')
            ? [`${file} → ${specifier}`]
            : [];
        }),
      );
    expect(offending).toEqual([]);
  });

  it('every room imports only the rooms it may (MAY_IMPORT), import() included', () => {
    const all = new Map([
      ...importsByFile,
      ...sourceFiles('lambdas').map((f) => [f, importsOf(readFileSync(f, 'utf8'))] as const),
      ...sourceFiles('bin').map((f) => [f, importsOf(readFileSync(f, 'utf8'))] as const),
    ]);
    expect(all.size).toBeGreaterThan(allFiles.length);
    // the check itself: a use case reaching for the HTTP layer, the local cloud for a use case
    expect(
      roomViolations(
        new Map([
          ['src/usecases/x.ts', [{ specifier: '../api/errors', typeOnly: false }]],
          ['local/x.ts', [{ specifier: '../src/usecases/intake/parse', typeOnly: false, dynamic: true }]],
          ['local/y.ts', [{ specifier: '../lib/project', typeOnly: false }]],
          [
            'src/domain/x.ts',
            [
              { specifier: './y', typeOnly: false },
              { specifier: 'zod', typeOnly: false },
            ],
          ],
        ]),
      ),
    ).toEqual(['src/usecases/x.ts → ../api/errors', 'local/x.ts → ../src/usecases/intake/parse']);
    expect(roomViolations(all)).toEqual([]);
  });

  it('has no import cycles across src/, lib/, local/, cli/, bench/ and scripts/', () => {
    expect(allFiles.some((f) => f.startsWith('local/'))).toBe(true);
    expect(allFiles.some((f) => f.startsWith('lib/'))).toBe(true);
    const graph = new Map(
      allFiles.map((file) => [
        file,
        importsByFile
          .get(file)!
          .filter((i) => !i.typeOnly && !i.dynamic)
          .flatMap((i) => resolve(file, i.specifier, fileSet) ?? []),
      ]),
    );
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(findCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });
});
