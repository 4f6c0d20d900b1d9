/**
 * Where a running local cloud can be reached: `casebook dev` writes `endpoints.json` into its data
 * dir, and other commands (executions, history, the API clients) read it. Kept free of heavy
 * imports so every CLI command can load it cheaply.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ENDPOINTS_FILE = 'endpoints.json';

export interface LocalCloudEndpoints {
  s3: string;
  dynamodb: string;
  sfn: string;
  api: string;
  site: string;
  console: string;
  /** The local OpenID provider (sign-in pages, token endpoint). */
  auth: string;
}

export interface EndpointsFile {
  pid: number;
  endpoints: LocalCloudEndpoints;
  /** State machine name → ARN. */
  stateMachines: Record<string, string>;
  /** The environment the handlers run with (table and bucket names, AWS_ENDPOINT_URL_*, credentials). */
  env: Record<string, string>;
}

/** The running local cloud of a data dir, or undefined when none runs there (or it was killed). */
export function readEndpoints(dataDir: string): EndpointsFile | undefined {
  const file = join(resolve(dataDir), ENDPOINTS_FILE);
  if (!existsSync(file)) return undefined;
  let info: EndpointsFile;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as EndpointsFile;
  } catch {
    return undefined;
  }
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return info;
}
