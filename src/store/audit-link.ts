/**
 * Links a new audit entry to the head of its round's chain. The hashing belongs to the audit
 * domain (src/domain/audit/chain.ts); this file only adapts it to the store's append loop.
 */
import { appendEntry, type AuditInput } from '../domain/audit/chain';
import type { AuditEntry } from '../domain/model';

/** What a caller supplies; seq and the hashes are the chain's business. */
export type AuditDraft = AuditInput;

export function linkAuditEntry(previous: AuditEntry | undefined, draft: AuditDraft): AuditEntry {
  return appendEntry(previous ?? null, draft);
}
