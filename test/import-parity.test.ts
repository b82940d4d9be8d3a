import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// `evalh import longbench[-e]` against the official eval.py on the same prediction files.
// The reference result.json / result_e.json were written by scripts/official-eval.py (the
// official eval.py re-typed over the faithful metrics of scripts/gen-metric-fixtures.py);
// test/fixtures/longbench-pred/README.md has the commands. The test drives the built CLI.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = resolve(ROOT, 'dist/src/cli.js');
const FIX = resolve(ROOT, 'test/fixtures/longbench-pred');
const PRED = join(FIX, 'pred', 'model-a');
const PRED_E = join(FIX, 'pred_e', 'model-a');

type Scores = Record<string, number | null | Record<string, number | null>>;
interface Doc {
  run: string;
  suite: string;
  status: string;
  scores: Scores;
  items: { done: number; error: number };
  coverage?: { unit: string; have: number; of: number | null; partial: boolean; parts: { name: string; have: number; of: number | null }[] };
}

/** eval.py's result.json: Python's json.dump writes an empty bucket's NaN as a bare NaN. */
function officialResult(file: string): Scores {
  const text = readFileSync(join(FIX, file), 'utf8');
  return JSON.parse(text.replace(/\bNaN\b/g, 'null')) as Scores;
}

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function sandbox(): { cwd: string; env: NodeJS.ProcessEnv; db: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'evalh-parity-'));
  temps.push(cwd);
  const env: NodeJS.ProcessEnv = { ...process.env, EVALH_DATA: join(cwd, 'data-home') };
  delete env.EVALH_API_KEY;
  delete env.OPENAI_API_KEY;
  return { cwd, env, db: join(cwd, 'results.db') };
}

function evalh(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

async function evalhJson(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Doc> {
  const r = await evalh(args, opts);
  expect(r.code, r.stderr).toBe(0);
  try {
    return JSON.parse(r.stdout) as Doc;
  } catch {
    throw new Error(`evalh ${args.join(' ')}: stdout is not one JSON document:\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
}

const lines = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('jsonl'))
    .reduce((n, f) => n + readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.length > 0).length, 0);

describe('evalh import = official LongBench eval.py (test/fixtures/longbench-pred)', () => {
  it('the fixtures and the CLI are there', () => {
    expect(existsSync(CLI), `${CLI} missing: run \`npm run build\` first`).toBe(true);
    expect(Object.keys(officialResult('result.json'))).toHaveLength(21);
    expect(Object.keys(officialResult('result_e.json'))).toHaveLength(13);
  });

  it('LongBench: import longbench <pred/model-a> gives result.json exactly, and show reads the same back', async () => {
    const box = sandbox();
    const expected = officialResult('result.json');
    const doc = await evalhJson(['import', 'longbench', PRED, '--db', box.db, '--json'], box);
    expect(doc.suite).toBe('longbench');
    // The fixture has a few predictions per dataset, not the 200 (150, 500) of the official
    // data: the import is partial, and says of what (it said "completed" before issue 12).
    expect(doc.status).toBe('partial');
    expect(doc.coverage).toMatchObject({ unit: 'items', have: lines(PRED), of: 21 * 200 - 50 + 2 * 300, partial: true });
    expect(doc.coverage!.parts.find((p) => p.name === 'multifieldqa_en')!.of).toBe(150);
    expect(doc.coverage!.parts.find((p) => p.name === 'lcc')!.of).toBe(500);
    expect(doc.items).toEqual({ done: lines(PRED), error: 0 });
    expect(doc.scores).toStrictEqual(expected);

    expect(existsSync(box.db)).toBe(true);
    const shown = await evalhJson(['show', doc.run, '--db', box.db, '--json'], box);
    expect(shown.run).toBe(doc.run);
    expect(shown.scores).toStrictEqual(expected);
  });

  it('LongBench-E: import longbench-e <pred_e/model-a> gives result_e.json exactly (NaN <-> null), and show reads the same back', async () => {
    const box = sandbox();
    const expected = officialResult('result_e.json');
    // the fixture has an empty bucket, which eval.py reports as NaN
    expect(Object.values(expected).some((b) => b !== null && typeof b === 'object' && Object.values(b).includes(null))).toBe(true);
    const doc = await evalhJson(['import', 'longbench-e', PRED_E, '--db', box.db, '--json'], box);
    expect(doc.suite).toBe('longbench-e');
    // LongBench-E's dataset sizes are known only from registered data (none here): not partial, and said not known.
    expect(doc.status).toBe('completed');
    expect(doc.coverage).toMatchObject({ have: lines(PRED_E), of: null, partial: false });
    const text = await evalh(['show', doc.run, '--db', box.db], box);
    expect(text.stdout).toMatch(new RegExp(`^imported: ${lines(PRED_E)} items \\(full size not known\\) .*evalh data add longbench`, 'm'));
    expect(doc.items).toEqual({ done: lines(PRED_E), error: 0 });
    expect(doc.scores).toStrictEqual(expected);

    const shown = await evalhJson(['show', doc.run, '--db', box.db, '--json'], box);
    expect(shown.run).toBe(doc.run);
    expect(shown.scores).toStrictEqual(expected);
  });
});
