/**
 * A whole small round through the web console, on the real local cloud, in Debian's Chromium.
 *
 * Every human step is a click or a keystroke in a console page served at /console/ under the
 * stack's CSP: three applicants upload their dossiers (applicant page), the office finds each case
 * eligible (office page), every assigned reviewer scores with the rubric form (reviewer page), the
 * office closes the round (office page), the approver approves the shortlist with a 入選理由 per
 * case (approver page). The API is called directly only to open the round and to wait for the
 * workflow between steps. After the (seconds-long) notice period the published site — the local
 * site server — shows the round with the three cases and the approver's reasons.
 *
 * Throughout: no CSP violation and no page error on any page; axe-core finds no violation on each
 * console page and on the published round page. Last, the office page's two downloads (the Word
 * announcement and the Excel score sheet) save real files, read back with mammoth and ExcelJS.
 * Screenshots go to test-results/console-round/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { expect } from '../support/expect';
import { poll } from '../support/poll';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, seedSession } from '../support/browser';
import { bootForTest, UNITS, type TestCloud, type UnitKey } from '../support/localcloud';
import { APPROVER, REVIEWERS, SECRETARIAT } from '../support/charters';

const SHOTS = 'test-results/console-round';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Reviewers from cities none of the applicants is in (Zhuhai, Shantou, Foshan): no conflicts. */
const PANEL = REVIEWERS.map((r, i) => ({
  id: r.sub,
  name: r.name,
  jurisdictions: [['440400', '440500', '440600'][i]!],
  declaredConflicts: [],
}));

interface Entry {
  unit: UnitKey;
  title: string;
  practices: string;
  outcomes: string;
  /** The score every reviewer gives each criterion: distinct, so the ranking is known. */
  score: number;
  reason: string;
}

const ENTRIES: Entry[] = [
  {
    unit: 'yuexiu',
    title: '代表聯絡站「民情直通車」機制',
    practices:
      '一是建立代表聯絡站常態化接待制度，每月固定兩天由各級人大代表輪值接待群眾，收集意見建議並建立台賬。' +
      '二是依托網絡平台開設「民情直通車」欄目，群眾可隨時在線反映問題，代表在三個工作日內回應。' +
      '三是建立意見建議分類轉辦和跟蹤督辦機制，由常委會辦公室定期通報辦理情況，確保件件有回音、事事有着落。' +
      '四是把聯絡站接待情況納入代表履職檔案，年底向選民報告，接受群眾評議。',
    outcomes:
      '機制運行以來，共接待群眾二千餘人次，收集意見建議六百多條，推動解決道路改造、老舊小區加裝電梯等民生實事一百二十餘件，群眾滿意度明顯提升。',
    score: 9,
    reason: '聯絡站常態接待與網上直通相結合，民意收集辦理形成閉環，可複製可推廣。',
  },
  {
    unit: 'futian',
    title: '預算審查聯網監督系統',
    practices:
      '一是建成覆蓋全區預算單位的聯網監督系統，實時歸集財政收支、國庫集中支付和政府採購數據，人大代表可按權限查詢。' +
      '二是設置預警規則，對超進度支出、大額資金撥付和項目結餘異常自動提示，由預算工委跟蹤核實。' +
      '三是每季度召開聯網監督分析會，邀請代表和專家參加，形成問題清單交政府部門整改並在常委會上報告。' +
      '四是把聯網監督發現的問題納入部門預算績效評價，與下一年度預算安排掛鈎。',
    outcomes: '系統上線兩年，發出預警提示三百四十餘條，推動收回閒置資金一億二千萬元，預算執行率提高八個百分點，審查監督的針對性顯著增強。',
    score: 8,
    reason: '以信息化手段把預算監督延伸到資金運行全過程，預警和整改機制紮實有效。',
  },
  {
    unit: 'liwan',
    title: '民生實事項目人大代表票決制',
    practices:
      '一是由政府廣泛徵集民生實事候選項目，經篩選論證後提請人大會議審議，代表以無記名投票方式確定年度項目。' +
      '二是票決產生的項目由政府組織實施，人大常委會組織代表分組跟蹤監督，每半年聽取一次實施情況報告。' +
      '三是年底由代表對項目完成情況進行滿意度測評，測評結果向社會公開並作為下一年度項目安排的重要依據。' +
      '四是建立項目庫動態管理制度，未入選的候選項目經論證後滾動進入下一年度票決。',
    outcomes:
      '連續三年票決產生民生實事項目二十九個，涉及教育、養老、交通等領域，完成率百分之九十七，代表測評滿意率逐年上升至百分之九十五。',
    score: 7,
    reason: '項目由代表票決產生、全程監督、年終測評，體現全過程人民民主的制度化實踐。',
  },
];

function dossier(e: Entry, round: number): string {
  return [
    '---',
    `title: ${e.title}`,
    `unit: ${UNITS[e.unit].written}`,
    `round: ${round}`,
    'contact:',
    '  name: 陳主任',
    '  phone: 020-12345678',
    '  email: office@example.org',
    '---',
    '',
    `# ${e.title}`,
    '',
    '## 主要做法',
    '',
    e.practices,
    '',
    '## 工作成效',
    '',
    e.outcomes,
    '',
  ].join('\n');
}

let env: TestCloud;
let browser: Browser;
let roundId: string;
let roundNumber: number;
let officeToken: string;
/** Every CSP violation and uncaught page error, on every page, with the page it came from. */
const problems: string[] = [];
/** Pages axe has checked, with their violations (expected to stay empty). */
const axeRuns: Record<string, string[]> = {};

beforeAll(async () => {
  env = await bootForTest();
  ({ roundId } = await env.openRound({
    panel: PANEL,
    reviewersPerCase: 2,
    quorum: 2,
    quotas: { total: 5 },
    noticePeriodSecondsOverride: 3,
  }));
  officeToken = await env.token(SECRETARIAT);
  roundNumber = (await env.api('GET', `/rounds/${roundId}`, { token: officeToken })).body.number;
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await env?.stop();
}, 300_000);

/** A fresh tab (its own sessionStorage, so its own sign-in) that records CSP violations and page errors. */
async function tab(label: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text()))
      problems.push(`${label}: ${m.text()} (at ${m.location().url}:${m.location().lineNumber})`);
  });
  page.on('pageerror', (err) => problems.push(`${label}: page error ${err.message}`));
  return { context, page };
}

/** A console page signed in as `token`, with the local API and this round preselected. */
async function openConsole(label: string, file: string, token: string) {
  const opened = await tab(label);
  await seedSession(opened.context, token);
  const query = new URLSearchParams({ api: env.cloud.endpoints.api, round: roundId });
  await opened.page.goto(`${env.cloud.endpoints.console}${file}?${query}`);
  await opened.page.waitForFunction(() => document.getElementById('whoami')?.textContent?.startsWith('已登入'));
  expect(opened.page.url()).not.toContain('token=');
  return opened;
}

/**
 * Runs axe-core in the page as it is served (axe is evaluated through the debugging protocol,
 * which the page's CSP does not govern, so the CSP stays on and keeps being watched).
 */
async function axe(page: Page, label: string) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    type AxeResult = { violations: { id: string; nodes: { target: string[] }[] }[]; passes: { id: string }[] };
    const a = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<AxeResult> } }).axe;
    const r = await a.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return {
      violations: r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      passes: r.passes.map((p) => p.id),
    };
  });
  axeRuns[label] = result.violations;
  expect(result.violations, label).toEqual([]);
  expect(result.passes, label).toEqual(
    expect.arrayContaining(['color-contrast', 'html-has-lang', 'landmark-one-main', 'page-has-heading-one']),
  );
}

/** Waits on the API (office view) for the round's cases to satisfy `done`. */
async function casesWhere(done: (cases: { caseId: string; title: string; status: string }[]) => boolean, what: string, timeoutMs = 90_000) {
  return env.waitFor(
    async () =>
      (await env.api('GET', `/rounds/${roundId}/cases`, { token: officeToken })).body.cases as {
        caseId: string;
        title: string;
        status: string;
      }[],
    (cases) => Array.isArray(cases) && done(cases),
    what,
    timeoutMs,
  );
}

/** Reloads `page` until `selector` matches `count` elements (the page does not poll by itself). */
async function reloadUntil(page: Page, selector: string, count: number, ready: string) {
  await poll(
    async () => {
      await page.reload();
      await page.waitForSelector(ready, { state: 'attached' });
      await page.waitForLoadState('networkidle');
      return page.locator(selector).count();
    },
    { timeout: 60_000, interval: 500 },
  ).toBe(count);
}

describe('a small round through the console, from upload to publication', () => {
  it('applicants upload their dossiers on the applicant page and see them stored', async () => {
    for (const e of ENTRIES) {
      const { context, page } = await openConsole(`applicant ${e.unit}`, 'applicant.html', await env.applicantToken(e.unit));
      await page.waitForSelector(`#round option[value="${roundId}"]`, { state: 'attached' });
      expect(await page.inputValue('#round')).toBe(roundId);
      await page.setInputFiles('#dossier-file', {
        name: `${e.title}.md`,
        mimeType: 'text/markdown',
        buffer: Buffer.from(dossier(e, roundNumber)),
      });
      await page.click('#upload-button');
      // the report appears once the check has settled; an alert names what went wrong instead
      await poll(async () => (await page.textContent('#report-status'))! + (await page.textContent('#alert'))!, {
        timeout: 90_000,
      }).not.toBe('');
      expect(
        `${await page.textContent('#report-status')} | ${await page.textContent('#alert')} | ${await page.locator('#report-fields li').allTextContents()}`,
      ).toMatch(/^[^|]*已收錄/);
      expect(await page.getAttribute('#report-status', 'class')).toBe('good');
      // every dossier field of the report is clean
      expect(await page.locator('#report-fields li.error').count()).toBe(0);
      // the versions table lists the upload as version 1
      await poll(() => page.locator('#submissions tbody tr').count()).toBe(1);
      expect(await page.textContent('#submissions tbody tr')).toContain('已收錄');
      if (e === ENTRIES[0]) {
        await page.screenshot({ path: `${SHOTS}/1-applicant-uploaded.png`, fullPage: true });
        await axe(page, 'applicant.html');
      }
      await context.close();
    }
  }, 240_000);

  it('the office finds every case eligible on the office page', async () => {
    await casesWhere(
      (cases) => cases.length === ENTRIES.length && cases.every((c) => c.status === 'ELIGIBILITY_PENDING'),
      'three cases awaiting eligibility',
    );
    // the eligibility steps exist once the workflow has asked for them
    await env.waitFor(
      async () => (await env.api('GET', '/tasks', { token: officeToken })).body.tasks as { kind: string; roundId: string }[],
      (tasks) => tasks.filter((t) => t.kind === 'ELIGIBILITY' && t.roundId === roundId).length === ENTRIES.length,
      'three eligibility steps',
    );
    const { context, page } = await openConsole('office', 'office.html', officeToken);
    await reloadUntil(page, '#eligibility form.eligibility', ENTRIES.length, '#summary dl');
    const titles = await page.locator('#eligibility form.eligibility h3').allTextContents();
    expect([...titles].sort()).toEqual(ENTRIES.map((e) => e.title).sort());
    // each case with its unit and its city by name (the API gives the city's code)
    const yuexiu = page.locator('#eligibility form.eligibility', { hasText: ENTRIES[0]!.title });
    expect(await yuexiu.locator('p').first().textContent()).toContain(`${UNITS.yuexiu.written} 廣州市`);
    await page.screenshot({ path: `${SHOTS}/2-office-eligibility.png`, fullPage: true });
    await axe(page, 'office.html');
    for (let left = ENTRIES.length; left > 0; left--) {
      const form = page.locator('#eligibility form.eligibility').first();
      const title = await form.locator('h3').textContent();
      // "eligible" is the first choice; choose it explicitly as a person would
      await form.locator('input[name=outcome][value=eligible]').check();
      await form.locator('button[type=submit]').click();
      await poll(() => page.textContent('#status')).toBe(`已記錄：${title}。`);
      await poll(() => page.locator('#eligibility form.eligibility').count()).toBe(left - 1);
    }
    await poll(() => page.textContent('#eligibility')).toContain('沒有待審查的案例');
    await context.close();
    await casesWhere((cases) => cases.every((c) => c.status === 'IN_REVIEW'), 'every case in review');
  }, 180_000);

  it('each assigned reviewer scores on the reviewer page with the rubric form', async () => {
    const byTitle = new Map(ENTRIES.map((e) => [e.title, e]));
    // wait for the panel assignments: two reviewers per case
    const assigned = await env.waitFor(
      async () =>
        Promise.all(
          REVIEWERS.map(async (r) => {
            const token = await env.token(r);
            const tasks = (await env.api('GET', '/tasks', { token })).body.tasks as { kind: string; roundId: string }[];
            return { reviewer: r, token, count: tasks.filter((t) => t.kind === 'PANEL' && t.roundId === roundId).length };
          }),
        ),
      (all) => all.reduce((n, r) => n + r.count, 0) === ENTRIES.length * 2,
      'two panel assignments per case',
    );
    let scored = 0;
    for (const { reviewer, token, count } of assigned) {
      if (count === 0) continue;
      const { context, page } = await openConsole(reviewer.name, 'reviewer.html', token);
      await poll(() => page.locator('#queue li button').count()).toBe(count);
      for (let left = count; left > 0; left--) {
        const button = page.locator('#queue li button').first();
        const title = (await button.textContent())!.replace(/^評分：/, '');
        const entry = byTitle.get(title);
        expect(entry, `queue entry ${title}`).toBeDefined();
        await button.click();
        await page.waitForSelector('#review:not([hidden]) #score-form fieldset.criterion');
        expect(await page.textContent('#case-detail h3')).toBe(title);
        // the form is the round's rubric, each criterion with its descriptors
        expect(await page.locator('#score-form fieldset.criterion legend').allTextContents()).toEqual([
          '創新性（權重 50%）',
          '實效性（權重 50%）',
        ]);
        expect(await page.textContent('#score-innovation-descriptors')).toContain('0–10 分：做法新穎');
        expect(await page.textContent('#score-impact-descriptors')).toContain('0–10 分：成效明顯');
        // an empty form is refused next to the field, in Chinese, before anything is sent
        if (scored === 0) {
          await page.click('#score-form button[type=submit]');
          await poll(() => page.textContent('#score-innovation-error')).toBe('請為「創新性」評分。');
          expect(await page.getAttribute('#score-innovation', 'aria-invalid')).toBe('true');
          await axe(page, 'reviewer.html');
        }
        await page.fill('#score-innovation', String(entry!.score));
        await page.fill('#score-impact', String(entry!.score));
        await page.fill('#score-comment', `${reviewer.name}：做法具體，成效有數據支持。`);
        if (scored === 0) await page.screenshot({ path: `${SHOTS}/3-reviewer-scoring.png`, fullPage: true });
        await page.click('#score-form button[type=submit]');
        await poll(() => page.textContent('#status')).toBe('評分已提交，謝謝。');
        await poll(() => page.locator('#queue li button').count()).toBe(left - 1);
        scored += 1;
      }
      await context.close();
    }
    expect(scored).toBe(ENTRIES.length * 2);
    await casesWhere((cases) => cases.every((c) => c.status === 'REVIEWED'), 'every case reviewed');
  }, 180_000);

  it('the office closes the round on the office page', async () => {
    const { context, page } = await openConsole('office (close)', 'office.html', officeToken);
    await page.waitForSelector('#summary dl');
    expect(await page.textContent('#summary')).toContain('徵集中');
    const close = page.getByRole('button', { name: '截止收件並開始評選' });
    await close.click();
    await poll(() => page.textContent('#status')).toBe('已截止收件，開始排名與審定流程。');
    await poll(() => page.locator('#round-actions button').count()).toBe(0);
    // the dashboard and the round picker both say so
    await poll(() => page.textContent('#summary dl')).toContain('已截止');
    expect(await page.locator('#round option:checked').textContent()).toMatch(/—已截止收件$/);
    await page.screenshot({ path: `${SHOTS}/4-office-closed.png`, fullPage: true });
    await context.close();
    await env.waitFor(
      async () => (await env.api('GET', `/rounds/${roundId}`, { token: officeToken })).body.status as string,
      (status) => status === 'SHORTLISTED',
      'the shortlist',
    );
    // the office sees the same ranked shortlist, with why each case is there
    const office = await openConsole('office (shortlist)', 'office.html', officeToken);
    await office.page.waitForSelector('#round-view table.shortlist');
    expect(await office.page.locator('#round-view table.shortlist tbody th').allTextContents()).toEqual(ENTRIES.map((e) => e.title));
    expect(await office.page.locator('#round-view table.shortlist tbody td.why').allTextContents()).toEqual(
      ENTRIES.map((_, i) => `名額 5 宗中的第 ${i + 1} 宗；縣級第 ${i + 1} 宗`),
    );
    await axe(office.page, 'office.html (shortlist)');
    await office.context.close();
  }, 120_000);

  it('the approver approves the shortlist with a 入選理由 per case on the approver page', async () => {
    const approverToken = await env.token(APPROVER);
    await env.waitFor(
      async () => (await env.api('GET', '/tasks', { token: approverToken })).body.tasks as { kind: string; roundId: string }[],
      (tasks) => tasks.some((t) => t.kind === 'LEADERSHIP' && t.roundId === roundId),
      'the leadership step',
    );
    const { context, page } = await openConsole('approver', 'approver.html', approverToken);
    const task = page.getByRole('button', { name: `審定入選名單（${roundId}）` });
    await task.click();
    await page.waitForSelector('#decision:not([hidden]) li.list-case');
    // the shortlist in the order of the scores, all three within the quota
    const titles = await page.locator('#decision-form li.list-case h3').allTextContents();
    expect(titles).toEqual(ENTRIES.map((e) => e.title));
    expect(await page.textContent('#decision-h')).toBe(`入圍名單（${ENTRIES.length} 宗）`);
    expect(await page.locator('#decision-form li.list-case p').first().textContent()).toContain(`${UNITS.yuexiu.written}・廣州市・縣級`);
    // beside the list, why each case is there: its rank and its places under the quotas
    expect(await page.locator('#decision-form li.list-case p.why').allTextContents()).toEqual(
      ENTRIES.map((_, i) => `排名第 ${i + 1}：名額 5 宗中的第 ${i + 1} 宗；縣級第 ${i + 1} 宗`),
    );
    await page.waitForSelector('#round-view-card:not([hidden]) table.shortlist');
    expect(await page.locator('#round-view table.shortlist tbody th').allTextContents()).toEqual(ENTRIES.map((e) => e.title));
    expect(await page.locator('#round-view table.shortlist tbody td.why').first().textContent()).toBe('名額 5 宗中的第 1 宗；縣級第 1 宗');
    const facts = await page.textContent('#round-view dl.facts');
    expect(facts).toMatch(/章程雜湊（SHA-256）[0-9a-f]{64}/);
    expect(facts).toContain('未收到異議');
    expect(facts).toContain('名單審定後開始');
    // a reason is required for every case: submitting without them is refused next to the field
    await page.click('#decision-form button[type=submit].primary');
    await poll(() => page.locator('#decision-form .field-error:not([hidden])').count()).toBe(ENTRIES.length);
    await axe(page, 'approver.html');
    for (const e of ENTRIES) {
      await page.getByLabel(`「${e.title}」的入選理由`).fill(e.reason);
    }
    // filling a field clears its message
    expect(await page.locator('#decision-form .field-error:not([hidden])').count()).toBe(0);
    expect(await page.locator('#decision-form [aria-invalid="true"]').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/5-approver-reasons.png`, fullPage: true });
    await page.click('#decision-form button[type=submit].primary');
    await poll(async () => `${await page.textContent('#status')} | ${await page.textContent('#alert')}`).toMatch(
      new RegExp(`^已批准名單（${ENTRIES.length} 宗）。`),
    );
    await poll(() => page.textContent('#tasks')).toContain('目前沒有待審定事項');
    await context.close();
  }, 120_000);

  it('after the notice period the published site shows the round with the cases and their reasons', async () => {
    const round = await env.waitFor(
      async () => (await env.api('GET', `/rounds/${roundId}`, { token: officeToken })).body as { status: string },
      (r) => r.status === 'APPROVED',
      'the round approved after the notice period',
      90_000,
    );
    expect(round.status).toBe('APPROVED');
    const roundPage = `${env.cloud.endpoints.site}/hant/rounds/${encodeURIComponent(roundId)}/index.html`;
    // publication follows the approval: wait until the round page carries every case
    await env.waitFor(
      async () => {
        const res = await fetch(roundPage);
        return res.ok ? res.text() : '';
      },
      (html) => ENTRIES.every((e) => html.includes(e.title)),
      'the published round page',
      90_000,
    );
    const { context, page } = await tab('published site');
    await page.goto(roundPage);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-Hant');
    const main = await page.locator('main').innerText();
    expect(main).toContain('踐行全過程人民民主');
    // each case with its unit and the approver's reason, in the approved order
    const positions = ENTRIES.map((e) => main.indexOf(e.title));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const e of ENTRIES) {
      expect(main).toContain(e.reason);
      expect(main).toContain(UNITS[e.unit].written.replace(/人大常委會$/, ''));
    }
    // the contact data never reaches the public page
    expect(main).not.toContain('office@example.org');
    expect(main).not.toContain('020-12345678');
    await page.screenshot({ path: `${SHOTS}/6-published-round.png`, fullPage: true });
    await axe(page, 'published round page');
    // the first case's own page carries its reason too
    await page.getByRole('link', { name: ENTRIES[0]!.title }).first().click();
    await page.waitForLoadState('load');
    await expect(page.locator('h1').innerText()).resolves.toBe(ENTRIES[0]!.title);
    expect(await page.locator('main').innerText()).toContain(ENTRIES[0]!.reason);
    await page.screenshot({ path: `${SHOTS}/7-published-case.png`, fullPage: true });
    await context.close();
  }, 200_000);

  it('the office downloads the announcement (Word) and the score sheet (Excel) from the office page, and both read back', async () => {
    const { context, page } = await openConsole('office (exports)', 'office.html', officeToken);
    await page.waitForSelector('#summary dl');
    const save = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      const path = await download.path();
      return { name: download.suggestedFilename(), bytes: readFileSync(path) };
    };

    const docx = await save('#export-docx');
    expect(docx.name).toBe(`${roundId}-announcement.docx`);
    await poll(() => page.textContent('#status')).toBe('已下載公告及附件（Word）。');
    expect(docx.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const text = (await mammoth.extractRawText({ buffer: docx.bytes })).value;
    expect(text).toContain('附件');
    // every case in the approved order, with its unit and the approver's reason
    const at = ENTRIES.map((e) => text.indexOf(e.title, text.indexOf('附件')));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    for (const e of ENTRIES) {
      expect(text).toContain(`申報單位：${UNITS[e.unit].written}`);
      expect(text).toContain(e.reason);
    }
    expect(text).not.toContain('office@example.org');

    const xlsx = await save('#export-xlsx');
    expect(xlsx.name).toBe(`${roundId}-scores.xlsx`);
    await poll(() => page.textContent('#status')).toBe('已下載評分表（Excel）。');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes.buffer.slice(xlsx.bytes.byteOffset, xlsx.bytes.byteOffset + xlsx.bytes.byteLength) as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const rows = ENTRIES.map((_, i) => sheet.getRow(i + 2));
    // rank, title, unit, the scores as numbers, and the quota note the office page shows beside the shortlist
    expect(rows.map((r) => r.getCell(1).value)).toEqual(ENTRIES.map((_, i) => i + 1));
    expect(rows.map((r) => r.getCell(3).value)).toEqual(ENTRIES.map((e) => e.title));
    expect(rows.map((r) => r.getCell(4).value)).toEqual(ENTRIES.map((e) => UNITS[e.unit].written));
    expect(rows.map((r) => r.getCell(5).value)).toEqual(ENTRIES.map((e) => (e.unit === 'futian' ? '深圳市' : '廣州市')));
    for (const r of rows) for (const col of [8, 9, 10, 11]) expect(typeof r.getCell(col).value).toBe('number');
    expect(rows.map((r) => r.getCell(12).value)).toEqual(ENTRIES.map((_, i) => `名額 5 宗中的第 ${i + 1} 宗；縣級第 ${i + 1} 宗`));
    expect(workbook.worksheets[1]!.rowCount).toBe(1 + ENTRIES.length * 2);
    await context.close();
  }, 120_000);

  it('no page broke the CSP or threw, and axe checked every console page', () => {
    expect(problems).toEqual([]);
    expect(Object.keys(axeRuns).sort()).toEqual([
      'applicant.html',
      'approver.html',
      'office.html',
      'office.html (shortlist)',
      'published round page',
      'reviewer.html',
    ]);
  });
});
