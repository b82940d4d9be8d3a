import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE, simJudge } from './fixtures/alignbench/sims.js';
import { cliEnv, json, runCli, tempDir } from './helpers/cli.js';
import { startSimServer, type SimRequest, type SimServer } from './helpers/sim-server.js';

// The judge cache (store table judge_cache) through the built CLI, with a simulated judge:
// a judgment the suite could not parse is never reused by a later run, a parsed one is (and
// the run says how many it took from the cache), and --no-judge-cache asks the judge again.

type Doc = { scores: Record<string, number>; items: { done: number; error: number }; unparseable: { count: number; total: number } };

describe('the judge cache', () => {
  let judge: SimServer;
  let mode: 'garbage' | 'good' | 'down' = 'garbage';
  const cwd = tempDir('evalh-judge-cache-');
  const env = cliEnv(join(cwd, 'data-home'), { EVALH_BACKOFF_BASE_MS: '1' });
  const db = join(cwd, 'results.db');
  const judged = () => judge.requests.filter((q) => q.path === '/v1/chat/completions').length;
  const run = (name: string, ...extra: string[]) =>
    runCli(['run', 'alignbench', '--sample', '--runner', 'reference', '--judge-endpoint', judge.url, '--judge-model', 'j', '--name', name, '--json', ...extra], { cwd, env });

  beforeAll(async () => {
    judge = await startSimServer({
      // A judge having a bad day first: replies with no verdict in them (every score -1).
      respond: (q: SimRequest) => (mode === 'garbage' ? 'I am not able to rate this answer.' : simJudge(q)),
      faults: () => (mode === 'down' ? { kind: 'status', status: 500 } : undefined),
    });
  });
  afterAll(async () => {
    await judge?.close();
  });

  it('unparseable judgments are not cached: a later run with the same judge asks again', async () => {
    let r = await run('bad-day');
    expect(r.code, r.stderr).toBe(0);
    expect(json<Doc>(r).unparseable).toMatchObject({ count: SAMPLE.length, total: SAMPLE.length });
    expect(judged()).toBe(SAMPLE.length);
    const cached = new Database(db, { readonly: true }).prepare('SELECT COUNT(*) FROM judge_cache').pluck().get();
    expect(cached).toBe(0);

    mode = 'good';
    r = await run('good-day');
    expect(r.code, r.stderr).toBe(0);
    expect(judged()).toBe(2 * SAMPLE.length); // every item judged afresh
    const doc = json<Doc>(r);
    expect(doc.unparseable.count).toBe(1); // the sample's one double-quoted dict, as judge.py reads it
    expect(r.stderr).not.toMatch(/from the judge cache/);
  });

  it('parsed judgments are reused, and the run says how many; --no-judge-cache asks the judge again', async () => {
    const before = judged();
    let r = await run('again');
    expect(r.code, r.stderr).toBe(0);
    // All but the unparseable one come from the cache.
    expect(judged()).toBe(before + 1);
    expect(r.stderr).toContain(`${SAMPLE.length - 1} judgment(s) from the judge cache`);
    const scores = json<Doc>(r).scores;

    r = await run('no-cache', '--no-judge-cache');
    expect(r.code, r.stderr).toBe(0);
    expect(judged()).toBe(before + 1 + SAMPLE.length);
    expect(r.stderr).not.toMatch(/from the judge cache/);
    expect(json<Doc>(r).scores).toEqual(scores);

    r = await runCli(['rejudge', 'again', '--judge-endpoint', judge.url, '--judge-model', 'j', '--no-judge-cache', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(judged()).toBe(before + 1 + 2 * SAMPLE.length);

    const refused = await runCli(['run', 'longbench', '--sample', '--runner', 'reference', '--no-judge-cache'], { cwd, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--no-judge-cache apply to judged suites/);
  });

  it('an unparseable judgment already in the cache (a store from an older evalh) is not reused', async () => {
    const conn = new Database(db);
    const n = conn.prepare(`UPDATE judge_cache SET output = 'I am not able to rate this answer.'`).run().changes;
    conn.close();
    expect(n).toBe(SAMPLE.length - 1);
    const before = judged();
    const r = await run('old-cache');
    expect(r.code, r.stderr).toBe(0);
    expect(judged()).toBe(before + SAMPLE.length);
    expect(json<Doc>(r).unparseable.count).toBe(1);
    expect(r.stderr).not.toMatch(/from the judge cache/);
  });

  it('a judge that fails every item: the summary says no item was judged, not "0 of 0"', async () => {
    mode = 'down';
    const r = await runCli(
      ['run', 'alignbench', '--sample', '--datasets', '数学计算', '--runner', 'reference', '--judge-endpoint', judge.url, '--judge-model', 'j', '--no-judge-cache', '--retries', '1', '--error-budget', '1', '--name', 'down'],
      { cwd, env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('no judgments: 3 item(s) failed to be judged (not scored)');
    expect(r.stdout).not.toMatch(/0 of 0/);
    expect(r.stderr).toMatch(/3 item\(s\) failed permanently \(not scored\): scoring_http_500 3;/);
  });
});
