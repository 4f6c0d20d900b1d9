/**
 * The office console's accounts page in Debian's Chromium: console/ served with the production
 * CSP from one origin, the real API code (router, users use cases) with the local cloud's user
 * directory from another. An office member previews an accounts file, imports it (bad rows named
 * in the report, one-time passwords shown, since there is no mail locally), imports it again
 * (nothing duplicated), disables and re-enables an account and resends an invitation; the page
 * reads in both scripts, axe finds nothing, no CSP violation. A reviewer gets the API's 403.
 */
import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { expect } from '../support/expect';
import { poll } from '../support/poll';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, seedSession } from '../support/browser';
import { LocalUserDirectory } from '../../local/user-directory';
import { buildHandlers } from '../../src/api/app';
import { createRouter } from '../../src/api/router';
import type { ApiDeps } from '../../src/usecases/api/ports';

const CONSOLE_DIR = resolve('console');
const SHOTS = 'test-results/console';
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function fakeToken(claims: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ exp: 4102444800, token_use: 'id', ...claims })}.c2lnbmF0dXJl`;
}
const TOKENS = {
  office: fakeToken({ sub: 'office-1', name: '秘書處', 'cognito:groups': ['secretariat'] }),
  reviewer: fakeToken({ sub: 'r1', name: '陳評審', 'cognito:groups': ['reviewer'] }),
};

const CSV = [
  'email,name,role,unitCode,jurisdictions',
  'liwan@example.org,荔灣區人大常委會,申報單位,440103,',
  'chen@example.org,陳立,評審,,"440100,440300"',
  'bad-address,壞地址,applicant,440103,',
  'nowhere@example.org,不明單位,applicant,449999,',
  'LIWAN@example.org,重複,applicant,440104,',
  'lead@example.org,主任會議,approver,,',
].join('\r\n');

let dir: string;
let apiServer: Server;
let site: Server;
let apiOrigin: string;
let siteOrigin: string;
let browser: Browser;
let directory: LocalUserDirectory;

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
  'access-control-allow-methods': 'GET, POST, OPTIONS',
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'casebook-console-accounts-'));
  directory = new LocalUserDirectory(join(dir, 'cloud'));
  await directory.ensureDemoAccounts();
  const deps = {
    store: undefined as never,
    uploads: undefined as never,
    workflows: undefined as never,
    decide: undefined as never,
    now: () => new Date(),
    newId: () => 'unused',
    users: {
      directory,
      readWorkbook: async (bytes: Uint8Array) => (await import('../../src/adapters/xlsx-rows')).readXlsxRows(bytes),
    },
  } satisfies ApiDeps;
  const route = createRouter({ fn: 'api', handlers: buildHandlers(deps) });
  apiServer = createServer(
    (req, res) =>
      void (async () => {
        if (req.method === 'OPTIONS') return res.writeHead(204, CORS).end();
        const url = new URL(req.url ?? '/', 'http://api');
        // the JWT authorizer's part: the claims of the (here unsigned) token, flattened as API Gateway does
        const part = (req.headers.authorization ?? '').replace(/^Bearer /, '').split('.')[1];
        const claims = part ? (JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;
        const flat = claims
          ? Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]))
          : undefined;
        const body = await readBody(req);
        const out = await route({
          rawPath: url.pathname,
          headers: req.headers as Record<string, string>,
          ...(body ? { body } : {}),
          requestContext: { http: { method: req.method ?? 'GET' }, ...(flat ? { authorizer: { jwt: { claims: flat } } } : {}) },
        });
        res.writeHead(out.statusCode, { ...out.headers, ...CORS }).end(out.body);
      })(),
  );
  await new Promise<void>((r) => apiServer.listen(0, '127.0.0.1', r));
  apiOrigin = `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}`;
  const csp = `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${apiOrigin}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'`;
  site = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    const file = normalize(join(CONSOLE_DIR, decodeURIComponent(url.pathname).replace(/^\/console\/?/, '')));
    if (!file.startsWith(CONSOLE_DIR) || !existsSync(file) || statSync(file).isDirectory())
      return res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
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
  writeFileSync(join(dir, 'accounts.csv'), `\uFEFF${CSV}`);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  for (const s of [site, apiServer]) await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 300_000);

interface Opened {
  context: BrowserContext;
  page: Page;
  cspErrors: string[];
  pageErrors: string[];
}

async function open(role: keyof typeof TOKENS, opts: { bypassCSP?: boolean; script?: 'hans' } = {}): Promise<Opened> {
  const context = await browser.newContext({ bypassCSP: opts.bypassCSP ?? false, locale: 'zh-HK', viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const cspErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) cspErrors.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await seedSession(context, TOKENS[role]);
  const q = new URLSearchParams({ api: apiOrigin, ...(opts.script ? { script: opts.script } : {}) });
  await page.goto(`${siteOrigin}/console/accounts.html?${q}`);
  return { context, page, cspErrors, pageErrors };
}

const rowOf = (page: Page, email: string) => page.locator('#users tbody tr', { hasText: email });

describe('accounts page', () => {
  it('previews, imports, re-imports without duplicates, disables, enables and resends', async () => {
    const { context, page, cspErrors, pageErrors } = await open('office');
    await page.waitForSelector('#users table');
    expect(await page.locator('h1').textContent()).toBe('帳號管理');
    const before = await page.locator('#users tbody tr').count();

    // nothing chosen: the field says so
    await page.click('#import button[type=submit]');
    await poll(() => page.locator('#import-file-error').textContent()).toContain('請選擇');

    // the preview changes nothing
    await page.setInputFiles('#import-file', join(dir, 'accounts.csv'));
    await page.click('#import button[type=submit]');
    await page.waitForSelector('#import-report table');
    expect(await page.locator('#import-report p').first().textContent()).toContain(
      '預覽（未作更改）：共 6 行，將新建 2，將更新 0，無變更 0，拒絕 4',
    );
    expect((await directory.list()).length).toBe(before);

    // for real: bad rows named with their reason, one-time passwords shown
    await page.uncheck('#import-dry-run');
    await page.click('#import button[type=submit]');
    await poll(() => page.locator('#import-report p').first().textContent()).toContain('匯入完成：共 6 行，新建 2');
    const report = page.locator('#import-report tbody tr');
    expect(await report.count()).toBe(6);
    expect(await report.nth(0).textContent()).toContain('重複'); // liwan@ appears twice: both refused
    expect(await report.nth(2).textContent()).toMatch(/不是有效的電郵地址.*EMAIL_INVALID/);
    expect(await report.nth(3).textContent()).toMatch(/不在單位名錄中.*UNIT_CODE_UNKNOWN/);
    expect(await report.nth(1).locator('code').textContent()).toMatch(/^[A-Z][a-z]{3}-[a-z]{4}-[a-z]{4}-\d\d$/);
    await page.waitForSelector('#users tbody tr >> text=chen@example.org');
    expect(await rowOf(page, 'chen@example.org').textContent()).toContain('440100、440300');
    expect(await page.locator('#users tbody tr').count()).toBe(before + 2);
    await page.screenshot({ path: `${SHOTS}/accounts-hant.png`, fullPage: true });

    // the same file again: nothing new
    await page.click('#import button[type=submit]');
    await poll(() => page.locator('#import-report p').first().textContent()).toContain('新建 0');
    expect(await page.locator('#import-report p').first().textContent()).toContain('無變更 2');
    expect((await directory.list()).length).toBe(before + 2);

    // disable, enable, resend
    await rowOf(page, 'chen@example.org').getByRole('button', { name: '停用 chen@example.org' }).click();
    await poll(async () => (await directory.find('chen@example.org'))?.enabled).toBe(false);
    await poll(() => rowOf(page, 'chen@example.org').textContent()).toContain('已停用');
    await rowOf(page, 'chen@example.org').getByRole('button', { name: '啟用 chen@example.org' }).click();
    await poll(async () => (await directory.find('chen@example.org'))?.enabled).toBe(true);
    await rowOf(page, 'chen@example.org').getByRole('button', { name: '重發邀請給 chen@example.org' }).click();
    await poll(() => page.locator('#status').textContent()).toMatch(/已重設 chen@example.org 的臨時密碼：\S+/);
    // the signed-in office member cannot disable themselves from here
    expect(await rowOf(page, 'office@demo.casebook.local').textContent()).toContain('（您自己）');

    expect(cspErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('reads in Simplified script and has no axe violations in either script', async () => {
    for (const script of [undefined, 'hans'] as const) {
      const { context, page } = await open('office', { bypassCSP: true, ...(script ? { script } : {}) });
      await page.waitForSelector('#users table');
      if (script === 'hans') {
        await poll(() => page.locator('h1').textContent()).toBe('帐号管理');
        expect(await page.getAttribute('html', 'lang')).toBe('zh-Hans');
      }
      await page.setInputFiles('#import-file', join(dir, 'accounts.csv'));
      await page.click('#import button[type=submit]');
      await page.waitForSelector('#import-report table');
      await page.addScriptTag({ path: AXE_PATH });
      const violations = await page.evaluate(async () => {
        type AxeResult = { violations: { id: string; nodes: { target: string[] }[] }[] };
        const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<AxeResult> } }).axe;
        const r = await axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        });
        return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      expect(violations, script ?? 'hant').toEqual([]);
      await context.close();
    }
  });

  it('a reviewer is refused by the API (403), shown in Chinese with the code', async () => {
    const { context, page } = await open('reviewer');
    await poll(() => page.locator('#alert').textContent()).toContain('FORBIDDEN');
    expect(await page.locator('#users table').count()).toBe(0);
    await context.close();
  });
});
