import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inShard, parseShard } from '../src/shard.js';
import { cliEnv, json, runCli, tempDir } from './helpers/cli.js';
import { simModel } from './helpers/longbench.js';
import { startSimServer, type SimServer } from './helpers/sim-server.js';

let server: SimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('--shard i/n', () => {
  it('splits items deterministically: every item in exactly one shard', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `dataset${i % 7}/${i}`);
    for (const n of [1, 2, 3, 4, 7]) {
      const shards = Array.from({ length: n }, (_, i) => parseShard(`${i + 1}/${n}`));
      for (const id of ids) expect(shards.filter((s) => inShard(id, s))).toHaveLength(1);
      const sizes = shards.map((s) => ids.filter((id) => inShard(id, s)).length);
      for (const size of sizes) expect(size).toBeGreaterThan((5000 / n) * 0.85);
    }
  });

  it.each(['0/4', '5/4', '1/0', 'a/b', '2'])('rejects %s', (s) => expect(() => parseShard(s)).toThrow(/--shard/));
});

describe('shard + merge', () => {
  it('four shards run separately and merged give the same scores as one run', async () => {
    server = await startSimServer({ respond: simModel, latencyMs: 2 });
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    const base = ['run', 'longbench', '--sample', '--endpoint', server.url, '--model', 'sim', '--max-length', '400', '--name', 'lb', '--json'];
    const whole = await runCli([...base, '--db', join(cwd, 'whole.db')], { cwd, env });
    expect(whole.code, whole.stderr).toBe(0);

    const parts = await Promise.all(
      [1, 2, 3, 4].map((i) => runCli([...base, '--shard', `${i}/4`, '--db', join(cwd, `shard${i}.db`)], { cwd, env })),
    );
    const sizes = parts.map((p) => {
      expect(p.code, p.stderr).toBe(0);
      return json<{ items: { total: number; done: number } }>(p).items.total;
    });
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(63);
    expect(Math.min(...sizes)).toBeGreaterThan(0);

    const merged = join(cwd, 'merged.db');
    const m = await runCli(['merge', ...[1, 2, 3, 4].map((i) => join(cwd, `shard${i}.db`)), '--into', merged, '--json'], { cwd, env });
    expect(m.code, m.stderr).toBe(0);
    expect(json<{ runs: { run: string; status: string; items: { done: number } }[] }>(m).runs).toEqual([
      expect.objectContaining({ run: 'lb', status: 'completed', items: { done: 63, error: 0 } }),
    ]);
    const show = await runCli(['show', 'lb', '--db', merged, '--json'], { cwd, env });
    expect(json<{ scores: unknown }>(show).scores).toEqual(json<{ scores: unknown }>(whole).scores);

    // Merging the same shard again changes nothing (identical duplicates are skipped).
    const again = await runCli(['merge', join(cwd, 'shard1.db'), '--into', merged, '--json'], { cwd, env });
    expect(again.code, again.stderr).toBe(0);
    const conn = new Database(merged, { readonly: true });
    expect(conn.prepare(`SELECT COUNT(*) AS n FROM items`).get()).toEqual({ n: 63 });
    conn.close();
  });

  it('refuses conflicting duplicates and changed settings, writing nothing', async () => {
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    server = await startSimServer({ respond: simModel });
    const other = await startSimServer({ respond: () => 'a different answer' });
    try {
      const run = (url: string, db: string, maxLength = '400') =>
        runCli(['run', 'longbench', '--sample', '--datasets', 'trec', '--endpoint', url, '--model', 'sim', '--max-length', maxLength, '--name', 'lb', '--db', join(cwd, db)], { cwd, env });
      expect((await run(server.url, 'a.db')).code).toBe(0);
      expect((await run(other.url, 'b.db')).code).toBe(0);
      expect((await run(server.url, 'c.db', '300')).code).toBe(0);

      const into = join(cwd, 'merged.db');
      const conflict = await runCli(['merge', join(cwd, 'a.db'), join(cwd, 'b.db'), '--into', into], { cwd, env });
      expect(conflict.code).toBe(2);
      expect(conflict.stderr).toMatch(/items done differently/);
      expect(existsSync(into)).toBe(false);

      const changed = await runCli(['merge', join(cwd, 'a.db'), join(cwd, 'c.db'), '--into', into], { cwd, env });
      expect(changed.code).toBe(2);
      expect(changed.stderr).toMatch(/conflicts with the run of that name/);
      expect(existsSync(into)).toBe(false);

      const missing = await runCli(['merge', join(cwd, 'nope.db'), '--into', into], { cwd, env });
      expect(missing.code).toBe(2);
    } finally {
      await other.close();
    }
  });
});
