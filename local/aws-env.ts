/**
 * The environment that points the standard AWS tools — the AWS CLI and the AWS SDKs (JavaScript
 * v3, boto3, Java v2, …) — at a running local cloud, with no flag or code change: `casebook dev`
 * prints it and writes it to `<data-dir>/aws.env`, `casebook env` prints it again.
 *
 * - Endpoints: the SDKs' own service-specific variables, `AWS_ENDPOINT_URL_<serviceId>` (the
 *   "Service-specific endpoints" setting of the AWS SDKs and Tools reference guide): S3, DynamoDB,
 *   DynamoDB Streams and SFN (Step Functions' serviceId; the CLI's `aws stepfunctions` reads it
 *   too). Lambda gets none: the functions run inside the local cloud's process, behind the HTTP
 *   API, S3 events, the table's stream and the state machines; there is no Lambda API to call.
 * - Credentials: s3rver checks SigV4 signatures against its own fixed key pair, DynamoDB Local
 *   (run with -sharedDb) accepts any alphanumeric key and shows every key the same tables, and the
 *   Step Functions endpoint does not check signatures (it listens on 127.0.0.1 only). So s3rver's
 *   pair is the one pair all of them accept.
 * - S3 addressing: the endpoint is an IP address (127.0.0.1), for which the SDKs' S3 endpoint
 *   rules use path-style URLs by themselves; there is no standard variable that forces it.
 * - Checksums: s3rver keeps the aws-chunked framing of uploads that carry the newer SDKs' default
 *   flexible checksums, so the standard AWS_REQUEST_CHECKSUM_CALCULATION /
 *   AWS_RESPONSE_CHECKSUM_VALIDATION settings ask for checksums only where an operation needs one.
 *
 * Kept free of heavy imports: `casebook env` loads it with nothing else.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EndpointsFile } from './endpoints';

export const AWS_ENV_FILE = 'aws.env';

/**
 * Variables a shell may hold that would take the tools elsewhere: a profile (the JavaScript SDK
 * ignores environment credentials when AWS_PROFILE is set), a session token that belongs to other
 * credentials, and the switch that makes the tools ignore endpoint variables.
 */
export const AWS_ENV_UNSET = ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] as const;

/** One variable and what it is for (the dotenv form prints the note as a comment). */
export interface AwsEnvEntry {
  name: string;
  value: string;
  note?: string;
}

/**
 * The variables, in the order they are printed: the standard AWS ones, then the names of the
 * local cloud's table, buckets and state machines (CASEBOOK_*) for commands to refer to.
 */
export function awsEnvironment(info: Pick<EndpointsFile, 'endpoints' | 'env' | 'stateMachines'>): AwsEnvEntry[] {
  const need = (name: string): string => {
    const value = info.env[name];
    if (!value) throw new Error(`the local cloud's state names no ${name}: restart it with \`casebook dev\``);
    return value;
  };
  const entries: AwsEnvEntry[] = [
    { name: 'AWS_ENDPOINT_URL_S3', value: info.endpoints.s3, note: 'S3 (s3rver)' },
    { name: 'AWS_ENDPOINT_URL_DYNAMODB', value: info.endpoints.dynamodb, note: 'DynamoDB Local' },
    { name: 'AWS_ENDPOINT_URL_DYNAMODB_STREAMS', value: info.endpoints.dynamodb },
    { name: 'AWS_ENDPOINT_URL_SFN', value: info.endpoints.sfn, note: 'Step Functions (serviceId SFN)' },
    { name: 'AWS_REGION', value: need('AWS_REGION') },
    { name: 'AWS_DEFAULT_REGION', value: need('AWS_REGION') },
    { name: 'AWS_ACCESS_KEY_ID', value: need('AWS_ACCESS_KEY_ID'), note: 'accepted by every service of the local cloud' },
    { name: 'AWS_SECRET_ACCESS_KEY', value: need('AWS_SECRET_ACCESS_KEY') },
    { name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: 'WHEN_REQUIRED', note: 's3rver stores uploads with flexible checksums corrupted' },
    { name: 'AWS_RESPONSE_CHECKSUM_VALIDATION', value: 'WHEN_REQUIRED' },
  ];
  const names: [string, string | undefined][] = [
    ['CASEBOOK_TABLE', info.env.TABLE_NAME],
    ['CASEBOOK_SITE_BUCKET', info.env.SITE_BUCKET],
    ['CASEBOOK_DOSSIER_BUCKET', info.env.DOSSIER_BUCKET],
  ];
  for (const [name, arn] of Object.entries(info.stateMachines).sort(([a], [b]) => (a < b ? -1 : 1))) {
    names.push([`CASEBOOK_STATE_MACHINE_${envName(name)}`, arn]);
  }
  for (const [index, [name, value]] of names.entries()) {
    if (value) entries.push({ name, value, ...(index === 0 ? { note: 'names in the local cloud (not read by the AWS tools)' } : {}) });
  }
  return entries;
}

/** `review-workflow-dossier-review` → `REVIEW_WORKFLOW_DOSSIER_REVIEW` */
export function envName(name: string): string {
  return name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** A value as a POSIX shell word: bare when it is plainly safe, else single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * For `eval "$(casebook env)"` in sh, bash or zsh: unsets what would override the local cloud,
 * then exports every variable.
 */
export function renderShell(entries: readonly AwsEnvEntry[], dataDir: string): string {
  return [
    `# the local cloud of ${dataDir} (casebook env)`,
    `unset ${AWS_ENV_UNSET.join(' ')}`,
    ...entries.map((e) => `export ${e.name}=${shellWord(e.value)}`),
    '',
  ].join('\n');
}

/**
 * KEY=VALUE lines, the format of `<data-dir>/aws.env`: read by `docker run --env-file`,
 * `node --env-file`, IDE run configurations, python-dotenv, and by a shell with
 * `set -a; . FILE; set +a`. Values are never quoted (none needs it, and env-file readers differ
 * on quotes), so a value that would need quoting is refused.
 */
export function renderDotenv(entries: readonly AwsEnvEntry[], dataDir: string): string {
  const lines = [
    '# casebook: the environment that points the AWS CLI and the AWS SDKs at the local cloud',
    `# of ${dataDir}, written by \`casebook dev\` (and \`casebook demo\`) while it runs; the ports`,
    '# change on every start, so read it again after a restart (or run `casebook env`).',
    '#   shell:  set -a; . ./aws.env; set +a     (or: eval "$(npx casebook env)")',
    `#   unset ${AWS_ENV_UNSET.join(' ')} first: they would override these.`,
    '# Credentials are the local S3’s fixed test key pair, not an AWS account’s.',
  ];
  for (const e of entries) {
    if (/[\s'"\\#$`]/.test(e.value)) throw new Error(`${e.name} has a value an env file cannot carry unquoted: ${e.value}`);
    if (e.note) lines.push(`# ${e.note}`);
    lines.push(`${e.name}=${e.value}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `<dataDir>/aws.env`, readable by its owner only (it holds credentials, if only local ones). */
export function writeAwsEnvFile(dataDir: string, entries: readonly AwsEnvEntry[]): string {
  const file = join(dataDir, AWS_ENV_FILE);
  writeFileSync(file, renderDotenv(entries, dataDir), { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its mode on write
  return file;
}
