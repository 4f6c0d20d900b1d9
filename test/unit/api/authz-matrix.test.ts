/**
 * The authorization matrix: every route × every role × own / other's resource, with the expected
 * status of each cell, through the real router and the real store on DynamoDB Local.
 *
 * Resources belong to unit A (440103, Guangzhou). "applicant own" is bound to unit A, "applicant
 * other" to unit B (440303, Shenzhen). "reviewer assigned" holds case A, "reviewer not assigned"
 * holds only case B. Only secretariat calls succeed on office routes, so each mutating route has
 * exactly one successful cell and the order of cells does not matter for the others.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { expect } from '../../support/expect';
import { LocalUserDirectory } from '../../../local/user-directory';
import { buildHandlers, htmlErrorLinks } from '../../../src/api/app';
import { createRouter, type HttpResult } from '../../../src/api/router';
import { ROUTES } from '../../../src/api/routes';
import type { CaseRecord, Round, Task } from '../../../src/domain/model';
import type { ApiDeps } from '../../../src/usecases/api/ports';
import { startTestTable, type TestTable } from '../../support/dynamodb';
import { decideTask } from '../../../src/usecases/workflow/decide';
import { OutboxNotifier } from '../../../src/adapters/outbox-notifier';
import { FixedClock } from '../../support/fakes';
import { httpEvent, type Caller, type EventExtras } from './fixtures';
import { apiCharter as charter } from '../../support/charters';

const COLUMNS = [
  'anonymous',
  'applicantOwn',
  'applicantOther',
  'reviewerAssigned',
  'reviewerNotAssigned',
  'secretariat',
  'approver',
] as const;
type Column = (typeof COLUMNS)[number];

const UNIT_A = '440103';
const UNIT_B = '440303';
const CALLERS: Record<Column, Caller | undefined> = {
  anonymous: undefined,
  applicantOwn: { sub: 'app-a', name: '荔灣區申報人', groups: ['applicant'], unitCode: UNIT_A },
  applicantOther: { sub: 'app-b', name: '羅湖區申報人', groups: ['applicant'], unitCode: UNIT_B },
  reviewerAssigned: { sub: 'rev-1', name: '評審一', groups: ['reviewer'] },
  reviewerNotAssigned: { sub: 'rev-2', name: '評審二', groups: ['reviewer'] },
  secretariat: { sub: 'office-1', name: '辦公室', groups: ['secretariat'] },
  approver: { sub: 'lead-1', name: '領導', groups: ['approver'] },
};
const CONFLICTED: Caller = { sub: 'rev-5', name: '評審五', groups: ['reviewer'] };

const NOW = new Date('2030-06-01T00:00:00Z');
const SITE = 'https://cases.example.org/';
const FUTURE = '2030-06-20T00:00:00.000Z';

let db: TestTable;
let api: (e: ReturnType<typeof httpEvent>) => Promise<HttpResult>;
let decideRoute: (e: ReturnType<typeof httpEvent>) => Promise<HttpResult>;
const decisions: { actor: string; taskId: string }[] = [];
const sent: string[] = [];
let finalizations: string[] = [];
let notificationId = '';

function caseRecord(caseId: string, unitCode: string, unitName: string, status: CaseRecord['status'], roundId = 'round-9'): CaseRecord {
  return {
    caseId,
    roundId,
    unitCode,
    unitName,
    city: unitCode.startsWith('4401') ? '廣州市' : '深圳市',
    level: 'county',
    title: `${unitName}推行代表聯絡站`,
    currentVersion: 1,
    currentSubmissionId: `sub-${caseId}`,
    status,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

async function seed(t: TestTable) {
  const s = t.store;
  const round = (roundId: string, number: number, status: Round['status'], extra: Partial<Round> = {}): Round => ({
    roundId,
    charter: charter({ number }),
    status,
    createdAt: NOW.toISOString(),
    ...extra,
  });
  await s.rounds.createRound(round('round-9', 9, 'OPEN'));
  await s.rounds.createRound(round('draft-r', 10, 'DRAFT'));
  await s.rounds.createRound(round('close-r', 11, 'OPEN'));
  await s.rounds.createRound(round('closed-r', 12, 'CLOSED'));
  await s.rounds.createRound(
    round('notice-r', 13, 'NOTICE', {
      shortlist: [
        {
          caseId: 'case-n',
          rank: 1,
          score: 8,
          explanation: { zh: '因市別名額上調一位。', en: 'Moved up one place under the city quota.' },
        },
      ],
      approvedList: [{ caseId: 'case-n', order: 1, reason: '做法可複製、可推廣。' }],
      charterSha256: 'c'.repeat(64),
      noticeEndsAt: FUTURE,
    }),
  );
  await s.rounds.createRound(round('short-r', 14, 'SHORTLISTED', { shortlist: [{ caseId: 'case-s', rank: 1, score: 9 }] }));
  await s.rounds.createRound(
    round('ended-r', 15, 'NOTICE', { shortlist: [{ caseId: 'case-x', rank: 1, score: 7 }], noticeEndsAt: '2030-05-31T16:00:00.000Z' }),
  );
  await s.rounds.createRound(
    round('approved-r', 16, 'APPROVED', {
      shortlist: [{ caseId: 'case-p', rank: 1, score: 8 }],
      approvedList: [{ caseId: 'case-p', order: 1, reason: '做法紮實，成效明顯。' }],
      approvedAt: NOW.toISOString(),
    }),
  );

  for (const [id, unit] of [
    ['sub-a', UNIT_A],
    ['sub-b', UNIT_B],
  ] as const) {
    await s.submissions.recordSubmission({
      submissionId: id,
      roundId: 'round-9',
      unitCode: unit,
      key: `dossiers/round-9/${unit}/${id}/d.md`,
      fileName: 'd.md',
      status: 'VALID',
      createdAt: NOW.toISOString(),
    });
  }
  const version = (c: CaseRecord, dossier: unknown) => ({
    caseId: c.caseId,
    roundId: c.roundId,
    version: 1,
    submissionId: c.currentSubmissionId,
    dossier,
    createdAt: NOW.toISOString(),
  });
  const caseA = caseRecord('case-a', UNIT_A, '廣州市荔灣區人大常委會', 'IN_REVIEW');
  await s.cases.createCase(
    caseA,
    version(caseA, {
      title: caseA.title,
      unitName: caseA.unitName,
      practices: '荔灣區人大常委會建立代表聯絡站',
      contactPhone: '020-8888-0000',
    }),
  );
  const caseB = caseRecord('case-b', UNIT_B, '深圳市羅湖區人大常委會', 'ELIGIBILITY_PENDING');
  await s.cases.createCase(caseB, version(caseB, { title: caseB.title }));
  const caseC = caseRecord('case-c', '440104', '廣州市越秀區人大常委會', 'APPROVED');
  await s.cases.createCase(caseC, version(caseC, { title: caseC.title }));
  const caseD = caseRecord('case-d', '440105', '廣州市海珠區人大常委會', 'IN_REVIEW');
  await s.cases.createCase(caseD, version(caseD, { title: caseD.title }));
  // the approver decides on short-r: a reviewed case that missed the shortlist is theirs to add
  const caseR = caseRecord('case-r', UNIT_A, '廣州市荔灣區人大常委會', 'REVIEWED', 'short-r');
  await s.cases.createCase(caseR, version(caseR, { title: caseR.title }));
  const caseS = caseRecord('case-s', UNIT_B, '深圳市羅湖區人大常委會', 'SHORTLISTED', 'short-r');
  await s.cases.createCase(caseS, version(caseS, { title: caseS.title }));
  // notice-r is past the approver's decision: its reviewed, unlisted case stays hidden from them
  const caseM = caseRecord('case-m', UNIT_A, '廣州市荔灣區人大常委會', 'REVIEWED', 'notice-r');
  await s.cases.createCase(caseM, version(caseM, { title: caseM.title }));
  const caseP = caseRecord('case-p', UNIT_A, '廣州市荔灣區人大常委會', 'APPROVED', 'approved-r');
  await s.cases.createCase(caseP, version(caseP, { title: caseP.title, practices: '建立代表聯絡站。' }));

  // rev-5 sits in Guangzhou: assigned by mistake, the API must still keep case A from them
  await s.reviews.assignReviewers('round-9', 'case-a', ['rev-1', 'rev-3', 'rev-5'], NOW.toISOString());
  await s.reviews.assignReviewers('round-9', 'case-b', ['rev-2'], NOW.toISOString());

  const task = (taskId: string, kind: Task['kind'], caseId: string | undefined, extra: { assignees?: string[]; expiresAt?: string } = {}) =>
    s.tasks.createTask(
      {
        taskId,
        kind,
        roundId: 'round-9',
        ...(caseId ? { caseId } : {}),
        executionArn: `arn:aws:states:local:0:execution:x:${taskId}`,
        stateName: kind,
        createdAt: NOW.toISOString(),
        expiresAt: extra.expiresAt ?? FUTURE,
        ...(extra.assignees ? { assignees: extra.assignees } : {}),
      },
      `token-${taskId}`,
    );
  await task('panel-a', 'PANEL', 'case-a', { assignees: ['rev-1', 'rev-3', 'rev-5'] });
  await task('panel-a2', 'PANEL', 'case-a', { assignees: ['rev-1', 'rev-3', 'rev-5'] });
  await task('elig-b', 'ELIGIBILITY', 'case-b');
  await task('lead-9', 'LEADERSHIP', undefined);
  await task('expired-a', 'PANEL', 'case-a', { assignees: ['rev-1'], expiresAt: '2030-05-01T00:00:00.000Z' });
  const n = await s.outbox.appendNotification({
    notificationId: 'note-1',
    roundId: 'round-9',
    kind: 'ASSIGNMENT',
    recipient: 'rev-1',
    subject: { zh: '新分派', en: 'New assignment' },
    body: { zh: '請評審', en: 'Please review' },
    createdAt: NOW.toISOString(),
    status: 'PENDING',
  });
  notificationId = n.notificationId;
  await s.objections.fileObjection({
    objectionId: 'obj-1',
    roundId: 'notice-r',
    caseId: 'case-n',
    text: '此案例材料與事實不符，請覆核。',
    contact: 'objector@example.org',
    filedAt: NOW.toISOString(),
    status: 'OPEN',
  });
}

let usersDir: string;
beforeAll(async () => {
  // where GET /auth/config says to sign in (the stack sets these on the api function)
  process.env.AUTH_ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_test';
  process.env.AUTH_CLIENT_ID = 'test-client';
  process.env.AUTH_DOMAIN_URL = 'https://casebook-test.auth.eu-west-1.amazoncognito.com';
  db = await startTestTable('casebook-authz');
  await seed(db);
  usersDir = mkdtempSync(join(tmpdir(), 'casebook-authz-users-'));
  const directory = new LocalUserDirectory(usersDir);
  await directory.upsert({
    username: 'invited@example.org',
    email: 'invited@example.org',
    name: '受邀評審',
    role: 'reviewer',
    jurisdictions: ['440300'],
  });
  let n = 0;
  const deps: ApiDeps = {
    store: db.store,
    uploads: { presignPut: async ({ key }) => `http://s3.local/bucket/${encodeURIComponent(key)}?X-Amz-Signature=test` },
    workflows: {
      startFinalization: async (roundId) => {
        finalizations.push(roundId);
        return `arn:aws:states:local:0:execution:round-finalization:f-${roundId}`;
      },
    },
    // the real decideTask; only SendTaskSuccess is recorded instead of resuming a workflow
    decide: async (actor, taskId, body) => {
      decisions.push({ actor: actor.id, taskId });
      const clock = new FixedClock(NOW);
      const result = await decideTask({ store: db.store, clock, notifier: new OutboxNotifier(db.store, clock) }, actor, taskId, body);
      if (result.status === 'sent') {
        sent.push(result.sendSuccess.token);
        return { outcome: 'sent' as const, task: result.task };
      }
      return { outcome: 'recorded' as const, task: result.task, remaining: result.remaining };
    },
    now: () => NOW,
    newId: () => `id-${++n}`,
    siteBaseUrl: SITE,
    users: {
      directory,
      readWorkbook: async () => {
        throw new Error('no workbook in this test');
      },
    },
  };
  const handlers = buildHandlers(deps);
  api = createRouter({ fn: 'api', handlers, errorLinks: htmlErrorLinks(deps) });
  decideRoute = createRouter({ fn: 'decide', handlers });
}, 120_000);

afterAll(async () => {
  await db?.stop();
  if (usersDir) rmSync(usersDir, { recursive: true, force: true });
});

const call = (method: string, path: string, caller: Caller | undefined, body?: unknown, extras?: EventExtras) => {
  const route = ROUTES.find((r) => r.method === method && new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path));
  return (route?.fn === 'decide' ? decideRoute : api)(httpEvent(method, path, caller, body, extras));
};

/** Shorthands for rows: who gets what. */
const all = (status: number): Record<Column, number> => Object.fromEntries(COLUMNS.map((c) => [c, status])) as Record<Column, number>;
const officeOnly = (ok: number) => ({ ...all(403), anonymous: 401, secretariat: ok });
const authed = (ok: number) => ({ ...all(ok), anonymous: 401 });

const validCharter = charter({ number: 20 });
const scoreSheet = { scores: { innovation: 8 }, comment: '做法扎實' };

interface Row {
  route: string;
  path: string;
  body?: unknown;
  /** Headers, query or a form body: variants of a route (HTML pages, the public site's form). */
  extras?: EventExtras;
  /** Set on variants: a route may have several rows. */
  variant?: string;
  expect: Record<Column, number>;
}

const objectionForm = {
  caseId: 'case-n',
  text: '此案例的做法早於申報年度，請核實。',
  contact: '',
  script: 'hant',
  returnTo: `${SITE}hant/rounds/notice-r/objection-received.html`,
};

const ROWS: Row[] = [
  { route: 'GET /openapi.json', path: '/openapi.json', expect: all(200) },
  { route: 'GET /auth/config', path: '/auth/config', expect: all(200) },
  { route: 'GET /rounds', path: '/rounds', expect: all(200) },
  { route: 'GET /rounds/{roundId}', path: '/rounds/round-9', expect: all(200) },
  {
    route: 'GET /rounds/{roundId}/staff-view',
    path: '/rounds/notice-r/staff-view',
    expect: { ...all(403), anonymous: 401, secretariat: 200, approver: 200 },
  },
  {
    route: 'GET /rounds/{roundId}/staff-view',
    variant: 'a round that does not exist',
    path: '/rounds/no-such-round/staff-view',
    expect: { ...all(403), anonymous: 401, secretariat: 404, approver: 404 },
  },
  { route: 'POST /rounds', path: '/rounds', body: { roundId: 'new-r', charter: validCharter }, expect: officeOnly(201) },
  {
    route: 'PATCH /rounds/{roundId}',
    path: '/rounds/round-9',
    body: { changes: { quorum: 3 }, reason: '評審人數充足' },
    expect: officeOnly(200),
  },
  { route: 'POST /rounds/{roundId}/open', path: '/rounds/draft-r/open', expect: officeOnly(200) },
  { route: 'POST /rounds/{roundId}/close', path: '/rounds/close-r/close', expect: officeOnly(200) },
  {
    route: 'POST /rounds/{roundId}/proceed',
    path: '/rounds/closed-r/proceed',
    body: { reason: '評審逾期，先行排名' },
    expect: officeOnly(200),
  },
  { route: 'GET /rounds/{roundId}/dashboard', path: '/rounds/round-9/dashboard', expect: officeOnly(200) },
  {
    route: 'GET /rounds/{roundId}/dashboard',
    variant: 'as an HTML page (?format=html)',
    path: '/rounds/round-9/dashboard',
    extras: { query: { format: 'html' } },
    expect: officeOnly(200),
  },
  {
    route: 'GET /rounds/{roundId}/dashboard',
    variant: 'as an HTML page (a browser’s Accept)',
    path: '/rounds/round-9/dashboard',
    extras: { headers: { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } },
    expect: officeOnly(200),
  },
  {
    route: 'POST /rounds/{roundId}/submissions',
    path: '/rounds/round-9/submissions',
    body: { fileName: '案例.md', contentType: 'text/markdown', size: 2048 },
    expect: { ...all(403), anonymous: 401, applicantOwn: 201, applicantOther: 201 },
  },
  {
    route: 'GET /rounds/{roundId}/submissions',
    path: '/rounds/round-9/submissions',
    expect: { ...all(403), anonymous: 401, applicantOwn: 200, applicantOther: 200, secretariat: 200 },
  },
  {
    route: 'GET /rounds/{roundId}/submissions/{submissionId}',
    path: '/rounds/round-9/submissions/sub-a',
    expect: { ...all(403), anonymous: 401, applicantOwn: 200, applicantOther: 404, secretariat: 200 },
  },
  { route: 'GET /rounds/{roundId}/cases', path: '/rounds/round-9/cases', expect: authed(200) },
  {
    route: 'GET /cases/{caseId}',
    path: '/cases/case-a',
    // an approver sees cases once shortlisted; case A is still in review
    expect: {
      anonymous: 401,
      applicantOwn: 200,
      applicantOther: 404,
      reviewerAssigned: 200,
      reviewerNotAssigned: 404,
      secretariat: 200,
      approver: 404,
    },
  },
  {
    route: 'GET /cases/{caseId}',
    variant: 'a reviewed case while its round awaits the approver',
    path: '/cases/case-r',
    expect: {
      anonymous: 401,
      applicantOwn: 200,
      applicantOther: 404,
      reviewerAssigned: 404,
      reviewerNotAssigned: 404,
      secretariat: 200,
      approver: 200,
    },
  },
  {
    route: 'GET /cases/{caseId}',
    variant: 'a reviewed, unlisted case once the round is in notice',
    path: '/cases/case-m',
    expect: {
      anonymous: 401,
      applicantOwn: 200,
      applicantOther: 404,
      reviewerAssigned: 404,
      reviewerNotAssigned: 404,
      secretariat: 200,
      approver: 404,
    },
  },
  {
    route: 'GET /cases/{caseId}/record',
    path: '/cases/case-a/record',
    // the approver sees a case's record once it is before them; case A is still in review
    expect: { ...all(403), anonymous: 401, secretariat: 200, approver: 404 },
  },
  {
    route: 'GET /cases/{caseId}/record',
    variant: 'a reviewed case while its round awaits the approver',
    path: '/cases/case-r/record',
    expect: { ...all(403), anonymous: 401, secretariat: 200, approver: 200 },
  },
  {
    route: 'POST /cases/{caseId}/corrections',
    path: '/cases/case-c/corrections',
    body: { note: '更正單位名稱的錯字' },
    expect: officeOnly(200),
  },
  { route: 'POST /cases/{caseId}/withdraw', path: '/cases/case-d/withdraw', body: { reason: '申報單位撤回' }, expect: officeOnly(200) },
  {
    route: 'POST /cases/{caseId}/reviewers/{reviewerId}/replace',
    path: '/cases/case-a/reviewers/rev-3/replace',
    body: { newReviewerId: 'rev-4', reason: '評審三出差' },
    expect: officeOnly(200),
  },
  { route: 'GET /tasks', path: '/tasks', expect: authed(200) },
  {
    route: 'GET /tasks/{taskId}',
    path: '/tasks/panel-a',
    expect: { ...all(403), anonymous: 401, reviewerAssigned: 200, secretariat: 200 },
  },
  {
    route: 'POST /tasks/{taskId}/decision',
    path: '/tasks/panel-a/decision',
    body: scoreSheet,
    // nobody but an assigned reviewer scores: not the office, and never an approver
    expect: { ...all(403), anonymous: 401, reviewerAssigned: 200 },
  },
  {
    route: 'POST /rounds/{roundId}/objections',
    path: '/rounds/notice-r/objections',
    body: { caseId: 'case-n', text: '此案例的做法早於申報年度，請核實。' },
    // anyone may object; the first caller files it (201), the same text again is a counted repeat (200)
    expect: { ...all(200), anonymous: 201 },
  },
  {
    route: 'POST /rounds/{roundId}/objections',
    variant: 'the public site’s HTML form',
    path: '/rounds/notice-r/objections',
    extras: { form: objectionForm },
    // anyone may object; the browser goes back to the site's "received" page
    expect: all(303),
  },
  {
    route: 'POST /rounds/{roundId}/objections',
    variant: 'the HTML form outside the notice period',
    path: '/rounds/round-9/objections',
    extras: { form: { ...objectionForm, returnTo: `${SITE}hant/rounds/round-9/objection-received.html` } },
    expect: all(422),
  },
  {
    route: 'GET /rounds/{roundId}/objections',
    path: '/rounds/notice-r/objections',
    expect: { ...all(403), anonymous: 401, secretariat: 200, approver: 200 },
  },
  { route: 'GET /outbox', path: '/outbox', expect: officeOnly(200) },
  { route: 'POST /outbox/{notificationId}/release', path: '/outbox/note-1/release', expect: officeOnly(200) },
  {
    route: 'GET /rounds/{roundId}/export',
    path: '/rounds/approved-r/export',
    expect: { ...all(403), anonymous: 401, secretariat: 200, approver: 200 },
  },
  {
    route: 'GET /rounds/{roundId}/export',
    variant: 'the announcement as a Word document',
    path: '/rounds/approved-r/export',
    extras: { query: { format: 'docx' } },
    expect: { ...all(403), anonymous: 401, secretariat: 200, approver: 200 },
  },
  {
    route: 'GET /rounds/{roundId}/export',
    variant: 'a round not yet approved',
    path: '/rounds/notice-r/export',
    expect: { ...all(403), anonymous: 401, secretariat: 422, approver: 422 },
  },
  { route: 'GET /rounds/{roundId}/audit', path: '/rounds/round-9/audit', expect: officeOnly(200) },
  { route: 'GET /rounds/{roundId}/audit/verify', path: '/rounds/round-9/audit/verify', expect: officeOnly(200) },
  { route: 'GET /users', path: '/users', expect: officeOnly(200) },
  {
    route: 'POST /users/import',
    path: '/users/import',
    body: {
      fileName: 'accounts.csv',
      content: Buffer.from('email,name,role,unitCode\nnew@example.org,新單位,applicant,440103\n').toString('base64'),
      dryRun: true,
    },
    expect: officeOnly(200),
  },
  {
    route: 'POST /users/import',
    variant: 'a malformed body: the role is refused before the body is read',
    path: '/users/import',
    body: { fileName: 'accounts.csv', content: '*not base64*' },
    expect: officeOnly(400),
  },
  { route: 'POST /users/{username}/disable', path: '/users/invited%40example.org/disable', expect: officeOnly(200) },
  { route: 'POST /users/{username}/enable', path: '/users/invited%40example.org/enable', expect: officeOnly(200) },
  { route: 'POST /users/{username}/resend-invite', path: '/users/invited%40example.org/resend-invite', expect: officeOnly(200) },
];

describe('authorization matrix', () => {
  it('has a row for every route in the route table', () => {
    expect(new Set(ROWS.map((r) => r.route))).toEqual(new Set(ROUTES.map((r) => `${r.method} ${r.path}`)));
  });

  for (const row of ROWS) {
    it(`${row.route}${row.variant ? ` — ${row.variant}` : ''}`, async () => {
      const [method] = row.route.split(' ');
      const got: Record<string, number> = {};
      const bodies: Record<string, unknown> = {};
      for (const col of COLUMNS) {
        const res = await call(method!, row.path, CALLERS[col], row.body, row.extras);
        got[col] = res.statusCode;
        bodies[col] = res.headers['content-type']?.startsWith('application/json') ? JSON.parse(res.body) : {};
        if (res.statusCode >= 400 && res.headers['content-type']?.startsWith('text/html')) {
          // a browser gets the same coded, bilingual error as a page
          expect(res.body, `${row.route} ${col}`).toMatch(/錯誤代碼：<code>[A-Z_]+<\/code>/);
          expect(res.body, `${row.route} ${col}`).toMatch(/<p lang="en">[^<]+<\/p>/);
        } else if (res.statusCode >= 400) {
          const err = (bodies[col] as { error?: { code?: string; message?: { zh?: string; en?: string } } }).error;
          expect(err?.code, `${row.route} ${col}`).toBeTruthy();
          expect(err?.message?.zh, `${row.route} ${col}`).toBeTruthy();
          expect(err?.message?.en, `${row.route} ${col}`).toBeTruthy();
        }
      }
      expect(got).toEqual(row.expect);
    });
  }
});

describe('what each role sees', () => {
  const json = async (method: string, path: string, caller?: Caller, body?: unknown) => {
    const res = await call(method, path, caller, body);
    return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
  };

  it('an applicant lists only its own unit’s submissions', async () => {
    const own = await json('GET', '/rounds/round-9/submissions', CALLERS.applicantOwn);
    const units = (own.body.submissions as { unitCode: string }[]).map((s) => s.unitCode);
    expect(units.length).toBeGreaterThan(0);
    expect(new Set(units)).toEqual(new Set([UNIT_A]));
    const office = await json('GET', '/rounds/round-9/submissions', CALLERS.secretariat);
    expect(new Set((office.body.submissions as { unitCode: string }[]).map((s) => s.unitCode))).toEqual(new Set([UNIT_A, UNIT_B]));
  });

  it('uploads go to the caller’s unit folder, whatever the body says', async () => {
    const res = await json('POST', '/rounds/round-9/submissions', CALLERS.applicantOther, {
      fileName: 'x.md',
      contentType: 'text/markdown',
      size: 10,
    });
    expect(res.body.key).toMatch(new RegExp(`^dossiers/round-9/${UNIT_B}/[^/]+/x\\.md$`));
    const bad = await json('POST', '/rounds/round-9/submissions', CALLERS.applicantOwn, {
      fileName: '../x.exe',
      contentType: 'application/x-msdownload',
      size: 10,
    });
    expect(bad.status).toBe(400);
    expect((bad.body.error as { issues: { field: string }[] }).issues.map((i) => i.field).sort()).toEqual(['contentType', 'fileName']);
  });

  it('a reviewer sees only assigned, unconflicted cases, blind, without contact data', async () => {
    const mine = await json('GET', '/rounds/round-9/cases', CALLERS.reviewerAssigned);
    const cases = mine.body.cases as Record<string, unknown>[];
    expect(cases.map((c) => c.caseId)).toEqual(['case-a']);
    expect(cases[0]).not.toHaveProperty('unitName');
    expect(cases[0]).not.toHaveProperty('unitCode');
    const one = await json('GET', '/cases/case-a', CALLERS.reviewerAssigned);
    const text = JSON.stringify(one.body);
    expect(text).not.toContain('荔灣區');
    expect(text).not.toContain('020-8888');
    expect(one.body).not.toHaveProperty('contact');
    const other = await json('GET', '/rounds/round-9/cases', CALLERS.reviewerNotAssigned);
    expect((other.body.cases as { caseId: string }[]).map((c) => c.caseId)).toEqual(['case-b']);
  });

  it('a conflicted reviewer never sees the case, even when assigned', async () => {
    expect((await json('GET', '/cases/case-a', CONFLICTED)).status).toBe(404);
    expect((await json('GET', '/rounds/round-9/cases', CONFLICTED)).body.cases).toEqual([]);
    expect((await json('GET', '/tasks', CONFLICTED)).body.tasks).toEqual([]);
    expect((await json('POST', '/tasks/panel-a2/decision', CONFLICTED, scoreSheet)).status).toBe(403);
  });

  it('only the office sees contact data', async () => {
    const office = await json('GET', '/cases/case-a', CALLERS.secretariat);
    expect(office.body.contact).toEqual({ contactPhone: '020-8888-0000' });
    const applicant = await json('GET', '/cases/case-a', CALLERS.applicantOwn);
    expect(applicant.body).not.toHaveProperty('contact');
    expect(JSON.stringify(applicant.body)).not.toContain('020-8888');
    const objectionsOffice = await json('GET', '/rounds/notice-r/objections', CALLERS.secretariat);
    expect((objectionsOffice.body.objections as { contact?: string }[]).some((o) => o.contact === 'objector@example.org')).toBe(true);
    const objectionsApprover = await json('GET', '/rounds/notice-r/objections', CALLERS.approver);
    expect(JSON.stringify(objectionsApprover.body)).not.toContain('objector@example.org');
  });

  it('the office and the approver see what they decide from; the public route shows public fields only', async () => {
    for (const caller of [CALLERS.secretariat, CALLERS.approver]) {
      const staff = await json('GET', '/rounds/notice-r/staff-view', caller);
      expect(staff.status).toBe(200);
      expect(staff.body).toMatchObject({
        roundId: 'notice-r',
        charter: { number: 13 },
        charterSha256: 'c'.repeat(64),
        shortlist: [
          {
            caseId: 'case-n',
            rank: 1,
            score: 8,
            explanation: { zh: '因市別名額上調一位。' },
            quotaNote: { zh: '名額 12 宗中的第 1 宗', en: 'place 1 of 12' },
          },
        ],
        approvedList: [{ caseId: 'case-n', order: 1, reason: '做法可複製、可推廣。' }],
        notice: { days: 5, endsAt: FUTURE },
      });
      const objections = staff.body.objections as { total: number; open: number };
      expect(objections.total).toBe((await db.store.objections.listObjections('notice-r')).length);
      expect(objections.total).toBeGreaterThanOrEqual(1);
      expect(objections.open).toBe(objections.total);
      // objectors' contacts are not part of the round's view, even for the office
      expect(JSON.stringify(staff.body)).not.toContain('objector@example.org');
    }
    const publicKeys = [
      'roundId',
      'number',
      'year',
      'theme',
      'script',
      'status',
      'eligibleLevels',
      'submissionDeadline',
      'reviewDeadline',
      'blindReview',
      'rubric',
      'noticeEndsAt',
    ];
    for (const col of COLUMNS) {
      // a token on the public route changes nothing: API Gateway never passes it to a public route
      const pub = await json('GET', '/rounds/notice-r', CALLERS[col]);
      expect(Object.keys(pub.body).sort(), col).toEqual([...publicKeys].sort());
    }
  });

  it('a case’s record: the office sees who reviewed, the approver only the scores under labels', async () => {
    await db.store.reviews.assignReviewers('short-r', 'case-r', ['rev-1'], NOW.toISOString());
    await db.store.reviews.recordScore('case-r', 'rev-1', { scores: { innovation: 8 }, comment: '可推廣' }, 8, NOW.toISOString());
    const office = await json('GET', '/cases/case-r/record', CALLERS.secretariat);
    expect(office.status).toBe(200);
    expect(office.body).toMatchObject({
      caseId: 'case-r',
      versions: [{ version: 1, submissionId: 'sub-case-r', current: true }],
      eligibility: [],
      assignments: [
        { reviewerId: 'rev-1', reviewerName: '評審一', status: 'SCORED', scores: { innovation: 8 }, comment: '可推廣', total: 8 },
      ],
    });
    const lead = await json('GET', '/cases/case-r/record', CALLERS.approver);
    expect(lead.status).toBe(200);
    expect(lead.body).toMatchObject({ assignments: [{ reviewer: '評審 1', status: 'SCORED', scores: { innovation: 8 }, total: 8 }] });
    expect(JSON.stringify(lead.body.assignments)).not.toMatch(/rev-1|評審一|可推廣/);
  });

  it('tasks list only the caller’s own steps and never carry tokens', async () => {
    const rev = await json('GET', '/tasks', CALLERS.reviewerAssigned);
    // rev-1 scored case A in the matrix: its panel steps stay open for the others, not for rev-1
    expect((rev.body.tasks as { taskId: string }[]).map((t) => t.taskId)).toEqual([]);
    // rev-4 replaced rev-3 on case A in the matrix and joined its open panel steps
    const rev4 = await json('GET', '/tasks', { sub: 'rev-4', name: '評審四', groups: ['reviewer'] });
    expect((rev4.body.tasks as { taskId: string }[]).map((t) => t.taskId).sort()).toEqual(['panel-a', 'panel-a2']);
    const office = await json('GET', '/tasks', CALLERS.secretariat);
    expect((office.body.tasks as { taskId: string }[]).map((t) => t.taskId)).toEqual(['elig-b']);
    const lead = await json('GET', '/tasks', CALLERS.approver);
    expect((lead.body.tasks as { taskId: string }[]).map((t) => t.taskId)).toEqual(['lead-9']);
    expect(JSON.stringify([rev.body, office.body, lead.body])).not.toMatch(/token-/);
  });

  it('a second decision is 409 and an expired step 410; nothing is decided by a GET', async () => {
    const before = decisions.length;
    for (const path of ['/tasks', '/tasks/panel-a2', '/rounds/round-9/cases', '/cases/case-a'])
      await call('GET', path, CALLERS.reviewerAssigned);
    expect(decisions.length).toBe(before);
    expect((await db.store.tasks.getTask('panel-a2'))?.status).toBe('OPEN');
    const again = await json('POST', '/tasks/panel-a/decision', CALLERS.reviewerAssigned, scoreSheet);
    expect(again.status).toBe(409);
    expect((again.body.error as { code: string }).code).toBe('REVIEW_ALREADY_SCORED');
    const first = await json('POST', '/tasks/elig-b/decision', CALLERS.secretariat, { outcome: 'eligible' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'DECIDED', outcome: 'sent' });
    expect(sent).toContain('token-elig-b');
    const second = await json('POST', '/tasks/elig-b/decision', CALLERS.secretariat, { outcome: 'eligible' });
    expect(second.status).toBe(409);
    expect((second.body.error as { code: string }).code).toBe('TASK_ALREADY_DECIDED');
    const wrongShape = await json('POST', '/tasks/lead-9/decision', CALLERS.approver, { outcome: 'eligible' });
    expect(wrongShape.status).toBe(400);
    const expired = await json('POST', '/tasks/expired-a/decision', CALLERS.reviewerAssigned, scoreSheet);
    expect(expired.status).toBe(410);
  });

  it('state errors are 422 and closing starts finalization once', async () => {
    const reopen = await json('POST', '/rounds/draft-r/open', CALLERS.secretariat);
    expect(reopen.status).toBe(422);
    expect(finalizations).toEqual(['close-r']);
    const closed = await json('GET', '/rounds/close-r/staff-view', CALLERS.secretariat);
    expect(closed.body.status).toBe('CLOSED');
    expect(closed.body.finalizationExecutionArn).toMatch(/f-close-r$/);
    const late = await json('POST', '/rounds/close-r/submissions', CALLERS.applicantOwn, {
      fileName: 'a.md',
      contentType: 'text/markdown',
      size: 5,
    });
    expect(late.status).toBe(422);
    expect((late.body.error as { code: string }).code).toBe('ROUND_NOT_OPEN');
  });

  it('office actions are audited in an intact hash chain', async () => {
    const verify = await json('GET', '/rounds/round-9/audit/verify', CALLERS.secretariat);
    expect(verify.body.ok).toBe(true);
    expect(verify.body.length).toBeGreaterThanOrEqual(3);
    const res = await call('GET', '/rounds/round-9/audit', CALLERS.secretariat);
    expect(res.headers['content-type']).toMatch(/ndjson/);
    const actions = res.body
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { action: string }).action);
    expect(actions).toEqual(expect.arrayContaining(['round.amend', 'case.correct', 'case.replace-reviewer', 'outbox.release']));
  });
});

describe('approvers and reviewed cases', () => {
  const ids = async (roundId: string) => {
    const res = await call('GET', `/rounds/${roundId}/cases`, CALLERS.approver);
    return (JSON.parse(res.body) as { cases: { caseId: string; status: string }[] }).cases.map((c) => `${c.caseId}:${c.status}`).sort();
  };

  it('an approver lists the reviewed cases of a round awaiting their decision, besides the shortlist', async () => {
    expect(await ids('short-r')).toEqual(['case-r:REVIEWED', 'case-s:SHORTLISTED']);
  });

  it('an approver does not list reviewed cases of a round past that decision, nor of one still in review', async () => {
    expect(await ids('notice-r')).toEqual([]);
    expect(await ids('round-9')).toEqual(['case-c:APPROVED']);
  });
});

describe('browsers without JavaScript', () => {
  const html = (res: HttpResult) => {
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    return res.body;
  };

  it('the dashboard is a complete HTML page with every chart as a figure with its data table, and no script or style', async () => {
    const res = await call('GET', '/rounds/round-9/dashboard', CALLERS.secretariat, undefined, { query: { format: 'html' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers.vary).toBe('Accept');
    const page = html(res);
    expect(page).toMatch(/^<!doctype html>\n<html lang="zh-Hant">/);
    expect(page).toContain('<title>第9屆（2030年）評選　辦公室儀表板</title>');
    for (const id of ['cases-by-city', 'cases-by-status', 'reviewer-scores', 'timeline']) {
      expect(page).toContain(`<figure class="chart" id="${id}-figure"`);
    }
    expect(page.match(/<svg /g)).toHaveLength(4);
    expect(page.match(/<table>/g)!.length).toBeGreaterThanOrEqual(4);
    // statuses in Chinese, in the order cases move (by now the matrix decided case B and withdrew case D)
    const at = (label: string) => page.indexOf(`<th scope="row">${label}</th>`);
    expect(at('評審中')).toBeGreaterThan(0);
    expect(at('已審定')).toBeGreaterThan(at('評審中'));
    expect(at('已撤回')).toBeGreaterThan(at('已審定'));
    expect(page).toContain('expired-a');
    expect(page).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
  });

  it('the dashboard stays JSON for scripts and the console, with each chart’s data table', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { accept: 'application/json' },
      { accept: '*/*' },
      { accept: 'text/html;q=0.5, application/json' },
    ]) {
      const res = await call('GET', '/rounds/round-9/dashboard', CALLERS.secretariat, undefined, { headers });
      expect(res.headers['content-type'], JSON.stringify(headers)).toMatch(/^application\/json/);
    }
    const res = await call('GET', '/rounds/round-9/dashboard', CALLERS.secretariat);
    const body = JSON.parse(res.body) as { charts: { id: string; table: { columns: string[]; rows: string[][] } }[] };
    const byStatus = body.charts.find((c) => c.id === 'cases-by-status')!;
    expect(byStatus.table.columns).toEqual(['狀態', '數量（宗）', '佔比']);
    expect(byStatus.table.rows.map((r) => r.slice(0, 2))).toEqual([
      ['評審中', '2'],
      ['已審定', '1'],
      ['已撤回', '1'],
    ]);
    expect(body.charts.find((c) => c.id === 'cases-by-city')!.table.rows).toEqual([
      ['廣州市', '3', '75.0%'],
      ['深圳市', '1', '25.0%'],
    ]);
  });

  it('an anonymous browser gets the dashboard’s 401 as a page', async () => {
    const res = await call('GET', '/rounds/round-9/dashboard', undefined, undefined, { headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(401);
    expect(html(res)).toContain('<code>AUTH_REQUIRED</code>');
  });

  it('the objection form files the objection and sends the browser back to the site (303)', async () => {
    const text = '表格提交：此案例的數據與年鑑不符。';
    const res = await call('POST', '/rounds/notice-r/objections', undefined, undefined, {
      form: { ...objectionForm, text, contact: 'a@example.org' },
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(objectionForm.returnTo);
    const filed = (await db.store.objections.listObjections('notice-r')).find((o) => o.text === text);
    expect(filed).toMatchObject({ caseId: 'case-n', contact: 'a@example.org', status: 'OPEN' });
    // an empty optional field is no contact at all
    const bare = '表格提交：未留聯絡方式的異議內容。';
    await call('POST', '/rounds/notice-r/objections', undefined, undefined, { form: { ...objectionForm, text: bare } });
    expect((await db.store.objections.listObjections('notice-r')).find((o) => o.text === bare)).not.toHaveProperty('contact');
  });

  it('never redirects off the public site: other origins, tricks and prefixes get a page instead', async () => {
    for (const returnTo of [
      'https://evil.example.com/hant/x.html',
      '//evil.example.com/',
      'https://cases.example.org.evil.com/',
      'https://user@cases.example.org/hant/x.html',
      'javascript:alert(1)',
      'http://cases.example.org/hant/x.html',
      '/hant/rounds/notice-r/objection-received.html',
    ]) {
      const res = await call('POST', '/rounds/notice-r/objections', undefined, undefined, { form: { ...objectionForm, returnTo } });
      expect(res.statusCode, returnTo).toBe(201);
      expect(res.headers.location, returnTo).toBeUndefined();
      const page = html(res);
      expect(page).toContain('<h1>異議已收到</h1>');
      expect(page).not.toContain('evil');
      expect(page).toContain(`<a href="${SITE}hant/rounds/notice-r/index.html">返回公示頁面</a>`);
    }
  });

  it('a form with a problem answers a page naming the field, with a way back to the notice page', async () => {
    const res = await call('POST', '/rounds/notice-r/objections', undefined, undefined, {
      form: { ...objectionForm, text: '太短', script: 'hans' },
    });
    expect(res.statusCode).toBe(400);
    const page = html(res);
    expect(page).toContain('<code>INVALID_INPUT</code>');
    expect(page).toContain('<strong>text</strong>');
    expect(page).toContain(`<a href="${SITE}hans/rounds/notice-r/index.html">返回公示页面</a>`);
    const unknown = await call('POST', '/rounds/notice-r/objections', undefined, undefined, {
      form: { ...objectionForm, caseId: 'case-a' },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('objections close when the notice period ends, whatever the round’s status says', async () => {
    const json = await call('POST', '/rounds/ended-r/objections', undefined, { caseId: 'case-x', text: '公示期後才提交的異議內容。' });
    expect(json.statusCode).toBe(422);
    expect(JSON.parse(json.body).error.code).toBe('NOTICE_ENDED');
    const form = await call('POST', '/rounds/ended-r/objections', undefined, undefined, { form: { ...objectionForm, caseId: 'case-x' } });
    expect(form.statusCode).toBe(422);
    expect(html(form)).toContain('<code>NOTICE_ENDED</code>');
    expect(await db.store.objections.listObjections('ended-r')).toEqual([]);
  });

  it('routes that take JSON only refuse a form body (415), so a cross-site form cannot drive them', async () => {
    const res = await call('POST', '/rounds', CALLERS.secretariat, undefined, { form: { roundId: 'form-r' } });
    expect(res.statusCode).toBe(415);
    expect(JSON.parse(res.body).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await db.store.rounds.getRound('form-r')).toBeUndefined();
  });
});
