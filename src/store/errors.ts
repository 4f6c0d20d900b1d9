/**
 * Errors the store raises for conditions a person can cause (a second decision, a stale version,
 * a missing item). Each has a stable code and a bilingual message (the API turns the code into a
 * status in src/api/status.ts); anything else is a bug or an outage and propagates as is.
 */
import type { Bilingual } from '../domain/model';
import { UseCaseError } from '../usecases/errors';

export class StoreError extends UseCaseError {
  constructor(code: string, bilingual: Bilingual, details?: Record<string, unknown>) {
    super(code, bilingual, [], details);
    this.name = 'StoreError';
  }
}

export const notFound = (what: string, id: string) =>
  new StoreError('NOT_FOUND', { zh: `找不到${whatZh(what)}：${id}`, en: `${what} not found: ${id}` }, { what, id });

export const alreadyExists = (what: string, id: string) =>
  new StoreError('ALREADY_EXISTS', { zh: `${whatZh(what)}已存在：${id}`, en: `${what} already exists: ${id}` }, { what, id });

export const conflict = (what: string, id: string, detail: string) =>
  new StoreError(
    'CONFLICT',
    { zh: `${whatZh(what)}的狀態已改變，請重新載入：${id}`, en: `${what} ${id} changed meanwhile (${detail}); reload and retry` },
    { what, id, detail },
  );

/**
 * Too many concurrent writers on one item collection (a round's audit chain during a burst of
 * uploads). Transient by nature: the workflows retry the step on this error name, and the API
 * answers 503 so a client may retry.
 */
export const contention = (what: string, id: string, detail: string) => {
  const error = new StoreError(
    'CONTENTION',
    {
      zh: `${whatZh(what)}正被大量同時寫入，請稍後重試：${id}`,
      en: `${what} ${id} is under heavy concurrent writes (${detail}); retry shortly`,
    },
    { what, id, detail },
  );
  error.name = STORE_CONTENTION_ERROR;
  return error;
};

/** The error name the state machines retry (see their Retry blocks). */
export const STORE_CONTENTION_ERROR = 'Casebook.StoreContention';

export const taskAlreadyDecided = (taskId: string) =>
  new StoreError(
    'TASK_ALREADY_DECIDED',
    { zh: `此審批步驟已有決定：${taskId}`, en: `This approval step was already decided: ${taskId}` },
    { taskId },
  );

export const taskExpired = (taskId: string) =>
  new StoreError(
    'TASK_EXPIRED',
    { zh: `此審批步驟已逾期，不能再作決定：${taskId}`, en: `This approval step has expired and can no longer be decided: ${taskId}` },
    { taskId },
  );

export const reviewAlreadyScored = (caseId: string, reviewerId: string) =>
  new StoreError(
    'REVIEW_ALREADY_SCORED',
    { zh: `評審已就此案例評分：${caseId}`, en: `Reviewer ${reviewerId} already scored case ${caseId}` },
    { caseId, reviewerId },
  );

function whatZh(what: string): string {
  const names: Record<string, string> = {
    round: '評選輪次',
    submission: '提交',
    case: '案例',
    'case version': '案例版本',
    review: '評審',
    task: '審批步驟',
    objection: '異議',
    notification: '通知',
    'audit entry': '審計記錄',
  };
  return names[what] ?? what;
}

export function isConditionalFailure(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
}
