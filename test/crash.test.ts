import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, finished, json, runCli, startCli, tempDir } from './helpers/cli.js';
import { simModel } from './helpers/longbench.js';
import { startSimServer, type SimServer } from './helpers/sim-server.js';

let server: SimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function doneCount(db: string): number {
  if (!existsSync(db)) return 0;
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (conn.prepare(`SELECT COUNT(*) AS n FROM items WHERE status = 'done'`).get() as { n: number }).n;
    } finally {
      conn.close();
    }
  } catch {
    return 0; // the schema may not exist yet
  }
}

describe('crash safety', () => {
  it('kill -9 mid-run, then the same command: every item done once, scores identical to an uninterrupted run', async () => {
    server = await startSimServer({ respond: simModel, latencyMs: 120 });
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    const args = (name: string) => [
      'run', 'longbench', '--sample', '--endpoint', server!.url, '--model', 'sim-model', '--max-length', '400',
      '--concurrency', '3', '--name', name, '--json',
    ];

    const reference = await runCli([...args('whole'), '--db', join(cwd, 'whole.db')], { cwd, env });
    expect(reference.code, reference.stderr).toBe(0);
    const total = json<{ items: { total: number } }>(reference).items.total;
    const generations = () => (server!.counts.byPath['/v1/chat/completions'] ?? 0) + (server!.counts.byPath['/v1/completions'] ?? 0);
    const before = generations();

    const db = join(cwd, 'crash.db');
    const killAt = 5 + Math.floor(Math.random() * (total - 15));
    const child = startCli([...args('crash'), '--db', db], { cwd, env });
    const exit = finished(child);
    while (doneCount(db) < killAt) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    const killed = await exit;
    expect(killed.signal).toBe('SIGKILL');
    const doneAtKill = doneCount(db);
    expect(doneAtKill).toBeGreaterThanOrEqual(killAt);
    expect(doneAtKill).toBeLessThan(total);

    const resumed = await runCli([...args('crash'), '--db', db], { cwd, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming run "crash": ${doneAtKill} of ${total} items already done`));
    const doc = json<{ scores: unknown; items: { done: number; error: number } }>(resumed);
    expect(doc.items).toMatchObject({ done: total, error: 0 });
    expect(doc.scores).toEqual(json<{ scores: unknown }>(reference).scores);

    // Requests: each item once, plus at most the three that were in flight at the kill.
    const requests = generations() - before;
    expect(requests).toBeGreaterThanOrEqual(total);
    expect(requests).toBeLessThanOrEqual(total + 3);

    const conn = new Database(db, { readonly: true });
    expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = conn.prepare(`SELECT item_id, COUNT(*) AS n FROM items GROUP BY item_id HAVING n > 1`).all();
    expect(rows).toEqual([]);
    conn.close();
  });

  it('SIGINT stops cleanly, keeps finished items and prints the command that resumes', async () => {
    server = await startSimServer({ respond: simModel, latencyMs: 150 });
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    const db = join(cwd, 'results.db');
    const args = ['run', 'longbench', '--sample', '--endpoint', server.url, '--model', 'sim-model', '--max-length', '400', '--concurrency', '2'];
    const child = startCli(args, { cwd, env });
    const exit = finished(child);
    while (doneCount(db) < 6) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const r = await exit;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted: \d+ of 63 items done/);
    const resume = /Resume with:\n\s+(evalh .*)/.exec(r.stderr)?.[1];
    expect(resume).toBeDefined();
    expect(resume).toContain('--name longbench-sim-model-sample-');
    const kept = doneCount(db);
    expect(kept).toBeGreaterThanOrEqual(6);

    const again = await runCli(resume!.split(' ').slice(1), { cwd, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`${kept} of 63 items already done`);
    expect(doneCount(db)).toBe(63);
  });

  it('two evalh processes writing the same results.db at once both finish', async () => {
    server = await startSimServer({ respond: simModel, latencyMs: 10 });
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    const args = (name: string) => ['run', 'longbench', '--sample', '--endpoint', server!.url, '--model', 'sim-model', '--max-length', '400', '--concurrency', '8', '--name', name, '--json'];
    const [a, b] = await Promise.all([runCli(args('one'), { cwd, env }), runCli(args('two'), { cwd, env })]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(json<{ scores: unknown }>(a).scores).toEqual(json<{ scores: unknown }>(b).scores);
    const conn = new Database(join(cwd, 'results.db'), { readonly: true });
    expect(conn.prepare(`SELECT COUNT(*) AS n FROM items WHERE status = 'done'`).get()).toEqual({ n: 126 });
    conn.close();
  });
});
