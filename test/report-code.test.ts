import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasInk, launchBrowser, reportSession, type OpenedReport } from './helpers/browser.js';
import { ROOT, cliEnv, json, tempDir } from './helpers/cli.js';

// evalh report for the code suites, end to end: real runs of the built CLI (HumanEval-X's
// reference run, an import of a samples file with wrong and hostile generations, NCB's
// reference run), the report opened from disk in a real headless Chromium.

const ARTIFACTS = join(ROOT, 'test-artifacts');
const LANGS = ['python', 'cpp', 'java', 'js', 'go'];
const HOSTILE = '</script><img src=x onerror=alert(1)>';
const WRONG_RUN = 'hx-<b>wrong</b>';

type HxShow = { scores: Record<string, Record<string, number>> };
type NcbShow = { scores: Record<string, number>; allItems: Record<string, number>; errors: Record<string, Record<string, number>> };

let browser: Browser;
let cwd: string;
let env: NodeJS.ProcessEnv;
const { cli, open, closeAll } = reportSession(() => ({ browser, cwd, env }));

async function expectHealthyPage(r: OpenedReport, chart: string): Promise<void> {
  expect(r.problems).toEqual([]);
  expect(r.blocked).toEqual([]);
  for (const url of r.requests) expect(url.startsWith('file://')).toBe(true);
  expect(await canvasInk(r.page, `#${chart}`), `chart ${chart} is blank`).toBeGreaterThan(2000);
}

const cellText = (page: Page, sel: string) => page.$eval(sel, (e) => (e.textContent ?? '').trim());
const rowIds = (page: Page) => page.$$eval('#items-body tr.item-row', (rows) => rows.map((r) => (r as HTMLElement).dataset.id!));

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cwd = tempDir('evalh-report-code-');
  env = cliEnv(join(cwd, 'data-home'));
  const launching = launchBrowser();
  await cli(['run', 'humaneval-x', '--sample', '--runner', 'reference', '--name', 'hx-ref', '--json']);
  // A samples file for the sample's task ids: sample 1 of every language wrong (hostile text
  // in the code), Python's sample 2 raising at run time, the rest the canonical solutions.
  const lines: string[] = [];
  for (const lang of LANGS) {
    const problems = readFileSync(join(ROOT, 'benchmarks/humaneval-x/sample', `humaneval_${lang}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { task_id: string; canonical_solution: string });
    problems.forEach((p, i) => {
      let g = p.canonical_solution;
      if (i === 1) g = lang === 'python' ? `    return "${HOSTILE}" + <b>bad\n` : `this does not compile ${HOSTILE}\n`;
      if (i === 2 && lang === 'python') g = '    raise ValueError("<script>alert(2)</script>")\n';
      lines.push(JSON.stringify({ task_id: p.task_id, generation: g }));
    });
  }
  mkdirSync(join(cwd, 'imp'));
  writeFileSync(join(cwd, 'imp', 'samples_generation.jsonl'), lines.join('\n') + '\n');
  await cli(['import', 'humaneval-x', join(cwd, 'imp'), '--name', WRONG_RUN, '--json']);
  await cli(['run', 'ncb', '--sample', '--runner', 'reference', '--name', 'ncb-ref', '--json']);
  browser = await launching;
}, 120_000);

afterAll(async () => {
  await closeAll();
  await browser?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

describe('evalh report for HumanEval-X', () => {
  it('two runs: pass@k table equal to `evalh show`, Δ, the chart, failed items with their log and program, hostile text stays text', async () => {
    const file = join(cwd, 'hx.html');
    await cli(['report', 'hx-ref', WRONG_RUN, '-o', file, '--json']);
    const shows = [json<HxShow>(await cli(['show', 'hx-ref', '--json'])), json<HxShow>(await cli(['show', WRONG_RUN, '--json']))];
    const r = await open(file);
    const page = r.page;
    await expectHealthyPage(r, 'chart-passk');
    for (const [i, show] of shows.entries()) {
      for (const key of [...LANGS, 'overall']) {
        const shown = await cellText(page, `#scores-passk td[data-run="${i}"][data-key="${key}"][data-k="pass@1"]`);
        expect(Number(shown), `${key} run ${i}`).toBe(show.scores[key]!['pass@1']);
      }
    }
    expect(shows[1]!.scores.python!['pass@1']).toBe(50);
    expect(await cellText(page, '#scores-passk tr[data-row="python"] td[data-delta="1"]')).toBe('−50.00');
    // The chart: pass@1 per language and overall, one series per run.
    const chart = await page.evaluate(() => {
      const c = (window as unknown as { Chart: { getChart(id: string): { data: { labels: unknown[]; datasets: { data: (number | null)[] }[] } } } }).Chart.getChart('chart-passk');
      return { labels: c.data.labels.map(String), data: c.data.datasets.map((d) => d.data) };
    });
    expect(chart.labels).toEqual([...LANGS, 'overall']);
    expect(await page.$$eval('#f-dataset option', (o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(['', ...LANGS]);
    expect(chart.data[1]).toEqual([...LANGS, 'overall'].map((l) => shows[1]!.scores[l]!['pass@1']));

    // Hostile run name and code: text, never markup; no dialog (r.problems) either.
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(await page.$$eval('body b', (bs) => bs.some((b) => b.textContent === 'wrong'))).toBe(false);
    expect(await cellText(page, '#runs-table')).toContain(WRONG_RUN);

    // Filters: language + failed only → Python's two wrong samples.
    await page.selectOption('#f-dataset', 'python');
    await page.check('#f-failed');
    await page.waitForFunction(() => document.querySelectorAll('#items-body tr.item-row').length === 2);
    expect(await rowIds(page)).toEqual(['python/S1#0', 'python/S2#0']);
    expect(await page.$$eval('#items-body td[data-run="1"] .cd-status', (b) => b.map((x) => (x as HTMLElement).dataset.status))).toEqual(['failed', 'failed']);
    // Drill-down: the runtime log of the raising sample, the code and the assembled program.
    await page.click('#items-body tr.item-row[data-id="python/S2#0"]');
    const card = '#items-body tr.item-detail .run-card[data-run="1"]';
    await page.waitForSelector(card);
    const log = await cellText(page, `${card} pre.cd-log`);
    expect(log).toContain('ValueError');
    expect(log).toContain('<script>alert(2)</script>');
    expect(await cellText(page, `${card} pre.output`)).toContain('raise ValueError');
    const program = await page.$eval(`${card} pre.cd-program`, (e) => e.textContent ?? '');
    expect(program).toContain('def check(candidate)');
    expect(program).toContain('raise ValueError');
    expect(await page.$$eval('script', (s) => s.filter((x) => (x.textContent ?? '').includes('alert(2)')).length)).toBe(1); // only the JSON data block
    await page.uncheck('#f-failed');
    await page.selectOption('#f-dataset', '');
    await page.fill('#f-search', 'does not compile');
    await page.waitForFunction(() => document.querySelectorAll('#items-body tr.item-row').length === 4);
    // A compile failure (C++): phase compile, the compiler's output in the log.
    await page.click('#items-body tr.item-row[data-id="cpp/S1#0"]');
    await page.waitForSelector(card);
    expect(await cellText(page, `${card} dl.kv`)).toContain('compile');
    expect((await cellText(page, `${card} pre.cd-log`)).length).toBeGreaterThan(10);
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(r.problems).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'report-humaneval-x.png'), fullPage: true });
  });

  it('one run: the single-run item columns (result, phase, timed out)', async () => {
    const file = join(cwd, 'hx1.html');
    await cli(['report', WRONG_RUN, '-o', file]);
    const r = await open(file);
    await expectHealthyPage(r, 'chart-passk');
    const heads = await r.page.$$eval('#items-table thead th', (t) => t.map((x) => (x.textContent ?? '').trim()));
    expect(heads).toEqual(['Language', 'Task', 'Sample', 'Result', 'Phase', 'Timed out', 'Output', 'Latency']);
    await r.page.check('#f-failed');
    await r.page.waitForFunction(() => document.querySelectorAll('#items-body tr.item-row').length === 6);
    const phases = await r.page.$$eval('#items-body td.phase', (t) => t.map((x) => x.textContent));
    expect(phases).toHaveLength(6);
    for (const ph of phases) expect(['compile', 'run']).toContain(ph);
    expect(phases[2]).toBe('compile'); // C++: the compiler rejects it
    await r.page.check('#f-noteval');
    await r.page.waitForFunction(() => document.querySelectorAll('#items-body tr.item-row').length === 0);
    expect(r.problems).toEqual([]);
  });
});

describe('evalh report for NaturalCodeBench', () => {
  it('the four splits + overall with the all-items figure and error shares equal to `evalh show`; an item shows its outcome, code and log', async () => {
    const file = join(cwd, 'ncb.html');
    await cli(['report', 'ncb-ref', '-o', file]);
    const show = json<NcbShow>(await cli(['show', 'ncb-ref', '--json']));
    const r = await open(file);
    const page = r.page;
    await expectHealthyPage(r, 'chart-ncb');
    for (const key of ['python_en', 'python_zh', 'java_en', 'java_zh', 'overall']) {
      expect(Number(await cellText(page, `#scores-ncb td[data-run="0"][data-key="${key}"][data-col="pass1"]`))).toBe(show.scores[key]);
      expect(Number(await cellText(page, `#scores-ncb td[data-run="0"][data-key="${key}"][data-col="all"]`))).toBe(show.allItems[key]);
    }
    for (const [split, classes] of Object.entries(show.errors)) {
      for (const [c, v] of Object.entries(classes)) {
        expect(Number(await cellText(page, `#ncb-errors tr[data-row="${split}"][data-class="${c}"] td[data-run="0"]`))).toBe(v);
      }
    }
    const first = (await rowIds(page))[0]!;
    await page.click(`#items-body tr.item-row[data-id="${first}"]`);
    await page.waitForSelector('#items-body tr.item-detail pre.cd-log');
    expect(await cellText(page, '#items-body tr.item-detail .run-card dl.kv')).toContain('passed');
    expect((await page.$$('#items-body tr.item-detail pre.output')).length).toBe(1);
    expect(r.problems).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'report-ncb.png'), fullPage: true });
  });
});
