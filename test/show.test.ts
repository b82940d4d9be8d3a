import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../src/store.js';
import { ROOT, cliEnv, json, runCli, tempDir } from './helpers/cli.js';

// How results show through the built CLI: `evalh show` (text and --json), the text tables,
// what an import says it covers, `show --item`, and the "no run named" lists.

const JUDGMENTS = join(ROOT, 'test/fixtures/alignbench/judgment/sample-model.jsonl');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const cwd = tempDir('evalh-show-');
  dirs.push(cwd);
  const env = cliEnv(join(cwd, 'data-home'));
  const cli = (args: string[]) => runCli(args, { cwd, env });
  return { cwd, env, cli, db: join(cwd, 'results.db') };
}

/** One line on stderr, no stack trace, no Node warning. */
function oneCleanLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/internal error|\n\s+at |Warning|MaxListeners/);
  return lines[0]!;
}

type CoverageDoc = { unit: string; source: string; have: number; of: number | null; partial: boolean; parts: { name: string; have: number; of: number | null }[] };

describe('evalh show', () => {
  it('a suite that sends its prompts whole: the run\'s title first, then its counts and settings, and no long-context block (text or --json)', async () => {
    const { cli } = setup();
    expect((await cli(['import', 'alignbench', JUDGMENTS, '--name', 'ab'])).code).toBe(0);
    const show = await cli(['show', 'ab']);
    expect(show.code, show.stderr).toBe(0);
    const lines = show.stdout.split('\n');
    expect(lines[0]).toMatch(/^run ab \(alignbench, partial: 16 of 683 questions\)$/);
    expect(lines[1]).toMatch(/^items: 16 scored, 0 failed \(not scored\)$/);
    expect(lines.findIndex((l) => l.startsWith('fingerprint '))).toBeGreaterThan(1);
    expect(show.stdout).not.toMatch(/long context|--truncate|truncated prompts/);
    const doc = json<Record<string, unknown>>(await cli(['show', 'ab', '--json']));
    expect(doc).not.toHaveProperty('longContext');
  });

  it('LongBench (a suite that truncates): the title first, the long-context block after the settings, and a blank line between its two tables', async () => {
    const { cli } = setup();
    expect((await cli(['run', 'longbench', '--sample', '--runner', 'reference', '--datasets', 'trec,lcc', '--name', 'lb', '--json'])).code).toBe(0);
    const show = await cli(['show', 'lb']);
    expect(show.code, show.stderr).toBe(0);
    const lines = show.stdout.split('\n');
    expect(lines[0]).toMatch(/^run lb \(longbench, completed\) — sample, not the official benchmark/);
    const fp = lines.findIndex((l) => l.startsWith('fingerprint '));
    const lc = lines.findIndex((l) => l.startsWith('long context: --truncate middle'));
    expect(fp).toBeGreaterThan(0);
    expect(lc).toBeGreaterThan(fp);
    expect(show.stdout).toMatch(/truncated prompts: 0/);
    // The datasets table, one blank line, the category averages.
    expect(show.stdout).toMatch(/^Code\s+lcc\s+100\n\nCategory average \(evalh\)\s+Score$/m);
    const doc = json<{ longContext?: unknown }>(await cli(['show', 'lb', '--json']));
    expect(doc.longContext).toMatchObject({ policy: 'middle', truncated: 0 });
  });

  it('an import short of the full set is partial and says "16 of 683 questions" wherever the score shows: import, --json, show, list', async () => {
    const { cli, db } = setup();
    const imp = await cli(['import', 'alignbench', JUDGMENTS, '--name', 'ab']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout.split('\n')[0]).toBe('run ab (alignbench, partial: 16 of 683 questions)');
    expect(imp.stdout).toMatch(/^imported: 16 of 683 questions — partial: the scores cover only these$/m);

    const again = json<{ status: string; coverage: CoverageDoc }>(await cli(['import', 'alignbench', JUDGMENTS, '--name', 'ab', '--json']));
    const shown = json<{ status: string; coverage: CoverageDoc }>(await cli(['show', 'ab', '--json']));
    for (const doc of [again, shown]) {
      expect(doc.status).toBe('partial');
      expect(doc.coverage).toMatchObject({ unit: 'questions', have: 16, of: 683, partial: true, parts: [{ name: 'alignbench', have: 16, of: 683 }] });
    }
    const text = await cli(['show', 'ab']);
    expect(text.stdout).toMatch(/^imported: 16 of 683 questions — partial/m);
    const list = await cli(['list']);
    expect(list.stdout).toMatch(/^ab\s+alignbench\s+partial\s+16\s/m);
    const listed = json<{ runs: { run: string; status: string }[] }>(await cli(['list', '--json']));
    expect(listed.runs).toEqual([expect.objectContaining({ run: 'ab', status: 'partial' })]);
    // Status 'partial' is stored as such (the gate reads it from the store).
    const store = Store.openExisting(db);
    try {
      expect(store.findRun('ab')!.status).toBe('partial');
    } finally {
      store.close();
    }
  });

  it('an import of every item of the datasets it has is completed, and says so; a run --limit subset is a choice, completed, with no coverage', async () => {
    const { cwd, cli } = setup();
    // passage_count complete: 200 lines of the official 200.
    const dir = join(cwd, 'pred');
    mkdirSync(dir);
    writeFileSync(join(dir, 'passage_count.jsonl'), Array.from({ length: 200 }, (_, i) => JSON.stringify({ pred: String(i % 3), answers: ['1'], all_classes: null, length: 100 })).join('\n') + '\n');
    const imp = json<{ status: string; coverage: CoverageDoc }>(await cli(['import', 'longbench', dir, '--name', 'full', '--json']));
    expect(imp.status).toBe('completed');
    expect(imp.coverage).toMatchObject({ have: 200, of: 200, partial: false });
    expect((await cli(['show', 'full'])).stdout).toMatch(/^imported: 200 of 200 items$/m);

    const run = json<Record<string, unknown>>(await cli(['run', 'longbench', '--sample', '--runner', 'reference', '--datasets', 'trec', '--limit', '1', '--name', 'lim', '--json']));
    expect(run.status).toBe('completed');
    expect(run).not.toHaveProperty('coverage');
  });

  it('show --item prints one item whole (what a report cuts short); an unknown item is exit 2 with one line', async () => {
    const { cwd, cli, db } = setup();
    const dir = join(cwd, 'pred');
    mkdirSync(dir);
    const big = 'y'.repeat(3_000_000);
    writeFileSync(join(dir, 'trec.jsonl'), `${JSON.stringify({ pred: big, answers: ['Location'], all_classes: ['Location', 'Entity'], length: 10 })}\n`);
    expect((await cli(['import', 'longbench', dir, '--name', 'big', '--json'])).code).toBe(0);
    const item = await cli(['show', 'big', '--item', 'trec/0']);
    expect(item.code, item.stderr).toBe(0);
    expect(item.stdout.split('\n')[0]).toBe('item trec/0 of run big (trec, done, score 0)');
    expect(item.stdout).toContain(`--- output (3,000,000 characters)\n${big}\n`);
    const doc = json<{ run: string; item: { itemId: string; output: string } }>(await cli(['show', 'big', '--item', 'trec/0', '--json']));
    expect(doc.item.output).toBe(big);

    const before = statSync(db).mtimeMs;
    const missing = await cli(['show', 'big', '--item', 'trec/9']);
    expect(missing.code).toBe(2);
    expect(oneCleanLine(missing.stderr)).toBe('evalh: run "big" has no item "trec/9" (its item ids look like "trec/0")');
    expect(missing.stdout).toBe('');
    expect(statSync(db).mtimeMs).toBe(before);
  });

  it('a reader that stops early (show --item … | head) ends evalh quietly: no stack trace', async () => {
    const { cwd, cli } = setup();
    const dir = join(cwd, 'pred');
    mkdirSync(dir);
    writeFileSync(join(dir, 'trec.jsonl'), `${JSON.stringify({ pred: 'z'.repeat(4_000_000), answers: ['A'], all_classes: ['A'], length: 10 })}\n`);
    expect((await cli(['import', 'longbench', dir, '--name', 'big', '--json'])).code).toBe(0);
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(join(ROOT, 'dist/src/cli.js'))} show big --item trec/0 --db results.db | head -c 10 >/dev/null`], { cwd, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('"no run named X" lists the runs there are, and how many more', () => {
  it('show (10 most recent), report, compare and gate (20): "… and N more"; exit 2, one line, the store untouched', async () => {
    const { cwd, cli, db } = setup();
    const store = Store.open(db);
    try {
      for (let i = 1; i <= 23; i++) {
        const run = store.createRun({ name: `r${i}`, suite: 'longbench', fingerprint: 'f', settings: {}, evalhVersion: 'test', tags: {} });
        store.finishRun(run.id, 'completed', null);
      }
    } finally {
      store.close();
    }
    const bytes = readFileSync(db);
    const show = await cli(['show', 'nosuch']);
    expect(show.code).toBe(2);
    expect(oneCleanLine(show.stderr)).toBe(`evalh: no run named "nosuch" in ${db}; runs: r14, r15, r16, r17, r18, r19, r20, r21, r22, r23 … and 13 more (\`evalh list\` shows them all)`);
    const last20 = Array.from({ length: 20 }, (_, i) => `r${i + 4}`).join(', ');
    const report = await cli(['report', 'nosuch', '-o', join(cwd, 'x.html')]);
    expect(report.code).toBe(2);
    expect(oneCleanLine(report.stderr)).toBe(`evalh: no run named "nosuch" in ${db}; runs: ${last20} … and 3 more (\`evalh list\` shows them all)`);
    const compare = await cli(['compare', 'nosuch', 'r1']);
    expect(compare.code).toBe(2);
    expect(oneCleanLine(compare.stderr)).toBe(`evalh: no run named "nosuch"; runs: ${last20} … and 3 more (\`evalh list\` shows them all)`);
    const gate = await cli(['gate', '--baseline', 'nosuch', '--candidate', 'r1']);
    expect(gate.code).toBe(2);
    expect(oneCleanLine(gate.stderr)).toMatch(new RegExp(`^evalh: baseline "nosuch" is neither a run nor a tag of another longbench run; runs: ${last20} … and 3 more \\(\`evalh list\` shows them all\\); tags: \\(none\\)$`));
    expect(readFileSync(db).equals(bytes)).toBe(true);
    expect(statSync(join(cwd, 'x.html'), { throwIfNoEntry: false })).toBeUndefined();
  });
});

describe('how an import knows the full set', () => {
  it('LongBench v2: the official 503 questions', async () => {
    const { cli } = setup();
    const imp = await cli(['import', 'longbench-v2', join(ROOT, 'test/fixtures/longbench-v2/results.jsonl'), '--name', 'v2']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout.split('\n')[0]).toBe('run v2 (longbench-v2, partial: 80 of 503 questions)');
  });

  it('LongBench-E: counted in the registered data (here the built-in sample registered as data), else said not known', async () => {
    const { cwd, cli } = setup();
    const pred = join(cwd, 'pred_e');
    mkdirSync(pred);
    const line = JSON.stringify({ pred: 'x', answers: ['x'], all_classes: null, length: 100 });
    writeFileSync(join(pred, 'qasper.jsonl'), `${line}\n${line}\n`);
    const unknown = json<{ status: string; coverage: CoverageDoc }>(await cli(['import', 'longbench-e', pred, '--name', 'e0', '--json']));
    expect(unknown.status).toBe('completed');
    expect(unknown.coverage).toMatchObject({ have: 2, of: null, partial: false });
    expect((await cli(['show', 'e0'])).stdout).toMatch(/^imported: 2 items \(full size not known\) — the full size of a LongBench-E dataset is known only from its data: register it with `evalh data add longbench <data\.zip>` to check$/m);

    expect((await cli(['data', 'add', 'longbench', join(ROOT, 'benchmarks/longbench/sample')])).code).toBe(0);
    const known = json<{ status: string; coverage: CoverageDoc }>(await cli(['import', 'longbench-e', pred, '--name', 'e1', '--json']));
    expect(known.status).toBe('partial');
    expect(known.coverage).toMatchObject({ have: 2, of: 3, partial: true, parts: [{ name: 'qasper', have: 2, of: 3 }] });
    expect(known.coverage.source).toMatch(/^the registered data \(/);
  });
});
