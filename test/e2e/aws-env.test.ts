/**
 * The standard AWS tools against the local cloud with nothing but the environment `casebook env`
 * prints: a separate Node process, whose environment is only those variables (plus PATH and an
 * empty HOME, so no ~/.aws profile helps), uses the plain AWS SDK clients constructed with no
 * options — no project code in between — to list a round's executions, read one's history, query
 * the table and download a published page. What it reads must be what the project itself sees.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv, promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROJECT_ROOT } from '../../local/topology';
import { bootForTest, validDossier, type TestCloud } from '../support/localcloud';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'casebook-aws-env-e2e-'));
let env: TestCloud;
let roundId: string;
let submissionId: string;
let printed: Record<string, string>;

/**
 * What the other process does: only `@aws-sdk/*` clients built with `{}`, so endpoints, region
 * and credentials can come from nowhere but the environment. Prints one JSON document.
 */
const CLIENT = String.raw`
import { SFNClient, ListStateMachinesCommand, ListExecutionsCommand, DescribeExecutionCommand, GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { DynamoDBClient, ListTablesCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { S3Client, ListBucketsCommand, GetObjectCommand } from '@aws-sdk/client-s3';
const [roundId] = process.argv.slice(1);
const sfn = new SFNClient({});
const ddb = new DynamoDBClient({});
const s3 = new S3Client({});
const out = {};

const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines;
const review = machines.find((m) => m.name.endsWith('dossier-review'));
const executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: review.stateMachineArn }))).executions;
out.roundExecutions = [];
for (const e of executions) {
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
  if (described.input.includes('dossiers/' + roundId + '/')) out.roundExecutions.push({ name: e.name, status: e.status });
}
const first = executions.find((e) => out.roundExecutions.some((r) => r.name === e.name));
const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: first.executionArn }));
out.history = history.events.map((e) => ({ id: e.id, type: e.type, state: e.stateEnteredEventDetails?.name }));

const tables = (await ddb.send(new ListTablesCommand({}))).TableNames;
out.tables = tables;
const items = (await ddb.send(new QueryCommand({
  TableName: tables[0],
  KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
  ExpressionAttributeValues: { ':pk': { S: 'ROUND#' + roundId }, ':sk': { S: 'SUBMISSION#' } },
}))).Items;
out.submissions = items.map((i) => ({ submissionId: i.submissionId?.S, status: i.status?.S }));

out.buckets = (await s3.send(new ListBucketsCommand({}))).Buckets.map((b) => b.Name);
const site = out.buckets.find((b) => b.includes('site'));
const text = async (Key) => (await s3.send(new GetObjectCommand({ Bucket: site, Key }))).Body.transformToString();
out.manifest = JSON.parse(await text('site-manifest.json'));
out.page = await text('index.html');
process.stdout.write(JSON.stringify(out));
`;

beforeAll(async () => {
  env = await bootForTest();
  ({ roundId } = await env.openRound());
  const round = await env.api('GET', `/rounds/${roundId}`);
  const number = (round.body.round ?? round.body).number as number;
  ({ submissionId } = await env.upload(roundId, 'yuexiu', '越秀 創新案例.md', validDossier('yuexiu', number)));
  await env.waitFor(
    () => env.submission(roundId, submissionId),
    (s) => s.status === 'STORED',
    'the submission to be stored',
  );
  // the open round is on the site once the publisher has run
  await env.cloud.settled();
  const { stdout } = await run(
    process.execPath,
    [join(PROJECT_ROOT, 'cli', 'casebook.mjs'), '--data-dir', env.cloud.dataDir, 'env', '--dotenv'],
    {
      cwd: PROJECT_ROOT,
    },
  );
  printed = parseEnv(stdout) as Record<string, string>;
}, 300_000);

afterAll(async () => {
  await env?.stop();
  rmSync(scratch, { recursive: true, force: true });
}, 300_000);

describe('the plain AWS SDK with only the printed environment', () => {
  it('is given endpoints, region and credentials, and no profile', () => {
    expect(Object.keys(printed)).toEqual(
      expect.arrayContaining([
        'AWS_ENDPOINT_URL_S3',
        'AWS_ENDPOINT_URL_DYNAMODB',
        'AWS_ENDPOINT_URL_SFN',
        'AWS_REGION',
        'AWS_ACCESS_KEY_ID',
      ]),
    );
    expect(printed.AWS_ENDPOINT_URL_SFN).toBe(env.cloud.endpoints.sfn);
    expect(printed.AWS_PROFILE).toBeUndefined();
  });

  it('lists the round’s executions, reads one’s history, queries the table and downloads a published page', async () => {
    const home = mkdtempSync(join(scratch, 'home-'));
    const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', CLIENT, roundId], {
      cwd: PROJECT_ROOT, // where `@aws-sdk/*` resolve; nothing of the project is imported
      env: { PATH: process.env.PATH ?? '', HOME: home, ...printed },
      maxBuffer: 32 * 1024 * 1024,
    });
    const seen = JSON.parse(stdout) as {
      roundExecutions: { name: string; status: string }[];
      history: { id: number; type: string; state?: string }[];
      tables: string[];
      submissions: { submissionId: string; status: string }[];
      buckets: string[];
      manifest: { files: Record<string, { sha256: string }> };
      page: string;
    };

    // the round's one dossier-review execution, as the project's own client sees it
    const ours = (await env.executions('dossier-review')).map((e) => ({ name: e.name!, status: e.status! }));
    expect(seen.roundExecutions).toHaveLength(1);
    expect(ours).toContainEqual(seen.roundExecutions[0]);
    expect(seen.roundExecutions[0]!.name).toMatch(/^d-[0-9a-f]{64}$/);
    // its history from the start, through the states it has passed
    expect(seen.history[0]).toMatchObject({ id: 1, type: 'ExecutionStarted' });
    expect(seen.history.map((e) => e.id)).toEqual(seen.history.map((_, i) => i + 1));
    expect(seen.history.filter((e) => e.state).length).toBeGreaterThan(1);

    // the table the stack declares, queried on its key schema
    expect(seen.tables).toEqual([env.cloud.topology.environment.TABLE_NAME]);
    expect(seen.submissions).toEqual([{ submissionId, status: 'STORED' }]);

    // the published home page, byte for byte what the site manifest and the site server say
    expect(seen.buckets).toContain(env.cloud.topology.environment.SITE_BUCKET);
    expect(seen.page).toMatch(/^<!doctype html>/i);
    const sha = createHash('sha256').update(seen.page, 'utf8').digest('hex');
    expect(seen.manifest.files['index.html']?.sha256).toBe(sha);
    expect(await (await fetch(`${env.cloud.endpoints.site}/index.html`)).text()).toBe(seen.page);
  });

  it('gets nowhere without it: the same client with no environment fails instead of finding the local cloud', async () => {
    const home = mkdtempSync(join(scratch, 'home-'));
    const probe = `import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';
      try { await new S3Client({ region: 'us-east-1', maxAttempts: 1 }).send(new ListBucketsCommand({})); console.log('reached'); }
      catch (e) { console.log('failed: ' + e.name); }`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', probe], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: home, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(stdout.trim()).toMatch(/^failed: /);
  });
});
