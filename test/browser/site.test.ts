/**
 * The published site in Debian's Chromium, served with the production CSP by a tiny static
 * server: pages render, the script switch works, axe-core finds no violations, hostile text is
 * shown as text, the objection form works without JavaScript. Screenshots go to test-results/site/.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { expect } from '../support/expect';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { buildSnapshot, renderSite, sitePaths, type RenderedSite } from '../../src/domain/site';
import { seedPublicationRound, smallRound } from '../unit/site/fixtures';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
const SHOTS = 'test-results/site';
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const XSS_TITLE = '<img src=x onerror=alert("title")>代表聯絡站';
const XSS_PRACTICES = '<script>alert("practices")</script>一是<svg onload=alert(1)>建站。';

let server: Server;
let origin: string;
let site: RenderedSite;
let browser: Browser;
const objections: string[] = [];

function render(base: string): RenderedSite {
  const notice = smallRound('r6', 'NOTICE', 'hans', [
    {
      caseId: 'x1',
      title: XSS_TITLE,
      unitName: '广州市越秀区人大常委会',
      city: '广州市',
      practices: XSS_PRACTICES,
      reason: '成效明显，群众认可。',
    },
    {
      caseId: 'x2',
      title: '代表联络站标准化建设',
      unitName: '深圳市福田区人大常委会',
      city: '深圳市',
      practices: '一是建站。二是常态化活动。',
      reason: '做法规范。',
    },
  ]);
  notice.round.noticeEndsAt = '2024-07-08T00:00:00+08:00';
  const seed = seedPublicationRound();
  seed.cases[3]!.record.corrections = [{ at: '2023-07-01T09:00:00+08:00', by: 'office', note: '更正主要做法中的文件名稱' }];
  return renderSite(buildSnapshot([seed, notice]), { baseUrl: `${base}/`, apiBaseUrl: `${base}/api` });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && /^\/api\/rounds\/[^/]+\/objections$/.test(url.pathname)) {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        objections.push(body);
        const returnTo = new URLSearchParams(body).get('returnTo') ?? '/';
        res.writeHead(303, { location: returnTo }).end();
      });
      return;
    }
    const path = decodeURIComponent(url.pathname).replace(/^\//, '') || 'index.html';
    const file = site?.files.get(path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.contentType, 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' });
    res.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site = render(origin);
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
}, 300_000);

interface Watched {
  context: BrowserContext;
  page: Page;
  dialogs: string[];
  cspErrors: string[];
}

async function open(path: string, options: { bypassCSP?: boolean; javaScriptEnabled?: boolean; width?: number } = {}): Promise<Watched> {
  const context = await browser.newContext({
    bypassCSP: options.bypassCSP ?? false,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: options.width ?? 1024, height: 900 },
  });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const cspErrors: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text());
  });
  const response = await page.goto(`${origin}/${path}`);
  expect(response?.status(), path).toBe(200);
  return { context, page, dialogs, cspErrors };
}

describe('published site in Chromium', () => {
  const pages = [
    sitePaths.root,
    sitePaths.siteIndex('hans'),
    sitePaths.round('hant', 'r2023-05'),
    sitePaths.round('hans', 'r2023-05'),
    sitePaths.case('hant', 'r2023-05', 'c004'),
    sitePaths.changes('hant', 'r2023-05'),
    sitePaths.round('hans', 'r6'),
    sitePaths.case('hans', 'r6', 'x1'),
    sitePaths.case('hant', 'r6', 'x1'),
  ];

  it('renders every kind of page under the strict CSP, styled, with no CSP violation', async () => {
    for (const path of pages) {
      const { context, page, cspErrors } = await open(path);
      await expect(page.locator('h1').count()).resolves.toBe(1);
      expect((await page.locator('h1').innerText()).length, path).toBeGreaterThan(1);
      // the external stylesheet applied: the header has its background colour
      const headerBackground = await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(headerBackground, path).toBe('rgb(138, 28, 28)');
      expect(cspErrors, path).toEqual([]);
      await page.screenshot({ path: `${SHOTS}/${path.replace(/\//g, '_')}.png`, fullPage: path.includes('cases') });
      await context.close();
    }
    const mobile = await open(sitePaths.round('hant', 'r2023-05'), { width: 375 });
    const overflow = await mobile.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await mobile.page.screenshot({ path: `${SHOTS}/mobile_round.png` });
    await mobile.context.close();
  });

  it('switches between the scripts from any page', async () => {
    const { context, page } = await open(sitePaths.round('hant', 'r2023-05'));
    expect(await page.getAttribute('html', 'lang')).toBe('zh-Hant');
    await expect(page.locator('h1').innerText()).resolves.toBe('第五屆廣東省縣鄉人大工作創新案例評選結果揭曉');
    await page.getByRole('link', { name: '简体中文' }).click();
    await page.waitForURL(`${origin}/${sitePaths.round('hans', 'r2023-05')}`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-Hans');
    await expect(page.locator('h1').innerText()).resolves.toBe('第五届广东省县乡人大工作创新案例评选结果揭晓');
    await page.getByRole('link', { name: '繁體中文' }).click();
    await page.waitForURL(`${origin}/${sitePaths.round('hant', 'r2023-05')}`);
    // and on a case page reached by following links
    await page.locator('ol.selected a').nth(3).click();
    await page.waitForURL(`${origin}/${sitePaths.case('hant', 'r2023-05', 'c004')}`);
    await page.getByRole('link', { name: '简体中文' }).click();
    await page.waitForURL(`${origin}/${sitePaths.case('hans', 'r2023-05', 'c004')}`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-Hans');
    await context.close();
  });

  it('has no axe-core violations (WCAG 2.1 AA and best practices)', async () => {
    for (const path of pages) {
      const { context, page } = await open(path, { bypassCSP: true });
      await page.addScriptTag({ path: AXE_PATH });
      const violations = await page.evaluate(async () => {
        type AxeResult = { violations: { id: string; nodes: { target: string[] }[] }[]; passes: { id: string }[] };
        const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<AxeResult> } }).axe;
        const result = await axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        });
        return {
          violations: result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
          passes: result.passes.map((p) => p.id),
        };
      });
      expect(violations.violations, path).toEqual([]);
      // axe really checked the page: contrast, lang and landmark rules ran and passed
      expect(violations.passes, path).toEqual(
        expect.arrayContaining([
          'color-contrast',
          'html-has-lang',
          'html-lang-valid',
          'landmark-one-main',
          'bypass',
          'page-has-heading-one',
        ]),
      );
      await context.close();
    }
  });

  it('shows XSS payloads in a title and in the practices as text, and no dialog fires even without the CSP', async () => {
    for (const path of [sitePaths.case('hans', 'r6', 'x1'), sitePaths.round('hans', 'r6'), sitePaths.case('hant', 'r6', 'x1')]) {
      const { context, page, dialogs } = await open(path, { bypassCSP: true });
      const body = await page.locator('main').innerText();
      expect(body, path).toContain('<img src=x onerror=alert("title")>');
      expect(body, path).toContain('<script>alert("practices")</script>');
      expect(await page.locator('main img, main svg, main script').count(), path).toBe(0);
      await page.waitForTimeout(100);
      expect(dialogs, path).toEqual([]);
      if (path === sitePaths.case('hans', 'r6', 'x1')) {
        await expect(page.locator('h1').innerText()).resolves.toBe(XSS_TITLE);
        await page.screenshot({ path: `${SHOTS}/xss_case.png` });
      }
      await context.close();
    }
  });

  it('files an objection through the plain HTML form with JavaScript turned off', async () => {
    const { context, page } = await open(sitePaths.round('hans', 'r6'), { javaScriptEnabled: false });
    await expect(page.getByText('2024年7月8日').first().isVisible()).resolves.toBe(true);
    await page.selectOption('#objection-case', 'x2');
    await page.fill('#objection-text', '该项目的做法与事实不符，请核实。');
    await page.fill('#objection-contact', 'objector@example.org');
    await page.getByRole('button', { name: '提交异议' }).click();
    await page.waitForURL(`${origin}/${sitePaths.objectionReceived('hans', 'r6')}`);
    await expect(page.locator('h1').innerText()).resolves.toBe('异议已提交');
    const form = new URLSearchParams(objections.at(-1));
    expect(form.get('caseId')).toBe('x2');
    expect(form.get('text')).toBe('该项目的做法与事实不符，请核实。');
    expect(form.get('contact')).toBe('objector@example.org');
    expect(form.get('script')).toBe('hans');
    await context.close();
  });
});
