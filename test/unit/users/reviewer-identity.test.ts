/**
 * A reviewer's account is the identity the charter's panel names: the office names the reviewer
 * by the account's e-mail, the round keeps the account's sub (what the reviewer's tokens carry)
 * with the jurisdictions the directory holds, and so the conflicts of interest follow the person
 * who signs in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalUserDirectory } from '../../../local/user-directory';
import { buildHandlers } from '../../../src/api/app';
import { actorFromClaims } from '../../../src/api/auth';
import { createRouter, type HttpResult } from '../../../src/api/router';
import type { Round } from '../../../src/domain/model';
import { assignReviewers, type AssignableCase } from '../../../src/domain/round/assignment';
import { isConflicted } from '../../../src/usecases/api/access';
import type { ApiDeps } from '../../../src/usecases/api/ports';
import { importAccounts } from '../../../src/usecases/users/import';
import { parseCsv, readAccountSheet } from '../../../src/domain/users';
import { startTestTable, type TestTable } from '../../support/dynamodb';
import { httpEvent } from '../api/fixtures';
import { apiCharter as charter } from '../../support/charters';

const OFFICE = { sub: 'office-1', name: '辦公室', groups: ['secretariat'] };
let db: TestTable;
let dir: string;
let directory: LocalUserDirectory;
let api: (e: ReturnType<typeof httpEvent>) => Promise<HttpResult>;

beforeAll(async () => {
  db = await startTestTable('casebook-reviewer-identity');
  dir = mkdtempSync(join(tmpdir(), 'casebook-reviewer-identity-'));
  directory = new LocalUserDirectory(dir);
  const csv = [
    'email,name,role,unitCode,jurisdictions',
    'gz.reviewer@example.org,廣州評審,reviewer,,440100',
    'sz.reviewer@example.org,深圳評審,reviewer,,440300',
    'zh.reviewer@example.org,珠海評審,reviewer,,440400',
    'st.reviewer@example.org,汕頭評審,reviewer,,440500',
    'liwan@example.org,荔灣區人大常委會,applicant,440103,',
  ].join('\n');
  const report = await importAccounts(directory, readAccountSheet(parseCsv(csv).records), { dryRun: false });
  expect(report.summary.created).toBe(5);
  let n = 0;
  const deps: ApiDeps = {
    store: db.store,
    uploads: { presignPut: async () => 'http://unused' },
    workflows: { startFinalization: async () => 'arn:unused' },
    decide: async () => {
      throw new Error('unused');
    },
    now: () => new Date('2030-06-01T00:00:00Z'),
    newId: () => `id-${++n}`,
    users: { directory, readWorkbook: async () => [] },
  };
  api = createRouter({ fn: 'api', handlers: buildHandlers(deps) });
}, 120_000);

afterAll(async () => {
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const post = async (path: string, body: unknown) => {
  const res = await api(httpEvent('POST', path, OFFICE, body));
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
};

/** The ID token claims a reviewer's sign-in yields (the contract of CONTRACT-users.md), as the API sees them. */
async function signedIn(username: string) {
  const user = (await directory.find(username))!;
  return actorFromClaims({
    sub: user.sub,
    email: user.email,
    name: user.name,
    'cognito:username': user.username,
    'cognito:groups': `[${user.role}]`,
    token_use: 'id',
  })!;
}

describe('panel entries name reviewer accounts', () => {
  it('the round keeps the account’s sub and jurisdictions; the signed-in reviewer never gets a case from their own city', async () => {
    const panel = ['gz.reviewer@example.org', 'SZ.Reviewer@example.org', 'zh.reviewer@example.org', 'st.reviewer@example.org'].map(
      (id, i) => ({
        id,
        name: `評審${i + 1}`,
        // the office leaves jurisdictions out: the directory knows them
        jurisdictions: [],
        declaredConflicts: [],
      }),
    );
    const created = await post('/rounds', { roundId: 'acc-r', charter: charter({ number: 31, panel }) });
    expect(created.status).toBe(201);
    const round = (await db.store.rounds.getRound('acc-r')) as Round;
    const gz = await signedIn('gz.reviewer@example.org');
    const entry = round.charter.panel.find((p) => p.account === 'gz.reviewer@example.org')!;
    expect(entry.id).toBe(gz.id);
    expect(entry.jurisdictions).toEqual(['440100']);
    expect(round.charter.panel.find((p) => p.account === 'sz.reviewer@example.org')!.jurisdictions).toEqual(['440300']);

    // cases from Guangzhou's districts and elsewhere, assigned by the round's own rules
    const cases: AssignableCase[] = [
      ...['440103', '440104', '440105', '440106'].map((unitCode, i) => ({ caseId: `gz-${i}`, unitCode, cityCode: '440100' })),
      ...['440303', '440304', '440402', '440507'].map((unitCode, i) => ({
        caseId: `other-${i}`,
        unitCode,
        cityCode: `${unitCode.slice(0, 4)}00`,
      })),
    ];
    const { assignments, shortages } = assignReviewers({ cases, panel: round.charter.panel, perCase: 3 });
    expect(shortages).toEqual([]);
    const gzCases = assignments.filter((a) => a.reviewerIds.includes(gz.id)).map((a) => a.caseId);
    expect(gzCases.length).toBeGreaterThan(0);
    expect(gzCases.every((id) => id.startsWith('other-'))).toBe(true);
    // and the API's own check (what keeps a mis-assigned case from them) agrees
    expect(isConflicted(round, gz.id, { caseId: 'gz-0', unitCode: '440103' })).toBe(true);
    expect(isConflicted(round, gz.id, { caseId: 'other-0', unitCode: '440303' })).toBe(false);
  });

  it('jurisdictions added to an account later follow the person when the panel is amended', async () => {
    await directory.upsert({
      username: 'zh.reviewer@example.org',
      email: 'zh.reviewer@example.org',
      name: '珠海評審',
      role: 'reviewer',
      jurisdictions: ['440400', '440100'],
    });
    const panel = ['zh.reviewer@example.org', 'sz.reviewer@example.org', 'st.reviewer@example.org'].map((id, i) => ({
      id,
      name: `評審${i + 1}`,
      jurisdictions: [],
      declaredConflicts: [],
    }));
    expect((await post('/rounds', { roundId: 'acc-s', charter: charter({ number: 32, panel }) })).status).toBe(201);
    const res = await api(httpEvent('PATCH', '/rounds/acc-s', OFFICE, { changes: { panel }, reason: '評審轄區更新' }));
    expect(res.statusCode).toBe(200);
    const round = (await db.store.rounds.getRound('acc-s')) as Round;
    const zh = await signedIn('zh.reviewer@example.org');
    expect(isConflicted(round, zh.id, { caseId: 'gz-9', unitCode: '440105' })).toBe(true);
  });

  it('refuses a panel naming an address with no account, or an account that is not a reviewer, per entry', async () => {
    const panel = [
      { id: 'nobody@example.org', name: '無帳號', jurisdictions: [], declaredConflicts: [] },
      { id: 'liwan@example.org', name: '申報單位', jurisdictions: [], declaredConflicts: [] },
      { id: 'gz.reviewer@example.org', name: '廣州評審', jurisdictions: [], declaredConflicts: [] },
    ];
    const res = await post('/rounds', { roundId: 'acc-bad', charter: charter({ number: 33, panel, reviewersPerCase: 1, quorum: 1 }) });
    expect(res.status).toBe(400);
    const error = res.body.error as { code: string; issues: { code: string; field: string; message: { zh: string; en: string } }[] };
    expect(error.code).toBe('PANEL_ACCOUNTS_INVALID');
    expect(error.issues.map((i) => [i.code, i.field])).toEqual([
      ['PANEL_ACCOUNT_UNKNOWN', 'charter.panel.0.id'],
      ['PANEL_ACCOUNT_NOT_REVIEWER', 'charter.panel.1.id'],
    ]);
    expect(await db.store.rounds.getRound('acc-bad')).toBeUndefined();
  });
});
