export { Store, type Amendment, type CaseVersion, type DuplicateCandidate, type DuplicateIndexEntry, type DuplicateText, type NewTask, type StoredTask, type StoreOptions } from './store';
export { StoreError } from './errors';
export { createDocumentClient, defaultStore } from './client';
export { tableDefinition, keys } from './schema';
export type { AuditDraft } from './audit-link';
