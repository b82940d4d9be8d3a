import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, finished, json, runCli, SHARED, startCli, tempDir } from './helpers/cli.js';
import { startSimServer, type SimServer } from './helpers/sim-server.js';

// The whole standard set (300 items) with the reference runner, on the MariaDB evalh starts
// itself; and the server's lifetime: nothing outlives evalh, not even after kill -9.
//
// Known exceptions of the official v0.2 data (standard.jsonl), found by this run:
//  - UPDATE standard/278 and standard/295: the gold UPDATE compares a TEXT column with a
//    number (WHERE `No` = 16, WHERE `Tie no` = 1) while other rows hold text ('?', 'Replay').
//    Under MySQL 8's default sql_mode (STRICT_TRANS_TABLES, what the official mysql:8
//    container runs) that is error 1292 "Truncated incorrect DOUBLE value" (MariaDB says
//    DECIMAL) and nothing changes; answer_md5 is the table after the update applied with
//    warnings, i.e. it was made on a non-strict server. Checked in Python: applying the
//    update to the rows gives exactly answer_md5.
//  - UPDATE standard/225: the gold UPDATE runs and changes the one 'Johnson' row, but
//    answer_md5 matches neither that table nor any single-cell edit of it: the recorded
//    hash does not belong to this table.
//  - SELECT standard/13 and /14 (duplicate column name 'Score'), /17 and /77 (a row with more
//    cells than columns): the official CREATE TABLE / INSERT fails, so an agent meets a
//    missing or empty table; the reference runner answers the label directly and scores.
//    AgentBench's 2025 file (standard.fc-2025.jsonl) renames those columns and fixes those rows.
//  - SELECT standard/4: the label "Vienna International Airport" does not answer the question
//    (the 2025 file corrects it to "Vienna"); the reference runner answers the label, so it scores.
// UPDATE: 97/100 → overall (100 + 100 + 97) / 3 = 99.

const KNOWN_FAILURES = ['standard/225', 'standard/278', 'standard/295'];
const KNOWN_SETUP_ERRORS = ['standard/13', 'standard/14', 'standard/17', 'standard/77'];

let work: string;
let sim: SimServer;

beforeAll(async () => {
  work = tempDir('evalh-abdb-e2e-');
  // Slow model turns, so that a run is surely in flight when it is killed.
  sim = await startSimServer({ latencyMs: 300, respond: () => 'Action: Operation\n```sql\nSELECT 1\n```' });
});

afterAll(async () => {
  await sim?.close();
  // Should a test fail half-way: stop servers this file started (their command line names its temp dirs).
  for (const pid of mariadbPids(work)) process.kill(pid, 'SIGKILL');
  if (work) rmSync(work, { recursive: true, force: true });
});

/** mariadbd processes whose command line names a directory under `root`. */
function mariadbPids(root: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (argv[0]!.endsWith('mariadbd') && argv.some((a) => a.includes(root))) pids.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** 'gone', or the process's state letter from /proc/<pid>/stat (R, S, Z, …). */
function runState(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0]!;
  } catch {
    return 'gone';
  }
}

/** A private TMPDIR for one evalh: its server's directory is the only one there. */
const tmpFor = () => mkdtempSync(join(work, 'tmp-'));

const serverDirs = (tmp: string) => (existsSync(tmp) ? readdirSync(tmp).filter((n) => n.startsWith('evalh-mariadb-')) : []);

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('agentbench-db: the standard set with the reference runner', () => {
  it('scores >= 98 overall; only the known exceptions fail; --json and show report scores and statuses', async () => {
    const tmp = tmpFor();
    const store = join(work, 'ref.db');
    const r = await runCli(
      ['run', 'agentbench-db', '--data', join(SHARED, 'data/agentbench/dbbench'), '--runner', 'reference', '--db', store, '--name', 'std', '--concurrency', '4', '--json'],
      { cwd: work, env: cliEnv(work, { TMPDIR: tmp }) },
    );
    expect(r.code, r.stderr).toBe(0);
    const doc = json<{ run: string; scores: Record<string, number>; statuses: Record<string, number>; setupErrors: number; items: Record<string, number> }>(r);
    expect(doc.run).toBe('std');
    expect(doc.scores).toEqual({ overall: 99, select: 100, insert: 100, update: 97 });
    expect(doc.scores.overall).toBeGreaterThanOrEqual(98);
    expect(doc.statuses).toEqual({ completed: 300 });
    expect(doc.setupErrors).toBe(4);
    expect(doc.items).toMatchObject({ done: 300, error: 0, total: 300 });

    const sdb = new Database(store, { readonly: true });
    const rows = sdb.prepare('SELECT item_id, score, scores FROM items ORDER BY seq').all() as Array<{ item_id: string; score: number; scores: string }>;
    sdb.close();
    expect(rows.filter((x) => x.score < 1).map((x) => x.item_id)).toEqual(KNOWN_FAILURES);
    expect(rows.filter((x) => (JSON.parse(x.scores) as { setupError?: string }).setupError).map((x) => x.item_id)).toEqual(KNOWN_SETUP_ERRORS);
    const s278 = JSON.parse(rows.find((x) => x.item_id === 'standard/278')!.scores) as Record<string, string>;
    expect(s278.tableMd5).not.toBe(s278.expected);

    const show = await runCli(['show', 'std', '--db', store], { cwd: work, env: cliEnv(work) });
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/overall \(mean of SELECT, INSERT, UPDATE\)\s+99\.00/);
    expect(show.stdout).toMatch(/UPDATE\s+97\.00\s+97\/100/);
    expect(show.stdout).toContain('episodes: completed 300');

    // The server is gone with the run.
    expect(mariadbPids(tmp)).toEqual([]);
    expect(serverDirs(tmp)).toEqual([]);
  });
});

describe('agentbench-db: the built-in sample (no data registered, no download)', () => {
  const sampleRun = (store: string, tmp: string, model: string[]) =>
    runCli(['run', 'agentbench-db', '--sample', ...model, '--db', store, '--name', 'sample', '--json'], { cwd: work, env: cliEnv(join(work, 'empty-data'), { TMPDIR: tmp }) });

  it('the reference runner plays every gold episode to 100 on every group and type; run, show and report say it is the sample', async () => {
    const tmp = tmpFor();
    const store = join(work, 'sample-ref.db');
    const r = await sampleRun(store, tmp, ['--runner', 'reference']);
    expect(r.code, r.stderr).toBe(0);
    const doc = json<{ scores: Record<string, number>; types: Record<string, { items: number; accuracy: number }>; statuses: Record<string, number>; labels: string[]; items: Record<string, number> }>(r);
    expect(doc.labels).toEqual(['sample, not the official benchmark']);
    expect(r.stderr).toContain('note: sample, not the official benchmark');
    expect(doc.scores).toEqual({ overall: 100, select: 100, insert: 100, update: 100 });
    // several SELECT answer types (a count, a text, a float, a two-answer set), INSERT and UPDATE
    expect(Object.fromEntries(Object.entries(doc.types).map(([t, v]) => [t, [v.items, v.accuracy]]))).toEqual({
      other: [1, 100],
      counting: [1, 100],
      ranking: [1, 100],
      'aggregation-AVG': [1, 100],
      INSERT: [2, 100],
      UPDATE: [2, 100],
    });
    expect(doc.statuses).toEqual({ completed: 8 });
    expect(doc.items).toMatchObject({ done: 8, error: 0, total: 8 });

    const show = await runCli(['show', 'sample', '--db', store], { cwd: work, env: cliEnv(work) });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/run sample \(agentbench-db, completed\) — sample, not the official benchmark/);
    expect(show.stdout).toMatch(/overall \(mean of SELECT, INSERT, UPDATE\)\s+100\.00/);
    const html = join(work, 'sample.html');
    const rep = await runCli(['report', 'sample', '--db', store, '-o', html], { cwd: work, env: cliEnv(work) });
    expect(rep.code, rep.stderr).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('sample, not the official benchmark');
    expect(mariadbPids(tmp)).toEqual([]);
    expect(serverDirs(tmp)).toEqual([]);
  });

  it('an agent that answers at once and changes nothing scores 0 on every group: the checks of the sample are real', async () => {
    const lazy = await startSimServer({ respond: () => 'Action: Answer\nFinal Answer: ["none"]' });
    try {
      const r = await sampleRun(join(work, 'sample-lazy.db'), tmpFor(), ['--endpoint', lazy.url, '--model', 'sim']);
      expect(r.code, r.stderr).toBe(0);
      expect(json<{ scores: Record<string, number> }>(r).scores).toEqual({ overall: 0, select: 0, insert: 0, update: 0 });
    } finally {
      await lazy.close();
    }
  });

  it('--datasets other than the sample\'s one is exit 2 with one line, before any server starts', async () => {
    const tmp = tmpFor();
    const store = join(work, 'sample-dev.db');
    const r = await runCli(['run', 'agentbench-db', '--sample', '--datasets', 'dev', '--runner', 'reference', '--db', store], { cwd: work, env: cliEnv(work, { TMPDIR: tmp }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('evalh: the agentbench-db sample has one dataset, "standard"; drop --datasets dev or pass --data\n');
    expect(existsSync(store)).toBe(false);
    expect(serverDirs(tmp)).toEqual([]);
  });
});

describe('agentbench-db: no MariaDB outlives evalh', () => {
  const args = (store: string, name: string) => [
    'run', 'agentbench-db', '--data', join(SHARED, 'data/agentbench/dbbench'), '--limit', '20',
    '--endpoint', sim.url, '--model', 'sim', '--db', store, '--name', name, '--concurrency', '2',
  ];

  async function startedRun(tmp: string, name: string) {
    const child = startCli(args(join(work, `${name}.db`), name), { cwd: work, env: cliEnv(work, { TMPDIR: tmp }) });
    const done = finished(child);
    const before = sim.counts.total;
    await until('the server and the first model turns', () => serverDirs(tmp).some((d) => existsSync(join(tmp, d, 'server.pid'))) && sim.counts.total > before + 2, 60_000);
    const dir = join(tmp, serverDirs(tmp)[0]!);
    const server = Number(readFileSync(join(dir, 'server.pid'), 'utf8'));
    expect(mariadbPids(tmp)).toEqual([server]);
    return { child, done, dir, server };
  }

  it('kill -9 of evalh mid-run: the server stops and its directory is deleted within seconds', async () => {
    const tmp = tmpFor();
    const { child, done, dir } = await startedRun(tmp, 'kill9');
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    await until('no mariadbd and no data directory', () => mariadbPids(tmp).length === 0 && !existsSync(dir), 8_000);
  });

  it('Ctrl-C: evalh stops the run, keeps finished items and stops the server', async () => {
    const tmp = tmpFor();
    const { child, done, dir } = await startedRun(tmp, 'sigint');
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Resume with');
    expect(mariadbPids(tmp)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it('a directory left by a killed keeper is reclaimed, its server stopped, by the next run', async () => {
    const tmp = tmpFor();
    const { child, done, dir, server } = await startedRun(tmp, 'orphan');
    // Kill the keeper first, then evalh: the server is orphaned and the directory stays.
    process.kill(Number(readFileSync(join(dir, 'keeper.pid'), 'utf8')), 'SIGKILL');
    child.kill('SIGKILL');
    await done;
    await new Promise((r) => setTimeout(r, 500));
    expect(mariadbPids(tmp)).toEqual([server]);
    expect(existsSync(dir)).toBe(true);

    const next = await runCli(['run', 'agentbench-db', '--data', join(SHARED, 'data/agentbench/dbbench'), '--limit', '2', '--runner', 'reference', '--db', join(work, 'next.db'), '--json'], {
      cwd: work,
      env: cliEnv(work, { TMPDIR: tmp }),
    });
    expect(next.code, next.stderr).toBe(0);
    expect(existsSync(dir)).toBe(false);
    expect(mariadbPids(tmp)).toEqual([]);
    expect(serverDirs(tmp)).toEqual([]);
    // The old server is gone, or a zombie nobody reaps (an orphan's reaper is PID 1, which
    // in some containers never waits): either way it no longer runs.
    expect(runState(server)).toMatch(/^(gone|Z)$/);
  });
});
