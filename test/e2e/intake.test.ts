/**
 * Intake on the whole local cloud: presigned upload → S3 event → intake-router → dossier-review
 * → stored case waiting at the eligibility step; an invalid dossier is recorded as rejected with
 * its error codes and the applicant can read them through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootForTest, validDossier, type TestCloud } from '../support/localcloud';
import { SECRETARIAT } from '../support/charters';

let env: TestCloud;
let roundId: string;
let roundNumber: number;

beforeAll(async () => {
  env = await bootForTest();
  ({ roundId } = await env.openRound());
  const round = await env.api('GET', `/rounds/${roundId}`);
  roundNumber = (round.body.round ?? round.body).number;
}, 300_000);

afterAll(async () => {
  await env?.stop();
}, 300_000);

describe('a valid dossier uploaded through a presigned URL', () => {
  it('becomes a stored case waiting at the eligibility step', async () => {
    const { submissionId, key } = await env.upload(roundId, 'yuexiu', '越秀 創新案例.md', validDossier('yuexiu', roundNumber));
    expect(key).toContain(`dossiers/${roundId}/440104/${submissionId}/`);

    const stored = await env.waitFor(
      () => env.submission(roundId, submissionId),
      (s) => s.status === 'STORED' || s.status === 'INVALID',
      'the submission to be stored',
    );
    expect(stored.errors ?? []).toEqual([]);
    expect(stored.status).toBe('STORED');
    expect(stored.caseId).toBeTruthy();

    const office = await env.token(SECRETARIAT);
    const tasks = await env.waitFor(
      () => env.api('GET', '/tasks', { token: office }),
      (r) => r.status === 200 && (r.body.tasks ?? []).some((t: any) => t.caseId === stored.caseId),
      'the eligibility task',
    );
    const mine = tasks.body.tasks.filter((t: any) => t.caseId === stored.caseId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ kind: 'ELIGIBILITY', status: 'OPEN', roundId });
    // the token never leaves the server
    expect(JSON.stringify(tasks.body)).not.toMatch(/taskToken/i);

    const executions = await env.executions('dossier-review');
    const running = executions.filter((e) => e.status === 'RUNNING');
    expect(running).toHaveLength(1);
    expect(running[0]!.name).toMatch(/^d-[0-9a-f]{64}$/);

    const caseRead = await env.api('GET', `/cases/${stored.caseId}`, { token: office });
    expect(caseRead.status).toBe(200);
    expect((caseRead.body.case ?? caseRead.body).status).toBe('ELIGIBILITY_PENDING');
  });
});

describe('an invalid dossier', () => {
  it('is recorded as rejected with its error codes, readable by the applicant through the API', async () => {
    const succeededBefore = (await env.executions('dossier-review')).filter((e) => e.status === 'SUCCEEDED').length;
    const broken = '這份文件沒有前置資料，也沒有主要做法和工作成效兩節。\n';
    const { submissionId } = await env.upload(roundId, 'liwan', 'broken.md', broken);
    const rejected = await env.waitFor(
      () => env.submission(roundId, submissionId),
      (s) => s.status === 'INVALID',
      'the rejection',
    );
    const codes = (rejected.errors ?? []).map((e: any) => e.code);
    expect(codes).toContain('MD_NO_FRONT_MATTER');
    for (const error of rejected.errors) {
      expect(error.message.zh).toBeTruthy();
      expect(error.message.en).toBeTruthy();
    }

    const applicant = await env.applicantToken('liwan');
    const own = await env.api('GET', `/rounds/${roundId}/submissions/${submissionId}`, { token: applicant });
    expect(own.status).toBe(200);
    expect(JSON.stringify(own.body)).toContain('MD_NO_FRONT_MATTER');

    // another unit cannot read it
    const other = await env.applicantToken('futian');
    expect((await env.api('GET', `/rounds/${roundId}/submissions/${submissionId}`, { token: other })).status).toBe(404);

    // the rejection finished its workflow, no case was opened for it
    const executions = await env.waitFor(
      () => env.executions('dossier-review'),
      (list) => list.filter((e) => e.status === 'SUCCEEDED').length > succeededBefore,
      'the rejection workflow to finish',
    );
    expect(executions.filter((e) => e.status === 'SUCCEEDED')).toHaveLength(succeededBefore + 1);
    expect(executions.filter((e) => e.status === 'FAILED')).toHaveLength(0);
  });
});

describe('the JWT authorizer', () => {
  it('answers 401 without a token and with a forged one, before any function runs', async () => {
    const before = env.cloud.stats().functions.api?.invocations ?? 0;
    expect((await env.api('GET', '/tasks')).status).toBe(401);
    const good = await env.token(SECRETARIAT);
    const [h, p] = good.split('.');
    const forged = `${h}.${p}.${'A'.repeat(40)}`;
    expect((await env.api('GET', '/tasks', { token: forged })).status).toBe(401);
    expect(env.cloud.stats().functions.api?.invocations ?? 0).toBe(before);
    expect((await env.api('GET', '/rounds')).status).toBe(200);
  });
});

describe('the table stream', () => {
  it('reaches the publisher through the mapping, with the filter dropping items that are not rounds or cases', async () => {
    const stats = await env.waitFor(
      async () => env.cloud.stats(),
      (s) => Object.values(s.streams).some((m) => m.delivered + m.deadLettered > 0 && m.filteredOut > 0),
      'stream records to be delivered and filtered',
    );
    const [mapping] = Object.values(stats.streams);
    expect(mapping!.filteredOut).toBeGreaterThan(0); // submissions, tasks, audit entries, outbox
    expect(stats.functions.publisher!.invocations).toBeGreaterThan(0);
  });
});
