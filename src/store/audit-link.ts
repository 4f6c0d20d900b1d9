/**
 * What a caller supplies to append to a round's audit trail; seq and the hashes are the chain's
 * business (src/domain/audit/chain.ts), filled in by the store's append and seal.
 */
import type { AuditInput } from '../domain/audit/chain';

export type AuditDraft = AuditInput;
