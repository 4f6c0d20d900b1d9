/**
 * Who is calling: read only from the JWT claims that API Gateway's authorizer (or the local
 * cloud's issuer) verified, never from the request body.
 */
import { ROLES, type Actor, type Role } from '../domain/model';

export type Claims = Record<string, string | number | boolean | string[] | undefined>;

/**
 * `cognito:groups` reaches a Lambda behind an HTTP API flattened to a string such as
 * "[reviewer secretariat]"; the local issuer may pass a real array or a JSON array string.
 * All three shapes mean the same groups.
 */
export function parseGroups(value: Claims[string]): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  if (text.startsWith('[') && text.includes('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // not JSON: fall through to the flattened form
    }
  }
  return text
    .replace(/^\[/, '')
    .replace(/\]$/, '')
    .split(/[\s,]+/)
    .map((g) => g.trim())
    .filter(Boolean);
}

export function actorFromClaims(claims: Claims | undefined): Actor | undefined {
  if (!claims) return undefined;
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.length === 0) return undefined;
  const roles = parseGroups(claims['cognito:groups']).filter((g): g is Role => (ROLES as readonly string[]).includes(g));
  const unitCode = claims['custom:unitCode'];
  const name = claims.name ?? claims['cognito:username'] ?? sub;
  return {
    id: sub,
    name: String(name),
    roles,
    ...(typeof unitCode === 'string' && unitCode.length > 0 ? { unitCode } : {}),
  };
}
