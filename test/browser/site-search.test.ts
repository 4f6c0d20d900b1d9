/**
 * Site search in Debian's Chromium under the production CSP: the search page of each script finds
 * cases by a Chinese word typed in either script, filters by round, city and level, is a plain
 * list of every case without JavaScript, and axe-core finds no violations with or without it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { expect } from '../support/expect';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { buildSnapshot, renderSite, sitePaths, type RenderedSite } from '../../src/domain/site';
import { publicationRound, smallRound } from '../unit/site/fixtures';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let server: Server;
let origin: string;
let site: RenderedSite;
let browser: Browser;
const cspErrors: string[] = [];

function render(base: string): RenderedSite {
  const round5 = publicationRound({
    roundId: 'r2023-05',
    status: 'APPROVED',
    cases: [
      {
        caseId: 'c1',
        title: '開展“禾坪說事”活動的做法和成效',
        unitName: '河源市紫金縣鳳安鎮人大',
        city: '河源市',
        practices: '村民聚在禾坪上議事。',
        reason: '民主協商到家門口。',
      },
      {
        caseId: 'c2',
        title: '打造一體化代表聯絡站',
        unitName: '珠海市香洲區人大常委會',
        city: '珠海市',
        practices: '推動代表聯絡站點一體化建設。',
        reason: '密切聯繫群眾。',
      },
      {
        caseId: 'c3',
        title: '“向人民匯報”直播活動',
        unitName: '深圳市羅湖區人大常委會',
        city: '深圳市',
        practices: '組織代表聯系選民，直播在社區聯絡站舉行。',
        reason: '接受監督。',
      },
    ],
  });
  round5.cases[0]!.record.level = 'township';
  const round6 = smallRound('r2024-06', 'APPROVED', 'hans', [
    {
      caseId: 'd1',
      title: '代表联络站夜访群众',
      unitName: '广州市越秀区人大常委会',
      city: '广州市',
      practices: '夜间接待。',
      reason: '方便群众。',
    },
  ]);
  return renderSite(buildSnapshot([round5, round6]), { baseUrl: `${base}/`, apiBaseUrl: `${base}/api` });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const file = site?.files.get(decodeURIComponent(url.pathname).replace(/^\//, '') || 'index.html');
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
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
}, 300_000);

/** `noSearchScript`: the page as a browser without JavaScript gets it, while axe can still run in it. */
async function open(path: string, javaScriptEnabled = true, bypassCSP = false, noSearchScript = false): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled, bypassCSP });
  const page = await context.newPage();
  if (noSearchScript) await page.route('**/assets/search.js', (route) => route.abort());
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text());
  });
  const response = await page.goto(`${origin}/${path}`);
  expect(response?.status()).toBe(200);
  if (javaScriptEnabled && !noSearchScript) await page.waitForSelector('form.search[data-ready="true"]');
  return page;
}

async function visibleUnits(page: Page): Promise<string[]> {
  return page.$$eval('.search-results li[data-doc]:not([hidden]) .case-unit', (nodes) => nodes.map((n) => n.textContent ?? ''));
}

describe('site search in Chromium', () => {
  it('finds 禾坪 and 代表聯絡站 on the Traditional page, typed in either script', async () => {
    const page = await open(sitePaths.search('hant'));
    await page.fill('#search-q', '禾坪');
    expect(await visibleUnits(page)).toEqual(['河源市紫金縣鳳安鎮人大']);
    await page.fill('#search-q', '代表联络站');
    expect((await visibleUnits(page)).sort()).toEqual(['廣州市越秀區人大常委會', '珠海市香洲區人大常委會'].sort());
    expect(await page.textContent('#search-status')).toBe('找到 2 個案例');
    await page.fill('#search-q', '不存在的詞語');
    expect(await visibleUnits(page)).toEqual([]);
    expect(await page.textContent('#search-status')).toBe('沒有找到符合條件的案例。');
    // a round with no match is hidden with its heading
    expect(await page.$$eval('section.search-round:not([hidden])', (s) => s.length)).toBe(0);
    await page.context().close();
  });

  it('finds Traditional text from a Simplified query on the Simplified page, and filters by round, city and level', async () => {
    const page = await open(sitePaths.search('hans'));
    await page.fill('#search-q', '禾坪说事');
    expect(await visibleUnits(page)).toEqual(['河源市紫金县凤安镇人大']);
    await page.fill('#search-q', '');
    expect(await visibleUnits(page)).toHaveLength(4);
    await page.selectOption('#search-round', 'r2024-06');
    expect(await visibleUnits(page)).toEqual(['广州市越秀区人大常委会']);
    await page.selectOption('#search-round', '');
    await page.selectOption('#search-city', '深圳市');
    expect(await visibleUnits(page)).toEqual(['深圳市罗湖区人大常委会']);
    await page.selectOption('#search-city', '');
    await page.selectOption('#search-level', 'township');
    expect(await visibleUnits(page)).toEqual(['河源市紫金县凤安镇人大']);
    // the filters are in the address, so a search can be shared
    expect(new URL(page.url()).searchParams.get('level')).toBe('township');
    await page.context().close();
  });

  it('reads a query from the address', async () => {
    const page = await open(`${sitePaths.search('hant')}?q=${encodeURIComponent('直播')}`);
    expect(await page.inputValue('#search-q')).toBe('直播');
    expect(await visibleUnits(page)).toEqual(['深圳市羅湖區人大常委會']);
    await page.context().close();
  });

  it('is a plain list of every case grouped by round without JavaScript', async () => {
    const page = await open(sitePaths.search('hant'), false);
    expect(await page.isVisible('form.search')).toBe(false);
    expect(await visibleUnits(page)).toHaveLength(4);
    expect(await page.$$eval('section.search-round h2', (h) => h.map((x) => x.textContent))).toEqual([
      '第六屆廣東省縣鄉人大工作創新案例評選結果揭曉',
      '第五屆廣東省縣鄉人大工作創新案例評選結果揭曉',
    ]);
    await page.click('text=打造一體化代表聯絡站');
    expect(page.url()).toContain('/hant/rounds/r2023-05/cases/c2.html');
    await page.context().close();
  });

  it('has no axe-core violations with and without JavaScript, and no CSP violation', async () => {
    for (const script of ['hant', 'hans'] as const) {
      for (const js of [true, false]) {
        const page = await open(sitePaths.search(script), true, true, !js);
        if (!js) expect(await page.isVisible('form.search')).toBe(false);
        if (js) await page.fill('#search-q', '代表');
        await page.addScriptTag({ path: AXE_PATH });
        const violations = await page.evaluate(async () => {
          type AxeResult = { violations: { id: string; nodes: { target: string[] }[] }[] };
          const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<AxeResult> } }).axe;
          const result = await axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
          });
          return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        });
        expect(violations, `${script} js=${js}`).toEqual([]);
        await page.context().close();
      }
    }
    expect(cspErrors).toEqual([]);
  });
});
