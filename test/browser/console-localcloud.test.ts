/**
 * The console on the real local cloud (C's servers, G's API, the real intake workflow): an
 * applicant uploads a dossier through the console page served at /console/ with the stack's CSP,
 * the presigned PUT reaches the dossier bucket, the intake stores the case, the report says so;
 * the office page then shows G's dashboard route with its charts.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { poll } from '../support/poll';
import { type Browser } from 'playwright-core';
import { launchChromium, seedSession } from '../support/browser';
import { bootForTest, validDossier, type TestCloud } from '../support/localcloud';
import { SECRETARIAT } from '../support/charters';

let env: TestCloud;
let browser: Browser;
let roundId: string;
let roundNumber: number;
const SHOTS = 'test-results/console';

beforeAll(async () => {
  env = await bootForTest();
  ({ roundId } = await env.openRound());
  const round = await env.api('GET', `/rounds/${roundId}`);
  roundNumber = round.body.number;
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await env?.stop();
}, 300_000);

function watch(page: import('playwright-core').Page): string[] {
  const cspErrors: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
  });
  return cspErrors;
}
const query = () => new URLSearchParams({ api: env.cloud.endpoints.api, round: roundId });

describe('console on the local cloud', () => {
  it('the office page shows the real dashboard route with its charts, under the served CSP', async () => {
    const context = await browser.newContext();
    await seedSession(context, await env.token(SECRETARIAT));
    const page = await context.newPage();
    const cspErrors = watch(page);
    await page.goto(`${env.cloud.endpoints.console}office.html?${query()}`);
    await page.waitForSelector('#charts figure svg', { timeout: 30_000 });
    expect(await page.locator('#charts figure svg[role="img"]').count()).toBeGreaterThanOrEqual(4);
    expect(await page.textContent('#summary')).toContain('徵集中');
    await page.screenshot({ path: `${SHOTS}/localcloud-office.png`, fullPage: true });
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  // The site's CSP must let the console PUT to the dossier bucket (connect-src names it, on AWS
  // and locally), and the report must wait for the case to be stored, not just validated.
  it('uploads a dossier through the applicant page and shows it stored', async () => {
    const context = await browser.newContext();
    await seedSession(context, await env.applicantToken('yuexiu'));
    const page = await context.newPage();
    const cspErrors = watch(page);
    await page.goto(`${env.cloud.endpoints.console}applicant.html?${query()}`);
    await page.waitForSelector('#round option', { state: 'attached' });
    await page.setInputFiles('#dossier-file', {
      name: '越秀 創新案例.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from(validDossier('yuexiu', roundNumber)),
    });
    await page.click('#upload-button');
    // on failure the alert and any CSP message name the cause
    await poll(async () => `${await page.textContent('#report-status')} | ${await page.textContent('#alert')} | ${cspErrors.join(' ')}`, {
      timeout: 90_000,
    }).toMatch(/^[^|]*已收錄/);
    await page.screenshot({ path: `${SHOTS}/localcloud-applicant.png`, fullPage: true });
    expect(cspErrors).toEqual([]);
    await context.close();
  });
});
