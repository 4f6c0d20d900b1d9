#!/usr/bin/env node
// Converts test files written for vitest to this project's jest set-up, in place:
//
//   node scripts/vitest-to-jest.mjs test/unit/foo.test.ts [more files…]   (no file: every test/**/*.ts)
//
// What it rewrites (the project moved from vitest to jest 30; a test written meanwhile in the old
// style converts with this and nothing else):
//   - `import { … } from 'vitest'` → `from '@jest/globals'`, with `vi` → `jest` (and every `vi.`);
//   - a file that passes a message as expect's second argument (`expect(x, 'which one')`) takes
//     `expect` from test/support/expect.ts, which keeps that message (jest's own expect has none);
//   - `expect.poll(fn, opts).matcher(…)` → `poll(fn, opts).matcher(…)` from test/support/poll.ts;
//   - `.toThrowError(…)` → `.toThrow(…)` (jest 30 dropped the alias);
//   - `expect(x[, msg]).toBeTypeOf('t')` → `expect(typeof x[, msg]).toBe('t')` (vitest only);
//   - `it(name, { timeout: N }, fn)` → `it(name, fn, N)`;
//   - hooks without a timeout in the workflow, e2e and browser projects get the project's hook
//     timeout (vitest's `hookTimeout`; jest gives hooks the test timeout unless told otherwise).
// What it cannot rewrite it reports (exit 1): a `describe(name, { timeout }, fn)` (give each test
// its timeout), and any other vitest-only API it sees.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Hook timeouts that differ from the project's test timeout (see jest.config.mjs). */
const HOOK_TIMEOUTS = { workflow: '120_000', e2e: '300_000', browser: '300_000' };
const HOOKS = new Set(['beforeAll', 'afterAll', 'beforeEach', 'afterEach']);
const VITEST_ONLY =
  /\bvi\.(mock|hoisted|stubEnv|stubGlobal|unstubAll\w*|waitFor|waitUntil|importActual|importMock|mocked)\b|\bexpect\.(soft|unreachable|assert)\b|\bexpectTypeOf\b|\bassertType\b|\bonTestFinished\b|\bonTestFailed\b|\btoMatchFileSnapshot\b|\btoSatisfy\b|\btoBeOneOf\b|\btoHaveBeenCalledOnce\b|\b(it|test|describe)\.(concurrent|sequential|for|extend|runIf|skipIf)\b/g;

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === '__snapshots__' ? [] : testFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function supportImport(file, module) {
  let rel = relative(dirname(file), join(ROOT, 'test', 'support', module))
    .split('\\')
    .join('/');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

export function convert(file, source) {
  const problems = [];
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits = []; // [start, end, text]
  const project = relative(join(ROOT, 'test'), file).split(/[\\/]/)[0];
  const hookTimeout = HOOK_TIMEOUTS[project];
  let usesMessage = false;
  let usesPoll = false;
  let vitestImport;
  const line = (node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;

  const isExpectCall = (n) => ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'expect';

  const visit = (n) => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && n.moduleSpecifier.text === 'vitest') vitestImport = n;
    if (isExpectCall(n) && n.arguments.length > 1) usesMessage = true;
    // expect.poll(…) → poll(…)
    if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      n.expression.name.text === 'poll' &&
      ts.isIdentifier(n.expression.expression) &&
      n.expression.expression.text === 'expect'
    ) {
      edits.push([n.expression.getStart(sf), n.expression.getEnd(), 'poll']);
      usesPoll = true;
    }
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'vi') {
      edits.push([n.expression.getStart(sf), n.expression.getEnd(), 'jest']);
    }
    if (ts.isPropertyAccessExpression(n) && n.name.text === 'toThrowError') edits.push([n.name.getStart(sf), n.name.getEnd(), 'toThrow']);
    // expect(x[, msg]).toBeTypeOf(t) → expect(typeof x[, msg]).toBe(t)
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'toBeTypeOf') {
      const target = n.expression.expression;
      if (isExpectCall(target) && target.arguments.length >= 1) {
        edits.push([target.arguments[0].getStart(sf), target.arguments[0].getStart(sf), 'typeof ']);
        edits.push([n.expression.name.getStart(sf), n.expression.name.getEnd(), 'toBe']);
      } else problems.push(`${file}:${line(n)}: toBeTypeOf on something other than expect(…): rewrite by hand`);
    }
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
      const name = n.expression.text;
      // it(name, { timeout }, fn) → it(name, fn, timeout)
      if ((name === 'it' || name === 'test') && n.arguments.length === 3 && ts.isObjectLiteralExpression(n.arguments[1])) {
        const timeout = n.arguments[1].properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText(sf) === 'timeout');
        if (timeout && n.arguments[1].properties.length === 1) {
          edits.push([n.arguments[1].getStart(sf), n.arguments[2].getStart(sf), '']);
          edits.push([n.arguments[2].getEnd(), n.arguments[2].getEnd(), `, ${timeout.initializer.getText(sf)}`]);
        } else problems.push(`${file}:${line(n)}: ${name} with test options other than { timeout }: rewrite by hand`);
      }
      if (name === 'describe' && n.arguments.length === 3 && ts.isObjectLiteralExpression(n.arguments[1])) {
        problems.push(
          `${file}:${line(n)}: describe with options (${n.arguments[1].getText(sf)}): jest has none; give each test its timeout`,
        );
      }
      if (hookTimeout && HOOKS.has(name) && n.arguments.length === 1) {
        edits.push([n.arguments[0].getEnd(), n.arguments[0].getEnd(), `, ${hookTimeout}`]);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);

  for (const m of source.matchAll(VITEST_ONLY)) {
    const at = source.slice(0, m.index).split('\n').length;
    problems.push(`${file}:${at}: ${m[0]} has no jest equivalent here: rewrite by hand`);
  }

  if (vitestImport) {
    const clause = vitestImport.importClause;
    const names =
      clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements.map((e) => e.getText(sf)) : [];
    const globals = names.map((n) => (n === 'vi' ? 'jest' : n)).filter((n) => !(usesMessage && n === 'expect'));
    const lines = [];
    if (globals.length) lines.push(`import { ${globals.join(', ')} } from '@jest/globals';`);
    if (usesMessage && names.includes('expect')) lines.push(`import { expect } from '${supportImport(file, 'expect')}';`);
    if (usesPoll) lines.push(`import { poll } from '${supportImport(file, 'poll')}';`);
    edits.push([vitestImport.getStart(sf), vitestImport.getEnd(), lines.join('\n')]);
  } else if (usesPoll) {
    problems.push(`${file}: uses expect.poll without importing from vitest: add import { poll } from '${supportImport(file, 'poll')}'`);
  }

  edits.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  let out = source;
  for (const [start, end, text] of edits) out = out.slice(0, start) + text + out.slice(end);
  return { out, problems };
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('vitest-to-jest.mjs')) {
  const args = process.argv.slice(2).map((f) => resolve(f));
  const files = args.length ? args : testFiles(join(ROOT, 'test'));
  const problems = [];
  let changed = 0;
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const result = convert(file, source);
    problems.push(...result.problems.map((p) => p.replace(file, relative(ROOT, file))));
    if (result.out !== source) {
      writeFileSync(file, result.out);
      changed += 1;
    }
  }
  process.stdout.write(`vitest-to-jest: ${changed} of ${files.length} files rewritten\n`);
  if (problems.length) {
    process.stderr.write(`${problems.join('\n')}\n`);
    process.exit(1);
  }
}
