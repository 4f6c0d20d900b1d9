/**
 * `casebook login [--api URL] [--no-browser]`, `casebook logout`, `casebook whoami`: signing in
 * from the command line like `aws sso login` or `gh auth login`.
 *
 * `login` asks the API where to sign in (`GET /auth/config`), listens on a loopback port for the
 * redirect (`http://localhost:<port>/callback`, one of the few the app client registers), sends
 * the browser to the authorization endpoint with PKCE (or prints the URL under --no-browser),
 * checks the state, exchanges the code and keeps the tokens per API in the user's config dir
 * (cli/support/credentials.ts). It runs src/auth/flow.ts, the console's own sign-in code.
 * Without --api it signs in to the running local cloud, whose stored tokens then replace the
 * personas the CLI otherwise acts as there.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { Command } from 'commander';
import { CLI_CALLBACK_PATH, cliRedirectUri, type AuthConfig } from '../../src/auth/config';
import { beginSignIn, completeSignIn, revokeRefreshToken, signedInClaims, SignInError } from '../../src/auth/flow';
import { globalsOf, output } from '../support/client';
import { credentialsFile, deleteSession, loadSession, saveSession, sessionToken } from '../support/credentials';
import { CliError, EXIT } from '../support/errors';
import { roleZh } from '../../src/domain/labels';

/** The API to sign in to: --api, else the local cloud of --data-dir. */
async function targetApi(program: Command): Promise<string> {
  const g = globalsOf(program);
  if (g.api) return g.api.replace(/\/+$/, '');
  const { readEndpoints } = await import('../../local/endpoints');
  const info = readEndpoints(g.dataDir);
  if (!info)
    throw new CliError(
      `no local cloud is running for data dir ${g.dataDir}`,
      EXIT.usage,
      'start it with `casebook dev`, or pass --api URL of a deployed stack',
    );
  return info.endpoints.api;
}

async function fetchAuthConfig(api: string): Promise<AuthConfig> {
  let res: Response;
  try {
    res = await fetch(`${api}/auth/config`, { headers: { accept: 'application/json' } });
  } catch (err) {
    throw new CliError(
      `cannot reach the API at ${api}: ${(err as Error).message}`,
      EXIT.usage,
      'check --api (the ApiUrl output of the stack)',
    );
  }
  if (!res.ok)
    throw new CliError(
      `GET ${api}/auth/config → ${res.status}: this API does not say where to sign in`,
      EXIT.usage,
      'check --api (the ApiUrl output of the stack)',
    );
  const cfg = (await res.json()) as AuthConfig;
  if (!cfg.issuer || !cfg.clientId || !cfg.authorizationEndpoint || !cfg.tokenEndpoint || !Array.isArray(cfg.cliLoginPorts)) {
    throw new CliError(`GET ${api}/auth/config answered an incomplete configuration`, EXIT.usage);
  }
  return cfg;
}

/** Listens on the first free port of the registered ones (Cognito matches the port exactly). */
async function listenOnLoopback(ports: number[]): Promise<{ server: Server; port: number }> {
  for (const port of ports) {
    const server = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) return { server, port };
  }
  throw new CliError(
    `none of the sign-in ports ${ports.join(', ')} is free on 127.0.0.1`,
    EXIT.usage,
    'finish or stop the other `casebook login` runs, or free one of these ports',
  );
}

function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser opener: the printed URL is there
  }
}

const page = (title: string, text: string) =>
  `<!doctype html><html lang="zh-Hant"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto"><h1>${title}</h1><p>${text}</p></body></html>`;

export function register(program: Command): void {
  program
    .command('login')
    .description('sign in through the browser (managed login on AWS, the local sign-in page locally) and keep the tokens for this API')
    .option('--no-browser', 'print the sign-in URL instead of opening a browser')
    .option('--timeout <seconds>', 'how long to wait for the sign-in to finish', (v) => Number(v), 300)
    .action(async (opts: { browser: boolean; timeout: number }) => {
      const api = await targetApi(program);
      const cfg = await fetchAuthConfig(api);
      const { server, port } = await listenOnLoopback(cfg.cliLoginPorts);
      try {
        const { url, pending } = await beginSignIn(cfg, cliRedirectUri(port));
        process.stderr.write(`Sign in to ${api} in your browser:\n  ${url}\n`);
        if (opts.browser) openBrowser(url);
        const tokens = await new Promise<Awaited<ReturnType<typeof completeSignIn>>>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new CliError(`no sign-in within ${opts.timeout} s`, EXIT.usage, 'run `casebook login` again')),
            opts.timeout * 1000,
          );
          server.on('request', (req, res) => {
            const callback = new URL(req.url ?? '/', `http://localhost:${port}`);
            if (callback.pathname !== CLI_CALLBACK_PATH) {
              res.writeHead(404).end();
              return;
            }
            completeSignIn(cfg, pending, callback).then(
              (t) => {
                res
                  .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
                  .end(page('已登入 · Signed in', '可以關閉此分頁，回到命令列。 You can close this tab and return to the terminal.'));
                clearTimeout(timer);
                resolve(t);
              },
              (err: unknown) => {
                const e = err instanceof SignInError ? err : new SignInError('BAD_TOKEN_RESPONSE', String(err));
                res
                  .writeHead(400, { 'content-type': 'text/html; charset=utf-8' })
                  .end(page('登入被拒絕 · Sign-in refused', `${e.zh}<br>${e.en}`));
                clearTimeout(timer);
                reject(new CliError(`${e.zh} ${e.en}`, EXIT.usage, 'run `casebook login` again'));
              },
            );
          });
        });
        saveSession(api, cfg, tokens);
        const who = signedInClaims(tokens.idToken);
        output(
          program,
          {
            api,
            username: who.username,
            name: who.name,
            roles: who.roles,
            unitCode: who.unitCode,
            expiresAt: new Date(tokens.expiresAt * 1000).toISOString(),
          },
          () =>
            `Signed in to ${api} as ${who.name} <${who.username}> (${who.roles.map((r) => `${roleZh(r) ?? r} ${r}`).join(', ') || 'no role'}${who.unitCode ? `, unit ${who.unitCode}` : ''}); tokens kept in ${credentialsFile()}`,
        );
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });

  program
    .command('logout')
    .description('revoke and forget the tokens `casebook login` kept for this API')
    .action(async () => {
      const api = await targetApi(program);
      const session = loadSession(api);
      if (!session) {
        output(program, { api, signedIn: false }, () => `Not signed in to ${api}.`);
        return;
      }
      let revoked = false;
      if (session.refreshToken) {
        try {
          await revokeRefreshToken(session.auth, session.refreshToken);
          revoked = true;
        } catch {
          // forgotten all the same; the token lapses at its expiry
        }
      }
      deleteSession(api);
      output(program, { api, signedIn: false, revoked }, () => `Signed out of ${api}${revoked ? ' (refresh token revoked)' : ''}.`);
    });

  program
    .command('whoami')
    .description('who `casebook login` signed in as for this API (refreshing the tokens if needed)')
    .action(async () => {
      const api = await targetApi(program);
      const token = await sessionToken(api);
      if (!token) {
        const local = !globalsOf(program).api;
        throw new CliError(
          `not signed in to ${api}`,
          EXIT.usage,
          local ? 'run `casebook login`; until then local commands act as the demo personas' : `run \`casebook login --api ${api}\``,
        );
      }
      const who = signedInClaims(token);
      const session = loadSession(api)!;
      output(
        program,
        {
          api,
          sub: who.sub,
          username: who.username,
          name: who.name,
          email: who.email,
          roles: who.roles,
          unitCode: who.unitCode,
          expiresAt: new Date(session.expiresAt * 1000).toISOString(),
        },
        () =>
          [
            `${who.name} <${who.username}>`,
            `  role:    ${who.roles.map((r) => `${roleZh(r) ?? r} (${r})`).join(', ') || '—'}`,
            ...(who.unitCode ? [`  unit:    ${who.unitCode}`] : []),
            `  api:     ${api}`,
            `  expires: ${new Date(session.expiresAt * 1000).toISOString()} (refreshed automatically)`,
          ].join('\n'),
      );
    });
}
