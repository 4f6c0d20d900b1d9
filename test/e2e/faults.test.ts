/**
 * Real Retry and failure paths: a function that fails transiently is retried by the state
 * machine's Retry and the dossier goes through; one that keeps failing ends the execution in
 * failure with the submission and its object kept (nothing lost, nothing half-stored).
 */
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootForTest, validDossier, type TestCloud } from '../support/localcloud';
import { SECRETARIAT } from '../support/charters';

let env: TestCloud;
let roundId: string;
let roundNumber: number;

beforeAll(async () => {
  // Retry intervals shortened: the test is about the retry path, not about waiting 15 s.
  env = await bootForTest({ engine: { retryIntervalMs: 20 } });
  ({ roundId } = await env.openRound());
  const round = await env.api('GET', `/rounds/${roundId}`);
  roundNumber = (round.body.round ?? round.body).number;
}, 300_000);

afterAll(async () => {
  await env?.stop();
}, 300_000);

describe('a function that fails transiently', () => {
  it('is retried by the workflow and the dossier goes through', async () => {
    env.cloud.lambdas.injectFault('validate-dossier', { times: 2, errorName: 'Lambda.ServiceException' });
    const before = env.cloud.stats().functions['validate-dossier']!;
    const { submissionId } = await env.upload(roundId, 'yuexiu', 'retry.md', validDossier('yuexiu', roundNumber));
    const stored = await env.waitFor(
      () => env.submission(roundId, submissionId),
      (s) => s.status === 'STORED',
      'the retried dossier to be stored',
    );
    expect(stored.caseId).toBeTruthy();
    const after = env.cloud.stats().functions['validate-dossier']!;
    expect(after.injectedFailures - before.injectedFailures).toBe(2);
    expect(after.invocations - before.invocations).toBe(3);

    const execution = (await env.executions('dossier-review')).find((e) => e.status === 'RUNNING')!;
    const history = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn! }));
    const failures = (history.events ?? []).filter((e) => e.type === 'LambdaFunctionFailed' || e.type === 'TaskFailed');
    expect(failures.length).toBe(2);
    env.cloud.lambdas.clearFault('validate-dossier');
  });
});

describe('a function that keeps failing', () => {
  it('fails the execution after the declared retries, keeping the submission and the uploaded object', async () => {
    env.cloud.lambdas.injectFault('store-case', { rate: 1, errorName: 'Lambda.ServiceException' });
    const before = env.cloud.stats().functions['store-case']!;
    const { submissionId, key } = await env.upload(
      roundId,
      'futian',
      'doomed.md',
      validDossier('futian', roundNumber, '福田區代表履職平台'),
    );
    const executions = await env.waitFor(
      () => env.executions('dossier-review'),
      (list) => list.some((e) => e.status === 'FAILED'),
      'the execution to fail',
      120_000,
    );
    const failed = executions.filter((e) => e.status === 'FAILED');
    expect(failed).toHaveLength(1);
    // the state machine's Retry on StoreCase: MaxAttempts 4 → five attempts in all
    expect(env.cloud.stats().functions['store-case']!.invocations - before.invocations).toBe(5);
    const history = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn: failed[0]!.executionArn! }));
    const last = history.events!.at(-1)!;
    expect(last.type).toBe('ExecutionFailed');
    expect(last.executionFailedEventDetails?.error).toBe('Lambda.ServiceException');

    // nothing lost: the submission is recorded as valid, no case was half-stored, the object is still there
    const submission = await env.submission(roundId, submissionId);
    expect(submission.status).toBe('VALID');
    expect(submission.caseId).toBeUndefined();
    const s3 = new S3Client({
      endpoint: env.cloud.endpoints.s3,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await expect(s3.send(new HeadObjectCommand({ Bucket: env.cloud.env.DOSSIER_BUCKET, Key: key }))).resolves.toBeTruthy();
    s3.destroy();
    const office = await env.token(SECRETARIAT);
    const cases = await env.api('GET', `/rounds/${roundId}/cases`, { token: office });
    expect((cases.body.cases ?? cases.body).filter((c: any) => c.unitCode === '440304')).toHaveLength(0);
    env.cloud.lambdas.clearFault('store-case');
  });
});
