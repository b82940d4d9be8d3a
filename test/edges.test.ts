import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, json, jsonError, runCli, tempDir, type CliResult } from './helpers/cli.js';

// Every edge of the store and of the command line ends with one clear line and the
// contract's exit code: no stack trace, no "internal error", no Node warning, nothing written.

function clean(r: CliResult): void {
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |Warning/);
  expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('evalh:'))).toHaveLength(1);
}

/** A workspace with one finished run ("keep") in results.db, for the reading commands. */
let cwd: string;
let env: NodeJS.ProcessEnv;
let db: string;
beforeAll(async () => {
  cwd = tempDir('evalh-edges-');
  env = cliEnv(join(cwd, 'data-home'));
  db = join(cwd, 'results.db');
  const r = await runCli(['run', 'longbench', '--sample', '--runner', 'reference', '--datasets', 'trec', '--name', 'keep', '--db', db, '--json'], { cwd, env });
  expect(r.code, r.stderr).toBe(0);
});

function ws(): string {
  const dir = tempDir('evalh-edges-');
  writeFileSync(join(dir, 'notes.txt'), 'hello, not a database\n');
  mkdirSync(join(dir, 'folder'));
  const other = new Database(join(dir, 'other.db'));
  other.exec('CREATE TABLE t (x)');
  other.close();
  return dir;
}

const reading = (store: string) => [
  ['list', '--db', store],
  ['show', 'keep', '--db', store],
  ['report', 'keep', '--db', store, '-o', 'r.html'],
  ['compare', 'keep', 'keep2', '--db', store],
  ['gate', '--baseline', 'keep', '--candidate', 'keep2', '--db', store],
  ['rejudge', 'keep', '--judge-endpoint', 'http://127.0.0.1:9/v1', '--judge-model', 'j', '--db', store],
  ['merge', store, '--into', 'merged.db'],
  ['run', 'longbench', '--sample', '--runner', 'reference', '--datasets', 'trec', '--db', store],
  ['import', 'longbench', 'pred', '--db', store],
];

describe('a --db that is not an evalh store', () => {
  it.each([
    ['a text file', 'notes.txt', /notes\.txt is not an evalh results store \(not an SQLite database\)/],
    ['a folder', 'folder', /folder is a directory, not an evalh results store/],
    ['another SQLite database', 'other.db', /other\.db is not an evalh results store \(an SQLite database of something else \(tables: t\)\)/],
  ])('%s: every command exits 2 with one line and leaves the file as it was', async (_what, name, message) => {
    const dir = ws();
    const target = join(dir, name);
    const before = existsSync(target) && !name.endsWith('folder') ? readFileSync(target) : undefined;
    mkdirSync(join(dir, 'pred'));
    writeFileSync(join(dir, 'pred', 'trec.jsonl'), `${JSON.stringify({ pred: 'a', answers: ['a'], all_classes: ['a'] })}\n`);
    for (const args of reading(target)) {
      const r = await runCli(args, { cwd: dir, env });
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      clean(r);
      expect(r.stdout).toBe('');
    }
    if (before) expect(readFileSync(target)).toEqual(before);
    // No store, report or temp file was created beside it.
    expect(readdirSync(dir).sort()).toEqual(['folder', 'notes.txt', 'other.db', 'pred']);
    expect(readdirSync(join(dir, 'folder'))).toEqual([]);
  });

  it('a --db in a folder that does not exist: reading commands say "no store at" and create nothing', async () => {
    const dir = ws();
    const missing = join(dir, 'nowhere', 'results.db');
    for (const args of reading(missing).slice(0, 7)) {
      const r = await runCli(args, { cwd: dir, env });
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/no store at .*nowhere\/results\.db/);
      clean(r);
    }
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    expect(existsSync(join(dir, 'merged.db'))).toBe(false);
  });

  it('list with no store yet in an existing folder is an empty list, not an error; a writer creates the store and its folder', async () => {
    const dir = ws();
    const r = await runCli(['list', '--db', join(dir, 'fresh.db'), '--json'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toEqual({ runs: [] });
    expect(existsSync(join(dir, 'fresh.db'))).toBe(false);
    const w = await runCli(['run', 'longbench', '--sample', '--runner', 'reference', '--datasets', 'trec', '--db', join(dir, 'new', 'r.db'), '--json'], { cwd: dir, env });
    expect(w.code, w.stderr).toBe(0);
    expect(existsSync(join(dir, 'new', 'r.db'))).toBe(true);
  });
});

describe('output paths', () => {
  it('report -o DIR: exit 2 naming the folder, no report and no temp file anywhere near it', async () => {
    const dir = ws();
    const r = await runCli(['report', 'keep', '--db', db, '-o', join(dir, 'folder')], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/-o .*folder is a directory; give a file name/);
    clean(r);
    expect(readdirSync(join(dir, 'folder'))).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('report -o into a folder that does not exist yet creates it and leaves only the report', async () => {
    const dir = ws();
    const out = join(dir, 'reports', 'keep.html');
    const r = await runCli(['report', 'keep', '--db', db, '-o', out], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'reports'))).toEqual(['keep.html']);
  });
});

describe('the command line', () => {
  it('a failing --json command prints one JSON error document on stdout', async () => {
    const r = await runCli(['show', 'nosuchrun', '--db', db, '--json'], { cwd, env });
    expect(r.code).toBe(2);
    expect(jsonError(r)).toEqual({ code: 2, message: expect.stringMatching(/no run named "nosuchrun"/) });
    const p = await runCli(['run', 'longbench', '--sample', '--runner', 'reference', '--concurency', '4', '--json'], { cwd, env });
    expect(jsonError(p).code).toBe(2);
  });

  it('parser errors point to the command\'s own --help', async () => {
    const r = await runCli(['run', 'longbench', '--sample', '--runner', 'reference', '--concurency', '4'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown argument: concurency\nRun `evalh run --help` for usage\./);
    const g = await runCli(['gate', '--baseline', 'keep'], { cwd, env });
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/Missing required argument: candidate\nRun `evalh gate --help`/);
  });

  it.each([
    [['list', '--db', 'a.db', '--db', 'b.db'], /^evalh: --db is given 2 times \(a\.db, b\.db\); give it once$/m],
    [['run', 'longbench', '--sample', '--runner', 'reference', '--limit', '1', '--limit', '2'], /--limit is given 2 times \(1, 2\); give it once/],
    [['report', 'keep', '-o'], /Not enough arguments following: o\nRun `evalh report --help`/],
    [['run', 'longbench', '--sample', '--runner', 'reference', '--limit'], /Not enough arguments following: limit/],
    [['list', '--db'], /Not enough arguments following: db/],
  ])('%j: a repeated flag or a flag without its value is exit 2, never the default', async (args, message) => {
    const dir = tempDir('evalh-edges-');
    const r = await runCli(args as string[], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    clean(r);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    [['run', 'longbench', '--sample', '--runner', 'reference', '--limit', 'abc'], /--limit must be a number ≥ 1 \(got "abc"\)/],
    [['run', 'longbench', '--sample', '--runner', 'reference', '--timeout=soon'], /--timeout must be a number ≥ 0\.001 \(got "soon"\)/],
    [['gate', '--baseline', 'keep', '--candidate', 'keep', '--max-drop', 'lots'], /--max-drop must be a number of points ≥ 0, not "lots"/],
    [['compare', 'keep', 'keep', '--seed', 'x'], /--seed must be an integer, not "x"/],
  ])('%j quotes what was typed', async (args, message) => {
    const r = await runCli([...(args as string[]), '--db', db], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    clean(r);
  });

  it.each([
    ['longbench', /longbench has no presets \(got --preset "bogus"\); drop --preset\. Suites with presets: .*humaneval-x: greedy \(default\), n20, n200/],
    ['agentbench-db', /agentbench-db has no presets/],
    ['humaneval-x', /unknown humaneval-x preset "bogus"; known: greedy/],
    ['needle', /needle: unknown --preset "bogus"/],
  ])('--preset bogus on %s: exit 2 listing the presets, nothing stored', async (suite, message) => {
    const dir = tempDir('evalh-edges-');
    const r = await runCli(['run', suite, '--sample', '--runner', 'reference', '--preset', 'bogus'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    clean(r);
    expect(existsSync(join(dir, 'results.db'))).toBe(false);
  });
});

describe('default run names follow the data selection', () => {
  it('another --datasets or --limit is another run, not a refusal; a refusal caused by the selection says so', async () => {
    const dir = tempDir('evalh-edges-');
    const day = new Date().toISOString().slice(0, 10);
    const run = (...extra: string[]) => runCli(['run', 'longbench', '--sample', '--runner', 'reference', '--json', ...extra], { cwd: dir, env });
    const a = await run('--datasets', 'trec,qasper');
    const b = await run('--datasets', 'trec');
    const c = await run('--datasets', 'trec', '--limit', '1');
    const d = await run('--datasets', 'narrativeqa,qasper,multifieldqa_en,multifieldqa_zh,hotpotqa');
    for (const r of [a, b, c, d]) expect(r.code, r.stderr).toBe(0);
    expect([a, b, c, d].map((r) => json<{ run: string }>(r).run)).toEqual([
      `longbench-reference-sample-trec+qasper-${day}`,
      `longbench-reference-sample-trec-${day}`,
      `longbench-reference-sample-trec-limit1-${day}`,
      // A list too long for a readable name: its count and a hash of it.
      expect.stringMatching(new RegExp(`^longbench-reference-sample-5datasets-[0-9a-f]{6}-${day}$`)),
    ]);
    // The same command again resumes its own run.
    const again = await run('--datasets', 'trec');
    expect(json<{ run: string }>(again).run).toBe(`longbench-reference-sample-trec-${day}`);
    // An explicit --name with another selection is refused, and the message says why.
    const clash = await run('--datasets', 'qasper', '--name', `longbench-reference-sample-trec-${day}`);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/was made with another data selection \(--datasets trec then, qasper now\): that is another run\. Pass --name/);
  });
});
