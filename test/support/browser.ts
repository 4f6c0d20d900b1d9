/**
 * The system's Chromium (Debian's here), headless, with the flags this machine needs: no sandbox (root), no GPU, and
 * none of the background services whose connections the closed network refuses. Playwright gives
 * every launch a fresh, empty user-data directory. Never a browser downloaded by a test tool.
 */
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { CHROMIUM, findTool } from '../../local/executables';

/** The system's Chromium: `$CHROMIUM_PATH`, else `chromium` (or a usual alias) on PATH; a clear error if none. */
export function chromiumPath(): string {
  return findTool(CHROMIUM);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Leaves a new browser context signed in as a finished sign-in leaves a console tab: the ID token
 * in the tab's sessionStorage (never in a URL), once per tab, so signing out stays signed out.
 * For tests that exercise pages rather than the sign-in itself (test/browser/signin.test.ts
 * signs in through the real code flow).
 */
export async function seedSession(context: BrowserContext, idToken: string): Promise<void> {
  const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iat?: number; exp?: number };
  const tokens = {
    idToken,
    issuedAt: claims.iat ?? Math.floor(Date.now() / 1000),
    expiresAt: claims.exp ?? Math.floor(Date.now() / 1000) + 3600,
  };
  await context.addInitScript((value: string) => {
    if (sessionStorage.getItem('casebook.test.seeded')) return;
    sessionStorage.setItem('casebook.test.seeded', '1');
    sessionStorage.setItem('casebook.tokens', value);
  }, JSON.stringify(tokens));
}
