/**
 * Debian's Chromium, headless, with the flags this machine needs: no sandbox (root), no GPU, and
 * none of the background services whose connections the closed network refuses. Playwright gives
 * every launch a fresh, empty user-data directory. Never a browser downloaded by a test tool.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
