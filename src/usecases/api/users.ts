/**
 * The office's accounts: listing, importing a file, disabling and enabling, and sending an
 * invitation again. Office only; a directory that is not wired answers USERS_NOT_CONFIGURED.
 *
 * Also how a round's panel names its reviewers: a panel entry may name a reviewer account by its
 * e-mail address; it is resolved here to the account's `sub` (the id its tokens carry), and the
 * jurisdictions the directory holds for that person are added to the entry's, so the conflicts of
 * interest follow the person who signs in.
 */
import type { Actor, Charter, Issue, Reviewer } from '../../domain/model';
import { normalizeUsername, UserAlreadyConfirmedError, UserNotFoundError, type DirectoryUser } from '../../ports/user-directory';
import { UseCaseError } from '../errors';
import { importAccounts, readAccountsFile, type ImportReport } from '../users/import';
import { requireRole } from './access';
import type { ApiDeps, UsersPort } from './ports';

const fail = (code: string, zh: string, en: string, issues: Issue[] = []) => new UseCaseError(code, { zh, en }, issues);

/** Accounts live in the user directory, not the case table: these use cases declare no store (`ApiDeps<unknown>`). */
function usersOf(deps: ApiDeps<unknown>): UsersPort {
  if (!deps.users) {
    throw fail(
      'USERS_NOT_CONFIGURED',
      '此部署未設定用戶目錄（USER_POOL_ID），無法管理帳號',
      'no user directory is configured for this deployment (USER_POOL_ID); accounts cannot be managed',
    );
  }
  return deps.users;
}

export const requireOffice = (actor: Actor) => requireRole(actor, 'secretariat');

const userNotFound = (username: string) => fail('USER_NOT_FOUND', `找不到帳號：${username}`, `No account ${username}`);

export async function listUsers(deps: ApiDeps<unknown>, actor: Actor): Promise<{ users: DirectoryUser[] }> {
  requireRole(actor, 'secretariat');
  return { users: await usersOf(deps).directory.list() };
}

export async function importUsers(
  deps: ApiDeps<unknown>,
  actor: Actor,
  input: { fileName: string; content: string; dryRun: boolean; from: number; limit: number },
): Promise<ImportReport> {
  requireRole(actor, 'secretariat');
  const users = usersOf(deps);
  const bytes = new Uint8Array(Buffer.from(input.content, 'base64'));
  const sheet = await readAccountsFile({ fileName: input.fileName, bytes }, users.readWorkbook);
  return importAccounts(users.directory, sheet, { dryRun: input.dryRun, from: input.from, limit: input.limit, actorSub: actor.id });
}

async function existing(users: UsersPort, username: string): Promise<DirectoryUser> {
  const user = await users.directory.find(username);
  if (!user) throw userNotFound(normalizeUsername(username));
  return user;
}

export async function setUserEnabled(deps: ApiDeps<unknown>, actor: Actor, username: string, enabled: boolean): Promise<DirectoryUser> {
  requireRole(actor, 'secretariat');
  const users = usersOf(deps);
  const user = await existing(users, username);
  if (!enabled && user.sub === actor.id) {
    throw fail('USER_SELF_DISABLE', '不能停用您自己正在使用的帳號', 'you cannot disable the account you are signed in with');
  }
  try {
    await users.directory.setEnabled(user.username, enabled);
  } catch (err) {
    if (err instanceof UserNotFoundError) throw userNotFound(user.username);
    throw err;
  }
  return { ...user, enabled };
}

export async function resendInvite(
  deps: ApiDeps<unknown>,
  actor: Actor,
  username: string,
): Promise<{ user: DirectoryUser; temporaryPassword?: string }> {
  requireRole(actor, 'secretariat');
  const users = usersOf(deps);
  const user = await existing(users, username);
  if (user.status === 'CONFIRMED') throw alreadyConfirmed(user.username);
  try {
    const sent = await users.directory.resendInvite(user.username);
    return { user, ...(sent && sent.temporaryPassword ? { temporaryPassword: sent.temporaryPassword } : {}) };
  } catch (err) {
    if (err instanceof UserNotFoundError) throw userNotFound(user.username);
    if (err instanceof UserAlreadyConfirmedError) throw alreadyConfirmed(user.username);
    throw err;
  }
}

const alreadyConfirmed = (username: string) =>
  fail(
    'USER_ALREADY_CONFIRMED',
    `帳號 ${username} 已設定自己的密碼，不需要再發邀請`,
    `account ${username} has already set its own password; there is no invitation to resend`,
  );

/**
 * The panel as the directory knows it. An entry whose id is an e-mail address names a reviewer
 * account: its id becomes the account's sub and `account` keeps the address. For every entry
 * that is (or now names) an account, the account's jurisdictions are added to the entry's.
 * Refused: an address with no account, or an account that is not a reviewer.
 */
export async function resolvePanel(deps: ApiDeps<unknown>, charter: Charter, field = 'charter.panel'): Promise<Charter> {
  if (!deps.users) return charter;
  const directory = deps.users.directory;
  const issues: Issue[] = [];
  let accounts: DirectoryUser[] | undefined;
  const bySub = async (sub: string) => (accounts ??= await directory.list()).find((u) => u.sub === sub);
  const panel: Reviewer[] = [];
  for (const [index, entry] of charter.panel.entries()) {
    const named = entry.id.includes('@') ? normalizeUsername(entry.id) : entry.account ? normalizeUsername(entry.account) : undefined;
    const user = named ? await directory.find(named) : await bySub(entry.id);
    if (named && !user) {
      issues.push({
        code: 'PANEL_ACCOUNT_UNKNOWN',
        field: `${field}.${index}.id`,
        message: {
          zh: `評審名單第 ${index + 1} 位（${named}）沒有帳號；請先匯入帳號`,
          en: `panel entry ${index + 1} (${named}) has no account; import the account first`,
        },
      });
      continue;
    }
    if (user && user.role !== 'reviewer') {
      issues.push({
        code: 'PANEL_ACCOUNT_NOT_REVIEWER',
        field: `${field}.${index}.id`,
        message: {
          zh: `評審名單第 ${index + 1} 位（${user.username}）的帳號角色不是評審`,
          en: `panel entry ${index + 1} (${user.username}) is not a reviewer account (role ${user.role})`,
        },
      });
      continue;
    }
    if (!user) {
      panel.push(entry);
      continue;
    }
    panel.push({
      ...entry,
      id: user.sub,
      account: user.username,
      jurisdictions: [...new Set([...entry.jurisdictions, ...(user.jurisdictions ?? [])])],
    });
  }
  const ids = panel.map((p) => p.id);
  const repeated = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  for (const id of repeated) {
    issues.push({
      code: 'PANEL_ACCOUNT_REPEATED',
      field,
      message: { zh: `評審名單中同一帳號出現多於一次（${id}）`, en: `the panel names the same account more than once (${id})` },
    });
  }
  if (issues.length > 0) {
    throw fail(
      'PANEL_ACCOUNTS_INVALID',
      `評審名單有 ${issues.length} 處與帳號不符`,
      `${issues.length} panel entr${issues.length === 1 ? 'y does' : 'ies do'} not match the accounts`,
      issues,
    );
  }
  return { ...charter, panel };
}
