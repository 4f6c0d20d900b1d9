/**
 * The system's Chromium (Debian's here), headless, with the flags this machine needs: no sandbox (root), no GPU, and
 * none of the background services whose connections the closed network refuses. Playwright gives
 * every launch a fresh, empty user-data directory. Never a browser downloaded by a test tool.
 */
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, findTool } from '../../local/executables';

/** The system's Chromium: `$CHROMIUM_PATH`, else `chromium` (or a usual alias) on PATH; a clear error if none. */
export function chromiumPath(): string {
  return findTool(CHROMIUM);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
