export type { Clock } from './clock';
export { systemClock } from './clock';
export type { Notifier, NotificationDraft } from './notifier';
export type { ObjectStore, StoredObject } from './object-store';
export { ObjectNotFoundError } from './object-store';
export type { WorkflowEngine } from './workflow';
