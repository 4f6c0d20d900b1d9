/**
 * The local user pool's keys and its token checks: the signing key the local OpenID provider
 * (local/oidc.ts) signs ID tokens with, kept in the data dir so tokens issued before a restart
 * stay valid after it; `verify`, which checks a bearer token exactly as API Gateway's JWT
 * authorizer does (signature against the issuer's keys, `iss`, `aud`/`client_id`, `exp`/`nbf`);
 * and `mintToken`, the local cloud's shortcut that lets the CLI, the demo and tests act as a
 * persona without a browser sign-in (the same key, issuer and claim shape as the provider's).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';

/** Stable across restarts (unlike ports), shaped like `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
export const LOCAL_ISSUER = 'https://cognito-idp.local.casebook/local_casebook';
export const LOCAL_CLIENT_ID = 'casebook-local-client';
const ALG = 'RS256';

export interface MintRequest {
  sub: string;
  name: string;
  groups: readonly string[];
  unitCode?: string;
  email?: string;
  /** `cognito:username` (the sign-in name); the sub when not given. */
  username?: string;
  /** Lifetime in seconds (Cognito's default ID token lifetime is one hour). */
  ttlSeconds?: number;
}

export interface LocalIssuer {
  issuer: string;
  audience: string;
  jwks: { keys: JWK[] };
  mintToken(request: MintRequest): Promise<string>;
  /** Verifies like the JWT authorizer; throws on anything it would reject. */
  verify(token: string): Promise<JWTPayload>;
}

export interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** The data dir's signing key, created (mode 0600) on first use. */
export async function loadSigningKey(dataDir: string): Promise<StoredKey> {
  const dir = join(dataDir, 'issuer');
  const file = join(dir, 'signing-key.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = randomUUID();
  const stored: StoredKey = {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALG, use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' },
  };
  mkdirSync(dir, { recursive: true });
  // Written under a temporary name and renamed, so a concurrent reader never sees half a key.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(stored), { mode: 0o600 });
  if (existsSync(file)) {
    rmSync(temp, { force: true });
    return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  }
  renameSync(temp, file);
  return stored;
}

export async function createLocalIssuer(dataDir: string): Promise<LocalIssuer> {
  const stored = await loadSigningKey(dataDir);
  const privateKey = await importJWK(stored.privateJwk, ALG);
  const publicKey = await importJWK(stored.publicJwk, ALG);

  return {
    issuer: LOCAL_ISSUER,
    audience: LOCAL_CLIENT_ID,
    jwks: { keys: [stored.publicJwk] },
    async mintToken(request) {
      const now = Math.floor(Date.now() / 1000);
      const claims: JWTPayload & Record<string, unknown> = {
        'cognito:groups': [...request.groups],
        'cognito:username': request.username ?? request.sub,
        name: request.name,
        token_use: 'id',
        auth_time: now,
        event_id: randomUUID(),
        ...(request.unitCode ? { 'custom:unitCode': request.unitCode } : {}),
        ...(request.email ? { email: request.email, email_verified: true } : {}),
      };
      return new SignJWT(claims)
        .setProtectedHeader({ alg: ALG, kid: stored.kid, typ: 'JWT' })
        .setSubject(request.sub)
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_CLIENT_ID)
        .setIssuedAt(now)
        .setExpirationTime(now + (request.ttlSeconds ?? 3600))
        .setJti(randomUUID())
        .sign(privateKey);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, publicKey, { issuer: LOCAL_ISSUER, algorithms: [ALG], clockTolerance: 0 });
      // The authorizer accepts a match on `aud` (ID tokens) or `client_id` (access tokens).
      const aud = payload.aud;
      const audiences = Array.isArray(aud) ? aud : aud ? [aud] : [];
      if (!audiences.includes(LOCAL_CLIENT_ID) && payload.client_id !== LOCAL_CLIENT_ID) throw new Error('audience mismatch');
      return payload;
    },
  };
}

/**
 * Claims as the HTTP API hands them to the Lambda: every value a string, arrays flattened to
 * "[a b]" (which is why `cognito:groups` arrives as "[reviewer secretariat]").
 */
export function flattenClaims(payload: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) out[key] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') out[key] = JSON.stringify(value);
    else out[key] = String(value);
  }
  return out;
}
