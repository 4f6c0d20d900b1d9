/**
 * What the API's use cases need besides the store: a presigner for uploads, the finalization
 * workflow, the decision use case, a clock and ids. Each use case names its view of the store
 * (`ApiDeps<ItsStorePort>`). The production wiring is in src/api/production.ts; tests pass the
 * real store on DynamoDB Local and fakes for the rest.
 */
import type { Actor, Task } from '../../domain/model';
import type { Store } from '../../store/store';
import type { UserDirectory } from '../../ports/user-directory';
import type { WorkbookReader } from '../users/import';

export interface UploadPort {
  /** A presigned PUT URL that signs Content-Type and Content-Length. */
  presignPut(input: { key: string; contentType: string; contentLength: number; expiresInSeconds: number }): Promise<string>;
}

export interface WorkflowPort {
  /** StartExecution of round-finalization (idempotent per round); returns the execution ARN. */
  startFinalization(roundId: string): Promise<string>;
}

export interface ApiDeps<S = Store> {
  store: S;
  uploads: UploadPort;
  workflows: WorkflowPort;
  /**
   * The workflow's decideTask, bound to its deps: conditional write first, then SendTaskSuccess.
   * `recorded`: a panel score was kept and the step waits for the other reviewers.
   */
  decide(actor: Actor, taskId: string, body: unknown): Promise<{ outcome: 'sent' | 'recorded'; task: Task; remaining?: string[] }>;
  now(): Date;
  newId(): string;
  /** The public site's base URL (SITE_BASE_URL): form posts may only be sent back under it. */
  siteBaseUrl?: string;
  /**
   * The accounts (Cognito's user pool on AWS, the local directory on the local cloud) and the
   * spreadsheet reader of imports. Absent where no directory is wired: the users routes say so,
   * and panel entries are taken as written.
   */
  users?: UsersPort;
}

export interface UsersPort {
  directory: UserDirectory;
  readWorkbook: WorkbookReader;
}
