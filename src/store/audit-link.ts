/**
 * Links a new audit entry to the head of its round's chain. The hashing itself belongs to the
 * audit domain (src/domain/audit/chain.ts); this file only adapts it to the store's append loop.
 */
import type { AuditEntry } from '../domain/model';
import { createHash } from 'node:crypto';

/** What a caller supplies; seq and the hashes are the chain's business. */
export type AuditDraft = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

export const GENESIS_HASH = '0'.repeat(64);

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

export function linkAuditEntry(previous: AuditEntry | undefined, draft: AuditDraft): AuditEntry {
  const seq = previous ? previous.seq + 1 : 1;
  const prevHash = previous ? previous.hash : GENESIS_HASH;
  const body = { ...draft, seq, prevHash };
  const hash = createHash('sha256').update(canonical(body)).digest('hex');
  return { ...body, hash };
}
