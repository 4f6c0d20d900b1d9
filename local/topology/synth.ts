/**
 * Finding a usable synthesized template: cdk.out when it is fresh and complete, otherwise a
 * synthesis of the stack into the local cloud's own assembly dir, one process at a time, stopped
 * only when it stops making progress.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadTopology } from './build';
import { PROJECT_ROOT, STACK_TEMPLATE, TopologyError } from './names';

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Where the local cloud synthesizes when cdk.out is stale or unusable (its own dir: no race with
 * `npm run synth`). CASEBOOK_SYNTH_DIR names another one and makes the local cloud use only it,
 * never cdk.out: a clean start without touching the project's assemblies (the e2e tests). It must
 * lie inside the project, where the bundles find the npm packages they leave external.
 */
export function localAssemblyDir(root = PROJECT_ROOT): string {
  if (process.env.CASEBOOK_SYNTH_DIR) return resolve(process.env.CASEBOOK_SYNTH_DIR);
  return join(root, 'node_modules', '.cache', 'casebook-local', 'cdk.out');
}

function usableTemplate(template: string, newestSource: number): boolean {
  if (!existsSync(template) || statSync(template).mtimeMs < newestSource) return false;
  try {
    loadTopology(template); // every function's bundle is there
    return true;
  } catch {
    return false;
  }
}

/**
 * A synthesis that prints nothing and writes nothing for this long is taken to be stuck. The
 * measure is progress, not duration: on a busy machine a healthy synthesis takes minutes (five on
 * two loaded cores), but it prints a line and writes a bundle every few seconds.
 */
export const SYNTH_STALL_MS = 600_000;

/**
 * The template path: cdk.out when it is newer than the sources that go into it (the stack, the
 * handlers and what they bundle, the state machines) and complete; otherwise a synthesis into the
 * local cloud's own assembly dir, one process at a time.
 */
export async function ensureSynthesized(
  options: { projectRoot?: string; log?: (line: string) => void; stallMs?: number } = {},
): Promise<string> {
  const root = options.projectRoot ?? PROJECT_ROOT;
  const stallMs = options.stallMs ?? SYNTH_STALL_MS;
  const sources = ['bin', 'lib', 'lambdas', 'src', 'statemachines', 'package-lock.json'].map((p) => join(root, p));
  const newestSource = () =>
    Math.max(...sources.map((p) => (existsSync(p) && statSync(p).isFile() ? statSync(p).mtimeMs : newestMtime(p))));
  const projectTemplate = join(root, 'cdk.out', STACK_TEMPLATE);
  if (!process.env.CASEBOOK_SYNTH_DIR && usableTemplate(projectTemplate, newestSource())) return projectTemplate;
  const outDir = localAssemblyDir(root);
  const template = join(outDir, STACK_TEMPLATE);
  if (usableTemplate(template, newestSource())) return template;
  if (!existsSync(join(root, 'bin', 'casebook-app.ts'))) {
    throw new TopologyError(`no usable ${projectTemplate} and no bin/casebook-app.ts to synthesize it from`);
  }
  mkdirSync(dirname(outDir), { recursive: true });
  const lock = `${outDir}.lock`;
  const release = await takeSynthLock(lock, outDir, stallMs, options.log);
  try {
    const sourcesAtStart = newestSource();
    if (usableTemplate(template, sourcesAtStart)) return template; // another process synthesized meanwhile
    options.log?.('synthesizing the stack (cdk.out is missing, incomplete or older than the sources)…');
    await runSynth(root, outDir, stallMs);
    if (!existsSync(template)) throw new TopologyError(`synth ran but wrote no ${template}`);
    return template;
  } finally {
    release();
  }
}

/** The newest modification time under `dir`, tolerating files that vanish while it looks. */
function lastWriteUnder(dir: string): number {
  try {
    return newestMtime(dir);
  } catch {
    return Date.now(); // something was removed or renamed just now: that is activity too
  }
}

/** Runs `bin/casebook-app.ts` into `outDir`; stops it only when it stops making progress. */
function runSynth(root: string, outDir: string, stallMs: number): Promise<void> {
  return new Promise((resolveSynth, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'bin/casebook-app.ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CDK_OUTDIR: outDir },
      detached: true, // its own process group: a stuck synth is stopped with its esbuild children
    });
    let output = '';
    let lastProgress = Date.now();
    let lastWrite = lastWriteUnder(outDir);
    const onOutput = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
      lastProgress = Date.now();
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    let stalled = false;
    const watchdog = setInterval(
      () => {
        const written = lastWriteUnder(outDir);
        if (written !== lastWrite) [lastWrite, lastProgress] = [written, Date.now()];
        if (Date.now() - lastProgress <= stallMs) return;
        stalled = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      },
      Math.min(5_000, stallMs / 4),
    );
    const ended = (failure?: string) => {
      clearInterval(watchdog);
      if (!failure) resolveSynth();
      else reject(new TopologyError(`${failure} after ${Math.round((Date.now() - started) / 1000)} s:\n${output.trim()}`));
    };
    child.once('error', (err) => ended(`synth could not start (${err.message})`));
    child.once('close', (code, signal) => {
      if (stalled) ended(`synth stopped: it printed nothing and wrote nothing in ${outDir} for ${Math.round(stallMs / 1000)} s`);
      else if (code !== 0) ended(`synth failed (${signal ? `killed by ${signal}` : `exit ${code}`})`);
      else ended();
    });
  });
}

/**
 * A lock file with the holder's pid; a holder that died leaves a lock that the next caller takes
 * over. A live holder is waited for while its synthesis writes into `outDir`.
 */
async function takeSynthLock(file: string, outDir: string, stallMs: number, log?: (line: string) => void): Promise<() => void> {
  let lastWrite = lastWriteUnder(outDir);
  let lastProgress = Date.now();
  let said = false;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(readFileSync(file, 'utf8'));
    let alive = false;
    try {
      process.kill(holder, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (!alive || !holder) {
      rmSync(file, { force: true });
      continue;
    }
    if (!said) log?.(`waiting for the synthesis that process ${holder} is running…`);
    said = true;
    const written = lastWriteUnder(outDir);
    if (written !== lastWrite) [lastWrite, lastProgress] = [written, Date.now()];
    // the holder's own watchdog stops it after stallMs without progress; this waits a little longer
    if (Date.now() - lastProgress > stallMs * 1.5) {
      throw new TopologyError(
        `the synthesis of process ${holder} wrote nothing in ${outDir} for ${Math.round((Date.now() - lastProgress) / 1000)} s (remove ${file} if that process is not synthesizing)`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
