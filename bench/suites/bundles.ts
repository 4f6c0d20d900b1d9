/**
 * Suite 1 — Lambda bundles: the size of each deployed bundle, and the cold start of a Node
 * process that imports it against one that imports an empty handler bundle built the same way.
 * Goal: ≤ 1.5× the empty one for every function, ≤ 2.5× for the parser.
 */
import { build } from 'esbuild';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { interleaved, run, type SuiteResult } from '../lib/measure';
import { synthesizedFunctions } from '../lib/template';

const PARSER_FUNCTIONS = new Set(['parse-dossier']);

async function emptyBundle(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'casebook-empty-'));
  const entry = join(dir, 'handler.ts');
  writeFileSync(entry, 'export const handler = async () => ({ ok: true });\n');
  const outfile = join(dir, 'index.mjs');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node24', minify: true, outfile });
  return outfile;
}

/** A fresh Node process that imports the bundle (module scope runs: SDK clients, config) and exits. */
function coldStart(bundle: string, env: NodeJS.ProcessEnv) {
  const code = `await import(${JSON.stringify(pathToFileURL(bundle).href)});`;
  return () => run(process.execPath, ['--input-type=module', '-e', code], { env });
}

export async function runBundles(opts: { quick: boolean }): Promise<SuiteResult[]> {
  const functions = synthesizedFunctions();
  const empty = await emptyBundle();
  const rounds = opts.quick ? 3 : 15;
  const results: SuiteResult[] = [];
  for (const fn of functions) {
    const env = { ...process.env, ...fn.placeholderEnv, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' };
    const t = await interleaved(rounds, coldStart(fn.bundle, env), coldStart(empty, env));
    const ratio = t.a / t.b;
    const limit = PARSER_FUNCTIONS.has(fn.name) ? 2.5 : 1.5;
    results.push({
      name: `bundle cold start: ${fn.name}`,
      metric: 'import time, median ms (ratio = ours / empty bundle)',
      ours: t.a,
      baseline: t.b,
      ratio,
      goal: `≤ ${limit}×`,
      met: ratio <= limit,
      detail: { bundleBytes: statSync(fn.bundle).size, emptyBytes: statSync(empty).size, rounds },
    });
  }
  return results;
}
