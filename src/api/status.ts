/**
 * The one mapping from error codes to HTTP statuses. Use cases and the store raise coded,
 * bilingual errors and know nothing of HTTP; the router answers with the status named here.
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<string, number>> = {
  // the request itself is malformed
  INVALID_INPUT: 400,
  INVALID_JSON: 400,
  DECISION_INVALID: 400,
  ROUND_NUMBER_MISSING: 400,
  PANEL_ACCOUNTS_INVALID: 400,
  // who is asking
  AUTH_REQUIRED: 401,
  FORBIDDEN: 403,
  // what is asked for
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  UNSUPPORTED_MEDIA_TYPE: 415,
  // someone else changed it first
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  ROUND_EXISTS: 409,
  TASK_ALREADY_DECIDED: 409,
  REVIEW_ALREADY_SCORED: 409,
  USER_ALREADY_CONFIRMED: 409,
  USER_SELF_DISABLE: 409,
  // too late
  TASK_EXPIRED: 410,
  // well formed, but the round, case or step is not in a state that allows it
  ROUND_NOT_DRAFT: 422,
  ROUND_NOT_OPEN: 422,
  ROUND_NOT_CLOSED: 422,
  ROUND_NOT_AMENDABLE: 422,
  ROUND_IDENTITY_FIXED: 422,
  DEADLINE_IN_PAST: 422,
  DEADLINE_PASSED: 422,
  CASE_NOT_PUBLISHED: 422,
  CASE_ALREADY_WITHDRAWN: 422,
  CASE_NOT_IN_REVIEW: 422,
  REVIEWER_ALREADY_SCORED: 422,
  NOT_ON_PANEL: 422,
  ALREADY_ASSIGNED: 422,
  REVIEWER_CONFLICTED: 422,
  NOT_IN_NOTICE: 422,
  NOTICE_ENDED: 422,
  ROUND_NOT_APPROVED: 422,
  // the public objection route's guard (src/domain/objections/guard.ts)
  OBJECTION_TOO_LARGE: 422,
  OBJECTION_CONTROL_CHARACTERS: 422,
  OBJECTION_TOO_MANY_LINKS: 422,
  OBJECTION_REPEATED_CHARACTERS: 422,
  OBJECTION_NO_WORDS: 422,
  // slow down: the same source posted too often
  OBJECTION_RATE_LIMITED: 429,
  // ours, not the caller's
  TASK_TOKEN_MISSING: 500,
  CONTENTION: 503,
  // the accounts routes on a deployment without a user directory
  USERS_NOT_CONFIGURED: 503,
};

/**
 * A code not listed is a person's request the current state refuses (422): every use-case
 * error is something the caller can act on, never a server fault.
 */
export function httpStatusOf(code: string): number {
  return HTTP_STATUS_BY_CODE[code] ?? 422;
}
