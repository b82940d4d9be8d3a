import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptiveLimit } from '../runners/limit.js';
import { cliEnv, json, runCli, startCli, finished, tempDir } from './helpers/cli.js';
import { simModel } from './helpers/longbench.js';
import { startSimServer, type SimServer } from './helpers/sim-server.js';

let servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const generations = (s: SimServer) => (s.counts.byPath['/v1/chat/completions'] ?? 0) + (s.counts.byPath['/v1/completions'] ?? 0);

describe('AdaptiveLimit', () => {
  it('halves on a 429 burst once, then grows by one per window of successes up to the ceiling', () => {
    const l = new AdaptiveLimit(16);
    l.onThrottle(10_000);
    expect(l.value).toBe(8);
    l.onThrottle(10_100); // same burst
    expect(l.value).toBe(8);
    l.onThrottle(11_200);
    expect(l.value).toBe(4);
    for (let i = 0; i < 4; i++) l.onSuccess();
    expect(l.value).toBe(5);
    for (let i = 0; i < 1000; i++) l.onSuccess();
    expect(l.value).toBe(16);
    expect(l.history).toMatchObject({ decreases: 2, min: 4, max: 16 });
  });

  it('never goes below one', () => {
    const l = new AdaptiveLimit(2);
    for (let t = 0; t < 10; t++) l.onThrottle(t * 2000);
    expect(l.value).toBe(1);
  });
});

describe('several endpoints', () => {
  it('spreads requests over three replicas and survives one dying mid-run: every item done once', async () => {
    for (let i = 0; i < 3; i++) servers.push(await startSimServer({ respond: simModel, latencyMs: 60 }));
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'), { EVALH_BACKOFF_BASE_MS: '20' });
    const db = join(cwd, 'results.db');
    const child = startCli(
      ['run', 'longbench', '--sample', ...servers.flatMap((s) => ['--endpoint', s.url]), '--model', 'sim', '--max-length', '400', '--concurrency', '2', '--name', 'pool', '--json'],
      { cwd, env },
    );
    const exit = finished(child);
    while (generations(servers[1]!) < 5) await new Promise((r) => setTimeout(r, 10));
    await servers[1]!.close(); // the replica dies with requests in flight
    const r = await exit;
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ items: unknown }>(r).items).toMatchObject({ done: 63, error: 0 });
    expect(r.stderr).toMatch(/stopped answering/);
    for (const s of servers) expect(generations(s)).toBeGreaterThan(0);

    const conn = new Database(db, { readonly: true });
    const settings = JSON.parse(conn.prepare(`SELECT settings FROM runs WHERE name = 'pool'`).pluck().get() as string);
    conn.close();
    const state = settings.load.endpoints as { served: number; healthy: boolean }[];
    expect(state.map((e) => e.healthy)).toEqual([true, false, true]);
    // Every item answered exactly once across the replicas that stayed up, plus those the dead one finished.
    expect(state.reduce((n, e) => n + e.served, 0)).toBe(63);
  });

  it('backs off on 429s and grows again; the adaptation is kept with the run', async () => {
    let calls = 0;
    const server = await startSimServer({
      respond: simModel,
      latencyMs: 20,
      faults: () => (++calls <= 12 ? { kind: 'status', status: 429 } : undefined),
    });
    servers.push(server);
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'), { EVALH_BACKOFF_BASE_MS: '5' });
    const r = await runCli(['run', 'longbench', '--sample', '--endpoint', server.url, '--model', 'sim', '--max-length', '400', '--concurrency', '8', '--name', 'aimd', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const conn = new Database(join(cwd, 'results.db'), { readonly: true });
    const settings = JSON.parse(conn.prepare(`SELECT settings FROM runs WHERE name = 'aimd'`).pluck().get() as string);
    conn.close();
    const [ep] = settings.load.endpoints as { history: { decreases: number; increases: number; min: number } }[];
    expect(ep!.history.decreases).toBeGreaterThanOrEqual(1);
    expect(ep!.history.min).toBeLessThan(8);
    expect(ep!.history.increases).toBeGreaterThanOrEqual(1);
  });
});
