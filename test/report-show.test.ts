import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capTexts, MAX_FIELD_CHARS } from '../reports/collect.js';
import { launchBrowser, reportSession } from './helpers/browser.js';
import { ROOT, cliEnv, json, tempDir } from './helpers/cli.js';

// What the report shows about a run beyond its scores, in a real headless Chromium: a partial
// import says so above everything, the truncation part of "Errors & truncation" only for
// suites that truncate, and a huge text is cut (the item says so and where the whole is).

const ARTIFACTS = join(ROOT, 'test-artifacts');
const JUDGMENTS = join(ROOT, 'test/fixtures/alignbench/judgment/sample-model.jsonl');
const HUGE = 5_000_000;

let browser: Browser;
let cwd: string;
let env: NodeJS.ProcessEnv;
const { cli, open, closeAll } = reportSession(() => ({ browser, cwd, env }));
const text = (page: Page, selector: string) => page.$eval(selector, (e) => (e.textContent ?? '').trim());

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cwd = tempDir('evalh-report-show-');
  env = cliEnv(join(cwd, 'data-home'));
  const pred = join(cwd, 'pred');
  mkdirSync(pred);
  writeFileSync(
    join(pred, 'trec.jsonl'),
    [
      { pred: 'x'.repeat(HUGE), answers: ['Location'], all_classes: ['Location', 'Entity'], length: 10 },
      { pred: 'Entity', answers: ['Entity'], all_classes: ['Location', 'Entity'], length: 10 },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  const launching = launchBrowser();
  await Promise.all([
    cli(['import', 'alignbench', JUDGMENTS, '--name', 'ab-a', '--json']),
    cli(['import', 'alignbench', JUDGMENTS, '--name', 'ab-b', '--json']),
    cli(['import', 'longbench', pred, '--name', 'huge', '--json']),
    cli(['run', 'longbench', '--sample', '--runner', 'reference', '--datasets', 'trec', '--name', 'lb', '--json']),
  ]);
  browser = await launching;
});

afterAll(async () => {
  await closeAll();
  await browser?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

describe('evalh report: partial imports, errors without truncation, texts cut short', () => {
  it('a partial import says "16 of 683 questions" above the scores and in the run facts; a suite that sends prompts whole has an Errors section with no truncation', async () => {
    const file = join(cwd, 'ab.html');
    await cli(['report', 'ab-a', '-o', file]);
    const { page, problems, blocked } = await open(file);
    expect(problems).toEqual([]);
    expect(blocked).toEqual([]);
    expect(await text(page, '[data-partial="0"]')).toBe('Partial import: 16 of 683 questions — the scores cover only these.');
    expect(await text(page, '#run .badge')).toBe('partial');
    expect(await text(page, '#coverage')).toMatch(/^16 of 683 questions · full sizes: AlignBench's 683 questions$/);
    expect(await text(page, '#health h2')).toBe('Errors');
    expect(await text(page, 'nav.toc a[href="#health"]')).toBe('Errors');
    expect(await page.$('#h-error')).not.toBeNull();
    for (const gone of ['#h-truncated', '#h-toolong', '#h-context-limit', '#h-budget']) expect(await page.$(gone), gone).toBeNull();
    await page.locator('header.top').screenshot({ path: join(ARTIFACTS, 'report-partial-import.png') });
  });

  it('several runs of such a suite: the health table has no truncation columns; a LongBench run keeps them', async () => {
    const file = join(cwd, 'ab2.html');
    await cli(['report', 'ab-a', 'ab-b', '-o', file]);
    const two = await open(file);
    expect(two.problems).toEqual([]);
    const heads = await two.page.$$eval('#health-table thead th', (ths) => ths.map((t) => (t.textContent ?? '').trim()));
    expect(heads).toContain('Failures by kind');
    expect(heads.filter((h) => /Truncated|Too long|Context-limit|Budget/.test(h))).toEqual([]);
    expect(await two.page.$$eval('[data-partial]', (els) => els.length)).toBe(2);

    const lb = join(cwd, 'lb.html');
    await cli(['report', 'lb', '-o', lb]);
    const one = await open(lb);
    expect(one.problems).toEqual([]);
    expect(await text(one.page, '#health h2')).toBe('Errors & truncation');
    expect(await text(one.page, '#h-truncated .tile-value')).toBe('0');
    expect(await text(one.page, '#h-budget')).toContain('--truncate middle');
    expect(await one.page.$('[data-partial]')).toBeNull();
  });

  it('a 5 MB prediction is cut to 64 Ki characters in the report; the item says so and prints the command that shows it whole', async () => {
    const file = join(cwd, 'huge.html');
    await cli(['report', 'huge', '-o', file]);
    expect(statSync(file).size).toBeLessThan(1_000_000);
    const { page, problems, blocked } = await open(file);
    expect(problems).toEqual([]);
    expect(blocked).toEqual([]);
    // The one-line preview in the table is short either way; the cut shows in the item.
    await page.click('#items-body tr.item-row[data-id="trec/0"]');
    const note = '#items-body tr.item-detail .cut-note';
    await page.waitForSelector(note);
    expect(await text(page, note)).toBe(
      `Cut in this report: output (first 65,536 of ${HUGE.toLocaleString('en-US')} characters). The whole item is in the store results.db; print it with:evalh show huge --item trec/0 --db results.db`,
    );
    expect(await page.$eval('#items-body tr.item-detail pre.output', (e) => (e.textContent ?? '').length)).toBe(MAX_FIELD_CHARS);
    await page.locator('#items-body tr.item-detail').screenshot({ path: join(ARTIFACTS, 'report-cut-output.png') });
    // The other item is whole, with no notice.
    await page.click('#items-body tr.item-row[data-id="trec/1"]');
    expect(await page.$$eval('#items-body .cut-note', (els) => els.length)).toBe(1);

    // The command the report gives prints the whole output.
    const whole = json<{ item: { output: string } }>(await cli(['show', 'huge', '--item', 'trec/0', '--db', 'results.db', '--json']));
    expect(whole.item.output.length).toBe(HUGE);
  });

  it('every text of an item is capped, however deep (transcript turns, logs), without splitting a character', () => {
    const long = 'a'.repeat(MAX_FIELD_CHARS - 1) + '😀' + 'b'.repeat(10);
    const r: Record<string, unknown> = {
      o: 'short',
      x: { log: 'l'.repeat(MAX_FIELD_CHARS + 5), turns: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: long }], n: 3 },
    };
    const cuts = capTexts(r, ['o', 'e', 'x']);
    expect(cuts).toEqual([
      { f: 'x.log', n: MAX_FIELD_CHARS + 5 },
      { f: 'x.turns.1.content', n: long.length },
    ]);
    const x = r.x as { log: string; turns: { content: string }[]; n: number };
    expect(x.log).toHaveLength(MAX_FIELD_CHARS);
    expect(x.turns[1]!.content).toBe('a'.repeat(MAX_FIELD_CHARS - 1)); // the emoji's high surrogate is not left dangling
    expect(x.turns[0]!.content).toBe('hi');
    expect(r.o).toBe('short');
    expect(x.n).toBe(3);
  });
});
