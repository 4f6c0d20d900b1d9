/**
 * The local cloud's sign-in service: a real OpenID provider (oidc-provider) standing in for
 * Cognito managed login, on Cognito's paths and with Cognito's claim shapes, so the console and
 * the CLI run the very code they run against AWS.
 *
 * - `/.well-known/openid-configuration`, `/.well-known/jwks.json`
 * - `/oauth2/authorize` (code + PKCE only) → the local sign-in page (username and password, then a
 *   new password for an invited account still on its temporary one)
 * - `/oauth2/token` (authorization_code, refresh_token), `/oauth2/userInfo`, `/oauth2/revoke`
 * - `/logout?client_id=…&logout_uri=…` (Cognito's logout: ends the browser's sign-in session and
 *   returns to a registered sign-out URL at once); OpenID's RP-initiated logout at `/oauth2/logout`
 *
 * Accounts are the local user directory's (local/user-directory.ts); ID tokens are signed with the
 * data dir's key (local/issuer.ts) under the stable local issuer, so the API's authorizer checks
 * them exactly like minted ones. Sessions, codes and refresh tokens live in memory: a restart of
 * the local cloud signs everyone out.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { authConfig, cliRedirectUri, CLI_LOGIN_PORTS, AUTH_SCOPES, type AuthConfig } from '../src/auth/config';
import type { DirectoryUser } from '../src/ports/user-directory';
import { LOCAL_CLIENT_ID, LOCAL_ISSUER, loadSigningKey } from './issuer';
import { PasswordPolicyError } from './user-directory';

/** What the sign-in page needs of the directory (LocalUserDirectory has it all). */
export interface SignInAccounts {
  findBySub(sub: string): Promise<DirectoryUser | undefined>;
  authenticate(username: string, password: string): Promise<DirectoryUser | undefined>;
  setPassword(username: string, newPassword: string): Promise<DirectoryUser>;
}

export interface TokenLifetimes {
  /** ID and access tokens (Cognito's client: one hour). */
  idTokenSeconds?: number;
  /** Refresh tokens (Cognito's client: twelve hours). */
  refreshTokenSeconds?: number;
}

export interface LocalOidcOptions {
  dataDir: string;
  accounts: SignInAccounts;
  /** The console's callback and sign-out URLs (`<site>/console/callback.html`, `<site>/console/`). */
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  lifetimes?: TokenLifetimes;
  port?: number;
  log?: (line: string) => void;
}

export interface LocalOidc {
  url: string;
  port: number;
  /** What `GET /auth/config` answers for the local cloud. */
  config: AuthConfig;
  close(): Promise<void>;
}

/** Token lifetimes from `CASEBOOK_LOCAL_ID_TOKEN_TTL` / `CASEBOOK_LOCAL_REFRESH_TOKEN_TTL` (seconds), for trying expiry by hand. */
export function lifetimesFromEnv(env: NodeJS.ProcessEnv = process.env): TokenLifetimes {
  const seconds = (name: string) => {
    const value = Number(env[name]);
    return Number.isInteger(value) && value > 0 ? value : undefined;
  };
  const id = seconds('CASEBOOK_LOCAL_ID_TOKEN_TTL');
  const refresh = seconds('CASEBOOK_LOCAL_REFRESH_TOKEN_TTL');
  return { ...(id ? { idTokenSeconds: id } : {}), ...(refresh ? { refreshTokenSeconds: refresh } : {}) };
}

export async function startLocalOidc(options: LocalOidcOptions): Promise<LocalOidc> {
  const key = await loadSigningKey(options.dataDir);
  const idTtl = options.lifetimes?.idTokenSeconds ?? 3600;
  const refreshTtl = options.lifetimes?.refreshTokenSeconds ?? 12 * 3600;
  const log = options.log ?? (() => undefined);
  /** Interactions whose user proved the temporary password and must now choose their own. */
  const awaitingNewPassword = new Map<string, string>();

  const configuration: Configuration = {
    clients: [
      {
        client_id: LOCAL_CLIENT_ID,
        client_name: 'casebook',
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [...options.redirectUris, ...CLI_LOGIN_PORTS.map(cliRedirectUri)],
        post_logout_redirect_uris: options.postLogoutRedirectUris,
      },
    ],
    jwks: { keys: [{ ...key.privateJwk, use: 'sig' } as never] },
    routes: {
      authorization: '/oauth2/authorize',
      token: '/oauth2/token',
      userinfo: '/oauth2/userInfo',
      revocation: '/oauth2/revoke',
      end_session: '/oauth2/logout',
      jwks: '/.well-known/jwks.json',
    },
    scopes: [...AUTH_SCOPES],
    claims: {
      openid: ['sub', 'cognito:username', 'cognito:groups', 'custom:unitCode', 'token_use'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // Cognito puts the scopes' claims in the ID token itself, which is what the API reads.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    pkce: { required: () => true },
    async findAccount(_ctx, sub) {
      const user = await options.accounts.findBySub(sub);
      // A disabled account can no longer refresh, as in Cognito.
      if (!user || !user.enabled) return undefined;
      return {
        accountId: user.sub,
        async claims(use: string) {
          return {
            sub: user.sub,
            'cognito:username': user.username,
            'cognito:groups': [user.role],
            ...(user.unitCode ? { 'custom:unitCode': user.unitCode } : {}),
            ...(use === 'id_token' ? { token_use: 'id' } : {}),
            email: user.email,
            email_verified: true,
            name: user.name,
          };
        },
      };
    },
    // casebook's own client: the scopes are granted without a consent screen, as in Cognito.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope(AUTH_SCOPES.join(' '));
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Refresh tokens outlive the browser session that issued them (the CLI keeps its own).
    expiresWithSession: async () => false,
    clientBasedCORS: (_ctx, origin, client) => (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    ttl: {
      AccessToken: idTtl,
      IdToken: idTtl,
      RefreshToken: refreshTtl,
      AuthorizationCode: 300,
      Interaction: 3600,
      Session: 24 * 3600,
      Grant: refreshTtl,
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(
        '登入出錯 · Sign-in error',
        `<h1>登入出錯 <span lang="en">Sign-in error</span></h1>
<p>登入服務無法完成這個請求。請回到工作台重新登入。</p><p lang="en">The sign-in service could not complete this request. Go back to the console and sign in again.</p>
<pre>${Object.entries(out)
          .map(([k, v]) => `${esc(k)}: ${esc(String(v))}`)
          .join('\n')}</pre>`,
      );
    },
  };

  const provider = new Provider(LOCAL_ISSUER, configuration);
  provider.on('server_error', (_ctx: unknown, err: Error) => log(`oidc: ${err.stack ?? err.message}`));
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      html(
        res,
        400,
        page(
          '登入已逾時 · Sign-in expired',
          `<h1>登入已逾時 <span lang="en">Sign-in expired</span></h1><p>這個登入頁面已失效，請回到工作台或命令列重新登入。</p><p lang="en">This sign-in page is no longer valid; start the sign-in again from the console or the CLI.</p>`,
        ),
      );
      return;
    }
    const uid = details.uid;
    const action = url.pathname.split('/')[3];
    if (req.method === 'GET' && !action) {
      if (details.prompt.name === 'login') return html(res, 200, loginPage(uid));
      // Any other prompt (consent) is granted by loadExistingGrant: finish it as is.
      await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
      return;
    }
    if (req.method !== 'POST') return html(res, 405, page('Method Not Allowed', '<h1>405</h1>'));
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    if (action === 'login') {
      const username = (form.get('username') ?? '').trim().toLowerCase();
      const password = form.get('password') ?? '';
      const user = username && password ? await options.accounts.authenticate(username, password) : undefined;
      if (!user) {
        log(`oidc: sign-in refused for an account name of ${username.length} characters`);
        return html(
          res,
          200,
          loginPage(uid, username, {
            zh: '帳號或密碼不正確，或帳號已停用。',
            en: 'Wrong account or password, or the account is disabled.',
          }),
        );
      }
      if (user.status === 'FORCE_CHANGE_PASSWORD') {
        awaitingNewPassword.set(uid, user.username);
        return html(res, 200, newPasswordPage(uid));
      }
      await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      return;
    }
    if (action === 'new-password') {
      const username = awaitingNewPassword.get(uid);
      if (!username)
        return html(res, 200, loginPage(uid, '', { zh: '請先以臨時密碼登入。', en: 'Sign in with your temporary password first.' }));
      const next = form.get('newPassword') ?? '';
      if (next !== (form.get('confirmPassword') ?? '')) {
        return html(res, 200, newPasswordPage(uid, [{ zh: '兩次輸入的新密碼不一致。', en: 'The two new passwords differ.' }]));
      }
      let user: DirectoryUser;
      try {
        user = await options.accounts.setPassword(username, next);
      } catch (err) {
        if (err instanceof PasswordPolicyError)
          return html(
            res,
            200,
            newPasswordPage(
              uid,
              err.issues.map((i) => i.message),
            ),
          );
        throw err;
      }
      awaitingNewPassword.delete(uid);
      await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      return;
    }
    html(res, 404, page('Not Found', '<h1>404</h1>'));
  }

  /**
   * Cognito's `/logout`: the client and the sign-out URL must match the registration; the
   * browser's session cookies are dropped (the next sign-in asks for the password again) and the
   * browser goes straight to the sign-out URL. Refresh tokens are revoked by the client itself.
   */
  function cognitoLogout(res: ServerResponse, url: URL): void {
    const target = url.searchParams.get('logout_uri') ?? '';
    if (url.searchParams.get('client_id') !== LOCAL_CLIENT_ID || !options.postLogoutRedirectUris.includes(target)) {
      html(
        res,
        400,
        page(
          '登出請求無效 · Invalid sign-out',
          '<h1>登出請求無效 <span lang="en">Invalid sign-out request</span></h1><p>未知的用戶端或登出網址。</p><p lang="en">Unknown client or sign-out URL.</p>',
        ),
      );
      return;
    }
    const expired = 'path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; samesite=lax; httponly';
    res.writeHead(302, {
      location: target,
      'cache-control': 'no-store',
      'set-cookie': ['_session', '_session.sig'].map((name) => `${name}=; ${expired}`),
    });
    res.end();
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname.startsWith('/interaction/')) {
      void interaction(req, res, url).catch((err: Error) => {
        log(`oidc: interaction: ${err.stack ?? err.message}`);
        if (!res.headersSent)
          html(res, 500, page('Error', '<h1>500</h1><p>登入服務內部錯誤。</p><p lang="en">Internal error of the sign-in service.</p>'));
        else res.end();
      });
      return;
    }
    if (url.pathname === '/logout' && req.method === 'GET') return cognitoLogout(res, url);
    // koa answers its own errors (ctx.onerror); nothing is left to handle here
    void callback(req, res);
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no address'));
      resolvePort(address.port);
    });
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    port,
    config: authConfig({
      issuer: LOCAL_ISSUER,
      clientId: LOCAL_CLIENT_ID,
      domainUrl: origin,
      discoveryUrl: `${origin}/.well-known/openid-configuration`,
    }),
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // A sign-in form is a few hundred bytes; anything far larger is not one.
      if (size > 64 * 1024) req.destroy(new Error('form too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // form-action also governs the redirects after a post: back to the client's loopback callback
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:*; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}

function page(title: string, body: string, extraHead = ''): string {
  return `<!doctype html>
<html lang="zh-Hant"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>${extraHead}
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;line-height:1.5}label{display:block;margin-top:1rem}input{width:100%;padding:.4rem;font-size:1rem;box-sizing:border-box}button{margin-top:1.2rem;padding:.5rem 1.2rem;font-size:1rem}.error{color:#a00;border-left:4px solid #a00;padding-left:.6rem}.note{color:#555;font-size:.9rem}[lang=en]{color:#444}</style>
</head><body><main>${body}</main></body></html>`;
}

function errors(list: { zh: string; en: string }[]): string {
  return list.length
    ? `<div class="error" role="alert">${list.map((m) => `<p>${esc(m.zh)}</p><p lang="en">${esc(m.en)}</p>`).join('')}</div>`
    : '';
}

function loginPage(uid: string, username = '', error?: { zh: string; en: string }): string {
  return page(
    '登入 · Sign in',
    `<h1>人大工作創新案例評選 · 登入 <span lang="en">Sign in</span></h1>
<p class="note">本機雲端的登入頁（部署後由 Cognito 託管登入頁取代）。<span lang="en">The local cloud's sign-in page (Cognito managed login on AWS).</span></p>
${error ? errors([error]) : ''}
<form method="post" action="/interaction/${esc(uid)}/login" autocomplete="on">
<label for="username">帳號（電子郵件） <span lang="en">Account (e-mail)</span></label>
<input id="username" name="username" type="email" autocomplete="username" required value="${esc(username)}" autofocus>
<label for="password">密碼 <span lang="en">Password</span></label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登入 <span lang="en">Sign in</span></button>
</form>`,
  );
}

function newPasswordPage(uid: string, problems: { zh: string; en: string }[] = []): string {
  return page(
    '設定新密碼 · Set a new password',
    `<h1>設定新密碼 <span lang="en">Set a new password</span></h1>
<p>這是您首次登入：請以自己的密碼取代臨時密碼（至少 12 個字元，含大寫、小寫、數字與符號）。</p>
<p lang="en">This is your first sign-in: replace the temporary password with your own (at least 12 characters, with upper and lower case letters, a digit and a symbol).</p>
${errors(problems)}
<form method="post" action="/interaction/${esc(uid)}/new-password">
<label for="newPassword">新密碼 <span lang="en">New password</span></label>
<input id="newPassword" name="newPassword" type="password" autocomplete="new-password" required autofocus>
<label for="confirmPassword">再次輸入新密碼 <span lang="en">New password again</span></label>
<input id="confirmPassword" name="confirmPassword" type="password" autocomplete="new-password" required>
<button type="submit">設定並登入 <span lang="en">Set and sign in</span></button>
</form>`,
  );
}

async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.type = 'html';
  ctx.body = page(
    '登出 · Sign out',
    `<h1>登出？ <span lang="en">Sign out?</span></h1>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>登出 <span lang="en">Sign out</span></button>`,
  );
}

async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'html';
  ctx.body = page(
    '已登出 · Signed out',
    '<h1>已登出 <span lang="en">Signed out</span></h1><p>您已登出。</p><p lang="en">You are signed out.</p>',
  );
}
