#!/usr/bin/env node
// Entry point of the `casebook` CLI. It runs the TypeScript sources with no build step to forget:
// as one esbuild bundle built on first use and cached (see loadMain), or through tsx when no
// bundle can be built.
//
// npm scripts and npx run the Node.js pinned in devDependencies (the Lambda runtime's major).
// Started with an older `node` from PATH, the CLI re-runs itself on the pinned one rather than
// failing later in a dependency that needs a newer runtime.
import { spawnSync } from 'node:child_process';
import module from 'node:module';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REQUIRED_MAJOR = 22;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR && !process.env.CASEBOOK_REEXEC) {
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(pinned)) {
    process.stderr.write(
      `casebook: Node.js ${process.versions.node} is too old (need ${REQUIRED_MAJOR} or newer)\n  → run \`npm ci\` in the project, then \`npx casebook …\` or \`npm start\`\n`,
    );
    process.exit(2);
  }
  const result = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, CASEBOOK_REEXEC: '1' },
  });
  process.exit(result.status ?? (result.signal ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// The local cloud's heap flags.
//
// `demo` and `dev` host the local cloud in this process, and its heap limits can only be set when
// a process starts (see local/cloud-node-flags.mjs, shared with the benchmarks' cloud process). So
// those commands replace this process with one started with the flags: same pid, same stdio and
// signals (execve), at the cost of one more Node start. Where execve is missing (Windows) they
// run with V8's defaults.
const CLOUD_COMMANDS = new Set(['demo', 'dev']);
const GLOBAL_VALUE_OPTIONS = new Set(['--api', '--token', '--data-dir']);
{
  const args = process.argv.slice(2);
  const command = args.find((arg, i) => !arg.startsWith('-') && !GLOBAL_VALUE_OPTIONS.has(args[i - 1] ?? ''));
  if (CLOUD_COMMANDS.has(command) && typeof process.execve === 'function') {
    const { CLOUD_NODE_FLAGS } = await import('../local/cloud-node-flags.mjs');
    if (!CLOUD_NODE_FLAGS.every((flag) => process.execArgv.includes(flag))) {
      process.execve(
        process.execPath,
        [process.execPath, ...process.execArgv, ...CLOUD_NODE_FLAGS, fileURLToPath(import.meta.url), ...args],
        process.env,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The cached bundle.
//
// Starting through tsx costs about a third of a second before any command runs (a loader
// thread, and a transform of every source file the command imports), which is most of the run
// for a quick command. So the CLI is bundled with esbuild (the same compiler tsx uses) into
// node_modules/.cache/casebook/, once, and reused while its inputs are unchanged: every source
// file esbuild read (from its metafile) is compared by size and modification time at each start,
// along with this file, tsconfig.json, package.json, esbuild's version and the list of command
// files. Any difference rebuilds, so a bundle never runs stale code. npm packages stay outside the
// bundle and load from node_modules as before. Set CASEBOOK_NO_BUNDLE=1 to run through tsx.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COMMANDS_DIR = join(ROOT, 'cli', 'commands');
/**
 * Overridable for tests, which must not share (or race) the project's cache. It must lie inside
 * the project: the bundle imports npm packages by name, found from where it lies.
 */
const CACHE_DIR = process.env.CASEBOOK_CLI_CACHE
  ? resolve(process.env.CASEBOOK_CLI_CACHE)
  : join(ROOT, 'node_modules', '.cache', 'casebook');
const MANIFEST = join(CACHE_DIR, 'cli.json');
/** Builds no manifest points to are removed after this long (a long-running `dev` may still load chunks of one). */
const OLD_BUILD_MS = 24 * 60 * 60 * 1000;

function commandFiles() {
  return readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
}

function stamp(file) {
  const st = statSync(file);
  return `${st.size}:${st.mtimeMs}`;
}

/** Files that shape the bundle besides the sources esbuild reads. */
function fixedInputs() {
  return [
    fileURLToPath(import.meta.url),
    join(ROOT, 'package.json'),
    join(ROOT, 'tsconfig.json'),
    join(ROOT, 'node_modules', 'esbuild', 'package.json'),
  ];
}

/** The bundle's entry file if the manifest's recorded inputs all still match; otherwise null. */
function freshBundle() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return null;
  }
  try {
    if (manifest.commands.join('\n') !== commandFiles().join('\n')) return null;
    for (const [file, recorded] of Object.entries(manifest.inputs)) if (stamp(join(ROOT, file)) !== recorded) return null;
    const entry = join(CACHE_DIR, manifest.entry);
    return existsSync(entry) ? entry : null;
  } catch {
    return null; // an input was deleted: rebuild (and report the missing import if it is one)
  }
}

/**
 * esbuild puts every module in one file, where `import.meta.url` would name the bundle rather
 * than the source; each source file gets its own URL, path and folder written in instead, so
 * code that locates files next to itself (data, worker scripts, the commands folder) is unchanged.
 */
const sourceLocations = {
  name: 'casebook-source-locations',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, (args) => {
      if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const contents = source
        .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href))
        .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(args.path)))
        .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path));
      return { contents, loader: /\.m?ts$/.test(args.path) ? 'ts' : 'js' };
    });
  },
};

async function buildBundle() {
  const esbuild = await import('esbuild');
  const commands = commandFiles();
  const id = `cli-${process.pid}-${Date.now().toString(36)}`;
  const outdir = join(CACHE_DIR, id);
  // One entry: main plus a loader per command file, each command in its own chunk so that a
  // command loads only its own modules (as main.ts does from the folder).
  const entry = [
    `export { main } from ${JSON.stringify(join(ROOT, 'cli', 'main.ts'))};`,
    `export const files = ${JSON.stringify(commands)};`,
    'export const loaders = {',
    ...commands.map((f) => `  ${JSON.stringify(f)}: () => import(${JSON.stringify(join(COMMANDS_DIR, f))}),`),
    '};',
  ].join('\n');
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'casebook-cli-entry.js', loader: 'js' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    outdir,
    entryNames: 'main',
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    plugins: [sourceLocations],
    banner: { js: '// Generated by cli/casebook.mjs from the sources under cli/, src/ and local/; rebuilt when they change.' },
  });
  const inputs = {};
  for (const file of [
    ...Object.keys(result.metafile.inputs)
      .filter((f) => !f.startsWith('<') && f !== 'casebook-cli-entry.js')
      .map((f) => resolve(ROOT, f)),
    ...fixedInputs(),
  ]) {
    inputs[relative(ROOT, file)] = stamp(file);
  }
  const manifest = { entry: join(id, 'main.js'), commands, inputs };
  // Written then renamed, so that concurrent starts see either the old manifest or the new one.
  const tmp = `${MANIFEST}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(manifest));
  renameSync(tmp, MANIFEST);
  removeOldBuilds(id);
  return join(outdir, 'main.js');
}

function removeOldBuilds(keep) {
  try {
    for (const name of readdirSync(CACHE_DIR)) {
      if (!name.startsWith('cli-') || name === keep) continue;
      const dir = join(CACHE_DIR, name);
      if (Date.now() - statSync(dir).mtimeMs > OLD_BUILD_MS) rmSync(dir, { recursive: true, force: true });
    }
  } catch {
    // best effort: an old build left behind only takes disk space
  }
}

async function loadMain() {
  if (!process.env.CASEBOOK_NO_BUNDLE) {
    let entry = freshBundle();
    if (!entry) {
      try {
        mkdirSync(CACHE_DIR, { recursive: true });
        entry = await buildBundle();
      } catch (err) {
        if (process.env.CASEBOOK_DEBUG)
          process.stderr.write(`casebook: no bundle (${err instanceof Error ? err.message : String(err)}); running through tsx\n`);
        entry = null;
      }
    }
    if (entry) {
      // V8's compiled code for the bundle and the packages it loads, kept beside the bundle:
      // compiling them was a tenth of a quick command's time.
      module.enableCompileCache?.(join(CACHE_DIR, 'v8'));
      try {
        const bundle = await import(pathToFileURL(entry).href);
        return (argv) => bundle.main(argv, { files: bundle.files, load: (file) => bundle.loaders[file]() });
      } catch (err) {
        // e.g. a package the bundle imports is missing: tsx reports it in the sources' terms
        if (process.env.CASEBOOK_DEBUG)
          process.stderr.write(
            `casebook: bundle failed to load (${err instanceof Error ? err.message : String(err)}); running through tsx\n`,
          );
      }
    }
  }
  // Through tsx: slower to start, but needs nothing beyond the sources.
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  return main;
}

const main = await loadMain();
process.exitCode = await main(process.argv);
