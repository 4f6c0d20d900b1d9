/**
 * Errors of the use cases. They say what went wrong, in a stable code and in Chinese and English,
 * and nothing about transport: `src/api/status.ts` is the one place that turns a code into an HTTP
 * status, so the same use case can answer a browser, a CLI or a state machine.
 *
 * - `UseCaseError`: a person's request cannot be honoured (bad input, wrong role, not assigned,
 *   the round is in the wrong state). The store's own errors (`StoreError`) extend it, so callers
 *   and the API check one class.
 * - `WorkflowError`: a condition the state machine handles in an explicit state; its `name`
 *   (`Casebook.*`) is the error type Step Functions matches in Catch.
 */
import type { Bilingual, Issue } from '../domain/model';

export class UseCaseError extends Error {
  readonly issues: Issue[];

  constructor(
    readonly code: string,
    readonly bilingual: Bilingual,
    issues: Issue[] = [],
    readonly details?: Record<string, unknown>,
  ) {
    super(`${code}: ${bilingual.en}`);
    this.name = 'UseCaseError';
    this.issues = issues;
  }
}

export class WorkflowError extends Error {
  constructor(
    name: `Casebook.${string}`,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
    this.name = name;
  }
}

export const invalidDecision = (issues: Issue[]) =>
  new UseCaseError('DECISION_INVALID', { zh: '決定內容不符合要求，請按提示修改', en: 'The decision is not valid; see the issues' }, issues);

export const invalidInput = (issues: Issue[]) =>
  new UseCaseError(
    'INVALID_INPUT',
    {
      zh: `請求內容有誤（${issues.length} 處），請按欄位提示修正。`,
      en: `The request has ${issues.length} problem(s); fix the fields named.`,
    },
    issues,
  );

export const forbidden = (what: Bilingual = { zh: '您的角色不能執行此操作。', en: 'Your role may not do this.' }) =>
  new UseCaseError('FORBIDDEN', what);

export const notFound = (thing: string, id: string) =>
  new UseCaseError('NOT_FOUND', { zh: `找不到${thingZh(thing)}：${id}`, en: `No ${thing} ${id}` });

/** The thing already exists (a second round with the same id). */
export const conflict = (code: string, message: Bilingual) => new UseCaseError(code, message);

/** The request is well formed but the round, case or step is not in a state that allows it. */
export const wrongState = (code: string, message: Bilingual) => new UseCaseError(code, message);

function thingZh(thing: string): string {
  const names: Record<string, string> = {
    round: '評選輪次',
    submission: '申報',
    case: '案例',
    task: '審批步驟',
    notification: '通知',
    objection: '異議',
    reviewer: '評審',
  };
  return names[thing] ?? thing;
}
