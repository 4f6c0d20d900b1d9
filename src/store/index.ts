export {
  Store,
  type Amendment,
  type CaseVersion,
  type DuplicateCandidate,
  type DuplicateIndexEntry,
  type DuplicateText,
  type NewTask,
  type Repositories,
  type StoredTask,
  type StoreOptions,
  type StorePort,
} from './store';
export { AuditRepository } from './audit';
export { CaseRepository } from './cases';
export { ObjectionRepository } from './objections';
export { OutboxRepository } from './outbox';
export { ReviewRepository } from './reviews';
export { RoundRepository } from './rounds';
export { SubmissionRepository } from './submissions';
export { TableClient } from './table';
export { TaskRepository } from './tasks';
export { StoreError } from './errors';
export { createDocumentClient, defaultStore, defaultTable } from './client';
export { tableDefinition, keys } from './schema';
export type { AuditDraft } from './audit-link';
