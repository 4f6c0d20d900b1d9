import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  LOCAL_DEMO_PASSWORD,
  LocalUserDirectory,
  PasswordPolicyError,
  demoApplicantEmail,
  temporaryPassword,
} from '../../../local/user-directory';
import { passwordProblems } from '../../../src/domain/users/password';
import { UserAlreadyConfirmedError, UserNotFoundError } from '../../../src/ports/user-directory';

let dataDir: string;
let now: Date;
let directory: LocalUserDirectory;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'casebook-users-'));
  now = new Date('2026-03-01T08:00:00Z');
  directory = new LocalUserDirectory(dataDir, { now: () => now });
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const reviewer = {
  username: 'Chen.Li@Example.org',
  email: 'Chen.Li@Example.org',
  name: '陳立',
  role: 'reviewer' as const,
  jurisdictions: ['440100'],
};

describe('LocalUserDirectory', () => {
  it('invites a new user once: a re-run with the same row changes nothing, a changed row updates in place', async () => {
    const first = await directory.upsert(reviewer);
    expect(first).toMatchObject({
      created: true,
      changed: true,
      user: {
        username: 'chen.li@example.org',
        email: 'chen.li@example.org',
        role: 'reviewer',
        status: 'FORCE_CHANGE_PASSWORD',
        enabled: true,
      },
    });
    expect(first.temporaryPassword).toBeDefined();
    expect(passwordProblems(first.temporaryPassword!)).toEqual([]);

    const again = await directory.upsert(reviewer);
    expect(again).toEqual({ user: first.user, created: false, changed: false });

    const moved = await directory.upsert({ ...reviewer, jurisdictions: ['440300'], name: '陳立（深圳）' });
    expect(moved).toMatchObject({
      created: false,
      changed: true,
      user: { sub: first.user.sub, jurisdictions: ['440300'], name: '陳立（深圳）' },
    });
    expect(await directory.list()).toHaveLength(1);

    const becameApplicant = await directory.upsert({
      username: reviewer.username,
      email: reviewer.email,
      name: '荔灣區人大',
      role: 'applicant',
      unitCode: '440103',
    });
    expect(becameApplicant.user).toMatchObject({ role: 'applicant', unitCode: '440103', sub: first.user.sub });
    expect(becameApplicant.user.jurisdictions).toBeUndefined();
  });

  it('keeps passwords as scrypt hashes only, in a file only its owner reads', async () => {
    const { temporaryPassword: password } = await directory.upsert(reviewer);
    const text = readFileSync(join(dataDir, 'users', 'users.json'), 'utf8');
    expect(text).not.toContain(password!);
    expect(text).toMatch(/"passwordHash": "scrypt\$16384\$8\$1\$/);
    expect(statSync(join(dataDir, 'users', 'users.json')).mode & 0o777).toBe(0o600);
  });

  it('authenticates with the temporary password until it expires, then the new password moves the user to CONFIRMED', async () => {
    const { temporaryPassword: password, user } = await directory.upsert(reviewer);
    expect(await directory.authenticate('CHEN.LI@example.org', password!)).toMatchObject({
      sub: user.sub,
      status: 'FORCE_CHANGE_PASSWORD',
    });
    expect(await directory.authenticate(reviewer.username, `${password!}x`)).toBeUndefined();
    expect(await directory.authenticate('nobody@example.org', password!)).toBeUndefined();

    await expect(directory.setPassword(reviewer.username, 'short')).rejects.toBeInstanceOf(PasswordPolicyError);
    const confirmed = await directory.setPassword(reviewer.username, 'Correct-Horse-42');
    expect(confirmed.status).toBe('CONFIRMED');
    expect(await directory.authenticate(reviewer.username, password!)).toBeUndefined();
    expect(await directory.authenticate(reviewer.username, 'Correct-Horse-42')).toMatchObject({ status: 'CONFIRMED' });

    await expect(directory.resendInvite(reviewer.username)).rejects.toBeInstanceOf(UserAlreadyConfirmedError);
  });

  it('refuses an expired temporary password; resending the invitation issues a new one and voids the old', async () => {
    const { temporaryPassword: password } = await directory.upsert(reviewer);
    now = new Date(now.getTime() + 3 * 86_400_000 + 1000);
    expect(await directory.authenticate(reviewer.username, password!)).toBeUndefined();
    const { temporaryPassword: fresh } = await directory.resendInvite(reviewer.username);
    expect(fresh).not.toBe(password);
    expect(await directory.authenticate(reviewer.username, password!)).toBeUndefined();
    expect(await directory.authenticate(reviewer.username, fresh)).toMatchObject({ status: 'FORCE_CHANGE_PASSWORD' });
  });

  it('a disabled user cannot sign in until enabled again; unknown users are named', async () => {
    const { temporaryPassword: password } = await directory.upsert(reviewer);
    await directory.setEnabled(reviewer.username, false);
    expect((await directory.find(reviewer.username))?.enabled).toBe(false);
    expect(await directory.authenticate(reviewer.username, password!)).toBeUndefined();
    await directory.setEnabled(reviewer.username, true);
    expect(await directory.authenticate(reviewer.username, password!)).toBeDefined();
    await expect(directory.setEnabled('ghost@example.org', false)).rejects.toBeInstanceOf(UserNotFoundError);
    await expect(directory.resendInvite('ghost@example.org')).rejects.toBeInstanceOf(UserNotFoundError);
  });

  it('sees changes written by another instance on the same data dir (the CLI and the cloud are separate processes)', async () => {
    await directory.upsert(reviewer);
    const other = new LocalUserDirectory(dataDir);
    expect((await other.find(reviewer.username))?.name).toBe('陳立');
    await other.setEnabled(reviewer.username, false);
    expect((await directory.find(reviewer.username))?.enabled).toBe(false);
  });

  it('serializes concurrent upserts: twenty parallel invitations all land', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({
      username: `u${i}@example.org`,
      email: `u${i}@example.org`,
      name: `U${i}`,
      role: 'applicant' as const,
      unitCode: '440103',
    }));
    const results = await Promise.all(rows.map((r) => directory.upsert(r)));
    expect(results.every((r) => r.created)).toBe(true);
    expect(await directory.list()).toHaveLength(20);
  });

  it('creates the demo personas once, with the demo password, under the ids the demo already uses', async () => {
    const accounts = await directory.ensureDemoAccounts([{ unitCode: '440103' }, { unitCode: '440103-沙面街道' }]);
    const bySub = new Map(accounts.map((a) => [a.sub, a]));
    expect(bySub.get('office-1')).toMatchObject({ role: 'secretariat', status: 'CONFIRMED', username: 'office@demo.casebook.local' });
    expect(bySub.get('leader-1')).toMatchObject({ role: 'approver' });
    expect(bySub.get('rev-gz')).toMatchObject({ role: 'reviewer', jurisdictions: ['440100'] });
    expect(bySub.get('applicant-440103')).toMatchObject({
      role: 'applicant',
      unitCode: '440103',
      username: 'applicant-440103@demo.casebook.local',
    });
    expect(demoApplicantEmail('440103-沙面街道')).toMatch(/^applicant-440103-[0-9a-f]{8}@demo\.casebook\.local$/);
    expect(await directory.authenticate('office@demo.casebook.local', LOCAL_DEMO_PASSWORD)).toMatchObject({ sub: 'office-1' });

    await directory.setPassword('office@demo.casebook.local', 'Changed-Password-1');
    const again = await directory.ensureDemoAccounts([{ unitCode: '440103' }, { unitCode: '440103-沙面街道' }]);
    expect(again).toHaveLength(accounts.length);
    expect(await directory.list()).toHaveLength(accounts.length);
    expect(await directory.authenticate('office@demo.casebook.local', 'Changed-Password-1')).toMatchObject({ sub: 'office-1' });
  });

  it('temporary passwords always meet the pool policy', () => {
    for (let i = 0; i < 200; i++) expect(passwordProblems(temporaryPassword())).toEqual([]);
  });
});

describe('password policy', () => {
  it('names every rule a password breaks, bilingually', () => {
    expect(passwordProblems('abc').map((p) => p.code)).toEqual([
      'PASSWORD_TOO_SHORT',
      'PASSWORD_NEEDS_UPPERCASE',
      'PASSWORD_NEEDS_DIGIT',
      'PASSWORD_NEEDS_SYMBOL',
    ]);
    expect(passwordProblems('Correct-Horse-42')).toEqual([]);
    for (const p of passwordProblems('')) expect(p.message.zh && p.message.en).toBeTruthy();
  });
});
