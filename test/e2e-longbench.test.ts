import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, json, runCli, tempDir } from './helpers/cli.js';
import { exportPredictions, itemRows, simModel } from './helpers/longbench.js';
import { faultSchedule, startSimServer, type SimServer } from './helpers/sim-server.js';

type RunDoc = { run: string; status: string; scores: Record<string, unknown>; items: { done: number; error: number; total?: number } };

let servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function sim(opts: Parameters<typeof startSimServer>[0] = {}) {
  const s = await startSimServer({ respond: simModel, ...opts });
  servers.push(s);
  return s;
}

function setup(extraEnv: Record<string, string> = {}) {
  const cwd = tempDir();
  return { cwd, env: cliEnv(join(cwd, 'data-home'), { EVALH_BACKOFF_BASE_MS: '5', ...extraEnv }), db: join(cwd, 'results.db') };
}

const runArgs = (url: string, name: string, suite = 'longbench') => [
  'run', suite, '--sample', '--endpoint', url, '--model', 'sim-model', '--max-length', '400', '--name', name, '--json',
];

describe('evalh run longbench against a simulated OpenAI-compatible server', () => {
  it('the reference runner scores 100 on the sample (v1 and LongBench-E)', async () => {
    const { cwd, env } = setup();
    for (const suite of ['longbench', 'longbench-e']) {
      const r = await runCli(['run', suite, '--sample', '--runner', 'reference', '--json'], { cwd, env });
      expect(r.code, r.stderr).toBe(0);
      const doc = json<RunDoc & { overall?: unknown }>(r);
      expect(doc.status).toBe('completed');
      const values = Object.values(doc.scores).flatMap((v) => (typeof v === 'number' ? [v] : Object.values(v as Record<string, number>)));
      expect(values.length).toBeGreaterThan(0);
      for (const v of values) expect(v).toBe(100);
    }
  });

  it('gives the same scores as evalh import of the same predictions; chat vs completion per dataset; truncation recorded', async () => {
    const server = await sim({ latencyMs: 5 });
    const { cwd, env, db } = setup();
    const r = await runCli(runArgs(server.url, 'sim'), { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const run = json<RunDoc>(r);
    expect(run.items.error).toBe(0);
    expect(Object.keys(run.scores)).toHaveLength(21);
    const nums = Object.values(run.scores) as number[];
    expect(nums.some((x) => x > 0 && x < 100)).toBe(true);

    // Raw datasets went to /v1/completions, the rest to /v1/chat/completions.
    const completions = server.requests.filter((q) => q.path === '/v1/completions');
    const chats = server.requests.filter((q) => q.path === '/v1/chat/completions');
    expect(completions).toHaveLength(6 * 3);
    expect(chats).toHaveLength(15 * 3);
    expect([...chats, ...completions].every((q) => q.body?.temperature === 0)).toBe(true);
    const samsum = completions.filter((q) => String(q.prompt).includes('Anna: Are you coming tonight?'));
    expect(samsum.length).toBeGreaterThan(0);
    for (const q of samsum) expect(q.body.stop).toEqual(['\n']);
    // Budget 400 code points: every prompt the server saw fits it.
    for (const q of [...chats, ...completions]) expect([...q.prompt].length).toBeLessThanOrEqual(400);

    const pred = join(cwd, 'pred', 'sim-model');
    exportPredictions(db, 'sim', pred);
    const imp = await runCli(['import', 'longbench', pred, '--name', 'sim-imported', '--json'], { cwd, env });
    expect(imp.code, imp.stderr).toBe(0);
    expect(json<RunDoc>(imp).scores).toEqual(run.scores);

    // The replay runner reads the same files and reaches the same scores without a server.
    const replay = await runCli(['run', 'longbench', '--sample', '--runner', 'replay', '--predictions', pred, '--name', 'sim-replayed', '--json'], { cwd, env });
    expect(replay.code, replay.stderr).toBe(0);
    expect(json<RunDoc>(replay).scores).toEqual(run.scores);

    const show = await runCli(['show', 'sim'], { cwd, env });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/Single-Doc QA\s+narrativeqa/);
    expect(show.stdout).toMatch(/truncated prompts: \d+/);
  });

  it('survives 429 (with and without Retry-After), 5xx, resets, hangs, truncated and garbage bodies; scores unchanged', async () => {
    const clean = await sim();
    const a = setup();
    const base = await runCli(runArgs(clean.url, 'clean'), a);
    expect(base.code, base.stderr).toBe(0);

    const faulty = await sim({
      faults: faultSchedule({
        seed: 7,
        rate: 0.5,
        maxPerPrompt: 2,
        kinds: [
          { kind: 'status', status: 429 },
          { kind: 'status', status: 429, retryAfter: '0' },
          { kind: 'status', status: 500 },
          { kind: 'status', status: 502 },
          { kind: 'status', status: 503 },
          { kind: 'reset' },
          { kind: 'hang' },
          { kind: 'truncated' },
          { kind: 'garbage' },
        ],
      }),
    });
    const b = setup();
    const r = await runCli([...runArgs(faulty.url, 'faulty'), '--timeout', '1', '--concurrency', '16'], b);
    expect(r.code, r.stderr).toBe(0);
    const doc = json<RunDoc>(r);
    expect(faulty.counts.faults).toBeGreaterThan(10);
    expect(doc.items.error).toBe(0);
    expect(doc.scores).toEqual(json<RunDoc>(base).scores);
    const rows = itemRows(b.db, 'faulty');
    expect(rows.some((x) => x.attempts > 1)).toBe(true);
  });

  it('an empty completion is the model\'s answer: stored as "", scored, and counted in show', async () => {
    const server = await sim({ faults: (req) => (req.prompt.includes('NASA') ? { kind: 'empty' } : undefined) });
    const { cwd, env, db } = setup();
    const r = await runCli(runArgs(server.url, 'empty'), { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(json<RunDoc>(r).items).toMatchObject({ done: 63, error: 0 });
    const trec = itemRows(db, 'empty').filter((x) => x.item_id.startsWith('trec/'));
    expect(trec).toHaveLength(3);
    for (const t of trec) expect(t).toMatchObject({ status: 'done', output: '', score: 0 });
    const show = await runCli(['show', 'empty'], { cwd, env });
    expect(show.stdout).toMatch(/empty outputs: 3/);
  });

  it('permanent failures are recorded apart, never scored, and retried on resume; the error budget ends a run with exit 1', async () => {
    let refusing = true;
    const refuse = (prompt: string) => refusing && prompt.includes('Gray Island') && prompt.includes('Question: Who built');
    const server = await sim({ faults: (req) => (refuse(req.prompt) ? { kind: 'status', status: 400, body: '{"error":{"message":"bad request"}}' } : undefined) });
    const { cwd, env, db } = setup();
    const r = await runCli([...runArgs(server.url, 'perm'), '--error-budget', '0.5'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<RunDoc>(r);
    expect(doc.items.error).toBeGreaterThan(0);
    const rows = itemRows(db, 'perm');
    const errors = rows.filter((x) => x.status === 'error');
    expect(errors.length).toBe(doc.items.error);
    for (const e of errors) {
      expect(e.output).toBeNull();
      expect(e.score).toBeNull();
      expect(e.error_kind).toBe('http_400');
    }

    // The same command again retries exactly the failed items, now that the server accepts them.
    refusing = false;
    const generations = () => server.requests.filter((q) => q.path.startsWith('/v1/') && q.path !== '/v1/models').length;
    const before = generations();
    const again = await runCli([...runArgs(server.url, 'perm'), '--error-budget', '0.5'], { cwd, env });
    expect(again.code, again.stderr).toBe(0);
    expect(json<RunDoc>(again).items).toMatchObject({ done: 63, error: 0 });
    expect(generations() - before).toBe(errors.length);
    refusing = true;

    // A tight budget: the same failures now stop the run with exit 1.
    const tight = await runCli([...runArgs(server.url, 'perm-tight'), '--error-budget', '0'], { cwd, env });
    expect(tight.code).toBe(1);
    expect(tight.stderr).toMatch(/error budget/);
  });

  it('a changed generation setting under the same run name is refused', async () => {
    const server = await sim();
    const { cwd, env } = setup();
    const first = await runCli([...runArgs(server.url, 'fp'), '--datasets', 'trec'], { cwd, env });
    expect(first.code, first.stderr).toBe(0);
    const again = await runCli([...runArgs(server.url, 'fp'), '--datasets', 'trec'], { cwd, env });
    expect(again.code, again.stderr).toBe(0);
    const changed = await runCli(['run', 'longbench', '--sample', '--endpoint', server.url, '--model', 'sim-model', '--max-length', '300', '--name', 'fp', '--datasets', 'trec'], { cwd, env });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/different settings.*maxLength/s);
  });

  it('the API key never reaches the store, the output or the logs', async () => {
    const key = 'sk-evalh-planted-secret-7f3a9c2e';
    const server = await sim({
      requireApiKey: key,
      faults: (req) => (req.prompt.includes('NASA') ? { kind: 'status', status: 400, body: JSON.stringify({ error: { message: `rejected request with key ${key}` } }) } : undefined),
    });
    const { cwd, env, db } = setup({ EVALH_API_KEY: key });
    const r = await runCli([...runArgs(server.url, 'secret'), '--error-budget', '1'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.every((q) => q.headers.authorization === `Bearer ${key}`)).toBe(true);
    const show = await runCli(['show', 'secret', '--json'], { cwd, env });
    const list = await runCli(['list', 'runs', '--json'], { cwd, env });
    const wrong = await runCli(runArgs(server.url, 'secret-wrong'), { cwd, env: { ...env, EVALH_API_KEY: `${key}-wrong` } });
    // The start-up check is the first request: a refused key stops before anything is written.
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/refused the API key from EVALH_API_KEY \(GET \/models: HTTP 401\); set EVALH_API_KEY to a key this server accepts/);
    const files = [db, `${db}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1'));
    for (const text of [r.stdout, r.stderr, show.stdout, show.stderr, list.stdout, wrong.stdout, wrong.stderr, ...files]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain('planted-secret');
    }
  });
});
