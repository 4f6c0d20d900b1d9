/**
 * The environment that points the AWS CLI and SDKs at the local cloud: which variables, in which
 * form, and that a real shell, Node's env-file parser and `casebook env` read back exactly them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';
import { buildProgram } from '../../../cli/main';
import { CliError } from '../../../cli/support/errors';
import {
  AWS_ENV_FILE,
  awsEnvironment,
  envName,
  renderDotenv,
  renderShell,
  shellWord,
  writeAwsEnvFile,
  type AwsEnvEntry,
} from '../../../local/aws-env';
import { ENDPOINTS_FILE, type EndpointsFile } from '../../../local/endpoints';
import { S3RVER_CREDENTIALS } from '../../../local/s3';

const INFO: EndpointsFile = {
  pid: process.pid,
  endpoints: {
    s3: 'http://127.0.0.1:4001',
    dynamodb: 'http://127.0.0.1:4002',
    sfn: 'http://127.0.0.1:4003',
    api: 'http://127.0.0.1:4004',
    site: 'http://127.0.0.1:4005',
    console: 'http://127.0.0.1:4005/console/',
    auth: 'http://127.0.0.1:4006',
  },
  stateMachines: {
    'review-workflow-round-finalization': 'arn:aws:states:us-east-1:000000000000:stateMachine:review-workflow-round-finalization',
    'review-workflow-dossier-review': 'arn:aws:states:us-east-1:000000000000:stateMachine:review-workflow-dossier-review',
  },
  env: {
    TABLE_NAME: 'case-store-table',
    SITE_BUCKET: 'publication-site-bucket',
    DOSSIER_BUCKET: 'dossier-intake-dossier-bucket',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AUTH_CLIENT_ID: 'not-for-the-aws-tools',
  },
};

const asObject = (entries: readonly AwsEnvEntry[]) => Object.fromEntries(entries.map((e) => [e.name, e.value]));

const EXPECTED = {
  AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4001',
  AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4002',
  AWS_ENDPOINT_URL_DYNAMODB_STREAMS: 'http://127.0.0.1:4002',
  AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:4003',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  CASEBOOK_TABLE: 'case-store-table',
  CASEBOOK_SITE_BUCKET: 'publication-site-bucket',
  CASEBOOK_DOSSIER_BUCKET: 'dossier-intake-dossier-bucket',
  CASEBOOK_STATE_MACHINE_REVIEW_WORKFLOW_DOSSIER_REVIEW: INFO.stateMachines['review-workflow-dossier-review'],
  CASEBOOK_STATE_MACHINE_REVIEW_WORKFLOW_ROUND_FINALIZATION: INFO.stateMachines['review-workflow-round-finalization'],
};

const scratch = mkdtempSync(join(tmpdir(), 'casebook-aws-env-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the AWS environment of the local cloud', () => {
  it('names the SDKs’ service-specific endpoints, the region, s3rver’s key pair and the local resource names, nothing else', () => {
    const entries = awsEnvironment(INFO);
    expect(asObject(entries)).toEqual(EXPECTED);
    // the standard variables first, then the project's names
    const names = entries.map((e) => e.name);
    expect(names.findLastIndex((n) => n.startsWith('AWS_'))).toBeLessThan(names.findIndex((n) => n.startsWith('CASEBOOK_')));
    // no endpoint for a service the local cloud does not serve (its functions have no Lambda API)
    expect(names.filter((n) => n.startsWith('AWS_ENDPOINT_URL_')).sort()).toEqual([
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_ENDPOINT_URL_DYNAMODB_STREAMS',
      'AWS_ENDPOINT_URL_S3',
      'AWS_ENDPOINT_URL_SFN',
    ]);
  });

  it('refuses a state that lacks the region or the credentials instead of printing a half environment', () => {
    const without = (name: string) => Object.fromEntries(Object.entries(INFO.env).filter(([key]) => key !== name));
    expect(() => awsEnvironment({ ...INFO, env: without('AWS_REGION') })).toThrow(/names no AWS_REGION/);
    expect(() => awsEnvironment({ ...INFO, env: without('AWS_SECRET_ACCESS_KEY') })).toThrow(/names no AWS_SECRET_ACCESS_KEY/);
  });

  it('turns state machine names into variable names', () => {
    expect(envName('review-workflow-dossier-review')).toBe('REVIEW_WORKFLOW_DOSSIER_REVIEW');
    expect(envName('-a.b  c-')).toBe('A_B_C');
  });
});

describe('the shell form (eval "$(casebook env)")', () => {
  it('exports exactly the variables into a real sh and unsets a profile that would override them', () => {
    const script = renderShell(awsEnvironment(INFO), '/data dir');
    const out = execFileSync('sh', ['-c', `${script}\nenv`], {
      env: { PATH: process.env.PATH, AWS_PROFILE: 'production', AWS_SESSION_TOKEN: 'someone-elses' },
      encoding: 'utf8',
    });
    const seen = parseEnv(out);
    for (const [name, value] of Object.entries(EXPECTED)) expect(`${name}=${seen[name]}`).toBe(`${name}=${value}`);
    expect(seen.AWS_PROFILE).toBeUndefined();
    expect(seen.AWS_SESSION_TOKEN).toBeUndefined();
  });

  it('quotes what a shell would split or expand', () => {
    for (const value of ['plain-value_1.2:3/4', 'a b', "it's", '$HOME', '`id`', 'x;y', '']) {
      const out = execFileSync('sh', ['-c', `printf %s ${shellWord(value)}`], { encoding: 'utf8' });
      expect(out).toBe(value);
    }
    expect(shellWord('http://127.0.0.1:4001')).toBe('http://127.0.0.1:4001');
  });
});

describe('the env-file form (<data-dir>/aws.env, casebook env --dotenv)', () => {
  it('reads back as the same variables, with a header that says what the file is', () => {
    const text = renderDotenv(awsEnvironment(INFO), '/var/casebook');
    expect(parseEnv(text)).toEqual(EXPECTED);
    expect(text.split('\n')[0]).toMatch(/^# casebook: the environment that points the AWS CLI and the AWS SDKs at the local cloud$/);
    expect(text).toContain('/var/casebook');
    // every line is a comment or KEY=VALUE: what docker --env-file and IDEs accept
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(#.*|[A-Z][A-Z0-9_]*=\S+)$/);
  });

  it('refuses a value an env file could not carry unquoted', () => {
    expect(() => renderDotenv([{ name: 'X', value: 'a b' }], '/d')).toThrow(/X has a value/);
    expect(() => renderDotenv([{ name: 'X', value: '$HOME' }], '/d')).toThrow(/X has a value/);
  });

  it('is written readable by its owner only, also over an existing file', () => {
    const dir = mkdtempSync(join(scratch, 'file-'));
    writeFileSync(join(dir, AWS_ENV_FILE), 'old', { mode: 0o644 });
    const file = writeAwsEnvFile(dir, awsEnvironment(INFO));
    expect(file).toBe(join(dir, AWS_ENV_FILE));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parseEnv(readFileSync(file, 'utf8'))).toEqual(EXPECTED);
  });
});

describe('casebook env', () => {
  let written = '';
  afterEach(() => {
    jest.restoreAllMocks();
    written = '';
  });

  async function run(args: string[]): Promise<string> {
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    });
    const argv = ['node', 'casebook', ...args];
    await (await buildProgram(argv)).parseAsync(argv);
    return written;
  }

  it('prints the running cloud’s environment as export lines, KEY=VALUE lines or JSON', async () => {
    const dir = mkdtempSync(join(scratch, 'running-'));
    // what `casebook dev` writes; this process stands in for it (readEndpoints checks the pid is alive)
    writeFileSync(join(dir, ENDPOINTS_FILE), JSON.stringify(INFO));
    const shell = await run(['--data-dir', dir, 'env']);
    expect(shell).toBe(renderShell(awsEnvironment(INFO), dir));
    expect(shell).toContain(`export AWS_ENDPOINT_URL_SFN=${INFO.endpoints.sfn}\n`);
    written = '';
    expect(await run(['--data-dir', dir, 'env', '--shell'])).toBe(shell);
    written = '';
    expect(parseEnv(await run(['--data-dir', dir, 'env', '--dotenv']))).toEqual(EXPECTED);
    written = '';
    expect(JSON.parse(await run(['--data-dir', dir, '--json', 'env']))).toEqual(EXPECTED);
  });

  it('says in both languages, with a code, that no local cloud runs there, and prints nothing to eval', async () => {
    const dir = mkdtempSync(join(scratch, 'stopped-'));
    // a state file left by a cloud that is gone (a pid no process has)
    writeFileSync(join(dir, ENDPOINTS_FILE), JSON.stringify({ ...INFO, pid: 2 ** 22 + 12345 }));
    const failure = await run(['--data-dir', dir, 'env']).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(CliError);
    const err = failure as CliError;
    expect(err.message).toMatch(
      /^LOCAL_CLOUD_NOT_RUNNING: no local cloud is running for data dir .* \/ 資料目錄 .*沒有正在執行的本機雲端$/,
    );
    expect(err.hint).toMatch(/casebook dev/);
    expect(err.exitCode).toBe(2);
    expect(written).toBe('');
  });
});
