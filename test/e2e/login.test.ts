/**
 * `casebook login --no-browser` against the local cloud, end to end: the CLI prints the
 * authorization URL and listens on its loopback port; the test plays the person, driving the
 * local sign-in page over HTTP and following the redirect to `http://localhost:<port>/callback`;
 * the CLI exchanges the code (PKCE), keeps the tokens 0600 in the config dir, and later commands
 * act as the signed-in person. A redirect with another state is refused. `casebook logout`
 * revokes and forgets. No token is ever printed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { expect } from '../support/expect';
import { PROJECT_ROOT } from '../../local/topology';
import { LOCAL_DEMO_PASSWORD } from '../../local/user-directory';
import { signInThroughPage } from '../support/signin';
import { bootForTest, type TestCloud } from '../support/localcloud';

let env: TestCloud;
let configHome: string;

beforeAll(async () => {
  env = await bootForTest();
  configHome = mkdtempSync(join(tmpdir(), 'casebook-config-'));
}, 240_000);
afterAll(async () => {
  await env?.stop();
  rmSync(configHome, { recursive: true, force: true });
}, 300_000);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `onStderr` sees its error stream as it comes (the sign-in URL is printed there). */
function cli(args: string[], onStderr?: (text: string) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'cli', 'casebook.mjs'), '--data-dir', env.cloud.dataDir, ...args], {
      env: { ...process.env, XDG_CONFIG_HOME: configHome, BROWSER: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `casebook login --no-browser` and resolves the authorization URL it prints. */
function startLogin(): { url: Promise<string>; done: Promise<Run> } {
  let found: (url: string) => void;
  const url = new Promise<string>((resolve) => (found = resolve));
  const done = cli(['--json', 'login', '--no-browser', '--timeout', '60'], (text) => {
    const match = /(http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?\S+)/.exec(text);
    if (match) found(match[1]!);
  });
  return { url, done };
}

const credentials = () =>
  JSON.parse(readFileSync(join(configHome, 'casebook', 'credentials.json'), 'utf8')) as {
    sessions: Record<string, { idToken: string; refreshToken: string }>;
  };

describe('casebook login', () => {
  it('signs in through the loopback redirect with PKCE and keeps the tokens 0600 per API', async () => {
    const login = startLogin();
    const url = await login.url;
    expect(new URL(url).searchParams.get('code_challenge_method')).toBe('S256');
    const redirect = new URL(url).searchParams.get('redirect_uri')!;
    expect(redirect).toMatch(/^http:\/\/localhost:4731[1-5]\/callback$/);
    const callback = await signInThroughPage(url, redirect, { username: 'office@demo.casebook.local', password: LOCAL_DEMO_PASSWORD });
    const page = await fetch(callback);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Signed in');
    const run = await login.done;
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { api: string; username: string; roles: string[] };
    expect(out).toMatchObject({ api: env.cloud.endpoints.api, username: 'office@demo.casebook.local', roles: ['secretariat'] });
    const file = join(configHome, 'casebook', 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(configHome, 'casebook')).mode & 0o777).toBe(0o700);
    const session = credentials().sessions[env.cloud.endpoints.api]!;
    expect(session.idToken.split('.')).toHaveLength(3);
    // tokens are kept, never printed
    for (const text of [run.stdout, run.stderr]) expect(text).not.toContain(session.idToken.slice(-20));
  }, 120_000);

  it('whoami and API commands then act as the signed-in person', async () => {
    const who = await cli(['--json', 'whoami']);
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ sub: 'office-1', username: 'office@demo.casebook.local', roles: ['secretariat'] });
    // the stored ID token is what the API sees
    const token = credentials().sessions[env.cloud.endpoints.api]!.idToken;
    const res = await env.api('GET', '/tasks', { token });
    expect(res.status).toBe(200);
  }, 60_000);

  it('refuses a redirect whose state is not the one it sent, with a bilingual message', async () => {
    const login = startLogin();
    const url = await login.url;
    const redirect = new URL(url).searchParams.get('redirect_uri')!;
    const forged = new URL(redirect);
    forged.searchParams.set('code', 'stolen');
    forged.searchParams.set('state', 'forged');
    const page = await fetch(forged);
    expect(page.status).toBe(400);
    const run = await login.done;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('state 不一致');
    expect(run.stderr).toContain('state mismatch');
    // the earlier session is untouched
    expect(credentials().sessions[env.cloud.endpoints.api]).toBeDefined();
  }, 120_000);

  it('logout revokes the refresh token and forgets the session', async () => {
    const { refreshToken } = credentials().sessions[env.cloud.endpoints.api]!;
    const run = await cli(['--json', 'logout']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ signedIn: false, revoked: true });
    expect(credentials().sessions[env.cloud.endpoints.api]).toBeUndefined();
    const refused = await fetch(env.cloud.auth.tokenEndpoint, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: env.cloud.auth.clientId }),
    });
    expect(refused.status).toBe(400);
    const who = await cli(['whoami']);
    expect(who.code).toBe(2);
    expect(who.stderr).toContain('not signed in');
  }, 60_000);
});
