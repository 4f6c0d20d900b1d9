/**
 * Errors of the workflow use cases.
 *
 * - `UseCaseError`: a person's request cannot be honoured (bad decision body, wrong role, not
 *   assigned); coded, bilingual, with an HTTP status. It extends StoreError so the API maps both
 *   with one check.
 * - `WorkflowError`: a condition the state machine handles in an explicit state; its `name`
 *   (`Casebook.*`) is the error type Step Functions matches in Catch.
 */
import type { Bilingual, Issue } from '../domain/model';
import { StoreError } from '../store/errors';

export class UseCaseError extends StoreError {
  constructor(code: string, httpStatus: number, message: Bilingual, readonly issues: Issue[] = []) {
    super(code, httpStatus, message, issues.length ? { issues } : undefined);
    this.name = 'UseCaseError';
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
  new UseCaseError('DECISION_INVALID', 400, { zh: '決定內容不符合要求，請按提示修改', en: 'The decision is not valid; see the issues' }, issues);

export const forbidden = (zh: string, en: string) => new UseCaseError('FORBIDDEN', 403, { zh, en });
