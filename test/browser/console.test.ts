/**
 * The web console in Debian's Chromium against a fake API with the real shapes (G's views and
 * schemas, E1's rubric, our charts): console/ is served with the production CSP from one origin,
 * the API from another (CORS + connect-src), as on the local cloud and on AWS.
 *
 * Checked: every page renders in Traditional and Simplified, axe-core finds no violations, the
 * upload form puts validation errors next to the field in Chinese, the scoring form shows the
 * rubric's descriptors and posts a score sheet, the dashboard's charts carry text alternatives,
 * the approver amends with reasons, and the console log shows no CSP violation.
 * Screenshots go to test-results/console/.
 */
import { mkdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { expect } from '../support/expect';
import { poll } from '../support/poll';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, seedSession } from '../support/browser';
import { DEFAULT_RUBRIC } from '../../src/domain/round/charter';
import { barChart, distributionChart, timelineChart, CASE_STATUS_ZH, CASE_STATUS_ORDER } from '../../src/domain/charts';
import type { Round } from '../../src/domain/model';
import { HTML_CONTENT_TYPE, HTML_HEADERS } from '../../src/api/html';
import { dashboardPage } from '../../src/api/pages/dashboard';
import type { DashboardView } from '../../src/usecases/api/dashboard';

const CONSOLE_DIR = resolve('console');
const SHOTS = 'test-results/console';
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

let site: Server;
let apiServer: Server;
let siteOrigin: string;
let apiOrigin: string;
let browser: Browser;

// ---------------------------------------------------------------------------------------------
// The fake API: just enough state for each page, in the shapes src/api/schemas.ts declares.

const NOW = '2024-05-15T02:00:00.000Z';
const ROUND = {
  roundId: '2024-r5',
  number: 5,
  year: 2024,
  theme: '踐行全過程人民民主',
  script: 'hant',
  status: 'OPEN',
  eligibleLevels: ['county', 'township'],
  submissionDeadline: '2024-06-30T15:59:59.000Z',
  reviewDeadline: '2024-07-31T15:59:59.000Z',
  blindReview: false,
  rubric: DEFAULT_RUBRIC,
  openedAt: '2024-03-01T01:00:00.000Z',
};
const CASES = [
  {
    caseId: 'c1',
    roundId: ROUND.roundId,
    title: '代表聯絡站「時時聯」',
    status: 'SHORTLISTED',
    level: 'county',
    currentVersion: 1,
    createdAt: NOW,
    updatedAt: NOW,
    unitCode: '440104',
    unitName: '廣州市越秀區人大常委會',
    city: '廣州市',
    score: { rawMean: 8.1, normalizedMean: 8.3, spread: 1, count: 3, outliers: [] },
  },
  {
    caseId: 'c2',
    roundId: ROUND.roundId,
    title: '民生實事項目票決制',
    status: 'SHORTLISTED',
    level: 'township',
    currentVersion: 2,
    createdAt: NOW,
    updatedAt: NOW,
    unitCode: '440606-lecong',
    unitName: '佛山市順德區樂從鎮人大',
    city: '佛山市',
    score: { rawMean: 7.6, normalizedMean: 7.9, spread: 2, count: 3, outliers: [] },
  },
  {
    caseId: 'c3',
    roundId: ROUND.roundId,
    title: '預算聯網監督',
    status: 'NOT_SELECTED',
    level: 'county',
    currentVersion: 1,
    createdAt: NOW,
    updatedAt: NOW,
    unitCode: '440304',
    unitName: '深圳市福田區人大常委會',
    city: '深圳市',
    score: { rawMean: 7.0, normalizedMean: 7.1, spread: 1, count: 3, outliers: [] },
  },
];
/** GET /rounds/{id}/staff-view in its real shape: the shortlist with explanations and quota notes. */
const STAFF_VIEW = {
  ...ROUND,
  status: 'SHORTLISTED',
  charter: {},
  charterSha256: 'e3'.repeat(32),
  createdAt: NOW,
  shortlist: [
    {
      caseId: 'c1',
      rank: 1,
      score: 8.3,
      rawMean: 8.1,
      title: CASES[0]!.title,
      unitName: CASES[0]!.unitName,
      city: '廣州市',
      level: 'county',
      quotaNote: { zh: '名額 2 宗中的第 1 宗；縣級第 1 宗', en: 'place 1 of 2; county-level no. 1' },
    },
    {
      caseId: 'c2',
      rank: 2,
      score: 7.9,
      rawMean: 7.6,
      title: CASES[1]!.title,
      unitName: CASES[1]!.unitName,
      city: '佛山市',
      level: 'township',
      explanation: { zh: '為滿足鄉鎮級至少 1 宗的名額而上移。', en: 'Moved up to meet the township minimum.' },
      quotaNote: {
        zh: '名額 2 宗中的第 2 宗；鄉鎮級第 1 宗（鄉鎮級至少 1）',
        en: 'place 2 of 2; township-level no. 1 (township-level: at least 1)',
      },
    },
  ],
  passedOver: [
    {
      caseId: 'c3',
      code: 'RESERVED_FOR_LEVEL_MIN',
      reason: { zh: '名額須留給鄉鎮級案例。', en: 'The place was reserved for a township case.' },
      title: CASES[2]!.title,
    },
  ],
  feasible: true,
  notice: { days: 5 },
  objections: { total: 0, open: 0, upheld: 0, dismissed: 0 },
};
const TASKS = {
  reviewer: [
    {
      taskId: 't-panel-1',
      kind: 'PANEL',
      roundId: ROUND.roundId,
      caseId: 'c1',
      status: 'OPEN',
      createdAt: NOW,
      expiresAt: '2024-07-31T15:59:59.000Z',
    },
  ],
  approver: [
    {
      taskId: 't-lead-1',
      kind: 'LEADERSHIP',
      roundId: ROUND.roundId,
      status: 'OPEN',
      createdAt: NOW,
      expiresAt: '2024-08-31T15:59:59.000Z',
    },
  ],
  secretariat: [
    {
      taskId: 't-elig-1',
      kind: 'ELIGIBILITY',
      roundId: ROUND.roundId,
      caseId: 'c3',
      status: 'OPEN',
      createdAt: NOW,
      expiresAt: '2024-06-30T15:59:59.000Z',
    },
  ],
  applicant: [],
} as Record<string, unknown[]>;

interface Recorded {
  decisions: { taskId: string; body: unknown }[];
  released: string[];
  uploads: { id: string; body: string; contentType: string | undefined }[];
  pages: { accept: string | undefined; role: string | undefined }[];
}
let recorded: Recorded;
let submissions: Map<string, Record<string, unknown>>;

function dashboard() {
  const casesByStatus = { IN_REVIEW: 5, ELIGIBILITY_PENDING: 2, SHORTLISTED: 2, NOT_SELECTED: 1 };
  const casesByCity = { 廣州市: 4, 佛山市: 3, 深圳市: 2, '<b>惡意</b>市': 1 };
  return {
    roundId: ROUND.roundId,
    status: 'OPEN',
    casesByStatus,
    casesByCity,
    submissionsByStatus: { STORED: 10, INVALID: 2 },
    overdueTasks: [
      {
        taskId: 't-old',
        kind: 'PANEL',
        roundId: ROUND.roundId,
        caseId: 'c2',
        status: 'OPEN',
        createdAt: NOW,
        expiresAt: '2024-05-01T00:00:00.000Z',
      },
    ],
    openTasks: 7,
    outboxPending: 1,
    objections: { filed: 3, open: 2, repeatsSuppressed: 14, refusedRate: 250, refusedContent: 6 },
    audit: { roundId: ROUND.roundId, ok: true, length: 42, head: 'ab'.repeat(32) },
    charts: [
      barChart('cases-by-city', { zh: '各市案例數', en: 'Cases by city' }, casesByCity, { categoryHeader: '城市', unit: '宗' }),
      barChart('cases-by-status', { zh: '各狀態案例數', en: 'Cases by status' }, casesByStatus, {
        categoryHeader: '狀態',
        unit: '宗',
        labels: CASE_STATUS_ZH,
        order: CASE_STATUS_ORDER,
      }),
      distributionChart({
        panel: [
          { id: 'r1', name: '陳評審' },
          { id: 'r2', name: '李評審' },
        ],
        reviews: [
          { caseId: 'c1', reviewerId: 'r1', total: 6 },
          { caseId: 'c2', reviewerId: 'r1', total: 7 },
          { caseId: 'c3', reviewerId: 'r1', total: 5 },
          { caseId: 'c1', reviewerId: 'r2', total: 9 },
          { caseId: 'c2', reviewerId: 'r2', total: 8.5 },
          { caseId: 'c3', reviewerId: 'r2', total: 8 },
        ],
        maxScore: 10,
      }),
      timelineChart(
        [
          { label: '開放徵集', at: ROUND.openedAt, kind: 'event' },
          { label: '申報截止', at: ROUND.submissionDeadline, kind: 'deadline' },
          { label: '評審截止', at: ROUND.reviewDeadline, kind: 'deadline' },
        ],
        NOW,
      ),
    ],
  };
}

function fakeToken(claims: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: 'u1', exp: 4102444800, token_use: 'id', ...claims })}.c2lnbmF0dXJl`;
}
const TOKENS = {
  applicant: fakeToken({ sub: 'app-1', name: '越秀區人大常委會', 'cognito:groups': ['applicant'], 'custom:unitCode': '440104' }),
  reviewer: fakeToken({ sub: 'r1', name: '陳評審', 'cognito:groups': ['reviewer'] }),
  office: fakeToken({ sub: 'office-1', name: '秘書處', 'cognito:groups': ['secretariat'] }),
  approver: fakeToken({ sub: 'lead-1', name: '審定領導', 'cognito:groups': ['approver'] }),
};

function roleOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization ?? '';
  const part = auth.replace(/^Bearer /, '').split('.')[1];
  if (!part) return undefined;
  const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { 'cognito:groups': string[] };
  return claims['cognito:groups'][0];
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((res) => {
    let b = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (b += c));
    req.on('end', () => res(b));
  });

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, OPTIONS',
};

async function handleApi(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://api');
  const send = (status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...CORS }).end(JSON.stringify(body));
  if (req.method === 'OPTIONS') return res.writeHead(204, CORS).end();
  const path = url.pathname;
  const m = (re: RegExp) => re.exec(path);
  if (req.method === 'PUT' && m(/^\/upload\/([\w-]+)$/)) {
    const id = m(/^\/upload\/([\w-]+)$/)![1]!;
    const body = await readBody(req);
    recorded.uploads.push({ id, body, contentType: req.headers['content-type'] });
    const s = submissions.get(id)!;
    // the intake's verdict: a file saying BROKEN lacks its title and has personal data
    s.status = 'PARSED';
    setTimeout(() => {
      if (body.includes('BROKEN')) {
        s.status = 'INVALID';
        s.errors = [
          {
            code: 'TITLE_MISSING',
            field: 'title',
            message: { zh: '缺少案例標題：請在第一行寫上「案例標題：」', en: 'The case title is missing' },
            at: { line: 1 },
          },
        ];
        s.warnings = [
          {
            code: 'PERSONAL_DATA',
            field: 'practices',
            message: { zh: '主要做法中含有手機號碼，公布前會被遮蓋', en: 'Practices contain a mobile number' },
            at: { line: 4, excerpt: '138****0000' },
          },
        ];
      } else {
        s.status = 'STORED';
        s.caseId = 'c1';
      }
    }, 300);
    return res.writeHead(200, CORS).end();
  }
  const role = roleOf(req);
  if (path !== '/rounds' && path !== `/rounds/${ROUND.roundId}` && !role)
    return res.writeHead(401, { 'content-type': 'application/json', ...CORS }).end('{"message":"Unauthorized"}');
  if (req.method === 'GET' && path === '/rounds') return send(200, { rounds: [ROUND] });
  if (req.method === 'GET' && path === `/rounds/${ROUND.roundId}`) return send(200, ROUND);
  if (req.method === 'POST' && path === `/rounds/${ROUND.roundId}/submissions`) {
    const input = JSON.parse(await readBody(req)) as { fileName: string; contentType: string; size: number };
    if (input.fileName.includes('/') || input.fileName.startsWith('壞')) {
      return send(400, {
        error: {
          code: 'INVALID_INPUT',
          message: { zh: '請求內容有誤（1 處），請按欄位提示修正。', en: 'The request has 1 problem(s).' },
          issues: [
            { code: 'FIELD_INVALID', field: 'fileName', message: { zh: '檔案名稱不可以「壞」字開頭（測試規則）', en: 'bad file name' } },
          ],
        },
      });
    }
    const id = `s${submissions.size + 1}`;
    submissions.set(id, {
      submissionId: id,
      roundId: ROUND.roundId,
      unitCode: '440104',
      fileName: input.fileName,
      status: 'UPLOADED',
      createdAt: new Date(Date.parse(NOW) + submissions.size * 60_000).toISOString(),
      versionId: `v${id}`,
    });
    return send(201, {
      submissionId: id,
      key: `dossiers/${ROUND.roundId}/440104/${id}/${input.fileName}`,
      upload: {
        method: 'PUT',
        url: `${apiOrigin}/upload/${id}`,
        headers: { 'content-type': input.contentType, 'content-length': String(input.size) },
        expiresAt: NOW,
      },
    });
  }
  if (req.method === 'GET' && path === `/rounds/${ROUND.roundId}/submissions`) return send(200, { submissions: [...submissions.values()] });
  const sub = m(/^\/rounds\/[\w-]+\/submissions\/([\w-]+)$/);
  if (req.method === 'GET' && sub) return send(200, submissions.get(sub[1]!));
  if (req.method === 'GET' && path === `/rounds/${ROUND.roundId}/staff-view`) {
    if (role !== 'secretariat' && role !== 'approver')
      return send(403, { error: { code: 'FORBIDDEN', message: { zh: '您的角色不能執行此操作。', en: 'Your role may not do this.' } } });
    return send(200, STAFF_VIEW);
  }
  if (req.method === 'GET' && path === `/rounds/${ROUND.roundId}/cases`) {
    return send(200, { cases: role === 'applicant' ? CASES.filter((c) => c.unitCode === '440104') : CASES });
  }
  const cs = m(/^\/cases\/([\w-]+)$/);
  if (req.method === 'GET' && cs) {
    const c = CASES.find((x) => x.caseId === cs[1]);
    return c
      ? send(200, {
          ...c,
          content: {
            title: c.title,
            practices: { text: '一是建立代表聯絡站。二是定期接待群眾。', measures: ['建站', '接待'] },
            outcomes: { text: '收集意見 300 條。' },
          },
        })
      : send(404, { error: { code: 'NOT_FOUND', message: { zh: '找不到案例', en: 'No case' } } });
  }
  if (req.method === 'GET' && path === '/tasks') return send(200, { tasks: TASKS[role ?? ''] ?? [] });
  const decision = m(/^\/tasks\/([\w-]+)\/decision$/);
  if (req.method === 'POST' && decision) {
    recorded.decisions.push({ taskId: decision[1]!, body: JSON.parse(await readBody(req)) });
    return send(200, { taskId: decision[1], status: 'DECIDED', decidedAt: NOW, decidedBy: role });
  }
  if (req.method === 'GET' && path === `/rounds/${ROUND.roundId}/dashboard` && url.searchParams.get('format') === 'html') {
    recorded.pages.push({ accept: req.headers.accept, role });
    // the API's own page and headers, over this fake's data
    const round = { charter: { number: 5, year: 2024, theme: '發展全過程人民民主' } } as unknown as Round;
    return res
      .writeHead(200, { 'content-type': HTML_CONTENT_TYPE, ...HTML_HEADERS, ...CORS })
      .end(dashboardPage(round, dashboard() as DashboardView, NOW));
  }
  if (req.method === 'GET' && path === `/rounds/${ROUND.roundId}/dashboard`) return send(200, dashboard());
  if (req.method === 'GET' && path === '/outbox') {
    return send(200, {
      notifications: [
        {
          notificationId: 'n1',
          roundId: ROUND.roundId,
          kind: 'ASSIGNMENT',
          recipient: 'r1',
          subject: { zh: '新的評審分派', en: 'New assignment' },
          body: { zh: '請評審', en: 'Please review' },
          createdAt: NOW,
          status: recorded.released.includes('n1') ? 'RELEASED' : 'PENDING',
        },
      ],
    });
  }
  const rel = m(/^\/outbox\/([\w-]+)\/release$/);
  if (req.method === 'POST' && rel) {
    recorded.released.push(rel[1]!);
    return send(200, { ok: true });
  }
  if (req.method === 'GET' && path === `/rounds/${ROUND.roundId}/audit/verify`)
    return send(200, { roundId: ROUND.roundId, ok: true, length: 43, head: 'cd'.repeat(32) });
  return send(404, { error: { code: 'ROUTE_NOT_FOUND', message: { zh: `沒有此介面：${req.method} ${path}`, en: 'No such route' } } });
}

beforeAll(async () => {
  apiServer = createServer((req, res) => void handleApi(req, res));
  await new Promise<void>((r) => apiServer.listen(0, '127.0.0.1', r));
  apiOrigin = `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}`;
  const csp = `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${apiOrigin}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'`;
  site = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    let file = normalize(join(CONSOLE_DIR, decodeURIComponent(url.pathname).replace(/^\/console\/?/, '')));
    if (!file.startsWith(CONSOLE_DIR)) return res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || file.includes(`${sep}.`)) return res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res
      .writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
      })
      .end(readFileSync(file));
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  for (const s of [site, apiServer]) await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
}, 300_000);

function reset() {
  recorded = { decisions: [], released: [], uploads: [], pages: [] };
  submissions = new Map();
}

interface Opened {
  context: BrowserContext;
  page: Page;
  cspErrors: string[];
  pageErrors: string[];
}

async function open(page: string, role: keyof typeof TOKENS, opts: { bypassCSP?: boolean; script?: 'hans' } = {}): Promise<Opened> {
  const context = await browser.newContext({ bypassCSP: opts.bypassCSP ?? false, locale: 'zh-HK', viewport: { width: 1200, height: 900 } });
  const p = await context.newPage();
  const cspErrors: string[] = [];
  const pageErrors: string[] = [];
  p.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) cspErrors.push(msg.text());
  });
  p.on('pageerror', (err) => pageErrors.push(err.message));
  await seedSession(context, TOKENS[role]);
  const q = new URLSearchParams({ api: apiOrigin, ...(opts.script ? { script: opts.script } : {}) });
  await p.goto(`${siteOrigin}/console/${page}?${q}`);
  return { context, page: p, cspErrors, pageErrors };
}

const PAGES = [
  { page: 'index.html', role: 'office', h1: '選擇工作頁面', hans: '选择工作页面', ready: '#role-links' },
  { page: 'applicant.html', role: 'applicant', h1: '申報材料上傳', hans: '申报材料上传', ready: '#submissions p, #submissions table' },
  { page: 'reviewer.html', role: 'reviewer', h1: '評審工作', hans: '评审工作', ready: '#queue button' },
  { page: 'office.html', role: 'office', h1: '辦公室工作概覽', hans: '办公室工作概览', ready: '#charts figure svg' },
  { page: 'approver.html', role: 'approver', h1: '審定入選名單', hans: '审定入选名单', ready: '#tasks button' },
] as const;

describe('console pages', () => {
  it('render in Traditional and Simplified under the strict CSP, with the token kept out of the URL', async () => {
    reset();
    for (const p of PAGES) {
      const { context, page, cspErrors, pageErrors } = await open(p.page, p.role);
      await page.waitForSelector(p.ready);
      expect(await page.locator('h1').textContent()).toBe(p.h1);
      expect(await page.getAttribute('html', 'lang')).toBe('zh-Hant');
      expect(page.url()).not.toContain('token=');
      // the stylesheet applied (not blocked by the CSP)
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('.top')!).display)).toBe('flex');
      await page.click('button[data-script="hans"]');
      expect(await page.locator('h1').textContent()).toBe(p.hans);
      expect(await page.getAttribute('html', 'lang')).toBe('zh-Hans');
      expect(await page.getAttribute('button[data-script="hans"]', 'aria-pressed')).toBe('true');
      await page.screenshot({ path: `${SHOTS}/${p.page.replace('.html', '')}-hans.png`, fullPage: true });
      await page.click('button[data-script="hant"]');
      expect(await page.locator('h1').textContent()).toBe(p.h1);
      await page.screenshot({ path: `${SHOTS}/${p.page.replace('.html', '')}-hant.png`, fullPage: true });
      expect(cspErrors, p.page).toEqual([]);
      expect(pageErrors, p.page).toEqual([]);
      await context.close();
    }
  });

  it('have no axe-core violations in either script', async () => {
    reset();
    for (const p of PAGES) {
      for (const script of [undefined, 'hans'] as const) {
        const { context, page } = await open(p.page, p.role, { bypassCSP: true, ...(script ? { script } : {}) });
        await page.waitForSelector(p.ready);
        if (p.page === 'reviewer.html') {
          await page.click('#queue button');
          await page.waitForSelector('#score-form fieldset');
        }
        if (p.page === 'approver.html') {
          await page.click('#tasks button');
          await page.waitForSelector('#decision-form li');
        }
        await page.addScriptTag({ path: AXE_PATH });
        const result = await page.evaluate(async () => {
          type AxeResult = { violations: { id: string; nodes: { target: string[] }[] }[]; passes: { id: string }[] };
          const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<AxeResult> } }).axe;
          const r = await axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
          });
          return {
            violations: r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
            passes: r.passes.map((x) => x.id),
          };
        });
        expect(result.violations, `${p.page} ${script ?? 'hant'}`).toEqual([]);
        expect(result.passes).toEqual(
          expect.arrayContaining(['color-contrast', 'html-has-lang', 'html-lang-valid', 'landmark-one-main', 'page-has-heading-one']),
        );
        await context.close();
      }
    }
  });
});

describe('applicant', () => {
  it('shows errors next to the file field in Chinese: before sending, from the API, and per dossier field after the check', async () => {
    reset();
    const { context, page, cspErrors } = await open('applicant.html', 'applicant');
    await page.waitForSelector('#round option', { state: 'attached' });
    // 1. wrong type: caught before anything is sent
    await page.setInputFiles('#dossier-file', { name: 'dossier.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
    await poll(() => page.textContent('#dossier-file-error')).toContain('不接受「.exe」檔案');
    expect(await page.getAttribute('#dossier-file', 'aria-invalid')).toBe('true');
    // the message is tied to the input for screen readers
    expect(await page.getAttribute('#dossier-file', 'aria-describedby')).toContain('dossier-file-error');

    // 2. the API refuses the request: its field message lands next to the file input
    await page.setInputFiles('#dossier-file', { name: '壞名.md', mimeType: 'text/markdown', buffer: Buffer.from('# x') });
    await page.click('#upload-button');
    await poll(() => page.textContent('#dossier-file-error')).toContain('檔案名稱不可以「壞」字開頭');
    expect(await page.textContent('#alert')).toContain('INVALID_INPUT');

    // 3. uploaded, checked, invalid: the finding sits in the title row of the report
    await page.setInputFiles('#dossier-file', {
      name: 'case.md',
      mimeType: '',
      buffer: Buffer.from('BROKEN\n\n主要做法：\n電話 13800000000'),
    });
    await page.click('#upload-button');
    await page.waitForSelector('#report:not([hidden]) .issues');
    expect(recorded.uploads).toEqual([{ id: 's1', body: 'BROKEN\n\n主要做法：\n電話 13800000000', contentType: 'text/markdown' }]);
    const titleRow = page.locator('#report-fields dd[aria-labelledby="report-field-title"]');
    expect(await titleRow.textContent()).toContain('錯誤：缺少案例標題：請在第一行寫上「案例標題：」（第 1 行）');
    expect(await page.locator('#report-field-title').getAttribute('class')).toBe('has-error');
    expect(await page.locator('#report-fields dd[aria-labelledby="report-field-practices"]').textContent()).toContain(
      '提示：主要做法中含有手機號碼',
    );
    expect(await page.locator('#report-fields dd[aria-labelledby="report-field-unit"]').textContent()).toBe('沒有問題');
    expect(await page.textContent('#dossier-file-error')).toContain('1 處錯誤');
    expect(await page.textContent('#report-status')).toContain('未通過檢查');
    await page.screenshot({ path: `${SHOTS}/applicant-report.png`, fullPage: true });

    // 4. a fixed file becomes version 2 and is stored
    await page.setInputFiles('#dossier-file', {
      name: 'case-v2.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"title":"代表聯絡站"}'),
    });
    await page.click('#upload-button');
    await poll(() => page.textContent('#report-status')).toContain('case-v2.json：已收錄');
    await poll(() => page.locator('#submissions tbody tr').count()).toBe(2);
    expect(await page.locator('#submissions tbody tr').first().textContent()).toContain('第 2 版case-v2.json');
    expect(await page.textContent('#cases')).toContain('代表聯絡站「時時聯」：入圍');
    expect(await page.getAttribute('#dossier-file', 'aria-invalid')).toBeNull();

    // in Simplified the report reads in Simplified
    await page.click('button[data-script="hans"]');
    await page.locator('#submissions button').last().click();
    expect(await titleRow.textContent()).toContain('缺少案例标题');
    expect(cspErrors).toEqual([]);
    await context.close();
  });
});

describe('reviewer', () => {
  it('shows the rubric with its descriptors next to each score and posts the score sheet', async () => {
    reset();
    const { context, page, cspErrors } = await open('reviewer.html', 'reviewer');
    await page.click('#queue button');
    await page.waitForSelector('#score-form fieldset');
    expect(await page.locator('#score-form fieldset').count()).toBe(DEFAULT_RUBRIC.criteria.length);
    const first = DEFAULT_RUBRIC.criteria[0]!;
    const descriptors = page.locator(`#score-${first.id}-descriptors li`);
    expect(await descriptors.count()).toBe(first.descriptors.length);
    expect(await descriptors.nth(3).textContent()).toBe(`9–10 分：${first.descriptors[3]!.text.zh}`);
    expect(await page.getAttribute(`#score-${first.id}`, 'aria-describedby')).toBe(`score-${first.id}-descriptors score-${first.id}-error`);
    expect(await page.textContent('#case-detail')).toContain('一是建立代表聯絡站');

    // an empty form: errors next to each field, nothing sent
    await page.click('#score-form button[type=submit]');
    expect(await page.textContent(`#score-${first.id}-error`)).toBe(`請為「${first.name.zh}」評分。`);
    expect(recorded.decisions).toEqual([]);
    await page.fill(`#score-${first.id}`, '11');
    await page.click('#score-form button[type=submit]');
    expect(await page.textContent(`#score-${first.id}-error`)).toBe(`「${first.name.zh}」的分數須在 0 到 10 之間。`);

    const scores = Object.fromEntries(DEFAULT_RUBRIC.criteria.map((c, i) => [c.id, 6 + i * 0.5]));
    for (const [id, v] of Object.entries(scores)) await page.fill(`#score-${id}`, String(v));
    await page.fill('#score-comment', '做法紮實。');
    await page.screenshot({ path: `${SHOTS}/reviewer-form.png`, fullPage: true });
    await page.click('#score-form button[type=submit]');
    await poll(() => recorded.decisions.length).toBe(1);
    expect(recorded.decisions[0]).toEqual({ taskId: 't-panel-1', body: { scores, comment: '做法紮實。' } });
    await poll(() => page.textContent('#status')).toContain('評分已提交');
    expect(cspErrors).toEqual([]);
    await context.close();
  });
});

describe('office', () => {
  it('shows the charts with title, desc, text and data table; releases a notification; checks the audit chain', async () => {
    reset();
    const { context, page, cspErrors } = await open('office.html', 'office');
    await page.waitForSelector('#charts figure svg');
    const charts = await page.$$eval('#charts figure', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector('svg')!;
        const ids = (svg.getAttribute('aria-labelledby') ?? '').split(' ');
        return {
          caption: f.querySelector('figcaption')?.textContent,
          role: svg.getAttribute('role'),
          title: svg.querySelector('title')?.textContent,
          desc: svg.querySelector('desc')?.textContent,
          labelled: ids.every((id) => !!svg.querySelector(`[id="${id}"]`)),
          text: f.querySelector('.chart-text')?.textContent,
          tableRows: f.querySelectorAll('details table tbody tr').length,
          scripts: f.querySelectorAll('script, foreignObject').length,
        };
      }),
    );
    expect(charts.map((c) => c.caption)).toEqual(['各市案例數', '各狀態案例數', '各評審評分分佈（標準化前／後）', '輪次時間線與截止時間']);
    for (const c of charts) {
      expect(c.role).toBe('img');
      expect(c.title).toBe(c.caption);
      expect(c.desc!.length).toBeGreaterThan(10);
      expect(c.labelled).toBe(true);
      expect(c.text).toBe(c.desc);
      expect(c.tableRows).toBeGreaterThan(0);
      expect(c.scripts).toBe(0);
    }
    // hostile city name arrives as text, not markup
    expect(await page.locator('#charts svg text', { hasText: '<b>惡意</b>市' }).count()).toBe(1);
    expect(charts[3]!.desc).toContain('申報截止 2024-06-30 23:59 截止（未到）');
    expect(await page.textContent('#summary')).toContain('完整：共 42 筆紀錄');
    await page.screenshot({ path: `${SHOTS}/office-dashboard.png`, fullPage: true });

    await page.click('#outbox button');
    await poll(() => recorded.released).toEqual(['n1']);
    await poll(() => page.textContent('#outbox')).toContain('沒有待發的通知');

    await page.click('#audit-verify');
    await poll(() => page.textContent('#audit-result')).toContain('共 43 筆紀錄');

    // eligibility: a revision needs a message, shown next to the field
    await page.check('#eligibility input[value=revision]');
    await page.click('#eligibility button[type=submit]');
    expect(await page.textContent('#eligibility .field-error')).toContain('請寫明需要修改的地方');
    await page.fill('#eligibility textarea', '請補充成效數據。');
    await page.click('#eligibility button[type=submit]');
    await poll(() => recorded.decisions).toEqual([{ taskId: 't-elig-1', body: { outcome: 'revision', message: '請補充成效數據。' } }]);
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it('saves the API’s HTML page of the dashboard, fetched with the token, to read without JavaScript', async () => {
    reset();
    const { context, page, cspErrors } = await open('office.html', 'office');
    await page.waitForSelector('#charts figure svg');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dashboard-page')]);
    expect(download.suggestedFilename()).toBe(`dashboard-${ROUND.roundId}.html`);
    const path = await download.path();
    expect(readFileSync(path, 'utf8')).toContain('<h1>第5屆（2024年）評選　辦公室儀表板</h1>');
    expect(recorded.pages).toEqual([{ accept: 'text/html', role: 'secretariat' }]);
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it('the API’s dashboard page reads under its own CSP without JavaScript and has no axe-core violations', async () => {
    const url = `${apiOrigin}/rounds/${ROUND.roundId}/dashboard?format=html`;
    const headers = { authorization: `Bearer ${TOKENS.office}` };
    const plain = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: headers });
    const page = await plain.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && cspErrors.push(m.text()));
    await page.goto(url);
    expect(await page.locator('figure.chart svg').count()).toBe(4);
    expect(await page.locator('svg text', { hasText: '<b>惡意</b>市' }).count()).toBe(1);
    expect(await page.locator('figure.chart table').count()).toBe(4);
    expect(cspErrors).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/dashboard-page-no-js.png`, fullPage: true });
    await plain.close();
    // axe needs script: the same page with the CSP bypassed only for the checker
    const checked = await browser.newContext({ bypassCSP: true, extraHTTPHeaders: headers });
    const p2 = await checked.newPage();
    await p2.goto(url);
    await p2.addScriptTag({ path: AXE_PATH });
    const violations = await p2.evaluate(async () => {
      type AxeResult = { violations: { id: string; nodes: { target: string[] }[] }[] };
      const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<AxeResult> } }).axe;
      const r = await axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      });
      return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    expect(violations).toEqual([]);
    await checked.close();
  });

  it('the charts read without JavaScript: the SVG alone carries its text', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const chart = dashboard().charts[2]!;
    await page.setContent(`<!doctype html><html lang="zh-Hant"><body>${chart.svg}</body></html>`);
    expect(await page.locator('svg > title').textContent()).toBe('各評審評分分佈（標準化前／後）');
    expect(await page.locator('svg text', { hasText: '陳評審' }).count()).toBe(1);
    await context.close();
  });
});

describe('approver', () => {
  it('approves the list with a reason per case, striking one with its reason (an amendment)', async () => {
    reset();
    const { context, page, cspErrors } = await open('approver.html', 'approver');
    await page.click('#tasks button');
    await page.waitForSelector('#decision-form li');
    expect(await page.locator('#decision-form li h3').allTextContents()).toEqual(['代表聯絡站「時時聯」', '民生實事項目票決制']);
    // each case says why it is there, and the round's basis sits beside the list
    expect(await page.locator('#decision-form li p.why').allTextContents()).toEqual([
      '排名第 1：名額 2 宗中的第 1 宗；縣級第 1 宗',
      '排名第 2：為滿足鄉鎮級至少 1 宗的名額而上移；名額 2 宗中的第 2 宗；鄉鎮級第 1 宗（鄉鎮級至少 1）',
    ]);
    expect(await page.isVisible('#round-view-card')).toBe(true);
    expect(await page.locator('#round-view table.shortlist tbody td.why').allTextContents()).toHaveLength(2);
    expect(await page.textContent('#round-view ul.passed-over')).toContain('預算聯網監督：名額須留給鄉鎮級案例。');
    expect(await page.textContent('#round-view dl.facts')).toContain('e3'.repeat(32));
    expect(await page.locator('#add-case option', { hasText: '未入圍：名額須留給鄉鎮級案例。' }).count()).toBe(1);
    // submitting with no reasons: each missing reason is flagged next to its case
    await page.click('#decision-form button[type=submit]');
    expect(await page.textContent('#reason-c1-error')).toBe('請填寫入選理由（至少 4 個字）。');
    expect(recorded.decisions).toEqual([]);

    await page.fill('#reason-c1', '聯絡站常態化運作，成效明顯。');
    await page.check('#strike-c2');
    await page.fill('#strike-reason-c2', '與往屆案例重複。');
    await page.selectOption('#add-case', 'c3');
    await page.click('text=增補到名單');
    await page.fill('#reason-c3', '預算監督全覆蓋。');
    await page.fill('#add-reason-c3', '補足深圳市名額。');
    await page.screenshot({ path: `${SHOTS}/approver-list.png`, fullPage: true });
    await page.click('#decision-form button[type=submit]');
    await poll(() => recorded.decisions.length).toBe(1);
    expect(recorded.decisions[0]).toEqual({
      taskId: 't-lead-1',
      body: {
        outcome: 'amend',
        list: [
          { caseId: 'c1', reason: '聯絡站常態化運作，成效明顯。' },
          { caseId: 'c3', reason: '預算監督全覆蓋。' },
        ],
        amendments: [
          { caseId: 'c2', change: 'strike', reason: '與往屆案例重複。' },
          { caseId: 'c3', change: 'add', reason: '補足深圳市名額。' },
        ],
      },
    });
    expect(cspErrors).toEqual([]);
    await context.close();
  });
});
