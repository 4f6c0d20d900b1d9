/**
 * Suite 1 — Lambda bundles: the size of each deployed bundle, and the cold start of a Node
 * process that imports it against one that imports an empty handler bundle built the same way.
 * Goal: ≤ 1.5× the empty one for every function, ≤ 2.5× for the parser.
 *
 * The same run also measures "floors": bundles that hold nothing but what every function must
 * load at init by the project's choice of libraries (an AWS SDK v3 client created at module scope, the
 * lib-dynamodb DocumentClient, zod), built exactly as the functions are (`esbuildArgs`). They
 * have no goal of their own; each function's row names its floor's ratio and how many ms the
 * function spends above it, so the report shows how much of a ratio is the prescribed libraries
 * and how much is the function's own code.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { esbuildArgs } from '../../lib/casebook-function';
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

/** Reference entries: only the prescribed libraries, used the way the functions use them. */
const FLOORS = {
  ddb: {
    label: 'DynamoDB DocumentClient',
    source: `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
export const handler = async (event: { id: string }) => doc.send(new GetCommand({ TableName: 't', Key: { PK: event.id, SK: event.id } }));
`,
  },
  zod: {
    label: 'zod',
    source: `import { z } from 'zod';
const Input = z.object({ id: z.string().min(1), n: z.number().int().optional() });
export const handler = async (event: unknown) => Input.parse(event);
`,
  },
  'ddb+zod': {
    label: 'DynamoDB DocumentClient + zod',
    source: `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const Input = z.object({ id: z.string().min(1), n: z.number().int().optional() });
export const handler = async (event: unknown) => { const { id } = Input.parse(event); return doc.send(new GetCommand({ TableName: 't', Key: { PK: id, SK: id } })); };
`,
  },
  sfn: {
    label: 'Step Functions client',
    source: `import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
const sfn = new SFNClient({});
export const handler = async (event: { arn: string }) => sfn.send(new StartExecutionCommand({ stateMachineArn: event.arn }));
`,
  },
} as const;
type FloorId = keyof typeof FLOORS;

/** Which floor a function is compared with: what it must load at init, at the least. */
function floorOf(name: string): FloorId {
  // The router only starts executions; every other function reads or writes the table and
  // checks its input or records with zod.
  return name === 'intake-router' ? 'sfn' : 'ddb+zod';
}

/**
 * Builds a floor entry with the functions' own esbuild arguments. The entry sits under
 * node_modules/.cache so that it resolves the project's packages.
 */
async function floorBundle(id: FloorId): Promise<string> {
  const root = join(process.cwd(), 'node_modules', '.cache', 'casebook-bench-floors', id.replace('+', '-'));
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'out'), { recursive: true });
  const entry = join(root, 'handler.ts');
  writeFileSync(entry, FLOORS[id].source);
  await promisify(execFile)(join(process.cwd(), 'node_modules', '.bin', 'esbuild'), ['--bundle', entry, ...esbuildArgs(join(root, 'out'))]);
  return join(root, 'out', 'index.mjs');
}

/** The entry file's size, and all chunks' (those the entry imports statically load at init, the rest on demand). */
function bundleBytes(bundle: string): { entryBytes: number; chunkBytes: number } {
  const chunks = join(bundle, '..', 'chunks');
  let chunkBytes = 0;
  try {
    for (const f of readdirSync(chunks)) if (f.endsWith('.mjs')) chunkBytes += statSync(join(chunks, f)).size;
  } catch {
    // a bundle without import() has no chunks folder
  }
  return { entryBytes: statSync(bundle).size, chunkBytes };
}

/** A fresh Node process that imports the bundle (module scope runs: SDK clients, config) and exits. */
function coldStart(bundle: string, env: NodeJS.ProcessEnv) {
  const code = `await import(${JSON.stringify(pathToFileURL(bundle).href)});`;
  return () => run(process.execPath, ['--input-type=module', '-e', code], { env });
}

const AWS_ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' };

export async function runBundles(opts: { quick: boolean }): Promise<SuiteResult[]> {
  const functions = synthesizedFunctions();
  const empty = await emptyBundle();
  const rounds = opts.quick ? 3 : 15;

  // Floors run with the functions' runtime options (NODE_OPTIONS from the template: source maps).
  const floorEnv = { ...process.env, NODE_OPTIONS: functions[0]?.placeholderEnv['NODE_OPTIONS'] ?? '', ...AWS_ENV };
  const floorBundles = new Map<FloorId, string>();
  const floors = new Map<FloorId, { ms: number; emptyMs: number; ratio: number; bytes: number }>();
  for (const id of Object.keys(FLOORS) as FloorId[]) {
    const bundle = await floorBundle(id);
    floorBundles.set(id, bundle);
    const t = await interleaved(rounds, coldStart(bundle, floorEnv), coldStart(empty, floorEnv));
    floors.set(id, { ms: t.a, emptyMs: t.b, ratio: t.a / t.b, bytes: bundleBytes(bundle).entryBytes });
  }

  const results: SuiteResult[] = [];
  for (const fn of functions) {
    const env = { ...process.env, ...fn.placeholderEnv, ...AWS_ENV };
    const t = await interleaved(rounds, coldStart(fn.bundle, env), coldStart(empty, env));
    const ratio = t.a / t.b;
    const limit = PARSER_FUNCTIONS.has(fn.name) ? 2.5 : 1.5;
    const floorId = floorOf(fn.name);
    // The function's floor again, right after it, so that both meet the same load on this
    // shared machine: ms above what the prescribed libraries alone take in the same conditions.
    const ft = await interleaved(rounds, coldStart(floorBundles.get(floorId)!, env), coldStart(empty, env));
    const floor = { ratio: ft.a / ft.b, ms: ft.a, bytes: floors.get(floorId)!.bytes };
    const overFloorMs = t.a - floor.ratio * t.b;
    const { entryBytes, chunkBytes } = bundleBytes(fn.bundle);
    results.push({
      name: `bundle cold start: ${fn.name}`,
      metric: `import time, median ms (ratio = ours / empty bundle; floor "${FLOORS[floorId].label}" alone: ${floor.ratio.toFixed(2)}×, this function ${overFloorMs >= 0 ? '+' : '−'}${Math.abs(overFloorMs).toFixed(0)} ms against it)`,
      ours: t.a,
      baseline: t.b,
      ratio,
      goal: `≤ ${limit}×`,
      met: ratio <= limit,
      detail: {
        bundleBytes: entryBytes,
        lazyChunkBytes: chunkBytes,
        emptyBytes: statSync(empty).size,
        rounds,
        floor: FLOORS[floorId].label,
        floorRatio: floor.ratio,
        floorMs: floor.ms,
        floorBundleBytes: floor.bytes,
        overFloorMs,
        // every floor once, at the start of the run
        floors: Object.fromEntries([...floors].map(([id, f]) => [FLOORS[id].label, { ratio: f.ratio, ms: f.ms, emptyMs: f.emptyMs }])),
      },
    });
  }
  return results;
}
