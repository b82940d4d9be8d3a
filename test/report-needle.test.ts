import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heatColor } from '../reports/needle.js';
import { buildTokenizers } from './fixtures/tokenizers/build.js';
import { canvasInk, launchBrowser, openReport, type OpenedReport } from './helpers/browser.js';
import { ROOT, cliEnv, json, runCli, tempDir } from './helpers/cli.js';
import { simModel } from './helpers/longbench.js';
import { windowModel } from './helpers/needle.js';
import { startSimServer, type SimServer } from './helpers/sim-server.js';

// The needle heatmap and the long-context accounting in the HTML report, in a real headless
// Chromium: cell values and colours as the run scored them, no console errors, no requests.
// Screenshots go to test-artifacts/.

const ARTIFACTS = join(ROOT, 'test-artifacts');
let browser: Browser;
let server: SimServer;
let cwd: string;
let env: NodeJS.ProcessEnv;
const opened: OpenedReport[] = [];
type Grid = Record<string, Record<string, number>>;
let grid: Grid;
let byDepth: Record<string, number>;

async function cli(args: string[]) {
  const r = await runCli(args, { cwd, env });
  expect(r.code, `evalh ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cwd = tempDir('evalh-report-needle-');
  env = cliEnv(join(cwd, 'data-home'));
  server = await startSimServer({ respond: (q) => (q.prompt.includes('special magic number') ? windowModel(3000)(q) : simModel(q)) });
  const launching = launchBrowser();
  const tok = buildTokenizers(join(cwd, 'tok')).rankFile;
  const [sim] = await Promise.all([
    cli(['run', 'needle', '--datasets', '1k,2k,4k', '--preset', 'depths=0,25,50,75,100', '--endpoint', server.url, '--model', 'sim', '--name', 'hm', '--json']),
    cli(['run', 'needle', '--datasets', '1k,2k,4k', '--preset', 'depths=0,25,50,75,100', '--runner', 'reference', '--name', 'hm-ref', '--json']),
    cli(['run', 'longbench', '--sample', '--datasets', 'narrativeqa,lcc', '--endpoint', server.url, '--model', 'sim', '--tokenizer', tok, '--max-length', '150', '--truncate', 'skip', '--name', 'lb-skip', '--json']),
  ]);
  ({ grid, byDepth } = json<{ grid: Grid; byDepth: Record<string, number> }>(sim));
  browser = await launching;
});

afterAll(async () => {
  for (const r of opened) await r.close().catch(() => {});
  await browser?.close();
  await server?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

async function open(file: string): Promise<OpenedReport> {
  const r = await openReport(browser, file);
  opened.push(r);
  expect(r.problems).toEqual([]);
  expect(r.blocked).toEqual([]);
  return r;
}

describe('evalh report needle', () => {
  it('draws the length × depth heatmap with the scored values and their colours', async () => {
    const file = join(cwd, 'needle.html');
    await cli(['report', 'hm', '-o', file]);
    const r = await open(file);
    const { page } = r;
    const cells = await page.$$eval('#needle-heatmap-0 td.hm-cell', (tds) =>
      tds.map((td) => ({ length: (td as HTMLElement).dataset.length!, depth: (td as HTMLElement).dataset.depth!, text: td.textContent!.trim(), bg: getComputedStyle(td).backgroundColor })),
    );
    // 5 depths × (3 lengths + "all"), plus the "all" row.
    expect(cells).toHaveLength(5 * 4 + 4);
    const lengths = await page.$$eval('#needle-heatmap-0 thead th.hm-len', (ths) => ths.map((t) => t.textContent));
    expect(lengths).toEqual(['1k', '2k', '4k']); // x: context length, increasing
    const depths = await page.$$eval('#needle-heatmap-0 tbody th.hm-depth', (ths) => ths.map((t) => t.textContent));
    expect(depths).toEqual(['0%', '25%', '50%', '75%', '100%', 'all']); // y: depth, start of the text on top
    for (const l of ['1k', '2k', '4k']) {
      for (const d of ['0', '25', '50', '75', '100']) {
        const v = grid[l]![d]!;
        const c = cells.find((x) => x.length === l && x.depth === d)!;
        expect(c.text).toBe(String(v));
        expect(c.bg).toBe(heatColor(v));
      }
    }
    for (const [d, v] of Object.entries(byDepth)) expect(cells.find((x) => x.length === 'all' && x.depth === d)!.text).toBe(Number.isInteger(v) ? String(v) : v.toFixed(1));
    // Not uniform: the sim model misses needles past its window, so red and green cells both show.
    expect(cells.some((c) => c.bg === 'rgb(215, 48, 39)')).toBe(true);
    expect(cells.some((c) => c.bg === 'rgb(26, 152, 80)')).toBe(true);
    expect(await page.isVisible('#needle-legend')).toBe(true);
    for (const id of ['chart-needle-length', 'chart-needle-depth']) expect(await canvasInk(page, `#${id}`), id).toBeGreaterThan(1000);
    // The item table groups by depth and shows the needle value as the reference.
    await page.waitForSelector('#items-body tr.item-row');
    expect(await page.$$eval('#f-group option', (os) => os.map((o) => o.textContent))).toEqual(['All', '0%', '25%', '50%', '75%', '100%']);
    expect(await page.textContent('#h-budget')).toMatch(/--truncate middle · budget 1,047,552 tokens/);
    await page.locator('#scores').screenshot({ path: join(ARTIFACTS, 'report-needle-heatmap.png') });
  });

  it('two runs: one heatmap per run', async () => {
    const file = join(cwd, 'needle-2.html');
    await cli(['report', 'hm', 'hm-ref', '-o', file]);
    const { page } = await open(file);
    expect(await page.$$eval('table.heatmap', (ts) => ts.map((t) => t.id))).toEqual(['needle-heatmap-0', 'needle-heatmap-1']);
    const ref = await page.$$eval('#needle-heatmap-1 td.hm-cell', (tds) => tds.map((t) => t.textContent!.trim()));
    expect(new Set(ref)).toEqual(new Set(['100']));
    await page.locator('#scores').screenshot({ path: join(ARTIFACTS, 'report-needle-two-runs.png') });
  });

  it('long-context accounting: skipped (too long) items, the budget and tokenizer, skipped rows in the item table', async () => {
    const show = json<{ longContext: { skipped: number; tokenizer: string } }>(await cli(['show', 'lb-skip', '--json']));
    expect(show.longContext.skipped).toBeGreaterThan(0);
    const file = join(cwd, 'lb-skip.html');
    await cli(['report', 'lb-skip', '-o', file]);
    const { page } = await open(file);
    expect(await page.textContent('#h-toolong .tile-value')).toBe(String(show.longContext.skipped));
    expect(await page.textContent('#h-toolong .tile-sub')).toBe(`0 failed · ${show.longContext.skipped} skipped`);
    expect(await page.textContent('#h-budget')).toContain(`--truncate skip · budget 150 tokens (--max-length) · tokenizer ${show.longContext.tokenizer}`);
    await page.waitForSelector('#items-body tr.item-row');
    expect(await page.$$eval('#items-body .badge.warn', (bs) => bs.filter((b) => b.textContent === 'skipped').length)).toBe(show.longContext.skipped);
    await page.locator('#health').screenshot({ path: join(ARTIFACTS, 'report-long-context.png') });
  });
});
