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
import { startLocalCloud } from '../../local/cloud';
import { loadDemoScenario } from '../../cli/support/demo-scenario';
import { SEED_PATH } from '../support/seed';
import { convertTo } from '../../src/domain/site/script';

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
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, 'cli', 'casebook.mjs'), '--data-dir', dataDir, '--json', 'demo', '--no-serve', '--timeout', '120'],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', CASEBOOK_DEBUG: '1' },
      },
    );
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
  // open data keeps each applicant's title as written, and two demo dossiers are in Simplified
  // script (the pages convert them): the titles are the seed's, script aside
  const folded = (title: string) => convertTo('hant', title);
  expect(summary.selected.map((c) => folded(c.title))).toEqual(seed.cases.map((c) => folded(c.title)));
  expect(summary.selected.filter((c) => c.title !== seed.cases[Number(c.order) - 1]?.title)).toHaveLength(2);
}

describe('casebook demo (npm start)', () => {
  let first: DemoSummary;

  it('publishes the 12 round-5 cases in the page order, with its reasons, from every dossier format', async () => {
    const run = await demo(540_000);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr.slice(-3000) }).toEqual({ code: 0, stderr: '' });
    first = JSON.parse(run.stdout.trim().split('\n').pop()!) as DemoSummary;
    expectTheSeedRound(first);
  }, 600_000);

  it('leaves an audit trail of exactly the decisions the scenario makes: every case eligible, the panel’s scores, the shortlist approved as ranked', async () => {
    const scenario = loadDemoScenario(join(PROJECT_ROOT, 'data', 'demo', 'scenario'));
    const cloud = await startLocalCloud({ dataDir, quiet: true });
    let lines: { action: string; actor: { id: string }; subject: string; change: any }[];
    try {
      const res = await fetch(`${cloud.endpoints.api}/rounds/round-5/audit`, {
        headers: { authorization: `Bearer ${await cloud.mintToken(scenario.personas.office)}` },
      });
      expect(res.status).toBe(200);
      lines = (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    } finally {
      await cloud.stop();
    }
    const decided = (action: string) => lines.filter((e) => e.action === action);
    const n = scenario.decisions.cases.length;
    // eligibility: one decision per stored case, all as the scenario says, by the office
    expect(decided('ELIGIBILITY_DECIDED').map((e) => [e.actor.id, e.change.decision])).toEqual(
      Array(n).fill([scenario.personas.office.sub, { outcome: 'eligible' }]),
    );
    // the panel: reviewersPerCase scores per case, each the scenario's sheet with the reviewer's leniency
    const scores = decided('SCORE_RECORDED');
    expect(scores).toHaveLength(n * 3);
    const byUnitTitle = new Map(first.selected.map((c) => [c.title, c]));
    expect(byUnitTitle.size).toBe(n);
    for (const e of scores) expect(scenario.personas.panel.map((p) => p.id)).toContain(e.change.reviewerId);
    // the ranking put the cases in the page's order, with no departure to explain
    const [ranked] = decided('ROUND_SHORTLISTED');
    expect(ranked!.change.shortlist.map((e: { rank: number }) => e.rank)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(ranked!.change.shortlist.filter((e: { explanation?: unknown }) => e.explanation)).toEqual([]);
    // the leadership meeting decided once: approve, the shortlist as ranked, no amendments
    const leadership = decided('LEADERSHIP_DECIDED');
    expect(leadership).toHaveLength(1);
    expect(leadership[0]!.actor.id).toBe(scenario.personas.approver.sub);
    expect(leadership[0]!.change.outcome).toBe('approve');
    expect(leadership[0]!.change.amendments).toEqual([]);
    expect(leadership[0]!.change.approvedList.map((e: { caseId: string }) => e.caseId)).toEqual(
      ranked!.change.shortlist.map((e: { caseId: string }) => e.caseId),
    );
    expect(leadership[0]!.change.approvedList.map((e: { reason: string }) => e.reason)).toEqual(
      scenario.decisions.cases.map((c) => c.reason),
    );
    // nobody objected, so nothing was ruled; the round was approved with the list as decided
    expect(decided('OBJECTIONS_RULED')).toEqual([]);
    expect(decided('ROUND_APPROVED')).toHaveLength(1);
    expect(lines.map((e) => e.action).filter((a) => /amend/i.test(a))).toEqual([]);
  }, 180_000);

  it('run again on the same data dir, picks the round up and prints the same result', async () => {
    const run = await demo(270_000);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr.slice(-3000) }).toEqual({ code: 0, stderr: '' });
    const again = JSON.parse(run.stdout.trim().split('\n').pop()!) as DemoSummary;
    expectTheSeedRound(again);
    expect(again.selected).toEqual(first.selected);
  }, 300_000);
});
