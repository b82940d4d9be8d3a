import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, OVERALL } from '../benchmarks/alignbench/categories.js';
import { pyRound } from '../src/metrics/pyround.js';
import { canvasInk, launchBrowser, reportSession, type OpenedReport } from './helpers/browser.js';
import { ROOT, cliEnv, json, tempDir } from './helpers/cli.js';
import { startSimServer, type SimRequest, type SimServer } from './helpers/sim-server.js';
import { DOUBLE_QUOTED, SAMPLE, simAnswer, simJudge } from './fixtures/alignbench/sims.js';

// evalh report for AlignBench, end to end: real runs of the built CLI against a simulated
// model and two simulated judges (test/fixtures/alignbench/sims.ts), the report opened from
// disk in a real headless Chromium. Run A: judge-a, which keeps failing for one question
// (the answer is kept, the item not scored) and echoes hostile markup into one judgment.
// Run B: `evalh rejudge` of A by judge-b, which writes double-quoted dicts for the writing
// questions (unparseable: 4 of 24, above the 5% warning). Screenshots go to test-artifacts/.

const ARTIFACTS = join(ROOT, 'test-artifacts');
const HOSTILE = '<img src=x onerror=alert(1)></script>';
const HOSTILE_Q = '秦始皇'; // the model puts HOSTILE in front of its answer; judge-a appends it to its judgment
const JUDGE_FAILS = '高原'; // judge-a answers 500 for this question, always
const WRITING = '本题的回答类型为文本写作'; // judge-b writes a double-quoted dict for the writing questions

type ShowDoc = {
  run: string;
  scores: Record<string, number>;
  excludingUnparseable: Record<string, number>;
  unparseable: { count: number; total: number; share: number; byCategory: Record<string, number> };
  dimensions: Record<string, { mean: number; n: number }> | null;
  warning?: string;
  items: { done: number; error: number };
};
type RadarChart = {
  config: { type: string };
  data: { labels: string[][]; datasets: { label: string; data: (number | null)[] }[] };
  options: { scales: { r: { min: number; max: number } } };
};

const idOf = (needle: string) => {
  const rec = SAMPLE.find((r) => r.question.includes(needle))!;
  return `${rec.category}/${rec.question_id}`;
};
const FAILED_ID = idOf(JUDGE_FAILS);
const HOSTILE_ID = idOf(HOSTILE_Q);
const UNPARSEABLE_ID = idOf(DOUBLE_QUOTED);
const WRITING_IDS = SAMPLE.filter((r) => r.category === '文本写作').map((r) => `${r.category}/${r.question_id}`);
const KEYS = [...CATEGORIES.map((c) => c.name), '中文推理', '中文语言', OVERALL];
/** Two decimals as `evalh show` prints them; a mean with no judgments at all as a dash. */
const fmt = (x: number | undefined) => (x === undefined ? '—' : pyRound(x, 2).toFixed(2));
const fmtDelta = (x: number) => {
  const r = Math.round(x * 100) / 100;
  return r === 0 ? '±0.00' : `${r > 0 ? '+' : '−'}${Math.abs(r).toFixed(2)}`;
};

let browser: Browser;
let model: SimServer;
let judgeA: SimServer;
let judgeB: SimServer;
let cwd: string;
let env: NodeJS.ProcessEnv;
const { cli, open, closeAll } = reportSession(() => ({ browser, cwd, env }));

/** Nothing but the file itself was requested, nothing went wrong, both charts have ink and data. */
async function expectHealthyPage(r: OpenedReport): Promise<void> {
  expect(r.problems).toEqual([]);
  expect(r.blocked).toEqual([]);
  expect(r.requests.length).toBeGreaterThan(0);
  for (const url of r.requests) expect(url.startsWith('file://')).toBe(true);
  expect(await r.page.$$eval('canvas', (cs) => cs.map((c) => c.id))).toEqual(['chart-radar', 'chart-distribution']);
  for (const id of ['chart-radar', 'chart-distribution']) expect(await canvasInk(r.page, `#${id}`), `chart ${id} is blank`).toBeGreaterThan(2000);
}

function radar(page: Page): Promise<{ type: string; labels: string[][]; data: (number | null)[][]; series: string[]; min: number; max: number }> {
  return page.evaluate(() => {
    const c = (window as unknown as { Chart: { getChart(id: string): RadarChart } }).Chart.getChart('chart-radar');
    return {
      type: c.config.type,
      labels: c.data.labels,
      data: c.data.datasets.map((d) => d.data),
      series: c.data.datasets.map((d) => d.label),
      min: c.options.scales.r.min,
      max: c.options.scales.r.max,
    };
  });
}

const text = (page: Page, selector: string) => page.$eval(selector, (e) => (e.textContent ?? '').trim());
const rowIds = (page: Page) => page.$$eval('#items-body tr.item-row', (rows) => rows.map((r) => (r as HTMLElement).dataset.id!));
/** Types into the (debounced) search box and waits for exactly these rows. */
async function search(page: Page, q: string, ids: string[]): Promise<void> {
  await page.fill('#f-search', q);
  await page.waitForFunction(
    (want) => [...document.querySelectorAll('#items-body tr.item-row')].map((r) => (r as HTMLElement).dataset.id).join('\n') === want.join('\n'),
    ids,
  );
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cwd = tempDir('evalh-report-alignbench-');
  env = cliEnv(join(cwd, 'data-home'), { EVALH_BACKOFF_BASE_MS: '2' });
  const launching = launchBrowser();
  model = await startSimServer({ respond: (req: SimRequest) => (req.prompt.includes(HOSTILE_Q) ? HOSTILE : '') + simAnswer(req) });
  judgeA = await startSimServer({
    respond: (req: SimRequest) => simJudge(req) + (req.prompt.includes(HOSTILE) ? `\n${HOSTILE}` : ''),
    faults: (req: SimRequest) => (req.prompt.includes(JUDGE_FAILS) ? { kind: 'status', status: 500 } : undefined),
  });
  judgeB = await startSimServer({ respond: (req: SimRequest) => (req.prompt.includes(WRITING) ? simJudge(req).replace(/'/g, '"') : simJudge(req)) });
  await cli([
    'run', 'alignbench', '--sample', '--endpoint', model.url, '--model', 'm', '--judge-endpoint', judgeA.url, '--judge-model', 'judge-a',
    '--error-budget', '0.5', '--name', 'ab-a', '--json',
  ]);
  await cli(['rejudge', 'ab-a', '--judge-endpoint', judgeB.url, '--judge-model', 'judge-b', '--name', 'ab-b', '--json']);
  browser = await launching;
}, 60_000);

afterAll(async () => {
  await closeAll();
  await browser?.close();
  await Promise.all([model?.close(), judgeA?.close(), judgeB?.close()]);
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

describe('evalh report for AlignBench', () => {
  it('one run: the official table, the unparseable count and the excluded scores as `evalh show` has them, the radar, the judge notes, items with their judgments', async () => {
    const file = join(cwd, 'ab-a.html');
    const [showDoc, out] = await Promise.all([cli(['show', 'ab-a', '--json']), cli(['report', 'ab-a', '-o', file, '--json'])]);
    const show = json<ShowDoc>(showDoc);
    expect(json(out)).toEqual({ report: file, runs: ['ab-a'] });
    expect(show.items).toMatchObject({ done: 23, error: 1 });
    expect(show.unparseable).toMatchObject({ count: 1, total: 23 });
    const html = readFileSync(file, 'utf8');
    expect(html).not.toContain(HOSTILE); // only ever escaped
    expect(html).not.toMatch(/<(link|img|iframe)\b/i);

    const r = await open(file);
    const { page } = r;
    await expectHealthyPage(r);
    await page.screenshot({ path: join(ARTIFACTS, 'report-alignbench.png'), fullPage: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-alignbench-top.png') });

    // The official layout: the eight categories (English names too), then 中文推理, 中文语言, 总分.
    const heads = await page.$$eval('#scores-official th.abcol', (ths) => ths.map((t) => [t.querySelector('.zh')!.textContent, t.querySelector('.en')!.textContent]));
    expect(heads).toEqual([...CATEGORIES.map((c) => [c.name, c.english]), ['中文推理', 'Reasoning'], ['中文语言', 'Language'], [OVERALL, 'Overall']]);
    for (const k of KEYS) {
      expect(await text(page, `#scores-official td[data-run="0"][data-key="${k}"]`), k).toBe(fmt(show.scores[k]!));
      expect(await text(page, `#scores-by-category td[data-run="0"][data-key="${k}"][data-col="score"]`), k).toBe(fmt(show.scores[k]!));
      expect(await text(page, `#scores-by-category td[data-run="0"][data-key="${k}"][data-col="excl"]`), k).toBe(fmt(show.excludingUnparseable[k]!));
    }
    expect(await text(page, '#headline-score')).toBe(fmt(show.scores[OVERALL]!));
    // The unparseable count, per category and in all; excluded scores differ where it matters.
    expect(await text(page, '#unparseable-count')).toBe(String(show.unparseable.count));
    expect(await text(page, '#unparseable-tile')).toContain('of 23 (4.3%)');
    for (const [c, n] of Object.entries(show.unparseable.byCategory)) {
      expect(await text(page, `#scores-by-category td[data-run="0"][data-key="${c}"][data-col="unparseable"]`)).toBe(String(n));
    }
    expect(await text(page, `#scores-by-category td[data-run="0"][data-key="${OVERALL}"][data-col="unparseable"]`)).toBe('1');
    expect(show.excludingUnparseable['数学计算']).toBeGreaterThan(show.scores['数学计算']!);
    // 1 of 23 is under 5%: no warning; the judge failure is reported.
    expect(await page.$$('.ab-alert[role="alert"]')).toHaveLength(0);
    expect(await text(page, '[data-judge-failed="0"]')).toContain('1 item(s) not scored because the judge kept failing');
    // Judge and judge prompt (the run's own label).
    expect(await text(page, '#judge-notes')).toContain('judge-a');
    expect(await text(page, '#judge-prompt-note')).toContain("evalh's own Chinese wording of the official structure, not judge.py's text");
    // dimension_calculate.py's means.
    expect(show.dimensions).not.toBeNull();
    for (const [d, m] of Object.entries(show.dimensions!)) expect(await text(page, `#dimension-means td[data-run="0"][data-key="${d}"]`)).toBe(fmt(m.mean));

    // The radar: the eight categories, one run, 0–10.
    const rad = await radar(page);
    expect(rad.type).toBe('radar');
    expect([rad.min, rad.max]).toEqual([0, 10]);
    expect(rad.labels.map((l) => l[0])).toEqual(CATEGORIES.map((c) => c.name));
    expect(rad.data).toEqual([CATEGORIES.map((c) => show.scores[c.name])]);

    // Items: 24 rows; scores on the judge's scale, −1 as "unparseable", the failed one as failed.
    expect(await rowIds(page)).toHaveLength(24);
    expect(await text(page, `#items-body tr.item-row[data-id="${UNPARSEABLE_ID}"] td.num`)).toBe('unparseable');
    expect(await text(page, `#items-body tr.item-row[data-id="${FAILED_ID}"] td.num`)).toBe('failed');

    // The hostile answer and judgment: text, nothing ran, nothing loaded.
    await page.selectOption('#f-dataset', HOSTILE_ID.split('/')[0]!);
    expect(await rowIds(page)).toContain(HOSTILE_ID);
    expect(await page.$eval(`#items-body tr.item-row[data-id="${HOSTILE_ID}"] td.out`, (td) => td.textContent)).toMatch(/^<img src=x onerror=alert\(1\)><\/script>模拟回答/);
    await page.click(`#items-body tr.item-row[data-id="${HOSTILE_ID}"]`);
    const detail = page.locator('#items-body tr.item-detail');
    await detail.waitFor();
    const hostileQ = SAMPLE.find((x) => x.question.includes(HOSTILE_Q))!;
    expect(await detail.locator('pre.question').textContent()).toBe(hostileQ.question);
    expect(await detail.locator('pre.reference').textContent()).toBe(hostileQ.reference);
    expect(await detail.locator('pre.output').textContent()).toBe(HOSTILE + simAnswer({ prompt: hostileQ.question } as SimRequest));
    const judgment = detail.locator('details.ab-judgment');
    expect(await judgment.getAttribute('open')).toBeNull(); // collapsed when it parsed
    expect(await judgment.locator('pre.judgment').textContent()).toContain(`'综合得分': `);
    expect(await judgment.locator('pre.judgment').textContent()).toContain(HOSTILE);
    await judgment.locator('summary').click();
    expect(await judgment.getAttribute('open')).not.toBeNull();
    expect(await detail.locator('.ab-cache').textContent()).toBe('judged in this run');
    expect(await detail.locator('table.ab-dims tr[data-dim="综合得分"] td').textContent()).toMatch(/^\d+$/);
    expect(await detail.locator('table.ab-dims tr[data-dim="清晰度"] td').textContent()).toBe('not rated'); // in the set, not in the judgment
    expect(await page.$$eval('img, iframe, object', (els) => els.length)).toBe(0);
    await page.locator('#items').screenshot({ path: join(ARTIFACTS, 'report-alignbench-detail.png') });
    await page.click(`#items-body tr.item-row[data-id="${HOSTILE_ID}"]`);

    // Failed only: the judge kept failing, the answer is kept and shown with the error.
    await page.selectOption('#f-dataset', '');
    await page.check('#f-failed');
    expect(await rowIds(page)).toEqual([FAILED_ID]);
    await page.click(`#items-body tr.item-row[data-id="${FAILED_ID}"]`);
    expect(await text(page, '#items-body .errbox')).toContain('scoring_http_500');
    expect(await text(page, '#items-body .errbox')).toContain('The judge kept failing');
    expect(await text(page, '#items-body tr.item-detail pre.output')).toMatch(/^模拟回答（质量\d+）/);
    await page.uncheck('#f-failed');

    // Unparseable only: the double-quoted dict, its judgment open, shown as −1.
    await page.check('#f-unparseable');
    expect(await rowIds(page)).toEqual([UNPARSEABLE_ID]);
    await page.click(`#items-body tr.item-row[data-id="${UNPARSEABLE_ID}"]`);
    expect(await page.locator('#items-body details.ab-judgment').getAttribute('open')).not.toBeNull();
    expect(await text(page, '#items-body pre.judgment')).toContain('"综合得分"');
    expect(await text(page, '#items-body .ab-overall')).toContain('unparseable');
    await page.uncheck('#f-unparseable');

    // Search reaches the question, the judgment and the answer.
    await search(page, 'onerror=ALERT', [HOSTILE_ID]); // the answer (and the judgment)
    await search(page, '"综合得分"', [UNPARSEABLE_ID]); // only in the double-quoted judgment
    await search(page, SAMPLE.find((x) => x.question.includes(JUDGE_FAILS))!.question.slice(0, 12), [FAILED_ID]); // the question
    expect(r.problems).toEqual([]);
    expect(r.blocked).toEqual([]);
  });

  it('two runs (A, and A rejudged by another judge): side by side with Δ, both radars overlaid, the >5% unparseable warning for B only', async () => {
    const file = join(cwd, 'ab-compare.html');
    const [aDoc, bDoc] = await Promise.all([cli(['show', 'ab-a', '--json']), cli(['show', 'ab-b', '--json']), cli(['report', 'ab-a', 'ab-b', '-o', file])]);
    const a = json<ShowDoc>(aDoc);
    const b = json<ShowDoc>(bDoc);
    expect(b.items).toMatchObject({ done: 24, error: 0 }); // the kept answer was judged this time
    expect(b.unparseable).toMatchObject({ count: 1 + WRITING_IDS.length, total: 24 });
    expect(b.warning).toBeDefined();
    expect(b.excludingUnparseable['文本写作']).toBeUndefined(); // every writing judgment unparseable: no mean without them
    expect(readFileSync(file, 'utf8')).not.toContain(HOSTILE);

    const r = await open(file);
    const { page } = r;
    await expectHealthyPage(r);
    await page.screenshot({ path: join(ARTIFACTS, 'report-alignbench-compare.png'), fullPage: true });

    for (const k of KEYS) {
      expect(await text(page, `#scores-official td[data-run="0"][data-key="${k}"]`), k).toBe(fmt(a.scores[k]!));
      expect(await text(page, `#scores-official td[data-run="1"][data-key="${k}"]`), k).toBe(fmt(b.scores[k]!));
      expect(await text(page, `#scores-official td[data-delta="1"][data-key="${k}"]`), k).toBe(fmtDelta(b.scores[k]! - a.scores[k]!));
      expect(await text(page, `#scores-by-category td[data-run="1"][data-key="${k}"][data-col="excl"]`), k).toBe(fmt(b.excludingUnparseable[k]!));
    }
    expect(await text(page, `#scores-by-category td[data-run="1"][data-key="文本写作"][data-col="unparseable"]`)).toBe(String(WRITING_IDS.length));
    expect(await text(page, `#scores-by-category td[data-run="1"][data-key="${OVERALL}"][data-col="unparseable"]`)).toBe(String(b.unparseable.count));
    expect(await page.$eval(`#scores-by-category td[data-delta="1"][data-key="${OVERALL}"]`, (td) => td.className)).toContain('down');

    // The warning: B only (16.7%), not A (4.3%).
    const alerts = await page.$$eval('.ab-alert[role="alert"]', (els) => els.map((e) => [(e as HTMLElement).dataset.run, e.textContent ?? '']));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]![0]).toBe('1');
    expect(alerts[0]![1]).toContain(`${b.unparseable.count} of 24 judgments (16.7%) could not be parsed`);
    expect(await text(page, '#judge-notes')).toMatch(/A: judge-a.*B: judge-b/);

    // Both runs on one radar.
    const rad = await radar(page);
    expect(rad.series).toEqual(['A · ab-a', 'B · ab-b']);
    expect(rad.data).toEqual([CATEGORIES.map((c) => a.scores[c.name]), CATEGORIES.map((c) => b.scores[c.name])]);

    // Unparseable only: the union over both runs; a writing item shows both judgments.
    await page.check('#f-unparseable');
    expect((await rowIds(page)).sort()).toEqual([UNPARSEABLE_ID, ...WRITING_IDS].sort());
    const writing = WRITING_IDS[0]!;
    await page.click(`#items-body tr.item-row[data-id="${writing}"]`);
    const cards = page.locator('#items-body tr.item-detail .run-card');
    expect(await cards.count()).toBe(2);
    expect(await cards.nth(0).locator('.ab-overall').textContent()).toMatch(/\d+\s*\/ 10/);
    expect(await cards.nth(0).locator('details.ab-judgment').getAttribute('open')).toBeNull();
    expect(await cards.nth(1).locator('.ab-overall').textContent()).toContain('unparseable');
    expect(await cards.nth(1).locator('pre.judgment').textContent()).toContain('{"事实正确性": ');
    expect(await cards.nth(0).locator('pre.output').textContent()).toBe(await cards.nth(1).locator('pre.output').textContent()); // the same answer, rejudged
    await page.locator('#items').screenshot({ path: join(ARTIFACTS, 'report-alignbench-compare-detail.png') });
    await page.uncheck('#f-unparseable');

    // "Changed between runs": judge-b gives one less (never below 1), so most items change.
    await page.check('#f-changed');
    const changed = await rowIds(page);
    expect(changed).toContain(FAILED_ID); // failed in A, scored in B
    expect(changed.length).toBeGreaterThan(10);
    expect(r.problems).toEqual([]);
    expect(r.blocked).toEqual([]);
  });
});
