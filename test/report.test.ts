import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store, type ItemRecord } from '../src/store.js';
import { canvasInk, launchBrowser, reportSession, type OpenedReport } from './helpers/browser.js';
import { ROOT, cliEnv, json, tempDir } from './helpers/cli.js';

// evalh report, end to end: real runs made with the built CLI, the report opened from disk
// in a real headless Chromium. Screenshots go to test-artifacts/ (git-ignored).

const ARTIFACTS = join(ROOT, 'test-artifacts');
const SAMPLE = join(ROOT, 'benchmarks/longbench/sample');
const HOSTILE = '<img src=x onerror=alert(1)></script>';
const V1 = [
  'narrativeqa', 'qasper', 'multifieldqa_en', 'multifieldqa_zh', 'hotpotqa', '2wikimqa', 'musique', 'dureader', 'gov_report', 'qmsum',
  'multi_news', 'vcsum', 'trec', 'triviaqa', 'samsum', 'lsht', 'passage_count', 'passage_retrieval_en', 'passage_retrieval_zh', 'lcc', 'repobench-p',
];

type ShowDoc = { run: string; scores: Record<string, number>; categories: Record<string, number>; overall: number };
type ShowEDoc = { run: string; scores: Record<string, Record<string, number | null>>; overall: Record<string, number | null> };

let browser: Browser;
let cwd: string;
let env: NodeJS.ProcessEnv;
const { cli, open, closeAll } = reportSession(() => ({ browser, cwd, env }));

/** The same checks for every report: nothing but the file itself was requested, nothing went wrong, every chart has ink. */
async function expectHealthyPage(r: OpenedReport): Promise<string[]> {
  expect(r.problems).toEqual([]);
  expect(r.blocked).toEqual([]);
  expect(r.requests.length).toBeGreaterThan(0);
  for (const url of r.requests) expect(url.startsWith('file://')).toBe(true);
  const canvases = await r.page.$$eval('canvas', (cs) => cs.map((c) => c.id));
  expect(canvases.length).toBeGreaterThan(0);
  for (const id of canvases) {
    expect(await canvasInk(r.page, `#${id}`), `chart ${id} is blank`).toBeGreaterThan(2000);
    const points = await r.page.evaluate((cid) => {
      const chart = (window as unknown as { Chart: { getChart(id: string): { data: { datasets: { data: unknown[] }[] } } | undefined } }).Chart.getChart(cid);
      return chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null).length, 0) : -1;
    }, id);
    expect(points, `chart ${id} has no data`).toBeGreaterThan(0);
  }
  return canvases;
}

const text = (page: Page, selector: string) => page.$eval(selector, (e) => (e.textContent ?? '').trim());
const rowIds = (page: Page) => page.$$eval('#items-body tr.item-row', (rows) => rows.map((r) => (r as HTMLElement).dataset.id!));

/**
 * Predictions in pred.py's layout for the built-in sample: right, wrong and half-right
 * answers, one hostile output, one empty output, and lsht/2 left out (the replay runner
 * records it as a failed item, no_prediction).
 */
function writePredictions(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const d of V1) {
    const records = readFileSync(join(SAMPLE, `${d}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { answers: string[]; all_classes: string[] | null; length: number });
    const lines = records.map((rec, k) => {
      let pred = k === 0 ? rec.answers[0]! : k === 1 ? 'I do not know.' : `${rec.answers[0]} and some more words`;
      if (d === 'narrativeqa' && k === 1) pred = HOSTILE;
      if (d === 'qasper' && k === 2) pred = '';
      return JSON.stringify({ pred, answers: rec.answers, all_classes: rec.all_classes, length: rec.length });
    });
    if (d === 'lsht') lines.pop();
    writeFileSync(join(dir, `${d}.jsonl`), lines.join('\n') + '\n');
  }
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cwd = tempDir('evalh-report-');
  env = cliEnv(join(cwd, 'data-home'));
  writePredictions(join(cwd, 'pred', 'model-a'));
  const launching = launchBrowser();
  await Promise.all([
    cli(['run', 'longbench', '--sample', '--runner', 'reference', '--name', 'ref', '--tag', 'step=1000', '--json']),
    cli(['run', 'longbench', '--sample', '--runner', 'replay', '--predictions', join(cwd, 'pred', 'model-a'), '--name', 'varied', '--tag', 'step=500', '--tag', `note=${HOSTILE}`, '--json']),
    cli(['run', 'longbench-e', '--sample', '--runner', 'reference', '--name', 'ref-e', '--json']),
    cli(['run', 'longbench-e', '--sample', '--runner', 'reference', '--datasets', 'qasper,trec,lcc', '--name', 'ref-e-part', '--tag', 'step=2', '--json']),
    cli(['import', 'longbench', join(cwd, 'pred', 'model-a'), '--name', 'imported', '--json']),
  ]);
  browser = await launching;
});

afterAll(async () => {
  await closeAll();
  await browser?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

describe('evalh report', () => {
  it('one LongBench run: official table with the right numbers, charts drawn, counts, drill-down, hostile output shown as text', async () => {
    const file = join(cwd, 'varied.html');
    const [showDoc, listDoc, outDoc] = await Promise.all([
      cli(['show', 'varied', '--json']),
      cli(['list', 'runs', '--json']),
      cli(['report', 'varied', '-o', file, '--json']),
    ]);
    const show = json<ShowDoc>(showDoc);
    const runs = json<{ runs: { run: string; fingerprint: string }[] }>(listDoc).runs;
    expect(json(outDoc)).toEqual({ report: file, runs: ['varied'] });
    const html = readFileSync(file, 'utf8');
    expect(html).not.toContain(HOSTILE); // only ever escaped
    expect(html).not.toMatch(/<(link|img|iframe)\b/i);
    expect(html).not.toMatch(/\bsrc=["']?https?:/i);

    const r = await open(file);
    const { page } = r;
    expect(await expectHealthyPage(r)).toEqual(['chart-categories', 'chart-datasets']);
    await page.screenshot({ path: join(ARTIFACTS, 'report-longbench.png'), fullPage: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-longbench-top.png') });

    // Header: labels, fingerprint, tags.
    expect(await text(page, '.labels')).toContain('sample, not the official benchmark');
    expect(await text(page, '#fingerprint')).toBe(runs.find((x) => x.run === 'varied')!.fingerprint);
    expect(await text(page, '#run')).toContain('step=500');
    expect(await text(page, '#run')).toContain(`note=${HOSTILE}`); // a hostile tag value is text too

    // The official layout: 21 dataset columns in LongBench's order, the numbers of `evalh show`.
    expect(await page.$$eval('#scores-official th.dscol', (ths) => ths.map((t) => t.textContent))).toEqual(V1);
    for (const d of V1) {
      expect(await text(page, `#scores-official td[data-run="0"][data-dataset="${d}"]`)).toBe(show.scores[d]!.toFixed(2));
    }
    expect(await text(page, '#scores-official td[data-dataset="overall"]')).toBe(show.overall.toFixed(2));
    expect(await text(page, '#headline-score')).toBe(show.overall.toFixed(2));
    for (const [c, v] of Object.entries(show.categories)) {
      expect(await text(page, `#scores-by-dataset tr[data-row="${c}"] td[data-run="0"]`)).toBe(v.toFixed(2));
    }
    expect(show.overall).toBeGreaterThan(0);
    expect(show.overall).toBeLessThan(100);

    // Errors, empty outputs.
    expect(await text(page, '#h-error')).toMatch(/1\s*no_prediction 1/);
    expect(await text(page, '#h-empty')).toContain('1');
    expect(await text(page, '#h-total')).toContain('63');

    // Lazy rows: one page of the 63 items is in the DOM.
    expect(await page.$$eval('#items-body tr.item-row', (rows) => rows.length)).toBe(50);
    expect(await text(page, '#items-status')).toContain('of 63');

    // Filter by dataset, open an item: the hostile output is text, nothing ran, nothing loaded.
    await page.selectOption('#f-dataset', 'narrativeqa');
    expect(await rowIds(page)).toEqual(['narrativeqa/0', 'narrativeqa/1', 'narrativeqa/2']);
    await page.click('#items-body tr.item-row[data-id="narrativeqa/1"]');
    const detail = page.locator('#items-body tr.item-detail');
    await detail.waitFor();
    expect(await detail.locator('pre.output').textContent()).toBe(HOSTILE);
    expect(await detail.locator('ol.answers').textContent()).toContain('kerosene');
    expect(await page.$$eval('img, iframe, object', (els) => els.length)).toBe(0);
    expect(await page.$eval('#items-body tr.item-row[data-id="narrativeqa/1"] td.out', (td) => td.textContent)).toBe(HOSTILE);
    await page.locator('#items').screenshot({ path: join(ARTIFACTS, 'report-longbench-detail.png') });
    await page.click('#items-body tr.item-row[data-id="narrativeqa/1"]'); // closes again
    expect(await page.$$eval('#items-body tr.item-detail', (x) => x.length)).toBe(0);
    await page.focus('#items-body tr.item-row[data-id="narrativeqa/2"]');
    await page.keyboard.press('Enter'); // keyboard too
    expect(await page.locator('#items-body tr.item-detail pre.output').textContent()).toBe('the Gray Island Historical Society and some more words');
    await page.keyboard.press('Enter');

    // Failed only: the one item the predictions left out, with its error.
    await page.selectOption('#f-dataset', '');
    await page.check('#f-failed');
    expect(await rowIds(page)).toEqual(['lsht/2']);
    await page.click('#items-body tr.item-row[data-id="lsht/2"]');
    expect(await text(page, '#items-body .errbox')).toContain('no_prediction');
    await page.uncheck('#f-failed');

    // Score < 1 and text search.
    await page.check('#f-below1');
    const below = await text(page, '#items-status');
    expect(below).toMatch(/of \d+ \(filtered from 63\)/);
    await page.uncheck('#f-below1');
    await page.fill('#f-search', 'onerror=ALERT');
    await page.waitForFunction(() => document.querySelectorAll('#items-body tr.item-row').length === 1);
    expect(await rowIds(page)).toEqual(['narrativeqa/1']);
    expect(r.problems).toEqual([]);
    expect(r.blocked).toEqual([]);
  });

  it('LongBench-E: dataset × length-bucket table with the right numbers, bucket charts drawn', async () => {
    const file = join(cwd, 'ref-e.html');
    const file2 = join(cwd, 'compare-e.html');
    const [showDoc] = await Promise.all([
      cli(['show', 'ref-e', '--json']),
      cli(['report', 'ref-e', '-o', file]),
      cli(['report', 'ref-e', 'ref-e-part', '-o', file2]),
    ]);
    const show = json<ShowEDoc>(showDoc);
    const r = await open(file);
    expect(await expectHealthyPage(r)).toEqual(['chart-buckets', 'chart-e-datasets']);
    await r.page.screenshot({ path: join(ARTIFACTS, 'report-longbench-e.png'), fullPage: true });
    const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(2));
    for (const [d, buckets] of Object.entries(show.scores)) {
      for (const [b, v] of Object.entries(buckets)) {
        expect(await text(r.page, `#scores-e td[data-run="0"][data-key="${d}"][data-bucket="${b}"]`)).toBe(fmt(v));
      }
    }
    for (const [b, v] of Object.entries(show.overall)) {
      expect(await text(r.page, `#scores-e td[data-run="0"][data-key="overall"][data-bucket="${b}"]`)).toBe(fmt(v));
    }
    // The length filter of the item table.
    await r.page.selectOption('#f-group', '8k+');
    const rows = await r.page.$$eval('#items-body tr.item-row td.grp', (tds) => tds.map((t) => t.textContent));
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows)).toEqual(new Set(['8k+']));

    // Two LongBench-E runs (the second on three datasets only): per-bucket comparison charts, no step line (one stepped run).
    const r2 = await open(file2);
    expect(await expectHealthyPage(r2)).toEqual(['chart-buckets', 'chart-e-datasets-0', 'chart-e-datasets-1', 'chart-e-datasets-2']);
    expect(await text(r2.page, '#scores-e tr[data-row="trec"] td[data-run="1"][data-bucket="0-4k"]')).toBe(fmt(show.scores.trec!['0-4k']!));
    expect(await text(r2.page, '#scores-e tr[data-row="gov_report"] td[data-run="1"][data-bucket="0-4k"]')).toBe('—');
    await r2.page.screenshot({ path: join(ARTIFACTS, 'report-compare-e.png'), fullPage: true });
  });

  it('several runs: side-by-side table with Δ, comparison charts, score-by-step line ordered by step, "changed" filter', async () => {
    const file = join(cwd, 'compare.html');
    const [refDoc, variedDoc] = await Promise.all([
      cli(['show', 'ref', '--json']),
      cli(['show', 'varied', '--json']),
      cli(['report', 'ref', 'varied', 'imported', '-o', file]),
    ]);
    const ref = json<ShowDoc>(refDoc);
    const varied = json<ShowDoc>(variedDoc);
    const r = await open(file);
    const { page } = r;
    expect(await expectHealthyPage(r)).toEqual(['chart-categories', 'chart-datasets', 'chart-steps']);
    await page.screenshot({ path: join(ARTIFACTS, 'report-compare.png'), fullPage: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-compare-top.png') });

    // Runs as rows of the official table, datasets × runs with Δ vs the first run.
    for (const d of ['narrativeqa', 'lsht', 'repobench-p']) {
      expect(await text(page, `#scores-official td[data-run="0"][data-dataset="${d}"]`)).toBe(ref.scores[d]!.toFixed(2));
      expect(await text(page, `#scores-official td[data-run="1"][data-dataset="${d}"]`)).toBe(varied.scores[d]!.toFixed(2));
    }
    const delta = varied.overall - ref.overall;
    expect(await text(page, '#scores-by-dataset tr[data-row="overall"] td[data-delta="1"]')).toBe(`${delta < 0 ? '−' : '+'}${Math.abs(delta).toFixed(2)}`);
    expect(await page.$eval('#scores-by-dataset tr[data-row="overall"] td[data-delta="1"]', (td) => td.className)).toContain('down');

    // The step line: varied (step 500) before ref (step 1000); `imported` has no step and is left out.
    const steps = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(id: string): { data: { datasets: { label: string; data: { x: number; y: number }[] }[] } } } }).Chart.getChart('chart-steps');
      return chart.data.datasets.map((d) => ({ label: d.label, xs: d.data.map((p) => p.x), ys: d.data.map((p) => p.y) }));
    });
    expect(steps[0]).toEqual({ label: 'Overall', xs: [500, 1000], ys: [varied.overall, ref.overall] });
    expect(await text(page, '#charts')).toContain('1 run(s) without a numeric step tag');
    expect(await text(page, '#runs-table')).toContain('imported');

    // "Changed between runs": exactly the items whose score differs between the runs.
    const scores = new Map<string, (number | null)[]>();
    for (const [i, run] of ['ref', 'varied', 'imported'].entries()) {
      for (const row of await itemScores(join(cwd, 'results.db'), run)) {
        const xs = scores.get(row.itemId) ?? [null, null, null];
        xs[i] = row.score;
        scores.set(row.itemId, xs);
      }
    }
    const differs = (a: number | null, b: number | null) => (a === null) !== (b === null) || (a !== null && b !== null && Math.abs(a - b) > 1e-9);
    const changed = [...scores].filter(([, xs]) => xs.slice(1).some((x) => differs(xs[0]!, x))).map(([id]) => id);
    expect(changed.length).toBeGreaterThan(5);
    expect(changed).toContain('lsht/2');
    await page.selectOption('#p-size', '200');
    await page.check('#f-changed');
    expect((await rowIds(page)).sort()).toEqual(changed.sort());
    await page.click('#items-body tr.item-row[data-id="narrativeqa/1"]');
    const cards = page.locator('#items-body tr.item-detail .run-card');
    expect(await cards.count()).toBe(3);
    expect(await cards.nth(0).locator('pre.output').textContent()).toBe('kerosene');
    expect(await cards.nth(1).locator('pre.output').textContent()).toBe(HOSTILE);
    await page.locator('#items').screenshot({ path: join(ARTIFACTS, 'report-compare-detail.png') });
    expect(r.problems).toEqual([]);
  });

  it('a 10,000-item run opens (load → table visible) in under 2 s; rows render a page at a time', async () => {
    const db = join(cwd, 'big.db');
    buildBigStore(db, 10_000);
    const file = join(cwd, 'big.html');
    await cli(['report', 'big', '--db', db, '-o', file]);
    const started = Date.now();
    const r = await open(file);
    const wall = Date.now() - started;
    const { page } = r;
    const timing = await page.evaluate(() => {
      const ready = performance.getEntriesByName('evalh:ready')[0]!.startTime;
      const table = performance.getEntriesByName('evalh:table-rendered')[0]!.startTime;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { ready, table, domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
    });
    console.log(
      `10,000-item report: ${(readFileSync(file).length / 1e6).toFixed(1)} MB; in-page table rendered at ${timing.table.toFixed(0)} ms, ` +
        `ready (charts drawn, first frame) at ${timing.ready.toFixed(0)} ms, load event ${timing.load.toFixed(0)} ms; wall time goto → ready ${wall} ms`,
    );
    expect(timing.ready).toBeLessThan(2000);
    expect(await page.isVisible('#items-table')).toBe(true);
    expect(await page.$$eval('#items-body tr', (rows) => rows.length)).toBe(50);
    expect(await text(page, '#items-status')).toBe('Items 1–50 of 10,000 · page 1 of 200');
    await expectHealthyPage(r);
    await page.click('#p-next');
    expect(await text(page, '#items-status')).toContain('Items 51–100 of 10,000');
    await page.selectOption('#f-dataset', 'qmsum');
    const status = await text(page, '#items-status');
    expect(status).toMatch(/of (\d{3}) \(filtered from 10,000\)/);
    await page.click('#p-last');
    expect(await page.$$eval('#items-body tr.item-row', (rows) => rows.every((x) => (x as HTMLElement).dataset.id!.startsWith('qmsum/')))).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'report-10k-top.png') });
  });

  it('refuses what it cannot report: no store (not created), unknown runs (named with the runs that exist), mixed suites', async () => {
    const missing = join(cwd, 'nothing-here.db');
    const [a, b, c, d] = await Promise.all([
      cli(['report', 'ref', '--db', missing], 2),
      cli(['report', 'ref', 'nope', '-o', join(cwd, 'x.html')], 2),
      cli(['report', 'ref', 'ref-e', '-o', join(cwd, 'x.html')], 2),
      cli(['report', 'ref']), // default output: report.html in the working directory
    ]);
    expect(a.stderr).toContain('no store');
    expect(existsSync(missing)).toBe(false);
    expect(b.stderr).toContain('"nope"');
    expect(b.stderr).toContain('varied');
    expect(existsSync(join(cwd, 'x.html'))).toBe(false);
    expect(c.stderr).toContain('different suites');
    expect(d.stdout).toContain(join(cwd, 'report.html'));
    expect(existsSync(join(cwd, 'report.html'))).toBe(true);
  });
});

async function itemScores(db: string, run: string): Promise<{ itemId: string; score: number | null }[]> {
  const store = Store.open(db);
  try {
    const found = store.findRun(run)!;
    return [...store.items(found.id)].map((it) => ({ itemId: it.itemId, score: it.status === 'done' ? (it.score ?? null) : null }));
  } finally {
    store.close();
  }
}

/** A 10,000-item LongBench run written straight through the Store API: varied scores, some failures, truncation. */
function buildBigStore(db: string, n: number): void {
  const store = Store.open(db);
  try {
    const run = store.createRun({
      name: 'big',
      suite: 'longbench',
      fingerprint: 'big0000000000000',
      settings: { suite: 'longbench', fingerprintParts: { suite: 'longbench', synthetic: true }, runner: { runner: 'test' }, source: { datasets: V1 }, labels: ['synthetic test data'] },
      evalhVersion: 'test',
      tags: { step: '42' },
    });
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const words = ['the', 'lighthouse', 'keeper', 'kerosene', 'island', 'museum', 'storm', 'harbour', 'Martha', 'Cole', 'society', 'ferry'];
    const rows: ItemRecord[] = [];
    for (let k = 0; k < n; k++) {
      const dataset = V1[k % V1.length]!;
      const seq = Math.floor(k / V1.length);
      const output = Array.from({ length: 20 + Math.floor(rnd() * 60) }, () => words[Math.floor(rnd() * words.length)]).join(' ');
      const failed = k % 97 === 13;
      rows.push({
        itemId: `${dataset}/${seq}`,
        dataset,
        seq,
        status: failed ? 'error' : 'done',
        target: { answers: [words[k % words.length]!], all_classes: null, length: 1000 + Math.floor(rnd() * 12000) },
        attempts: failed ? 6 : 1 + (k % 50 === 0 ? 1 : 0),
        latencyMs: 200 + rnd() * 3000,
        ...(failed
          ? { errorKind: 'timeout', error: 'request timed out after 600 s' }
          : { output, score: rnd() < 0.3 ? 1 : rnd() < 0.5 ? 0 : rnd(), promptTokens: 3000 + Math.floor(rnd() * 30000), completionTokens: 5 + Math.floor(rnd() * 100) }),
        ...(k % 7 === 0 ? { truncatedTokens: 1000 + k } : {}),
      });
    }
    store.recordItems(run.id, rows);
    store.finishRun(run.id, 'completed', null);
  } finally {
    store.close();
  }
}
