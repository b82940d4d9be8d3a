import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasInk, launchBrowser, openReport, type OpenedReport } from './helpers/browser.js';
import { ROOT, SHARED, cliEnv, json, runCli, tempDir } from './helpers/cli.js';
import { startSimServer, type SimRequest, type SimServer } from './helpers/sim-server.js';

// evalh report for agentbench-db, end to end: a reference run and a scripted-agent run (sim
// server on loopback; one invalid turn, one wrong answer, one turn-limit episode, hostile
// text in the agent's turns), each on the MariaDB the CLI starts; the report opened in a
// real headless Chromium.

const ARTIFACTS = join(ROOT, 'test-artifacts');
const HOSTILE = '</script><img src=x onerror=alert(1)>';
const DATA = join(SHARED, 'data/agentbench/dbbench');

let browser: Browser;
let cwd: string;
let env: NodeJS.ProcessEnv;
let sim: SimServer;
const opened: OpenedReport[] = [];

const DEV = readFileSync(join(DATA, 'dev.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => (JSON.parse(l) as { description: string }).description);

/** dev/1 and dev/2: no action (invalid format); every other item: one query, then a wrong (hostile) answer. */
function respond(req: SimRequest): string {
  const messages = req.body.messages as Array<{ role: string; content: string }>;
  const turn = messages.filter((m) => m.role === 'assistant').length - 1;
  const q = messages[2]!.content;
  if (q.startsWith(`${DEV[1]}\n`) || q.startsWith(`${DEV[2]}\n`)) return `I guess ${HOSTILE}`;
  return turn === 0 ? 'Action: Operation\n```sql\nSELECT COUNT(*) FROM information_schema.TABLES\n```' : `Action: Answer\nFinal Answer: ["${HOSTILE}"]`;
}

async function cli(args: string[]) {
  const r = await runCli(args, { cwd, env });
  expect(r.code, `evalh ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

const cellText = (page: Page, sel: string) => page.$eval(sel, (e) => (e.textContent ?? '').trim());

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cwd = tempDir('evalh-report-ab-');
  env = cliEnv(join(cwd, 'data-home'));
  sim = await startSimServer({ respond });
  const launching = launchBrowser();
  await cli(['run', 'agentbench-db', '--data', DATA, '--datasets', 'dev', '--limit', '24', '--runner', 'reference', '--name', 'ref', '--json']);
  await cli(['run', 'agentbench-db', '--data', DATA, '--datasets', 'dev', '--limit', '24', '--endpoint', sim.url, '--model', 'sim', '--name', 'agent<b>x</b>', '--json']);
  browser = await launching;
}, 120_000);

afterAll(async () => {
  for (const r of opened) await r.close().catch(() => {});
  await browser?.close();
  await sim?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

describe('evalh report for agentbench-db', () => {
  it('success rates equal to `evalh show`, status counts, each episode as a conversation, hostile text stays text', async () => {
    const file = join(cwd, 'ab.html');
    await cli(['report', 'ref', 'agent<b>x</b>', '-o', file, '--json']);
    const shows = [json<{ scores: Record<string, number | null>; statuses: Record<string, number> }>(await cli(['show', 'ref', '--json'])), json<{ scores: Record<string, number | null>; statuses: Record<string, number> }>(await cli(['show', 'agent<b>x</b>', '--json']))];
    const r = await openReport(browser, file);
    opened.push(r);
    const page = r.page;
    expect(r.problems).toEqual([]);
    expect(r.blocked).toEqual([]);
    expect(await canvasInk(page, '#chart-agentbench')).toBeGreaterThan(2000);

    for (const [i, show] of shows.entries()) {
      for (const key of ['overall', 'select', 'insert', 'update']) {
        const shown = await cellText(page, `#scores-agentbench tr[data-row="${key}"] td[data-run="${i}"]`);
        expect(shown, `${key} run ${i}`).toBe(typeof show.scores[key] === 'number' ? show.scores[key]!.toFixed(2) : '—');
      }
      for (const [status, n] of Object.entries(show.statuses)) {
        expect(await cellText(page, `#episode-statuses tr[data-status="${status}"] td[data-run="${i}"]`)).toBe(String(n));
      }
    }
    // The first 24 dev items have SELECT and INSERT but no UPDATE: the official overall (the mean of
    // all three) is not computed — it was 100, the mean of SELECT and INSERT, before issue 12.
    expect(shows[0]!.scores.overall).toBeNull();
    expect(shows[0]!.scores.select).toBe(100);
    expect(await cellText(page, '#headline-score')).toBe('—');
    expect(await cellText(page, '[data-missing="0"]')).toBe('A: Overall not computed: UPDATE has no items in this run (the official overall is the mean of all three).');
    expect(shows[1]!.statuses).toEqual({ completed: 22, invalid_format: 2 });
    expect(shows[1]!.scores.select).toBe(0);

    // An episode: the instruction (folded), the question, the agent's turns and the observations.
    await page.click('#items-body tr.item-row[data-id="dev/0"]');
    const card = '#items-body tr.item-detail .run-card:nth-child(2)';
    await page.waitForSelector(`${card} ol.transcript`);
    const turns = await page.$$eval(`${card} ol.transcript li.turn`, (lis) => lis.map((li) => ({ cls: li.className, text: (li.textContent ?? '').trim() })));
    expect(turns.map((t) => t.cls)).toEqual(['turn env', 'turn agent', 'turn env', 'turn agent', 'turn env', 'turn agent']);
    expect(turns[0]!.text).toContain('Task instruction');
    expect(turns[1]!.text).toBe('AgentOk.');
    expect(turns[4]!.text).toMatch(/^Environment\[\(\d+,\)\]$/);
    expect(turns[5]!.text).toContain(HOSTILE);
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(await page.$$eval('body b', (bs) => bs.some((b) => b.textContent === 'x'))).toBe(false);
    expect(r.problems).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'report-agentbench-db.png'), fullPage: true });
  });
});
