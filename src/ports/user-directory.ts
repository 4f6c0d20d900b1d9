/**
 * The people who may sign in: one account per person, with exactly one casebook role.
 *
 * On AWS this is the Cognito user pool (src/adapters/cognito-user-directory.ts); on the local
 * cloud a file in its data dir (local/user-directory.ts). The API's users routes, the
 * `casebook users` commands and the local sign-in page all go through this port, so the same
 * import behaves the same on both.
 */
import type { Role } from '../domain/model';

export interface DirectoryUser {
  /** Sign-in name: the e-mail address, lower-cased. */
  username: string;
  /** Stable subject (Cognito's `sub`; locally a UUID kept with the user) = the Actor id in tokens. */
  sub: string;
  email: string;
  name: string;
  /** Exactly one of applicant | reviewer | secretariat | approver (the Cognito group). */
  role: Role;
  /** Applicants: the unit they speak for (`custom:unitCode`). */
  unitCode?: string;
  /** Reviewers: division codes they belong to (for conflicts of interest). */
  jurisdictions?: string[];
  enabled: boolean;
  status: 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED';
}

/** What an import or the office supplies for one account; the directory owns sub, enabled and status. */
export type DirectoryUserInput = Omit<DirectoryUser, 'sub' | 'enabled' | 'status'>;

export interface UpsertResult {
  user: DirectoryUser;
  /** A new account (an invitation went out). */
  created: boolean;
  /** An existing account whose name, role, unit or jurisdictions changed. */
  changed: boolean;
  /** Locally only (no mail): the one-time password of a newly invited user, to hand over in person. */
  temporaryPassword?: string;
}

export interface UserDirectory {
  find(username: string): Promise<DirectoryUser | undefined>;
  list(): Promise<DirectoryUser[]>;
  upsert(input: DirectoryUserInput): Promise<UpsertResult>;
  /** Throws UserNotFoundError for an unknown username. */
  setEnabled(username: string, enabled: boolean): Promise<void>;
  /**
   * Sends the invitation again (a fresh temporary password). Throws UserNotFoundError for an
   * unknown username and UserAlreadyConfirmedError once the person has set their own password.
   * Locally resolves to the new temporary password.
   */
  resendInvite(username: string): Promise<void | { temporaryPassword: string }>;
}

/** Usernames are e-mail addresses compared without case, as Cognito does with `email` as username. */
export const normalizeUsername = (value: string): string => value.trim().toLowerCase();

export class UserNotFoundError extends Error {
  constructor(readonly username: string) {
    super(`no account ${username}`);
    this.name = 'UserNotFoundError';
  }
}

export class UserAlreadyConfirmedError extends Error {
  constructor(readonly username: string) {
    super(`account ${username} has already set its password`);
    this.name = 'UserAlreadyConfirmedError';
  }
}
