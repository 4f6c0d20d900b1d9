/**
 * Durability: the local cloud runs in a child process (`casebook dev`), cases wait for approval,
 * the process is SIGKILLed, started again on the same data dir: every waiting approval is still
 * listed once and can be decided; no case, execution or notification is lost or duplicated; the
 * killed run leaves no Java behind, and SIGTERM stops cleanly and frees the ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readEndpoints, type EndpointsFile } from '../../local/endpoints';
import { createLocalIssuer, type LocalIssuer } from '../../local/issuer';
import { lockPath, type LockInfo } from '../../local/lock';
import { ensureSynthesized, PROJECT_ROOT } from '../../local/topology';
import { apiClient, UNITS, validDossier, waitFor, type UnitKey } from '../support/localcloud';
import { cloudCharter, REVIEWERS, SECRETARIAT } from '../support/charters';

const dataDir = mkdtempSync(join(tmpdir(), 'casebook-crash-'));
let child: ChildProcess | undefined;
let issuer: LocalIssuer;

function startDev(): ChildProcess {
  const proc = spawn(process.execPath, [join(PROJECT_ROOT, 'cli', 'casebook.mjs'), '--data-dir', dataDir, 'dev'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', process.env.CASEBOOK_E2E_VERBOSE ? 'inherit' : 'ignore'],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  return proc;
}

async function running(previousPid?: number): Promise<EndpointsFile> {
  return waitFor(
    async () => readEndpoints(dataDir),
    (info) => info !== undefined && info.pid !== previousPid,
    'the local cloud in the child process',
    120_000,
  ) as Promise<EndpointsFile>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  await ensureSynthesized(); // once here, so both boots of the child find a current template
  issuer = await createLocalIssuer(dataDir); // same key file as the child's issuer
}, 300_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 300_000);

describe('SIGKILL while cases wait for approval, then a restart', () => {
  it('keeps every waiting approval, decidable, with nothing lost or duplicated', async () => {
    child = startDev();
    const first = await running();
    let api = apiClient(first.endpoints.api);
    const office = await issuer.mintToken(SECRETARIAT);
    const mint = (unit: UnitKey) =>
      issuer.mintToken({ sub: `applicant-${unit}`, name: UNITS[unit].written, groups: ['applicant'], unitCode: UNITS[unit].code });

    const created = await api('POST', '/rounds', { token: office, body: { charter: cloudCharter(7) } });
    expect(created.status).toBeLessThan(300);
    const roundId = created.body.roundId ?? created.body.round?.roundId;
    expect((await api('POST', `/rounds/${roundId}/open`, { token: office })).status).toBeLessThan(300);

    const submissions: string[] = [];
    for (const unit of ['yuexiu', 'futian'] as const) {
      const body = Buffer.from(validDossier(unit, 7), 'utf8');
      const ticket = await api('POST', `/rounds/${roundId}/submissions`, {
        token: await mint(unit),
        body: { fileName: `${unit}.md`, contentType: 'text/markdown', size: body.length },
      });
      expect(ticket.status).toBeLessThan(300);
      const put = await fetch(ticket.body.upload.url, { method: 'PUT', headers: ticket.body.upload.headers, body: new Uint8Array(body) });
      expect(put.status).toBe(200);
      submissions.push(ticket.body.submissionId);
    }
    const eligibilityTasks = async () => {
      const r = await api('GET', '/tasks', { token: office });
      return ((r.body?.tasks ?? []) as any[]).filter((t) => t.kind === 'ELIGIBILITY' && t.roundId === roundId);
    };
    const before = await waitFor(eligibilityTasks, (tasks) => tasks.length === 2, 'two eligibility tasks');
    const outboxBefore = (await api('GET', '/outbox', { token: office })).body;
    const casesBefore = (await api('GET', `/rounds/${roundId}/cases`, { token: office })).body;

    // Kill without warning: no handler runs, nothing is flushed.
    const lock = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    // The helpers notice their parent is gone (stdin/IPC closed) and end themselves.
    await waitFor(
      async () => lock.helpers.filter((h) => isAlive(h.pid)),
      (alive) => alive.length === 0,
      'Java and s3rver to end with their parent',
      10_000,
    );

    child = startDev(); // the stale lock of the killed run is cleared
    const second = await running(first.pid);
    api = apiClient(second.endpoints.api);

    const after = await eligibilityTasks();
    expect(after.map((t) => t.taskId).sort()).toEqual(before.map((t) => t.taskId).sort());
    expect(after.every((t) => t.status === 'OPEN')).toBe(true);
    expect((await api('GET', '/outbox', { token: office })).body).toEqual(outboxBefore);
    expect((await api('GET', `/rounds/${roundId}/cases`, { token: office })).body).toEqual(casesBefore);

    // Decide one: the resumed execution moves on to the panel review.
    const task = after[0]!;
    const decided = await api('POST', `/tasks/${task.taskId}/decision`, { token: office, body: { outcome: 'eligible' } });
    expect(decided.status).toBe(200);
    const again = await api('POST', `/tasks/${task.taskId}/decision`, { token: office, body: { outcome: 'eligible' } });
    expect(again.status).toBe(409);
    const reviewerTokens = await Promise.all(REVIEWERS.map((r) => issuer.mintToken(r)));
    const panelTasks = await waitFor(
      async () => {
        const all = await Promise.all(reviewerTokens.map((t) => api('GET', '/tasks', { token: t })));
        return all.flatMap((r) => ((r.body?.tasks ?? []) as any[]).filter((t) => t.kind === 'PANEL' && t.caseId === task.caseId));
      },
      (tasks) => tasks.length > 0,
      'the panel step of the decided case',
    );
    expect(new Set(panelTasks.map((t) => t.taskId)).size).toBe(1); // one callback, shared by the panel
    const remaining = await eligibilityTasks();
    expect(remaining.filter((t) => t.status === 'OPEN').map((t) => t.taskId)).toEqual([after[1]!.taskId]);

    // SIGTERM: stops everything, frees the ports, releases the lock.
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child!.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(existsSync(lockPath(dataDir))).toBe(false);
    await expect(fetch(`${second.endpoints.api}/rounds`)).rejects.toThrow();
    await expect(fetch(`${second.endpoints.dynamodb}`)).rejects.toThrow();
  });
});
