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
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { CognitoUserDirectory } from '../../../src/adapters/cognito-user-directory';
import { parseCsv, readAccountSheet } from '../../../src/domain/users';
import { UserAlreadyConfirmedError, UserNotFoundError } from '../../../src/ports/user-directory';
import { importAccounts } from '../../../src/usecases/users/import';

const POOL = 'eu-west-1_TEST';
const cognito = mockClient(CognitoIdentityProviderClient);

/** A user pool in memory, answering the admin calls the adapter makes the way Cognito does. */
interface PoolUser {
  sub: string;
  attributes: Map<string, string>;
  groups: Set<string>;
  enabled: boolean;
  status: string;
}
let pool: Map<string, PoolUser>;
let nextSub: number;
const notFound = () => Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' });
const lookup = (username: string | undefined) => {
  const user = [...pool.values()].find((u) => u.attributes.get('email') === username || u.sub === username);
  if (!user) throw notFound();
  return user;
};
const attributesOf = (u: PoolUser): AttributeType[] => [
  { Name: 'sub', Value: u.sub },
  ...[...u.attributes].map(([Name, Value]) => ({ Name, Value })),
];

beforeEach(() => {
  pool = new Map();
  nextSub = 0;
  cognito.reset();
  cognito.on(AdminGetUserCommand).callsFake((input) => {
    const u = lookup(input.Username);
    return { Username: u.sub, UserAttributes: attributesOf(u), Enabled: u.enabled, UserStatus: u.status };
  });
  cognito
    .on(AdminListGroupsForUserCommand)
    .callsFake((input) => ({ Groups: [...lookup(input.Username).groups].map((GroupName) => ({ GroupName })) }));
  cognito.on(AdminCreateUserCommand).callsFake((input) => {
    if (input.MessageAction === 'RESEND') {
      const u = lookup(input.Username);
      if (u.status !== 'FORCE_CHANGE_PASSWORD')
        throw Object.assign(new Error('User status is confirmed.'), { name: 'UnsupportedUserStateException' });
      return { User: { Username: u.sub, Attributes: attributesOf(u), Enabled: u.enabled, UserStatus: u.status } };
    }
    if ([...pool.values()].some((u) => u.attributes.get('email') === input.Username))
      throw Object.assign(new Error('exists'), { name: 'UsernameExistsException' });
    const sub = `00000000-0000-4000-8000-${String(++nextSub).padStart(12, '0')}`;
    const u: PoolUser = {
      sub,
      attributes: new Map((input.UserAttributes ?? []).map((a: AttributeType) => [a.Name!, a.Value!])),
      groups: new Set(),
      enabled: true,
      status: 'FORCE_CHANGE_PASSWORD',
    };
    pool.set(sub, u);
    return { User: { Username: sub, Attributes: attributesOf(u), Enabled: true, UserStatus: u.status } };
  });
  cognito.on(AdminUpdateUserAttributesCommand).callsFake((input) => {
    const u = lookup(input.Username);
    for (const a of input.UserAttributes ?? []) u.attributes.set(a.Name!, a.Value!);
    return {};
  });
  cognito.on(AdminDeleteUserAttributesCommand).callsFake((input) => {
    const u = lookup(input.Username);
    for (const name of input.UserAttributeNames ?? []) u.attributes.delete(name);
    return {};
  });
  cognito.on(AdminAddUserToGroupCommand).callsFake((input) => {
    lookup(input.Username).groups.add(input.GroupName!);
    return {};
  });
  cognito.on(AdminRemoveUserFromGroupCommand).callsFake((input) => {
    lookup(input.Username).groups.delete(input.GroupName!);
    return {};
  });
  cognito.on(AdminEnableUserCommand).callsFake((input) => {
    lookup(input.Username).enabled = true;
    return {};
  });
  cognito.on(AdminDisableUserCommand).callsFake((input) => {
    lookup(input.Username).enabled = false;
    return {};
  });
  cognito.on(ListUsersInGroupCommand).callsFake((input) => {
    // two users a page, to exercise the pagination
    const members = [...pool.values()].filter((u) => u.groups.has(input.GroupName!));
    const start = Number(input.NextToken ?? 0);
    const page = members.slice(start, start + 2);
    return {
      Users: page.map((u) => ({ Username: u.sub, Attributes: attributesOf(u), Enabled: u.enabled, UserStatus: u.status })),
      ...(start + 2 < members.length ? { NextToken: String(start + 2) } : {}),
    };
  });
});

const directory = () => new CognitoUserDirectory(new CognitoIdentityProviderClient({ region: 'eu-west-1' }), POOL);
const sheetOf = (lines: string[]) => readAccountSheet(parseCsv(['email,name,role,unitCode,jurisdictions', ...lines].join('\n')).records);

describe('CognitoUserDirectory', () => {
  it('invites each row once with its group and attributes; a re-run of the same file changes nothing', async () => {
    const sheet = sheetOf([
      'Zhang@Example.org,荔灣區人大常委會,applicant,440103,',
      'chen@example.org,陳立,reviewer,,440100 440300',
      'office@example.org,辦公室,secretariat,,',
    ]);
    const first = await importAccounts(directory(), sheet, { dryRun: false });
    expect(first.lines.map((l) => l.outcome)).toEqual(['created', 'created', 'created']);
    const invite = cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input;
    expect(invite).toMatchObject({ UserPoolId: POOL, Username: 'zhang@example.org', DesiredDeliveryMediums: ['EMAIL'] });
    expect(invite.MessageAction).toBeUndefined();
    expect(invite.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'email', Value: 'zhang@example.org' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: '荔灣區人大常委會' },
        { Name: 'custom:unitCode', Value: '440103' },
      ]),
    );
    expect(lookup('chen@example.org').attributes.get('custom:jurisdictions')).toBe('440100,440300');
    expect([...lookup('office@example.org').groups]).toEqual(['secretariat']);

    cognito.resetHistory();
    const again = await importAccounts(directory(), sheet, { dryRun: false });
    expect(again.lines.map((l) => l.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    for (const write of [
      AdminCreateUserCommand,
      AdminUpdateUserAttributesCommand,
      AdminAddUserToGroupCommand,
      AdminRemoveUserFromGroupCommand,
      AdminDeleteUserAttributesCommand,
    ]) {
      expect(cognito.commandCalls(write as never)).toHaveLength(0);
    }
    expect(pool.size).toBe(3);
  });

  it('a changed role moves the user between groups and drops the other role’s attribute', async () => {
    await importAccounts(directory(), sheetOf(['chen@example.org,陳立,reviewer,,440100']), { dryRun: false });
    const report = await importAccounts(directory(), sheetOf(['chen@example.org,陳立,applicant,440103,']), { dryRun: false });
    expect(report.lines[0]).toMatchObject({ outcome: 'updated', changes: ['role', 'unitCode', 'jurisdictions'] });
    const u = lookup('chen@example.org');
    expect([...u.groups]).toEqual(['applicant']);
    expect(u.attributes.get('custom:unitCode')).toBe('440103');
    expect(u.attributes.has('custom:jurisdictions')).toBe(false);
    expect(await directory().find('CHEN@example.org')).toMatchObject({ role: 'applicant', unitCode: '440103', sub: u.sub });
  });

  it('a dry run reads but never writes', async () => {
    await importAccounts(directory(), sheetOf(['chen@example.org,陳立,reviewer,,440100']), { dryRun: false });
    cognito.resetHistory();
    const plan = await importAccounts(
      directory(),
      sheetOf(['chen@example.org,陳立（改）,reviewer,,440100', 'new@example.org,新人,approver,,']),
      { dryRun: true },
    );
    expect(plan.lines.map((l) => [l.outcome, l.changes])).toEqual([
      ['updated', ['name']],
      ['created', undefined],
    ]);
    expect(
      cognito.calls().every((c) => ['AdminGetUserCommand', 'AdminListGroupsForUserCommand'].includes(c.args[0].constructor.name)),
    ).toBe(true);
  });

  it('completes an import interrupted between the invitation and the group without inviting twice', async () => {
    cognito
      .on(AdminAddUserToGroupCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException', $retryable: undefined }));
    const first = await importAccounts(directory(), sheetOf(['chen@example.org,陳立,reviewer,,440100']), { dryRun: false });
    expect(first.lines[0]).toMatchObject({ outcome: 'failed', issues: [{ code: 'USER_DIRECTORY_FAILED' }] });
    expect(first.lines[0]!.issues![0]!.message.zh).toContain('再次匯入會重試');
    expect(await directory().find('chen@example.org')).toBeUndefined();
    cognito.on(AdminAddUserToGroupCommand).callsFake((input) => {
      lookup(input.Username).groups.add(input.GroupName!);
      return {};
    });
    const second = await importAccounts(directory(), sheetOf(['chen@example.org,陳立,reviewer,,440100']), { dryRun: false });
    expect(second.lines[0]!.outcome).toBe('created');
    expect(cognito.commandCalls(AdminCreateUserCommand)).toHaveLength(1);
    expect(pool.size).toBe(1);
  });

  it('lists the casebook users of every group across pages, each once', async () => {
    await importAccounts(
      directory(),
      sheetOf([
        'a@example.org,甲,applicant,440103,',
        'b@example.org,乙,applicant,440104,',
        'c@example.org,丙,applicant,440105,',
        'd@example.org,丁,reviewer,,440100',
        'e@example.org,戊,approver,,',
      ]),
      { dryRun: false },
    );
    const users = await directory().list();
    expect(users.map((u) => [u.username, u.role])).toEqual([
      ['a@example.org', 'applicant'],
      ['b@example.org', 'applicant'],
      ['c@example.org', 'applicant'],
      ['d@example.org', 'reviewer'],
      ['e@example.org', 'approver'],
    ]);
    expect(users[3]).toMatchObject({ jurisdictions: ['440100'], status: 'FORCE_CHANGE_PASSWORD', enabled: true });
  });

  it('disables, enables and resends, naming unknown and confirmed users', async () => {
    await importAccounts(directory(), sheetOf(['chen@example.org,陳立,reviewer,,440100']), { dryRun: false });
    await directory().setEnabled('chen@example.org', false);
    expect(lookup('chen@example.org').enabled).toBe(false);
    await directory().setEnabled('chen@example.org', true);
    expect(lookup('chen@example.org').enabled).toBe(true);
    await directory().resendInvite('chen@example.org');
    expect(cognito.commandCalls(AdminCreateUserCommand).at(-1)!.args[0].input).toMatchObject({
      MessageAction: 'RESEND',
      Username: 'chen@example.org',
    });
    lookup('chen@example.org').status = 'CONFIRMED';
    await expect(directory().resendInvite('chen@example.org')).rejects.toBeInstanceOf(UserAlreadyConfirmedError);
    await expect(directory().setEnabled('ghost@example.org', false)).rejects.toBeInstanceOf(UserNotFoundError);
    await expect(directory().resendInvite('ghost@example.org')).rejects.toBeInstanceOf(UserNotFoundError);
  });
});
