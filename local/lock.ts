/**
 * One local cloud per data dir. The lock file names the owning process (pid plus its start time,
 * so a recycled pid is not mistaken for the owner) and the helper processes it started. A lock
 * left by a killed run is stale: its helpers are ended if they are still ours, and it is removed.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface LockInfo {
  pid: number;
  startTime: string | null;
  startedAt: string;
  /** Helper process groups/processes (DynamoDB Local guard, s3rver) with a marker of their command line. */
  helpers: { pid: number; group: boolean; marker: string }[];
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockInfo,
  ) {
    super(
      `the data dir ${dataDir} is in use by a running local cloud (pid ${owner.pid}, since ${owner.startedAt}).\n` +
        `  → stop it (Ctrl-C in its terminal, or kill ${owner.pid}) or pass another --data-dir`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** Field 22 of /proc/<pid>/stat: the process start time in clock ticks since boot. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export function lockPath(dataDir: string): string {
  return join(dataDir, 'casebook.lock');
}

export function ownerIsAlive(info: LockInfo): boolean {
  if (!isAlive(info.pid)) return false;
  const start = processStartTime(info.pid);
  return info.startTime === null || start === null || start === info.startTime;
}

/** Takes the lock or throws DataDirLockedError; clears a stale lock (and its orphans) on the way. */
export function acquireLock(dataDir: string, log?: (line: string) => void): LockHandle {
  const file = lockPath(dataDir);
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    const info: LockInfo = {
      pid: process.pid,
      startTime: processStartTime(process.pid),
      startedAt: new Date().toISOString(),
      helpers: [],
    };
    try {
      writeFileSync(file, JSON.stringify(info, null, 1), { flag: 'wx' });
      return new LockHandle(file, info);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let existing: LockInfo;
    try {
      existing = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    } catch {
      // Half-written by a run killed mid-write: nobody can own it.
      rmSync(file, { force: true });
      continue;
    }
    if (ownerIsAlive(existing)) throw new DataDirLockedError(dataDir, existing);
    for (const helper of existing.helpers ?? []) {
      if (isAlive(helper.pid) && commandLine(helper.pid).includes(helper.marker)) {
        log?.(`ending pid ${helper.pid} left behind by a killed run`);
        try {
          process.kill(helper.group ? -helper.pid : helper.pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
    log?.(`cleared a stale lock of pid ${existing.pid} (not running)`);
    rmSync(file, { force: true });
  }
  throw new Error(`could not take the lock ${file}`);
}

export class LockHandle {
  constructor(
    readonly file: string,
    private readonly info: LockInfo,
  ) {}

  addHelper(pid: number, group: boolean, marker: string): void {
    this.info.helpers.push({ pid, group, marker });
    writeFileSync(this.file, JSON.stringify(this.info, null, 1));
  }

  release(): void {
    try {
      const current = JSON.parse(readFileSync(this.file, 'utf8')) as LockInfo;
      if (current.pid !== this.info.pid) return;
    } catch {
      return;
    }
    if (existsSync(this.file)) rmSync(this.file, { force: true });
  }
}
