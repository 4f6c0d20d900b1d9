/**
 * The result shape of the round domain: bad input never throws, it comes back as coded issues
 * (stable `code`, message in zh and en) that the API and the console show as they are.
 */
import type { Issue } from '../model';

export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: Issue[] };

export function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function failure<T = never>(errors: Issue[]): Outcome<T> {
  return { ok: false, errors };
}

export function issue(code: string, field: string, zh: string, en: string): Issue {
  return { code, field, message: { zh, en } };
}

/**
 * Thrown only for programming mistakes inside the system (never for people's input), still
 * coded and bilingual so a log line or a 500 page says what broke.
 */
export class DomainInvariantError extends Error {
  readonly code: string;
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    const first = issues[0];
    super(first ? `${first.code}: ${first.message.en}` : 'domain invariant violated');
    this.name = 'DomainInvariantError';
    this.code = first?.code ?? 'DOMAIN_INVARIANT';
    this.issues = issues;
  }
}

/** Rounds for stored and compared figures, so float noise never decides a rank or a tie. */
export function round4(value: number): number {
  const rounded = Math.round(value * 10_000) / 10_000;
  return Object.is(rounded, -0) ? 0 : rounded;
}
