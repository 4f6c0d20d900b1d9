/**
 * Suite 1 — Lambda bundles: the size of each deployed bundle, and the cold start of a Node
 * process that imports it, against a FLOOR bundle that creates one DynamoDB DocumentClient and
 * nothing else (the least any of our functions needs at init), built the same way.
 * Goal: ≤ 1.25× the floor for every function, ≤ 1.6× for the parser and the publisher.
 *
 * Each function, its floor and an empty handler bundle are imported in turn, in an order that
 * rotates every round (`interleavedMany`), and compared by their medians: the machine is shared
 * and noisy, and a burst of load must hit all three alike. The empty-bundle ratio (what Node's
 * own start costs) is kept beside the floor's in every row.
 *
 * The same run also measures zod on its own (imported as our code imports it, and `zod/mini`),
 * so the report can say how much of a function's init is zod's.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { esbuildArgs } from '../../lib/casebook-function';
import { interleavedMany, run, type SuiteResult } from '../lib/measure';
import { synthesizedFunctions } from '../lib/template';

/** Functions whose goal is ≤ 1.6× the floor: they must read a dossier or render the site on every call. */
const HEAVY_FUNCTIONS = new Set(['parse-dossier', 'publisher']);
const GOAL = 1.25;
const HEAVY_GOAL = 1.6;

/** Reference entries, built exactly as the functions are (`esbuildArgs`). */
const FLOORS = {
  empty: {
    label: 'empty handler',
    source: `export const handler = async () => ({ ok: true });
`,
  },
  ddb: {
    label: 'one DynamoDB DocumentClient',
    source: `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
export const handler = async (event: { id: string }) => doc.send(new GetCommand({ TableName: 't', Key: { PK: event.id, SK: event.id } }));
`,
  },
  // zod imported as src/ imports it (a namespace import, which esbuild tree-shakes; \`import { z }\`
  // would keep every locale and measure 4× the bytes we ship), with one small schema.
  zod: {
    label: 'zod (one small schema)',
    source: `import * as z from 'zod';
const Input = z.object({ id: z.string().min(1), n: z.number().int().optional() });
export const handler = async (event: unknown) => Input.parse(event);
`,
  },
  'zod-mini': {
    label: 'zod/mini (the same schema)',
    source: `import * as z from 'zod/mini';
const Input = z.object({ id: z.string().check(z.minLength(1)), n: z.optional(z.number().check(z.int())) });
export const handler = async (event: unknown) => Input.parse(event);
`,
  },
} as const;
type FloorId = keyof typeof FLOORS;

/**
 * Builds a reference entry with the functions' own esbuild arguments. The entry sits under
 * node_modules/.cache so that it resolves the project's packages.
 */
async function floorBundle(id: FloorId): Promise<string> {
  const root = join(process.cwd(), 'node_modules', '.cache', 'casebook-bench-floors', id);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'out'), { recursive: true });
  const entry = join(root, 'handler.ts');
  writeFileSync(entry, FLOORS[id].source);
  await promisify(execFile)(join(process.cwd(), 'node_modules', '.bin', 'esbuild'), ['--bundle', entry, ...esbuildArgs(join(root, 'out'))]);
  return join(root, 'out', 'index.mjs');
}

/** Relative module paths a minified ESM file imports statically (`import"./x.mjs"`, `from"./x.mjs"`), not by `import()`. */
function staticImports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  return [...code.matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+\.mjs)["']/g)].map((m) => resolve(dirname(file), m[1]!));
}

/**
 * A bundle's bytes: `initBytes` = the entry and every chunk it imports statically, transitively
 * (all of it is read and compiled at every cold start); `lazyBytes` = the chunks only `import()`
 * reaches (read on first use).
 */
export function bundleBytes(bundle: string): { initBytes: number; lazyBytes: number } {
  const init = new Set<string>();
  const queue = [resolve(bundle)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (init.has(file) || !existsSync(file)) continue;
    init.add(file);
    queue.push(...staticImports(file));
  }
  let initBytes = 0;
  for (const f of init) initBytes += statSync(f).size;
  let lazyBytes = 0;
  const chunks = join(dirname(bundle), 'chunks');
  if (existsSync(chunks))
    for (const f of readdirSync(chunks)) if (f.endsWith('.mjs') && !init.has(join(chunks, f))) lazyBytes += statSync(join(chunks, f)).size;
  return { initBytes, lazyBytes };
}

/** A fresh Node process that imports the bundle (module scope runs: SDK clients, config) and exits. */
function coldStart(bundle: string, env: NodeJS.ProcessEnv) {
  const code = `await import(${JSON.stringify(pathToFileURL(bundle).href)});`;
  return () => run(process.execPath, ['--input-type=module', '-e', code], { env });
}

const AWS_ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' };
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

export async function runBundles(opts: { quick: boolean }): Promise<SuiteResult[]> {
  const functions = synthesizedFunctions();
  const rounds = opts.quick ? 3 : 15;
  const bundles = {} as Record<FloorId, string>;
  for (const id of Object.keys(FLOORS) as FloorId[]) bundles[id] = await floorBundle(id);

  // Floors run with the functions' runtime options (NODE_OPTIONS from the template: source maps).
  const floorEnv = { ...process.env, NODE_OPTIONS: functions[0]?.placeholderEnv['NODE_OPTIONS'] ?? '', ...AWS_ENV };
  // zod's own share: each reference bundle against the empty one and the floor, side by side.
  const ids = Object.keys(FLOORS) as FloorId[];
  const ref = await interleavedMany(
    rounds,
    ids.map((id) => coldStart(bundles[id], floorEnv)),
  );
  const refMs = Object.fromEntries(ids.map((id, i) => [id, ref.medians[i]!])) as Record<FloorId, number>;
  const references = Object.fromEntries(
    ids.map((id) => [
      FLOORS[id].label,
      {
        ms: refMs[id],
        overEmptyMs: refMs[id] - refMs.empty,
        ratioToEmpty: refMs[id] / refMs.empty,
        initBytes: bundleBytes(bundles[id]).initBytes,
      },
    ]),
  );

  const results: SuiteResult[] = [];
  for (const fn of functions) {
    const env = { ...process.env, ...fn.placeholderEnv, ...AWS_ENV };
    // The function, its floor and the empty bundle in turn, under the same load.
    const t = await interleavedMany(rounds, [coldStart(fn.bundle, env), coldStart(bundles.ddb, env), coldStart(bundles.empty, env)]);
    const [ours, floor, empty] = t.medians as [number, number, number];
    const ratio = ours / floor;
    const limit = HEAVY_FUNCTIONS.has(fn.name) ? HEAVY_GOAL : GOAL;
    const { initBytes, lazyBytes } = bundleBytes(fn.bundle);
    results.push({
      name: `bundle cold start: ${fn.name}`,
      metric:
        `import time, median ms of ${rounds} fresh processes each, interleaved (ratio = ours / floor "${FLOORS.ddb.label}"; ` +
        `ours ${(ours / empty).toFixed(2)}× and the floor ${(floor / empty).toFixed(2)}× an empty bundle; init code ${kb(initBytes)}, lazy chunks ${kb(lazyBytes)})`,
      ours,
      baseline: floor,
      ratio,
      goal: `≤ ${limit}×`,
      met: ratio <= limit,
      detail: {
        rounds,
        floor: FLOORS.ddb.label,
        floorMs: floor,
        emptyMs: empty,
        emptyRatio: ours / empty,
        floorEmptyRatio: floor / empty,
        initBytes,
        lazyBytes,
        floorInitBytes: bundleBytes(bundles.ddb).initBytes,
        samples: { ours: t.samples[0], floor: t.samples[1], empty: t.samples[2] },
        // every reference once, at the start of the run: zod's own share of an init
        references,
      },
    });
  }
  return results;
}
