/**
 * The user directory on AWS: the stack's Cognito user pool. Users sign in with their e-mail
 * address (the pool's username attribute), so `username` here is the address, lower-cased; the
 * pool's own username is the `sub`. The role is the user's casebook group; `custom:unitCode`
 * and `custom:jurisdictions` (comma-separated codes) are attributes only administrators write.
 *
 * An account without a casebook group (created by hand, or an import interrupted between the
 * invitation and the group) is not a casebook user yet: find() and list() leave it out, and the
 * next import of its row completes it instead of inviting it twice.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  ListUsersInGroupCommand,
  type AttributeType,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { ROLES, type Role } from '../domain/model';
import {
  normalizeUsername,
  UserAlreadyConfirmedError,
  UserNotFoundError,
  type DirectoryUser,
  type DirectoryUserInput,
  type UpsertResult,
  type UserDirectory,
} from '../ports/user-directory';

/** When a person is in more than one casebook group (by hand), the most powerful one is shown. */
const ROLE_PRECEDENCE: readonly Role[] = ['secretariat', 'approver', 'reviewer', 'applicant'];

const attr = (attributes: AttributeType[] | undefined, name: string) => attributes?.find((a) => a.Name === name)?.Value;

const isNamed = (err: unknown, name: string) => (err as { name?: string } | null)?.name === name;

interface RawUser {
  sub: string;
  email: string;
  name: string;
  unitCode?: string;
  jurisdictions?: string[];
  enabled: boolean;
  status: DirectoryUser['status'];
}

function rawUser(
  attributes: AttributeType[] | undefined,
  fallbackUsername: string | undefined,
  enabled: boolean | undefined,
  status: string | undefined,
): RawUser {
  const jurisdictions = attr(attributes, 'custom:jurisdictions');
  const unitCode = attr(attributes, 'custom:unitCode');
  return {
    sub: attr(attributes, 'sub') ?? fallbackUsername ?? '',
    email: normalizeUsername(attr(attributes, 'email') ?? fallbackUsername ?? ''),
    name: attr(attributes, 'name') ?? '',
    ...(unitCode ? { unitCode } : {}),
    ...(jurisdictions ? { jurisdictions: jurisdictions.split(',').filter(Boolean) } : {}),
    enabled: enabled ?? true,
    status: status === 'FORCE_CHANGE_PASSWORD' ? 'FORCE_CHANGE_PASSWORD' : 'CONFIRMED',
  };
}

function directoryUser(raw: RawUser, role: Role): DirectoryUser {
  return {
    username: raw.email,
    sub: raw.sub,
    email: raw.email,
    name: raw.name,
    role,
    ...(role === 'applicant' && raw.unitCode ? { unitCode: raw.unitCode } : {}),
    ...(role === 'reviewer' ? { jurisdictions: raw.jurisdictions ?? [] } : {}),
    enabled: raw.enabled,
    status: raw.status,
  };
}

const roleOfGroups = (groups: readonly string[]): Role | undefined => ROLE_PRECEDENCE.find((r) => groups.includes(r));

export class CognitoUserDirectory implements UserDirectory {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  private async raw(username: string): Promise<{ user: RawUser; groups: string[] } | undefined> {
    const Username = normalizeUsername(username);
    try {
      const [got, groups] = await Promise.all([
        this.client.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username })),
        this.groupsOf(Username),
      ]);
      return { user: rawUser(got.UserAttributes, got.Username, got.Enabled, got.UserStatus), groups };
    } catch (err) {
      if (isNamed(err, 'UserNotFoundException')) return undefined;
      throw err;
    }
  }

  private async groupsOf(username: string): Promise<string[]> {
    const groups: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.client.send(
        new AdminListGroupsForUserCommand({ UserPoolId: this.userPoolId, Username: username, Limit: 60, NextToken }),
      );
      groups.push(...(page.Groups ?? []).map((g) => g.GroupName ?? '').filter(Boolean));
      NextToken = page.NextToken;
    } while (NextToken);
    return groups;
  }

  async find(username: string): Promise<DirectoryUser | undefined> {
    const found = await this.raw(username);
    const role = found && roleOfGroups(found.groups);
    return found && role ? directoryUser(found.user, role) : undefined;
  }

  async list(): Promise<DirectoryUser[]> {
    const bySub = new Map<string, { user: RawUser; groups: string[] }>();
    for (const group of ROLES) {
      let NextToken: string | undefined;
      do {
        const page = await this.client.send(
          new ListUsersInGroupCommand({ UserPoolId: this.userPoolId, GroupName: group, Limit: 60, NextToken }),
        );
        for (const u of page.Users ?? []) {
          const user = rawUser((u as UserType).Attributes, u.Username, u.Enabled, u.UserStatus);
          const entry = bySub.get(user.sub) ?? { user, groups: [] };
          entry.groups.push(group);
          bySub.set(user.sub, entry);
        }
        NextToken = page.NextToken;
      } while (NextToken);
    }
    return [...bySub.values()]
      .map((e) => directoryUser(e.user, roleOfGroups(e.groups)!))
      .sort((a, b) => a.username.localeCompare(b.username));
  }

  async upsert(input: DirectoryUserInput): Promise<UpsertResult> {
    const username = normalizeUsername(input.username);
    const wanted: Record<string, string | undefined> = {
      name: input.name,
      'custom:unitCode': input.role === 'applicant' ? input.unitCode : undefined,
      'custom:jurisdictions': input.role === 'reviewer' && input.jurisdictions?.length ? input.jurisdictions.join(',') : undefined,
    };
    const found = await this.raw(username);
    if (!found) {
      // Cognito mails the invitation (the pool's invitation message) with a temporary password.
      const created = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: username,
          DesiredDeliveryMediums: ['EMAIL'],
          UserAttributes: [
            { Name: 'email', Value: username },
            { Name: 'email_verified', Value: 'true' },
            ...Object.entries(wanted)
              .filter((e): e is [string, string] => e[1] !== undefined)
              .map(([Name, Value]) => ({ Name, Value })),
          ],
        }),
      );
      await this.setGroups(username, [], input.role);
      const user = rawUser(
        created.User?.Attributes,
        created.User?.Username,
        created.User?.Enabled,
        created.User?.UserStatus ?? 'FORCE_CHANGE_PASSWORD',
      );
      return { user: directoryUser({ ...user, email: username }, input.role), created: true, changed: true };
    }
    const current = found.user;
    const have: Record<string, string | undefined> = {
      name: current.name,
      'custom:unitCode': current.unitCode,
      'custom:jurisdictions': current.jurisdictions?.length ? current.jurisdictions.join(',') : undefined,
    };
    const toSet = Object.entries(wanted).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== have[e[0]]);
    const toDelete = Object.keys(wanted).filter((k) => wanted[k] === undefined && have[k] !== undefined);
    if (toSet.length > 0) {
      await this.client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: this.userPoolId,
          Username: username,
          UserAttributes: toSet.map(([Name, Value]) => ({ Name, Value })),
        }),
      );
    }
    if (toDelete.length > 0) {
      await this.client.send(
        new AdminDeleteUserAttributesCommand({ UserPoolId: this.userPoolId, Username: username, UserAttributeNames: toDelete }),
      );
    }
    const groupsChanged = await this.setGroups(username, found.groups, input.role);
    const next: RawUser = {
      ...current,
      name: input.name,
      ...(wanted['custom:unitCode'] ? { unitCode: wanted['custom:unitCode'] } : { unitCode: undefined }),
      ...(input.role === 'reviewer' ? { jurisdictions: input.jurisdictions ?? [] } : { jurisdictions: undefined }),
    };
    // an account that had no casebook group was not a casebook user until now (see the top)
    const completed = !roleOfGroups(found.groups);
    return {
      user: directoryUser(next, input.role),
      created: completed,
      changed: completed || toSet.length > 0 || toDelete.length > 0 || groupsChanged,
    };
  }

  /** Puts the user in `role`'s group and out of every other casebook group; true when anything moved. */
  private async setGroups(username: string, current: readonly string[], role: Role): Promise<boolean> {
    let moved = false;
    if (!current.includes(role)) {
      await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: username, GroupName: role }));
      moved = true;
    }
    for (const other of current.filter((g) => g !== role && (ROLES as readonly string[]).includes(g))) {
      await this.client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: this.userPoolId, Username: username, GroupName: other }));
      moved = true;
    }
    return moved;
  }

  async setEnabled(username: string, enabled: boolean): Promise<void> {
    const Username = normalizeUsername(username);
    try {
      await this.client.send(
        enabled
          ? new AdminEnableUserCommand({ UserPoolId: this.userPoolId, Username })
          : new AdminDisableUserCommand({ UserPoolId: this.userPoolId, Username }),
      );
    } catch (err) {
      if (isNamed(err, 'UserNotFoundException')) throw new UserNotFoundError(Username);
      throw err;
    }
  }

  async resendInvite(username: string): Promise<void> {
    const Username = normalizeUsername(username);
    try {
      await this.client.send(
        new AdminCreateUserCommand({ UserPoolId: this.userPoolId, Username, MessageAction: 'RESEND', DesiredDeliveryMediums: ['EMAIL'] }),
      );
    } catch (err) {
      if (isNamed(err, 'UserNotFoundException')) throw new UserNotFoundError(Username);
      // RESEND only works while the user still has to change the temporary password
      if (isNamed(err, 'UnsupportedUserStateException')) throw new UserAlreadyConfirmedError(Username);
      throw err;
    }
  }
}

/** A client that retries throttling patiently: an import of a province's units hits Cognito's per-second quotas. */
export function cognitoClient(region?: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ maxAttempts: 8, ...(region ? { region } : {}) });
}
