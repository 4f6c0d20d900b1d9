/**
 * The one sign-in code path of the console and the CLI: OAuth 2.0 authorization code with PKCE
 * (public client, no secret), refresh, and Cognito-style logout, on oauth4webapi.
 *
 * It runs unchanged in Node (the CLI imports it) and in the browser (scripts/vendor-oauth.ts
 * bundles it with oauth4webapi into console/vendor/oauth.js), against Cognito managed login on
 * AWS and the local OpenID provider on the local cloud: both answer on the same paths, and the
 * endpoints come from `GET /auth/config` (src/auth/config.ts).
 *
 * The bearer token the API takes is the ID token (the JWT authorizer's audience is the app
 * client; the ID token carries the groups and the unit the API reads).
 */
import * as oauth from 'oauth4webapi';
import type { AuthConfig } from './config';

export interface TokenSet {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  /** Epoch seconds when the ID token (the bearer token) was issued and when it expires. */
  issuedAt: number;
  expiresAt: number;
}

/** What the client keeps between sending the browser off and the redirect coming back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
}

export interface SignedInClaims {
  sub: string;
  username: string;
  name: string;
  email?: string;
  roles: string[];
  unitCode?: string;
  exp?: number;
}

export type SignInErrorCode =
  'STATE_MISMATCH' | 'SIGNIN_REFUSED' | 'CODE_REJECTED' | 'REFRESH_REJECTED' | 'BAD_TOKEN_RESPONSE' | 'AUTH_UNREACHABLE';

const MESSAGES: Record<SignInErrorCode, { zh: string; en: string }> = {
  STATE_MISMATCH: {
    zh: '登入回應與本次登入請求不符（state 不一致），已拒絕。請重新登入；若一再發生，可能有人試圖冒用您的登入。',
    en: 'The sign-in response does not match this sign-in request (state mismatch) and was refused. Sign in again; if this keeps happening, someone may be trying to hijack your sign-in.',
  },
  SIGNIN_REFUSED: { zh: '登入服務拒絕了這次登入。', en: 'The sign-in service refused this sign-in.' },
  CODE_REJECTED: {
    zh: '登入憑證交換失敗（授權碼無效、已使用或 PKCE 驗證不符），已拒絕。請重新登入。',
    en: 'Exchanging the sign-in code failed (the code is invalid, used, or the PKCE verifier does not match) and was refused. Sign in again.',
  },
  REFRESH_REJECTED: { zh: '登入已過期，無法自動續期，請重新登入。', en: 'Your sign-in expired and could not be renewed; sign in again.' },
  BAD_TOKEN_RESPONSE: {
    zh: '登入服務的回應無效，已拒絕。',
    en: 'The sign-in service answered with an invalid response, which was refused.',
  },
  AUTH_UNREACHABLE: { zh: '無法連線到登入服務，請檢查網絡後再試。', en: 'Cannot reach the sign-in service; check the network and retry.' },
};

/** A refused or failed sign-in step, with a bilingual message fit to show as it is. */
export class SignInError extends Error {
  readonly zh: string;
  readonly en: string;
  constructor(
    readonly code: SignInErrorCode,
    detail?: string,
  ) {
    const m = MESSAGES[code];
    super(`${code}: ${m.en}${detail ? ` (${detail})` : ''}`);
    this.name = 'SignInError';
    this.zh = m.zh + (detail ? `（${detail}）` : '');
    this.en = m.en + (detail ? ` (${detail})` : '');
  }
}

function server(cfg: AuthConfig): oauth.AuthorizationServer {
  return {
    issuer: cfg.issuer,
    authorization_endpoint: cfg.authorizationEndpoint,
    token_endpoint: cfg.tokenEndpoint,
    revocation_endpoint: cfg.revocationEndpoint,
    userinfo_endpoint: cfg.userInfoEndpoint,
    end_session_endpoint: cfg.logoutEndpoint,
  };
}

const client = (cfg: AuthConfig): oauth.Client => ({ client_id: cfg.clientId });

/** Plain http is accepted for the loopback local provider only; everything else must be https. */
function requestOptions(cfg: AuthConfig): { [oauth.allowInsecureRequests]?: boolean } {
  const url = new URL(cfg.tokenEndpoint);
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  return url.protocol === 'http:' && loopback ? { [oauth.allowInsecureRequests]: true } : {};
}

/** The authorization URL to send the browser to, and what to keep until the redirect returns. */
export async function beginSignIn(cfg: AuthConfig, redirectUri: string): Promise<{ url: string; pending: PendingSignIn }> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const pending: PendingSignIn = { state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce(), codeVerifier, redirectUri };
  const url = new URL(cfg.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', cfg.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', cfg.scopes.join(' '));
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return { url: url.href, pending };
}

/**
 * Checks the redirect (state first: a response to some other request is refused before any code
 * is sent anywhere), then exchanges the code with the PKCE verifier.
 */
export async function completeSignIn(cfg: AuthConfig, pending: PendingSignIn | undefined, callback: URL | string): Promise<TokenSet> {
  const url = new URL(String(callback));
  const params = url.searchParams;
  if (!pending || params.get('state') !== pending.state) throw new SignInError('STATE_MISMATCH');
  let checked: URLSearchParams;
  try {
    checked = oauth.validateAuthResponse(server(cfg), client(cfg), params, pending.state);
  } catch (err) {
    if (err instanceof oauth.AuthorizationResponseError) throw new SignInError('SIGNIN_REFUSED', err.error_description ?? err.error);
    throw new SignInError('STATE_MISMATCH', (err as Error).message);
  }
  let response: Response;
  try {
    response = await oauth.authorizationCodeGrantRequest(
      server(cfg),
      client(cfg),
      oauth.None(),
      checked,
      pending.redirectUri,
      pending.codeVerifier,
      requestOptions(cfg),
    );
  } catch (err) {
    throw new SignInError('AUTH_UNREACHABLE', (err as Error).message);
  }
  try {
    return toTokenSet(
      await oauth.processAuthorizationCodeResponse(server(cfg), client(cfg), response, {
        expectedNonce: pending.nonce,
        requireIdToken: true,
      }),
    );
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError) throw new SignInError('CODE_REJECTED', err.error);
    throw new SignInError('BAD_TOKEN_RESPONSE', (err as Error).message);
  }
}

/** New tokens from the refresh token (the refresh token itself is kept when none is returned). */
export async function refreshTokens(cfg: AuthConfig, refreshToken: string): Promise<TokenSet> {
  let response: Response;
  try {
    response = await oauth.refreshTokenGrantRequest(server(cfg), client(cfg), oauth.None(), refreshToken, requestOptions(cfg));
  } catch (err) {
    throw new SignInError('AUTH_UNREACHABLE', (err as Error).message);
  }
  try {
    const tokens = toTokenSet(await oauth.processRefreshTokenResponse(server(cfg), client(cfg), response));
    return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError) throw new SignInError('REFRESH_REJECTED', err.error);
    throw new SignInError('BAD_TOKEN_RESPONSE', (err as Error).message);
  }
}

/** Revokes a refresh token (and what was issued from it) at the revocation endpoint, as signing out does. */
export async function revokeRefreshToken(cfg: AuthConfig, refreshToken: string): Promise<void> {
  let response: Response;
  try {
    response = await oauth.revocationRequest(server(cfg), client(cfg), oauth.None(), refreshToken, {
      ...requestOptions(cfg),
      additionalParameters: { token_type_hint: 'refresh_token' },
    });
  } catch (err) {
    throw new SignInError('AUTH_UNREACHABLE', (err as Error).message);
  }
  try {
    await oauth.processRevocationResponse(response);
  } catch (err) {
    throw new SignInError('BAD_TOKEN_RESPONSE', err instanceof oauth.ResponseBodyError ? err.error : (err as Error).message);
  }
}

/**
 * Cognito's logout endpoint: ends the managed login session, then sends the browser to
 * `logoutUri` (one of the client's registered sign-out URLs).
 */
export function logoutUrl(cfg: AuthConfig, logoutUri: string): string {
  const url = new URL(cfg.logoutEndpoint);
  url.searchParams.set('client_id', cfg.clientId);
  url.searchParams.set('logout_uri', logoutUri);
  return url.href;
}

function toTokenSet(result: oauth.TokenEndpointResponse): TokenSet {
  const idToken = result.id_token;
  if (!idToken) throw new SignInError('BAD_TOKEN_RESPONSE', 'no id_token');
  const claims = decodeClaims(idToken);
  const byExpiresIn = result.expires_in ? Math.floor(Date.now() / 1000) + result.expires_in : Number.POSITIVE_INFINITY;
  const expiresAt = Math.min(typeof claims.exp === 'number' ? claims.exp : byExpiresIn, byExpiresIn);
  if (!Number.isFinite(expiresAt)) throw new SignInError('BAD_TOKEN_RESPONSE', 'no expiry');
  const issuedAt = typeof claims.iat === 'number' ? claims.iat : Math.floor(Date.now() / 1000);
  return {
    idToken,
    accessToken: result.access_token,
    ...(result.refresh_token ? { refreshToken: result.refresh_token } : {}),
    issuedAt,
    expiresAt,
  };
}

/** The payload of a JWT, unverified (for display and expiry only: the API verifies every token). */
export function decodeClaims(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1];
  if (!part) throw new SignInError('BAD_TOKEN_RESPONSE', 'not a JWT');
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SignInError('BAD_TOKEN_RESPONSE', 'not a JWT');
  return value as Record<string, unknown>;
}

/** Who an ID token names, in the claim shapes of Cognito (and the local provider). */
export function signedInClaims(idToken: string): SignedInClaims {
  const c = decodeClaims(idToken);
  const groups = c['cognito:groups'];
  const roles = Array.isArray(groups)
    ? groups.map(String)
    : String(groups ?? '')
        .replace(/^\[|\]$/g, '')
        .split(/[\s,]+/)
        .filter(Boolean);
  const sub = String(c.sub ?? '');
  const username = String(c['cognito:username'] ?? sub);
  return {
    sub,
    username,
    name: String(c.name ?? username),
    ...(typeof c.email === 'string' ? { email: c.email } : {}),
    roles,
    ...(typeof c['custom:unitCode'] === 'string' && c['custom:unitCode'] ? { unitCode: c['custom:unitCode'] } : {}),
    ...(typeof c.exp === 'number' ? { exp: c.exp } : {}),
  };
}

/**
 * Whether the tokens should be refreshed now: within a minute of expiry, or within the last fifth
 * of their lifetime when they live shorter than five minutes.
 */
export function needsRefresh(tokens: Pick<TokenSet, 'issuedAt' | 'expiresAt'>, now = Date.now() / 1000): boolean {
  const margin = Math.min(60, Math.max(1, (tokens.expiresAt - tokens.issuedAt) / 5));
  return tokens.expiresAt - now <= margin;
}

/** Milliseconds until `needsRefresh` turns true (0 when it already is). */
export function refreshDelayMs(tokens: Pick<TokenSet, 'issuedAt' | 'expiresAt'>, now = Date.now() / 1000): number {
  const margin = Math.min(60, Math.max(1, (tokens.expiresAt - tokens.issuedAt) / 5));
  return Math.max(0, Math.round((tokens.expiresAt - margin - now) * 1000));
}
