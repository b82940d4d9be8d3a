import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { runCli } from './cli.js';

// A real headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, for the
// report tests. Nothing may leave the machine: every request that is not file:// is
// aborted and recorded, and the tests assert that none happened.

export const CHROMIUM = process.env.EVALH_CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface OpenedReport {
  page: Page;
  context: BrowserContext;
  /** console errors, uncaught exceptions, dialogs (alert/confirm) */
  problems: string[];
  /** every request the page made (URL) */
  requests: string[];
  /** requests that were not file:// (aborted) or failed */
  blocked: string[];
  close(): Promise<void>;
}

/** Opens an HTML file from disk in a fresh context and records everything that goes wrong. */
export async function openReport(browser: Browser, file: string, viewport = { width: 1360, height: 900 }): Promise<OpenedReport> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const problems: string[] = [];
  const requests: string[] = [];
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => requests.push(r.url()));
  page.on('requestfailed', (r) => blocked.push(`${r.url()} (${r.failure()?.errorText ?? 'failed'})`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForSelector('html[data-ready="true"]', { timeout: 10_000 });
  return { page, context, problems, requests, blocked, close: () => context.close() };
}

/** Non-blank pixels in a canvas (anything not fully transparent or white). */
export function canvasInk(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3]! > 0 && !(px[i]! > 245 && px[i + 1]! > 245 && px[i + 2]! > 245)) ink++;
    }
    return ink;
  });
}

/**
 * What every report test repeats: evalh run in the test's folder (exit code checked, stderr in
 * the message) and reports opened in the test's browser, kept so they close together.
 * `ctx` is read at each call: the folder and browser are made in beforeAll.
 */
export function reportSession(ctx: () => { browser: Browser; cwd: string; env: NodeJS.ProcessEnv }) {
  const opened: OpenedReport[] = [];
  return {
    async cli(args: string[], expectCode = 0) {
      const { cwd, env } = ctx();
      const r = await runCli(args, { cwd, env });
      expect(r.code, `evalh ${args.join(' ')}\n${r.stderr}`).toBe(expectCode);
      return r;
    },
    async open(file: string): Promise<OpenedReport> {
      const r = await openReport(ctx().browser, file);
      opened.push(r);
      return r;
    },
    async closeAll(): Promise<void> {
      for (const r of opened) await r.close().catch(() => {});
    },
  };
}
