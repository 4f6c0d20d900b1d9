/**
 * Signing in to the console on the local cloud the way people will on AWS: Chromium opens a
 * console page, is sent to the sign-in page (the local OpenID provider standing in for Cognito
 * managed login) by the authorization code flow with PKCE, comes back signed in as each role,
 * works, keeps working past the ID token's expiry by refreshing, and signs out through the logout
 * endpoint. A callback that does not match the tab's request is refused with a bilingual message.
 * No token ever appears in a URL.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PANEL } from '../../src/domain/round/charter';
import { demoApplicantEmail, LOCAL_DEMO_PASSWORD } from '../../local/user-directory';
import { launchChromium } from '../support/browser';
import { bootForTest, type TestCloud } from '../support/localcloud';

/** Short enough to expire during the test; the console refreshes in the last fifth of it. */
const ID_TOKEN_SECONDS = 10;

let env: TestCloud;
let browser: Browser;
let roundId: string;
const urlsSeen: string[] = [];

const ROLES = [
  { label: 'office', page: 'office.html', username: 'office@demo.casebook.local', shows: '省人大常委會辦公廳（辦公室）' },
  { label: 'approver', page: 'approver.html', username: 'approver@demo.casebook.local', shows: '主任會議（審定領導）' },
  {
    label: 'reviewer',
    page: 'reviewer.html',
    username: `${DEMO_PANEL[0]!.id}@demo.casebook.local`,
    shows: `${DEMO_PANEL[0]!.name}（評審）`,
  },
  { label: 'applicant', page: 'applicant.html', username: demoApplicantEmail('440104'), shows: '（申報單位，單位 440104）' },
] as const;

beforeAll(async () => {
  env = await bootForTest({ tokenLifetimes: { idTokenSeconds: ID_TOKEN_SECONDS } });
  await env.cloud.users.ensureDemoAccounts([{ unitCode: '440104', name: '廣州市越秀區人大常委會' }]);
  ({ roundId } = await env.openRound());
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await env?.stop();
}, 300_000);

async function newTab(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'zh-HK' });
  const page = await context.newPage();
  page.on('framenavigated', (frame) => urlsSeen.push(frame.url()));
  page.on('request', (req) => urlsSeen.push(req.url()));
  return { context, page };
}

/** From a console page that shows the sign-in section, through the sign-in page, back signed in. */
async function signInFrom(page: Page, username: string, password = LOCAL_DEMO_PASSWORD): Promise<void> {
  await page.locator('#signin').waitFor({ state: 'visible' });
  await page.click('#signin-start');
  await page.waitForURL((url) => url.href.startsWith(env.cloud.endpoints.auth));
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL((url) => url.href.startsWith(env.cloud.endpoints.console) && !url.pathname.endsWith('callback.html'), {
    timeout: 30_000,
  });
  await page.waitForFunction(() => document.getElementById('whoami')?.textContent?.startsWith('已登入'));
}

const stored = (page: Page) =>
  page.evaluate(
    () =>
      JSON.parse(sessionStorage.getItem('casebook.tokens') ?? 'null') as {
        idToken: string;
        expiresAt: number;
        refreshToken?: string;
      } | null,
  );
/** An API call made by the console's own code (core.js `api`, with its refresh). */
// (a string, so the test runner's transform leaves the page's own dynamic import alone)
const consoleCall = (page: Page, path: string): Promise<unknown> =>
  page.evaluate(`import('./js/core.js').then((core) => core.api(${JSON.stringify(path)}))`);

describe('console sign-in on the local cloud', () => {
  for (const role of ROLES) {
    it(`signs the ${role.label} in through the code flow with PKCE, shows who and which role, and the page works`, async () => {
      const { context, page } = await newTab();
      await page.goto(`${env.cloud.endpoints.console}${role.page}`);
      expect(await page.textContent('#whoami')).toContain('未登入');
      await signInFrom(page, role.username);
      expect(new URL(page.url()).pathname).toBe(`/console/${role.page}`);
      expect(await page.textContent('#whoami')).toContain(role.shows);
      const tokens = await stored(page);
      expect(tokens?.idToken.split('.')).toHaveLength(3);
      expect(tokens?.refreshToken).toBeTruthy();
      // the console's own calls are authorized as this person
      const tasks = (await consoleCall(page, '/tasks')) as { tasks: unknown[] };
      expect(Array.isArray(tasks.tasks)).toBe(true);
      if (role.label === 'office') await page.waitForSelector('#charts figure svg', { timeout: 30_000 });
      await context.close();
    }, 90_000);
  }

  it('keeps working past the ID token’s expiry by refreshing it, then signs out through the logout endpoint', async () => {
    const { context, page } = await newTab();
    await page.goto(`${env.cloud.endpoints.console}office.html?round=${roundId}`);
    await signInFrom(page, 'office@demo.casebook.local');
    const first = (await stored(page))!;
    expect(first.expiresAt - Date.now() / 1000).toBeLessThanOrEqual(ID_TOKEN_SECONDS);
    // wait past the first token's expiry: the page refreshes on its own before then
    await page.waitForTimeout(Math.max(0, first.expiresAt * 1000 - Date.now()) + 1500);
    const second = (await stored(page))!;
    expect(second.idToken).not.toBe(first.idToken);
    expect(second.expiresAt).toBeGreaterThan(first.expiresAt);
    // the expired token is refused by the API; the console's call goes through with the new one
    const stale = await fetch(`${env.cloud.endpoints.api}/rounds/${roundId}/dashboard`, {
      headers: { authorization: `Bearer ${first.idToken}` },
    });
    expect(stale.status).toBe(401);
    const dashboard = (await consoleCall(page, `/rounds/${roundId}/dashboard`)) as { round?: unknown };
    expect(dashboard).toBeTruthy();
    expect(await page.textContent('#whoami')).toContain('省人大常委會辦公廳');

    const refreshToken = (await stored(page))!.refreshToken!;
    await page.click('#signout');
    await page.waitForURL((url) => url.href === env.cloud.endpoints.console, { timeout: 15_000 });
    await page.waitForFunction(() => document.getElementById('whoami')?.textContent?.includes('未登入'));
    expect(await stored(page)).toBeNull();
    // the refresh token was revoked
    const refused = await fetch(env.cloud.auth.tokenEndpoint, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: env.cloud.auth.clientId }),
    });
    expect(refused.status).toBe(400);
    // the sign-in session ended too: signing in again asks for the password
    await page.goto(`${env.cloud.endpoints.console}office.html`);
    await page.locator('#signin').waitFor({ state: 'visible' });
    await page.click('#signin-start');
    await page.waitForURL((url) => url.href.startsWith(env.cloud.endpoints.auth));
    await page.locator('#password').waitFor();
    await context.close();
  }, 120_000);

  it('refuses a callback whose state this tab did not send, with a bilingual message, and spends no code', async () => {
    const { context, page } = await newTab();
    await page.goto(`${env.cloud.endpoints.console}callback.html?code=stolen-code&state=forged-state`);
    const alert = page.locator('#alert');
    await alert.waitFor({ state: 'visible' });
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain('state 不一致');
    expect(text).toContain('state mismatch');
    expect(text).toContain('STATE_MISMATCH');
    // the code left the address bar at once
    expect(page.url()).not.toContain('stolen-code');
    expect(await stored(page)).toBeNull();
    await context.close();
  });

  it('never put a token in a URL', () => {
    expect(urlsSeen.length).toBeGreaterThan(20);
    for (const url of urlsSeen) {
      expect(url).not.toMatch(/[?&#](token|id_token|access_token|refresh_token)=/);
      expect(url).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\./);
    }
  });
});
