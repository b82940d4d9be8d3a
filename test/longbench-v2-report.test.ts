import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasInk, launchBrowser, openReport } from './helpers/browser.js';
import { cliEnv, ROOT, runCli, tempDir } from './helpers/cli.js';
import { V2_SHARED, writeData } from './helpers/longbench-v2.js';
import { startSimServer, type SimServer } from './helpers/sim-server.js';

// `evalh report` for LongBench v2 in headless Chromium: result.txt's table, the failed items
// shown next to the numbers they are left out of, a comparison of two runs.

let browser: Browser;
let server: SimServer;
beforeAll(async () => {
  browser = await launchBrowser();
  server = await startSimServer({
    respond: (req) => (/Question-[0-3]/.test(req.prompt) ? `The correct answer is (${'ADCB'[Number(/Question-(\d)/.exec(req.prompt)![1])]})` : 'No idea.'),
    faults: (req) => (req.prompt.includes('Question-6') ? { kind: 'status', status: 400 } : undefined),
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('evalh report longbench-v2', () => {
  it('shows the official table, the failed items, and a comparison', async () => {
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    const cli = async (args: string[]) => {
      const r = await runCli(args, { cwd, env });
      expect(r.code, `evalh ${args.join(' ')}\n${r.stderr}`).toBe(0);
      return r;
    };
    await cli(['data', 'add', 'longbench-v2', V2_SHARED]);
    await cli(['run', 'longbench-v2', '--data', writeData(cwd), '--endpoint', server.url, '--model', 'sim-model', '--max-length', '100000', '--name', 'sim', '--error-budget', '0.5']);
    await cli(['import', 'longbench-v2', join(ROOT, 'test/fixtures/longbench-v2/results-array.json'), '--name', 'imported']);

    const one = join(cwd, 'one.html');
    await cli(['report', 'sim', '-o', one]);
    const r = await openReport(browser, one);
    try {
      expect(r.problems).toEqual([]);
      expect(r.blocked).toEqual([]);
      const cells = await r.page.$$eval('#scores-longbench-v2 tbody tr td', (tds) => tds.map((td) => (td.textContent ?? '').trim()));
      // Items 0-3 right, 7 scored (item 6 failed): 4/7 overall, easy 2/3, hard 2/4, short 2/2, medium 2/3, long 0/2.
      expect(cells).toEqual(['57.1', '66.7', '50.0', '100.0', '66.7', '0.0', '7', '1']);
      expect(await r.page.$eval('#headline-score', (e) => e.textContent)).toBe('57.1');
      expect(await r.page.textContent('body')).toMatch(/1 failed, not counted/);
      expect(await r.page.textContent('body')).toMatch(/official pred\.py drops them silently/);
      expect(await canvasInk(r.page, '#chart-v2-groups')).toBeGreaterThan(2000);
    } finally {
      await r.close();
    }

    const two = join(cwd, 'two.html');
    await cli(['report', 'imported', 'sim', '-o', two]);
    const r2 = await openReport(browser, two);
    try {
      expect(r2.problems).toEqual([]);
      const rows = await r2.page.$$eval('#scores-longbench-v2 tbody tr', (trs) =>
        trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()).join(' ')),
      );
      expect(rows[0]).toMatch(/^A imported 45\.9 47\.4 44\.4 66\.7 38\.5 33\.3 37 0$/);
      expect(rows[1]).toMatch(/^B sim 57\.1 \+11\.20 66\.7 \+19\.30/);
    } finally {
      await r2.close();
    }
  });
});
