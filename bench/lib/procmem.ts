/**
 * Memory of a process tree from /proc: the resident set of a process and all its descendants
 * (the local cloud is Node + the JVM of DynamoDB Local + the s3rver child + tsx's esbuild).
 */
import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces and parentheses: fields start after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The pids of `root` and every descendant, alive now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const ppid = parentOf(pid);
    if (ppid === undefined) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

export function treeRssBytes(root: number): { total: number; byProcess: { pid: number; name: string; rss: number }[] } {
  const byProcess = processTree(root).map((pid) => {
    let name = '?';
    try {
      name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      // gone
    }
    return { pid, name, rss: rssBytes(pid) };
  });
  return { total: byProcess.reduce((s, p) => s + p.rss, 0), byProcess };
}

/** Samples the tree's RSS every `intervalMs` until stopped; returns the peak and its breakdown. */
export function samplePeakRss(root: number, intervalMs = 250) {
  let peak = treeRssBytes(root);
  let samples = 1;
  const timer = setInterval(() => {
    const now = treeRssBytes(root);
    samples += 1;
    if (now.total > peak.total) peak = now;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { peakBytes: peak.total, byProcess: peak.byProcess, samples };
    },
  };
}
