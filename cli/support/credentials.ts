/**
 * Where `casebook login` keeps its tokens: one session per API base URL in
 * `$XDG_CONFIG_HOME/casebook/credentials.json` (else `~/.config/casebook/`), the folder 0700 and
 * the file 0600, rewritten atomically. Other commands take the ID token from here and refresh it
 * silently when it is close to expiry. Tokens are never printed.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AuthConfig } from '../../src/auth/config';
import { needsRefresh, refreshTokens, SignInError, type TokenSet } from '../../src/auth/flow';
import { CliError, EXIT } from './errors';

export interface StoredSession extends TokenSet {
  api: string;
  auth: AuthConfig;
  savedAt: string;
}

interface CredentialsFile {
  version: 1;
  sessions: Record<string, StoredSession>;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'casebook');
}

export const credentialsFile = (): string => join(configDir(), 'credentials.json');

/** The key of an API: its base URL without a trailing slash. */
export const apiKey = (api: string): string => api.replace(/\/+$/, '');

function read(): CredentialsFile {
  const file = credentialsFile();
  if (!existsSync(file)) return { version: 1, sessions: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as CredentialsFile;
    return parsed && typeof parsed.sessions === 'object' && parsed.sessions ? parsed : { version: 1, sessions: {} };
  } catch {
    // a damaged file is as good as none: the next login rewrites it
    return { version: 1, sessions: {} };
  }
}

function write(data: CredentialsFile): void {
  const dir = configDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = credentialsFile();
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(data, null, 1)}\n`, { mode: 0o600 });
  renameSync(temp, file);
  chmodSync(file, 0o600);
}

export function loadSession(api: string): StoredSession | undefined {
  return read().sessions[apiKey(api)];
}

export function saveSession(api: string, auth: AuthConfig, tokens: TokenSet): StoredSession {
  const data = read();
  const session: StoredSession = { api: apiKey(api), auth, ...tokens, savedAt: new Date().toISOString() };
  data.sessions[apiKey(api)] = session;
  write(data);
  return session;
}

export function deleteSession(api: string): boolean {
  const data = read();
  if (!(apiKey(api) in data.sessions)) return false;
  delete data.sessions[apiKey(api)];
  write(data);
  return true;
}

/**
 * The ID token of the session stored for `api`, refreshed first when it is close to expiry;
 * undefined when `casebook login` was never run for it. A session that can no longer be renewed
 * is dropped and reported with what to do.
 */
export async function sessionToken(api: string): Promise<string | undefined> {
  const session = loadSession(api);
  if (!session) return undefined;
  if (!needsRefresh(session)) return session.idToken;
  const relogin = `casebook login --api ${session.api}`;
  if (!session.refreshToken) {
    deleteSession(api);
    throw new CliError(`your sign-in to ${session.api} expired`, EXIT.usage, `sign in again: ${relogin}`);
  }
  try {
    const next = await refreshTokens(session.auth, session.refreshToken);
    return saveSession(api, session.auth, next).idToken;
  } catch (err) {
    if (err instanceof SignInError && err.code !== 'AUTH_UNREACHABLE') {
      deleteSession(api);
      throw new CliError(`${err.zh} ${err.en}`, EXIT.usage, `sign in again: ${relogin}`);
    }
    throw new CliError(err instanceof SignInError ? `${err.zh} ${err.en}` : String(err), EXIT.usage, 'check the network and retry');
  }
}
