/**
 * The local OpenID provider with the console's and the CLI's sign-in code (src/auth/flow.ts):
 * authorization code with PKCE through the local sign-in page, Cognito's claim shapes, refresh,
 * the new-password step of invited accounts, and the refusals — a state or PKCE mismatch in the
 * callback, a wrong password, a disabled account — plus the API authorizer's checks of the tokens
 * (expired, forged, wrong issuer, wrong audience).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, SignJWT, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  beginSignIn,
  completeSignIn,
  refreshTokens,
  signedInClaims,
  SignInError,
  logoutUrl,
  type PendingSignIn,
} from '../../../src/auth/flow';
import { createLocalIssuer, LOCAL_CLIENT_ID, LOCAL_ISSUER, loadSigningKey, type LocalIssuer } from '../../../local/issuer';
import { startLocalOidc, type LocalOidc } from '../../../local/oidc';
import { LOCAL_USER_POOL_ISSUER } from '../../../local/topology';
import { LocalUserDirectory, LOCAL_DEMO_PASSWORD } from '../../../local/user-directory';
import { signInThroughPage, SignInPageError } from '../../support/signin';

const CALLBACK = 'http://127.0.0.1:9/console/callback.html';
const SIGNED_OUT = 'http://127.0.0.1:9/console/';
const OFFICE = { username: 'office@demo.casebook.local', password: LOCAL_DEMO_PASSWORD };

let dataDir: string;
let users: LocalUserDirectory;
let oidc: LocalOidc;
let issuer: LocalIssuer;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'casebook-signin-'));
  users = new LocalUserDirectory(dataDir);
  await users.ensureDemoAccounts([{ unitCode: '440103', name: '廣州市荔灣區人大常委會' }]);
  oidc = await startLocalOidc({
    dataDir,
    accounts: users,
    redirectUris: [CALLBACK],
    postLogoutRedirectUris: [SIGNED_OUT],
    lifetimes: { idTokenSeconds: 5 },
  });
  issuer = await createLocalIssuer(dataDir);
}, 60_000);
afterAll(async () => {
  await oidc?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(who: { username: string; password: string; newPassword?: string }) {
  const { url, pending } = await beginSignIn(oidc.config, CALLBACK);
  const callback = await signInThroughPage(url, CALLBACK, who);
  return { callback, pending };
}

describe('the local provider speaks Cognito managed login', () => {
  it('answers discovery with the stable issuer and the Cognito paths, and keeps its signing key (mode 0600) in the data dir', async () => {
    const doc = (await (await fetch(oidc.config.discoveryUrl)).json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(LOCAL_ISSUER);
    // the template's user pool issuer resolves locally to the same one
    expect(LOCAL_USER_POOL_ISSUER).toBe(LOCAL_ISSUER);
    expect(doc.authorization_endpoint).toBe(`${oidc.url}/oauth2/authorize`);
    expect(doc.token_endpoint).toBe(`${oidc.url}/oauth2/token`);
    expect(doc.end_session_endpoint).toBe(`${oidc.url}/oauth2/logout`);
    expect(doc.jwks_uri).toBe(`${oidc.url}/.well-known/jwks.json`);
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    const jwks = (await (await fetch(`${oidc.url}/.well-known/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
    const key = await loadSigningKey(dataDir);
    expect(jwks.keys.map((k) => k.kid)).toEqual([key.kid]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(statSync(join(dataDir, 'issuer', 'signing-key.json')).mode & 0o777).toBe(0o600);
  });

  it('signs the office in through the code flow with PKCE; the ID token has Cognito claims and passes the API authorizer', async () => {
    const { callback, pending } = await signIn(OFFICE);
    expect(callback.searchParams.get('state')).toBe(pending.state);
    const tokens = await completeSignIn(oidc.config, pending, callback);
    const claims = await issuer.verify(tokens.idToken);
    expect(claims).toMatchObject({
      iss: LOCAL_ISSUER,
      aud: LOCAL_CLIENT_ID,
      sub: 'office-1',
      token_use: 'id',
      'cognito:username': 'office@demo.casebook.local',
      'cognito:groups': ['secretariat'],
      email: 'office@demo.casebook.local',
      name: '省人大常委會辦公廳',
    });
    expect(claims.nonce).toBe(pending.nonce);
    expect(tokens.expiresAt - tokens.issuedAt).toBe(5);
    expect(tokens.refreshToken).toBeTruthy();
    expect(signedInClaims(tokens.idToken)).toMatchObject({ sub: 'office-1', roles: ['secretariat'], name: '省人大常委會辦公廳' });
  });

  it('an applicant token carries custom:unitCode', async () => {
    const { callback, pending } = await signIn({ username: 'applicant-440103@demo.casebook.local', password: LOCAL_DEMO_PASSWORD });
    const tokens = await completeSignIn(oidc.config, pending, callback);
    expect(await issuer.verify(tokens.idToken)).toMatchObject({
      sub: 'applicant-440103',
      'cognito:groups': ['applicant'],
      'custom:unitCode': '440103',
    });
  });

  it('refreshes: a new ID token for the same person, valid at the API', async () => {
    const { callback, pending } = await signIn(OFFICE);
    const first = await completeSignIn(oidc.config, pending, callback);
    await new Promise((r) => setTimeout(r, 1100));
    const next = await refreshTokens(oidc.config, first.refreshToken!);
    expect(next.idToken).not.toBe(first.idToken);
    expect(next.expiresAt).toBeGreaterThan(first.expiresAt);
    expect(await issuer.verify(next.idToken)).toMatchObject({ sub: 'office-1', 'cognito:groups': ['secretariat'], token_use: 'id' });
  });

  it('an invited account sets its own password at first sign-in, then signs in with it', async () => {
    const { temporaryPassword } = await users.upsert({
      username: 'chen@rd.example.cn',
      email: 'chen@rd.example.cn',
      name: '陳評審',
      role: 'reviewer',
      jurisdictions: ['440100'],
    });
    expect(temporaryPassword).toBeTruthy();
    await expect(signIn({ username: 'chen@rd.example.cn', password: temporaryPassword! })).rejects.toThrow(/asks for a new password/);
    const weak = await signIn({ username: 'chen@rd.example.cn', password: temporaryPassword!, newPassword: 'short' }).catch(
      (e: SignInPageError) => e,
    );
    expect(weak).toBeInstanceOf(SignInPageError);
    expect((weak as SignInPageError).html).toContain('role="alert"');
    const chosen = 'Chen-Reviewer-2026!';
    const { callback, pending } = await signIn({ username: 'chen@rd.example.cn', password: temporaryPassword!, newPassword: chosen });
    const tokens = await completeSignIn(oidc.config, pending, callback);
    expect(signedInClaims(tokens.idToken).roles).toEqual(['reviewer']);
    expect((await users.find('chen@rd.example.cn'))?.status).toBe('CONFIRMED');
    const again = await signIn({ username: 'chen@rd.example.cn', password: chosen });
    await expect(completeSignIn(oidc.config, again.pending, again.callback)).resolves.toHaveProperty('idToken');
  });

  it('refuses a wrong password on the page, with a bilingual message', async () => {
    const err = await signIn({ ...OFFICE, password: 'not-the-password' }).catch((e: SignInPageError) => e);
    expect(err).toBeInstanceOf(SignInPageError);
    expect((err as SignInPageError).html).toContain('帳號或密碼不正確');
    expect((err as SignInPageError).html).toContain('Wrong account or password');
  });

  it('a disabled account can neither sign in nor refresh', async () => {
    const { callback, pending } = await signIn({ username: 'approver@demo.casebook.local', password: LOCAL_DEMO_PASSWORD });
    const tokens = await completeSignIn(oidc.config, pending, callback);
    await users.setEnabled('approver@demo.casebook.local', false);
    try {
      await expect(refreshTokens(oidc.config, tokens.refreshToken!)).rejects.toMatchObject({ code: 'REFRESH_REJECTED' });
      await expect(signIn({ username: 'approver@demo.casebook.local', password: LOCAL_DEMO_PASSWORD })).rejects.toBeInstanceOf(
        SignInPageError,
      );
    } finally {
      await users.setEnabled('approver@demo.casebook.local', true);
    }
  });
});

describe('the callback refuses what does not match the request', () => {
  it('a state that is not this request’s (or no pending request at all) is refused before any code exchange', async () => {
    const { callback, pending } = await signIn(OFFICE);
    const other: PendingSignIn = { ...pending, state: 'someone-elses-state' };
    const err = await completeSignIn(oidc.config, other, callback).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignInError);
    expect(err).toMatchObject({ code: 'STATE_MISMATCH' });
    expect((err as SignInError).zh).toContain('state 不一致');
    expect((err as SignInError).en).toContain('state mismatch');
    await expect(completeSignIn(oidc.config, undefined, callback)).rejects.toMatchObject({ code: 'STATE_MISMATCH' });
    // the code was never spent: the rightful request still completes
    await expect(completeSignIn(oidc.config, pending, callback)).resolves.toHaveProperty('idToken');
  });

  it('a code exchanged with another PKCE verifier is refused by the token endpoint', async () => {
    const { callback, pending } = await signIn(OFFICE);
    const err = await completeSignIn(oidc.config, { ...pending, codeVerifier: 'x'.repeat(64) }, callback).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CODE_REJECTED' });
    expect((err as SignInError).zh).toContain('PKCE');
  });

  it('an authorization request without PKCE is refused by the provider', async () => {
    const { url } = await beginSignIn(oidc.config, CALLBACK);
    const bare = new URL(url);
    bare.searchParams.delete('code_challenge');
    bare.searchParams.delete('code_challenge_method');
    const res = await fetch(bare, { redirect: 'manual' });
    const location = new URL(res.headers.get('location') ?? '', oidc.url);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('a redirect URI that is not registered is refused', async () => {
    const { url } = await beginSignIn(oidc.config, 'http://127.0.0.1:9/elsewhere');
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
  });
});

describe('logout', () => {
  it("takes Cognito's client_id + logout_uri: drops the session cookies and goes to the registered sign-out URL; another logout_uri or client is refused", async () => {
    const res = await fetch(logoutUrl(oidc.config, SIGNED_OUT), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(SIGNED_OUT);
    expect(
      res.headers
        .getSetCookie()
        .map((c) => c.split('=')[0])
        .sort(),
    ).toEqual(['_session', '_session.sig']);
    expect(res.headers.getSetCookie().every((c) => c.includes('1970'))).toBe(true);
    expect((await fetch(logoutUrl(oidc.config, 'https://evil.example/'), { redirect: 'manual' })).status).toBe(400);
    expect((await fetch(logoutUrl({ ...oidc.config, clientId: 'other' }, SIGNED_OUT), { redirect: 'manual' })).status).toBe(400);
  });
});

describe('the API authorizer (local/issuer verify) refuses bad tokens', () => {
  const key = async () => importJWK((await loadSigningKey(dataDir)).privateJwk, 'RS256');
  const sign = async (
    claims: Record<string, unknown>,
    opts: { iss?: string; aud?: string; exp?: number; signer?: CryptoKey | Uint8Array } = {},
  ) => {
    const now = Math.floor(Date.now() / 1000);
    const kid = (await loadSigningKey(dataDir)).kid;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject('office-1')
      .setIssuer(opts.iss ?? LOCAL_ISSUER)
      .setAudience(opts.aud ?? LOCAL_CLIENT_ID)
      .setIssuedAt(now)
      .setExpirationTime(opts.exp ?? now + 600)
      .sign((opts.signer ?? (await key())) as CryptoKey);
  };

  it('accepts a well-formed one', async () => {
    await expect(issuer.verify(await sign({ 'cognito:groups': ['secretariat'] }))).resolves.toMatchObject({ sub: 'office-1' });
  });
  it('refuses an expired token', async () => {
    await expect(issuer.verify(await sign({}, { exp: Math.floor(Date.now() / 1000) - 5 }))).rejects.toThrow();
  });
  it('refuses a forged token (signed by another key)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    await expect(issuer.verify(await sign({}, { signer: privateKey }))).rejects.toThrow();
  });
  it('refuses a token of another issuer', async () => {
    await expect(issuer.verify(await sign({}, { iss: 'https://cognito-idp.local.casebook/someone-else' }))).rejects.toThrow();
  });
  it('refuses a token for another audience', async () => {
    await expect(issuer.verify(await sign({}, { aud: 'another-client' }))).rejects.toThrow(/audience/);
  });
  it('refuses a tampered payload', async () => {
    const token = await sign({ 'cognito:groups': ['applicant'] });
    const [h, , sig] = token.split('.');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'office-1', 'cognito:groups': ['secretariat'], iss: LOCAL_ISSUER, aud: LOCAL_CLIENT_ID, exp: 9_999_999_999 }),
    ).toString('base64url');
    await expect(issuer.verify(`${h}.${payload}.${sig}`)).rejects.toThrow();
  });
});
