/**
 * Suite 3 — .docx parsing: `casebook validate DIR --json` on 100 .docx dossiers against Debian's
 * `pandoc -t plain` converting the same 100 files one after another (one process per file, as a
 * shell loop over a folder would). Both sides are whole processes from spawn to exit, interleaved.
 * Goal: ≥ 3× pandoc's throughput.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interleaved, run, type SuiteResult } from '../lib/measure';
import { benchDossiers, renderBenchDocx } from '../fixtures/dossiers';
import { findTool, PANDOC, ToolMissingError } from '../../local/executables';

/** pandoc: `$PANDOC_PATH`, else `pandoc` on PATH; or why it is missing (the suite then reports no comparison). */
export function pandocPath(): { path: string } | { missing: string } {
  try {
    return { path: findTool(PANDOC) };
  } catch (err) {
    if (err instanceof ToolMissingError) return { missing: err.message.split('\n')[0]! };
    throw err;
  }
}

export async function writeDocxDossiers(dir: string, n: number): Promise<string[]> {
  const dossiers = benchDossiers(n);
  const files: string[] = [];
  for (const [i, d] of dossiers.entries()) {
    const file = join(dir, `${d.fileName}.docx`);
    writeFileSync(file, await renderBenchDocx(d, i));
    files.push(file);
  }
  return files;
}

export async function runDocx(opts: { quick: boolean }): Promise<SuiteResult[]> {
  const n = opts.quick ? 20 : 100;
  const rounds = opts.quick ? 1 : 5;
  const name = `.docx: casebook validate on ${n} dossiers vs pandoc -t plain`;
  const tool = pandocPath();
  if (!('path' in tool)) {
    return [
      {
        name,
        metric: `${tool.missing}: nothing to compare with`,
        ours: Number.NaN,
        baseline: Number.NaN,
        ratio: Number.NaN,
        goal: '≥ 3×',
        met: false,
      },
    ];
  }
  const dir = mkdtempSync(join(tmpdir(), 'casebook-bench-docx-'));
  try {
    const files = await writeDocxDossiers(dir, n);
    let reports: { valid?: boolean }[] = [];
    const ours = async () => {
      // exit 1 means "some dossier invalid": a result, not a failure; every file must be reported
      const out = await run(process.execPath, ['cli/casebook.mjs', 'validate', dir, '--json']).catch((err: Error) => {
        throw new Error(`casebook validate failed: ${err.message}`);
      });
      reports = out.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { valid?: boolean });
    };
    const pandoc = async () => {
      for (const f of files) await run(tool.path, ['-t', 'plain', f]);
    };
    const t = await interleaved(rounds, ours, pandoc);
    const valid = reports.filter((r) => r.valid).length;
    if (reports.length !== n) throw new Error(`casebook validate reported ${reports.length} of ${n} files`);
    const speedup = t.b / t.a;
    return [
      {
        name,
        metric: `dossiers/s, whole processes, median of ${rounds} (ours ${(n / (t.a / 1000)).toFixed(1)}/s, pandoc ${(n / (t.b / 1000)).toFixed(1)}/s); values are ms per batch; ratio = throughput ours / pandoc`,
        ours: t.a,
        baseline: t.b,
        ratio: speedup,
        goal: '≥ 3×',
        met: speedup >= 3,
        detail: { files: readdirSync(dir).length, validReports: valid, rounds, oursSamplesMs: t.aSamples, pandocSamplesMs: t.bSamples },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
