/**
 * S3 delivers events at least once: with every event delivered twice, a dossier still yields
 * exactly one execution and one case (executions are named from bucket/key/version).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootForTest, validDossier, type TestCloud } from '../support/localcloud';
import { SECRETARIAT } from '../support/charters';

let env: TestCloud;

beforeAll(async () => {
  env = await bootForTest({ faults: { duplicateS3Events: true } });
}, 300_000);

afterAll(async () => {
  await env?.stop();
}, 300_000);

describe('every S3 event delivered twice', () => {
  it('still yields one execution and one case per dossier', async () => {
    const { roundId } = await env.openRound();
    const round = await env.api('GET', `/rounds/${roundId}`);
    const number = (round.body.round ?? round.body).number;
    const uploads = [
      await env.upload(roundId, 'yuexiu', 'a.md', validDossier('yuexiu', number, '越秀區代表聯絡站建設')),
      await env.upload(roundId, 'futian', 'b.md', validDossier('futian', number, '福田區預算聯網監督')),
    ];
    const stored = [];
    for (const u of uploads) {
      stored.push(
        await env.waitFor(
          () => env.submission(roundId, u.submissionId),
          (s) => s.status === 'STORED',
          `submission ${u.submissionId}`,
        ),
      );
    }
    await env.waitFor(async () => env.cloud.quiescent(), Boolean, 'every duplicate to be delivered');

    const events = env.cloud.stats().events;
    expect(events.deliveries).toBeGreaterThanOrEqual(4); // two copies of two events
    expect(events.deadLettered).toBe(0);
    expect(env.cloud.stats().functions['intake-router']!.invocations).toBe(4);

    const executions = await env.executions('dossier-review');
    expect(executions).toHaveLength(2);
    expect(new Set(executions.map((e) => e.name)).size).toBe(2);

    const office = await env.token(SECRETARIAT);
    const cases = await env.api('GET', `/rounds/${roundId}/cases`, { token: office });
    expect(cases.status).toBe(200);
    const list = cases.body.cases ?? cases.body;
    expect(list).toHaveLength(2);
    expect(new Set(list.map((c: any) => c.caseId))).toEqual(new Set(stored.map((s) => s.caseId)));

    const tasks = await env.api('GET', '/tasks', { token: office });
    const eligibility = tasks.body.tasks.filter((t: any) => t.kind === 'ELIGIBILITY' && t.roundId === roundId);
    expect(eligibility).toHaveLength(2);
  });
});
