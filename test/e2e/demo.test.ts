/**
 * `npm start` is `casebook demo`: the main job users run first. It plays round 5 on the local
 * cloud from the demo dossiers (Markdown, JSON, Word, zip, a GB18030 file, broken ones) to the
 * published site, so it runs every deployed bundle the way Lambda loads them. Run twice on the
 * same data dir, as a user who types `npm start` again does, it must pick the round up and print
 * the same result instead of waiting for uploads that happened in the first run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { importAnnouncement } from '../../src/domain/announcement';
import { PROJECT_ROOT } from '../../local/topology';
import { SEED_PATH } from '../support/seed';

interface DemoSummary {
  roundId: string;
  selected: { order: number; unit: string; title: string; reason: string }[];
  links: { site: string };
}

const dataDir = mkdtempSync(join(tmpdir(), 'casebook-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }), 300_000);

/** Runs the demo; a run still going after `limitMs` is killed, and its progress lines say where it was. */
function demo(limitMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'cli', 'casebook.mjs'), '--data-dir', dataDir, '--json', 'demo', '--no-serve', '--timeout', '120'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', CASEBOOK_DEBUG: '1' },
    });
    const limit = setTimeout(() => child.kill('SIGTERM'), limitMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (process.env.CASEBOOK_E2E_VERBOSE) process.stderr.write(`[${new Date().toISOString()}] ${d.toString()}`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr });
    });
  });
}

const seed = importAnnouncement(readFileSync(SEED_PATH, 'utf8'));

function expectTheSeedRound(summary: DemoSummary) {
  expect(summary.roundId).toBe('round-5');
  expect(summary.selected.map((c) => Number(c.order))).toEqual(seed.cases.map((_, i) => i + 1));
  expect(summary.selected.map((c) => c.reason)).toEqual(seed.cases.map((c) => c.reason));
}

describe('casebook demo (npm start)', () => {
  let first: DemoSummary;

  it('publishes the 12 round-5 cases in the page order, with its reasons, from every dossier format', async () => {
    const run = await demo(540_000);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr.slice(-3000) }).toEqual({ code: 0, stderr: '' });
    first = JSON.parse(run.stdout.trim().split('\n').pop()!) as DemoSummary;
    expectTheSeedRound(first);
  }, 600_000);

  it('run again on the same data dir, picks the round up and prints the same result', async () => {
    const run = await demo(270_000);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr.slice(-3000) }).toEqual({ code: 0, stderr: '' });
    const again = JSON.parse(run.stdout.trim().split('\n').pop()!) as DemoSummary;
    expectTheSeedRound(again);
    expect(again.selected).toEqual(first.selected);
  }, 300_000);
});
