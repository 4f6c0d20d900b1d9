/**
 * The local cloud's user pool: the accounts of `<dataDir>/users/users.json`, behind the same
 * UserDirectory port as Cognito. The local sign-in page authenticates against it, `casebook users
 * import` fills it through the API, and the demo personas live in it with a documented password.
 *
 * Passwords are kept only as scrypt hashes. The file is rewritten atomically (temporary file, then
 * rename) and re-read before every operation, so a CLI in one process and the cloud in another
 * see each other's changes; writes within one process are serialized.
 */
import { createHash, randomBytes, randomUUID, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PANEL } from '../src/domain/round/charter';
import { PASSWORD_POLICY, passwordProblems } from '../src/domain/users/password';
import type { Issue, Role } from '../src/domain/model';
import {
  normalizeUsername,
  UserAlreadyConfirmedError,
  UserNotFoundError,
  type DirectoryUser,
  type DirectoryUserInput,
  type UpsertResult,
  type UserDirectory,
} from '../src/ports/user-directory';

/** The password of every demo persona on the local cloud (never on AWS). */
export const LOCAL_DEMO_PASSWORD = 'casebook-demo';

/** Where the demo personas' e-mail addresses live. */
export const DEMO_EMAIL_DOMAIN = 'demo.casebook.local';

const SCRYPT = { N: 16_384, r: 8, p: 1, keylen: 32 } as const;

interface StoredUser extends DirectoryUser {
  /** `scrypt$N$r$p$salt$hash` (base64url). */
  passwordHash: string;
  /** Set while status is FORCE_CHANGE_PASSWORD: the temporary password stops working after it. */
  temporaryPasswordExpiresAt?: string;
  createdAt: string;
  updatedAt: string;
}

interface UsersFile {
  version: 1;
  users: StoredUser[];
}

/** A password the local directory refuses (the pool's policy), with coded bilingual reasons. */
export class PasswordPolicyError extends Error {
  constructor(readonly issues: Issue[]) {
    super(issues.map((i) => i.message.en).join('; '));
    this.name = 'PasswordPolicyError';
  }
}

function scrypt(password: string, salt: Buffer): Promise<Buffer> {
  const options: ScryptOptions = { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, SCRYPT.keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltText, hashText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !hashText) return false;
  const expected = Buffer.from(hashText, 'base64url');
  const options: ScryptOptions = { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 };
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), Buffer.from(saltText, 'base64url'), expected.length, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A one-time password that meets the pool's policy, easy to read aloud: no 0/O or 1/l/I.
 * Shape `Abcd-efgh-jkmn-23`, 14 random letters plus two digits and the dashes as symbols.
 */
export function temporaryPassword(): string {
  const lower = 'abcdefghijkmnpqrstuvwxyz';
  const upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const digits = '23456789';
  const bytes = randomBytes(16);
  const pick = (alphabet: string, i: number) => alphabet[bytes[i]! % alphabet.length]!;
  const letters = Array.from({ length: 12 }, (_, i) => pick(lower, i));
  letters[0] = pick(upper, 12);
  const groups = [letters.slice(0, 4), letters.slice(4, 8), letters.slice(8, 12)].map((g) => g.join(''));
  return `${groups.join('-')}-${pick(digits, 13)}${pick(digits, 14)}`;
}

const publicView = (u: StoredUser): DirectoryUser => ({
  username: u.username,
  sub: u.sub,
  email: u.email,
  name: u.name,
  role: u.role,
  ...(u.unitCode !== undefined ? { unitCode: u.unitCode } : {}),
  ...(u.jurisdictions !== undefined ? { jurisdictions: [...u.jurisdictions] } : {}),
  enabled: u.enabled,
  status: u.status,
});

/** The fields an upsert compares: a re-import with the same values changes nothing. */
function sameProfile(u: StoredUser, input: DirectoryUserInput): boolean {
  const jurisdictions = (list?: string[]) => [...(list ?? [])].sort().join(',');
  return (
    u.email === input.email &&
    u.name === input.name &&
    u.role === input.role &&
    (u.unitCode ?? '') === (input.unitCode ?? '') &&
    jurisdictions(u.jurisdictions) === jurisdictions(input.jurisdictions)
  );
}

export interface DemoAccount {
  username: string;
  sub: string;
  name: string;
  role: Role;
  unitCode?: string;
  jurisdictions?: string[];
}

/** The demo's e-mail for an applicant unit (township codes carry Chinese names: hashed to stay ASCII). */
export function demoApplicantEmail(unitCode: string): string {
  const local = /^[0-9a-z-]+$/i.test(unitCode)
    ? unitCode
    : `${unitCode.split('-')[0]}-${createHash('sha256').update(unitCode).digest('hex').slice(0, 8)}`;
  return `applicant-${local.toLowerCase()}@${DEMO_EMAIL_DOMAIN}`;
}

/**
 * The personas the demo and the CLI act as (cli/support/client.ts): the office (`office-1`), the
 * approver (`leader-1`), the reviewers of the demo panel (`rev-…`, their jurisdictions from the
 * panel) and one applicant account per given unit (`applicant-<unitCode>`). Their subs are the
 * ids the demo's charter and tokens already use, so signing in as them is acting as them.
 */
export function demoAccounts(applicantUnits: readonly { unitCode: string; name?: string }[] = []): DemoAccount[] {
  const at = (local: string) => `${local}@${DEMO_EMAIL_DOMAIN}`;
  return [
    { username: at('office'), sub: 'office-1', name: '省人大常委會辦公廳', role: 'secretariat' },
    { username: at('approver'), sub: 'leader-1', name: '主任會議', role: 'approver' },
    ...DEMO_PANEL.map((r): DemoAccount => ({
      username: at(r.id),
      sub: r.id,
      name: r.name,
      role: 'reviewer',
      jurisdictions: [...r.jurisdictions],
    })),
    ...applicantUnits.map((u): DemoAccount => ({
      username: demoApplicantEmail(u.unitCode),
      sub: `applicant-${u.unitCode}`,
      name: u.name ?? `申報單位 ${u.unitCode}`,
      role: 'applicant',
      unitCode: u.unitCode,
    })),
  ];
}

export interface LocalUserDirectoryOptions {
  /** For tests: the clock that dates temporary passwords. */
  now?: () => Date;
}

export class LocalUserDirectory implements UserDirectory {
  readonly file: string;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;

  constructor(dataDir: string, options: LocalUserDirectoryOptions = {}) {
    this.file = join(dataDir, 'users', 'users.json');
    this.now = options.now ?? (() => new Date());
  }

  private read(): UsersFile {
    if (!existsSync(this.file)) return { version: 1, users: [] };
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as UsersFile;
    return { version: 1, users: Array.isArray(parsed.users) ? parsed.users : [] };
  }

  private write(data: UsersFile): void {
    mkdirSync(join(this.file, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${randomUUID()}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(data, null, 1)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  /** Runs `change` on a fresh read of the file, one change at a time within this process. */
  private mutate<T>(change: (data: UsersFile) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const data = this.read();
      const result = await change(data);
      this.write(data);
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private stored(username: string): StoredUser | undefined {
    const key = normalizeUsername(username);
    return this.read().users.find((u) => u.username === key);
  }

  async find(username: string): Promise<DirectoryUser | undefined> {
    const user = this.stored(username);
    return user ? publicView(user) : undefined;
  }

  /** By subject (the Actor id of a token). */
  async findBySub(sub: string): Promise<DirectoryUser | undefined> {
    const user = this.read().users.find((u) => u.sub === sub);
    return user ? publicView(user) : undefined;
  }

  async list(): Promise<DirectoryUser[]> {
    return this.read()
      .users.map(publicView)
      .sort((a, b) => a.username.localeCompare(b.username));
  }

  async upsert(input: DirectoryUserInput): Promise<UpsertResult> {
    const username = normalizeUsername(input.username);
    const clean: DirectoryUserInput = { ...input, username, email: normalizeUsername(input.email) };
    return this.mutate(async (data) => {
      const at = this.now().toISOString();
      const existing = data.users.find((u) => u.username === username);
      if (existing) {
        if (sameProfile(existing, clean)) return { user: publicView(existing), created: false, changed: false };
        existing.email = clean.email;
        existing.name = clean.name;
        existing.role = clean.role;
        if (clean.unitCode !== undefined) existing.unitCode = clean.unitCode;
        else delete existing.unitCode;
        if (clean.jurisdictions !== undefined) existing.jurisdictions = [...clean.jurisdictions];
        else delete existing.jurisdictions;
        existing.updatedAt = at;
        return { user: publicView(existing), created: false, changed: true };
      }
      const password = temporaryPassword();
      const user: StoredUser = {
        username,
        sub: randomUUID(),
        email: clean.email,
        name: clean.name,
        role: clean.role,
        ...(clean.unitCode !== undefined ? { unitCode: clean.unitCode } : {}),
        ...(clean.jurisdictions !== undefined ? { jurisdictions: [...clean.jurisdictions] } : {}),
        enabled: true,
        status: 'FORCE_CHANGE_PASSWORD',
        passwordHash: await hashPassword(password),
        temporaryPasswordExpiresAt: this.tempExpiry(),
        createdAt: at,
        updatedAt: at,
      };
      data.users.push(user);
      return { user: publicView(user), created: true, changed: true, temporaryPassword: password };
    });
  }

  private tempExpiry(): string {
    return new Date(this.now().getTime() + PASSWORD_POLICY.tempPasswordValidityDays * 86_400_000).toISOString();
  }

  async setEnabled(username: string, enabled: boolean): Promise<void> {
    await this.mutate(async (data) => {
      const user = data.users.find((u) => u.username === normalizeUsername(username));
      if (!user) throw new UserNotFoundError(normalizeUsername(username));
      if (user.enabled !== enabled) {
        user.enabled = enabled;
        user.updatedAt = this.now().toISOString();
      }
    });
  }

  async resendInvite(username: string): Promise<{ temporaryPassword: string }> {
    return this.mutate(async (data) => {
      const user = data.users.find((u) => u.username === normalizeUsername(username));
      if (!user) throw new UserNotFoundError(normalizeUsername(username));
      if (user.status === 'CONFIRMED') throw new UserAlreadyConfirmedError(user.username);
      const password = temporaryPassword();
      user.passwordHash = await hashPassword(password);
      user.temporaryPasswordExpiresAt = this.tempExpiry();
      user.updatedAt = this.now().toISOString();
      return { temporaryPassword: password };
    });
  }

  /**
   * The user when `password` is theirs and the account is enabled; undefined otherwise (wrong
   * password, unknown or disabled account, or an expired temporary password). A user still in
   * FORCE_CHANGE_PASSWORD is returned with that status: the sign-in page then asks for a new one.
   */
  async authenticate(username: string, password: string): Promise<DirectoryUser | undefined> {
    const user = this.stored(username);
    if (!user) {
      // Spend the same time as a real check, so response times do not reveal which accounts exist.
      await verifyPassword(password, `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$AAAAAAAAAAAAAAAAAAAAAA$${'A'.repeat(43)}`);
      return undefined;
    }
    const ok = await verifyPassword(password, user.passwordHash);
    if (!ok || !user.enabled) return undefined;
    if (
      user.status === 'FORCE_CHANGE_PASSWORD' &&
      user.temporaryPasswordExpiresAt &&
      Date.parse(user.temporaryPasswordExpiresAt) < this.now().getTime()
    )
      return undefined;
    return publicView(user);
  }

  /**
   * Sets the user's own password (the first sign-in's new-password step, or a change later):
   * checked against the pool's policy (PasswordPolicyError), and FORCE_CHANGE_PASSWORD becomes
   * CONFIRMED. The caller authenticates the user first.
   */
  async setPassword(username: string, newPassword: string): Promise<DirectoryUser> {
    const problems = passwordProblems(newPassword);
    if (problems.length > 0) throw new PasswordPolicyError(problems);
    return this.mutate(async (data) => {
      const user = data.users.find((u) => u.username === normalizeUsername(username));
      if (!user) throw new UserNotFoundError(normalizeUsername(username));
      user.passwordHash = await hashPassword(newPassword);
      user.status = 'CONFIRMED';
      delete user.temporaryPasswordExpiresAt;
      user.updatedAt = this.now().toISOString();
      return publicView(user);
    });
  }

  /**
   * Creates the demo personas (see demoAccounts) with LOCAL_DEMO_PASSWORD and status CONFIRMED,
   * once: an existing account of the same username is left as it is (its password, too), so a
   * person who changed theirs keeps it. Returns the accounts as they now stand.
   */
  async ensureDemoAccounts(applicantUnits: readonly { unitCode: string; name?: string }[] = []): Promise<DirectoryUser[]> {
    const accounts = demoAccounts(applicantUnits);
    const missing = accounts.filter((a) => !this.stored(a.username));
    // Hash outside the write lock: scrypt is the slow part and the hashes do not depend on the file.
    const hashes = await Promise.all(missing.map(() => hashPassword(LOCAL_DEMO_PASSWORD)));
    const hashOf = new Map(missing.map((a, i) => [a.username, hashes[i]!]));
    await this.mutate(async (data) => {
      const at = this.now().toISOString();
      for (const account of accounts) {
        if (data.users.some((u) => u.username === account.username || u.sub === account.sub)) continue;
        data.users.push({
          username: account.username,
          sub: account.sub,
          email: account.username,
          name: account.name,
          role: account.role,
          ...(account.unitCode !== undefined ? { unitCode: account.unitCode } : {}),
          ...(account.jurisdictions !== undefined ? { jurisdictions: account.jurisdictions } : {}),
          enabled: true,
          status: 'CONFIRMED',
          passwordHash: hashOf.get(account.username) ?? (await hashPassword(LOCAL_DEMO_PASSWORD)),
          createdAt: at,
          updatedAt: at,
        });
      }
    });
    const byName = new Set(accounts.map((a) => a.username));
    return (await this.list()).filter((u) => byName.has(u.username));
  }
}
