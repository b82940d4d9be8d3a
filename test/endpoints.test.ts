import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdaptiveLimit } from '../runners/limit.js';
import { maskUrl, redactUrl } from '../runners/openai.js';
import { simAnswer, simJudge } from './fixtures/alignbench/sims.js';
import { cliEnv, json, jsonError, runCli, startCli, finished, tempDir } from './helpers/cli.js';
import { simModel } from './helpers/longbench.js';
import { faultSchedule, startSimServer, type SimServer } from './helpers/sim-server.js';

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

/** A port with nothing listening: bound, then closed. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** stderr free of Node warnings and stack traces. */
function clean(stderr: string): void {
  expect(stderr).not.toMatch(/Warning|MaxListeners|internal error|\n\s+at /);
}

/** The one line a refused command prints. */
function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

const NEEDLE = ['run', 'needle', '--datasets', '200', '--preset', 'depths=0,50,100'];

describe('the start-up check of endpoints and judges', () => {
  it('a run at --concurrency 256 over 330 items: every item done, no warning on stderr', async () => {
    const server = await startSimServer({ latencyMs: 30 });
    servers.push(server);
    const cwd = tempDir();
    const r = await runCli(
      ['run', 'needle', '--datasets', '200', '--preset', 'standard,repeats=30', '--endpoint', server.url, '--model', 'sim', '--concurrency', '256', '--json'],
      { cwd, env: cliEnv(join(cwd, 'data-home')) },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ items: unknown }>(r).items).toMatchObject({ done: 330, error: 0 });
    clean(r.stderr);
  });

  it('nothing listening: exit 2 at once naming the endpoint, nothing written, no warning', async () => {
    const port = await deadPort();
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    for (const args of [
      [...NEEDLE, '--endpoint', `http://127.0.0.1:${port}/v1`, '--model', 'sim', '--retries', '8'],
      ['run', 'longbench', '--sample', '--endpoint', `http://127.0.0.1:${port}/v1`, '--model', 'sim', '--retries', '8', '--concurrency', '64'],
    ]) {
      const t0 = performance.now();
      const r = await runCli(args, { cwd, env });
      const took = performance.now() - t0;
      expect(r.code, r.stderr).toBe(2);
      // Eight retries with backoff would take tens of seconds per item.
      expect(took).toBeLessThan(5000);
      expect(oneLine(r.stderr)).toBe(`evalh: --endpoint http://127.0.0.1:${port}/v1: nothing is listening there (connection refused); start the server or correct the URL`);
      clean(r.stderr);
      expect(r.stdout).toBe('');
      expect(existsSync(join(cwd, 'results.db'))).toBe(false);
    }
  });

  it('a dead replica among live ones is refused too (every replica is checked)', async () => {
    const live = await startSimServer();
    servers.push(live);
    const port = await deadPort();
    const cwd = tempDir();
    const r = await runCli([...NEEDLE, '--endpoint', live.url, '--endpoint', `http://127.0.0.1:${port}/v1`, '--model', 'sim'], { cwd, env: cliEnv(join(cwd, 'data-home')) });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(new RegExp(`--endpoint http://127\\.0\\.0\\.1:${port}/v1: nothing is listening there`));
    expect(generations(live)).toBe(0);
    expect(existsSync(join(cwd, 'results.db'))).toBe(false);
  });

  it('a TLS failure and a host that does not resolve: exit 2 with the cause', async () => {
    const server = await startSimServer();
    servers.push(server);
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    const tls = server.url.replace('http:', 'https:'); // TLS spoken to a plain-HTTP server
    let r = await runCli([...NEEDLE, '--endpoint', tls, '--model', 'sim'], { cwd, env });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(new RegExp(`^evalh: --endpoint ${tls.replace(/\./g, '\\.')}: the TLS connection failed \\((EPROTO|ERR_SSL_[A-Z_]+)\\); check the server's certificate, or use http:// for a plain-HTTP server$`));
    // .invalid never resolves (RFC 6761).
    r = await runCli([...NEEDLE, '--endpoint', 'http://evalh-test.invalid/v1', '--model', 'sim'], { cwd, env });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^evalh: --endpoint http:\/\/evalh-test\.invalid\/v1: cannot reach the host \((ENOTFOUND|EAI_AGAIN)\); correct the URL$/);
    expect(existsSync(join(cwd, 'results.db'))).toBe(false);
    expect(generations(server)).toBe(0);
  });

  it('URLs in messages: a password or a user-name token masked, query values redacted, even in text that is not a URL', () => {
    expect(maskUrl('http://user:secret@host:8000/v1')).toBe('http://user:***@host:8000/v1');
    expect(maskUrl('https://sk-token@host/v1')).toBe('https://***@host/v1');
    expect(maskUrl('http://user:p@ss@host/v1')).toBe('http://user:***@host/v1');
    expect(maskUrl('user:secret@host/v1')).toBe('user:***@host/v1');
    expect(maskUrl('http://host/v1?key=abc&x=1')).toBe('http://host/v1?key=[redacted]&x=[redacted]');
    expect(maskUrl('http://127.0.0.1:8000/v1')).toBe('http://127.0.0.1:8000/v1');
    expect(redactUrl('http://user:secret@host/v1')).toBe('http://host/v1');
  });

  it('a password in --endpoint or --judge-endpoint: exit 2 before any request, masked, nothing written', async () => {
    const server = await startSimServer();
    servers.push(server);
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    const withPw = server.url.replace('http://', 'http://user:secret@');
    for (const [args, flag] of [
      [[...NEEDLE, '--endpoint', withPw, '--model', 'sim'], '--endpoint'],
      [[...NEEDLE, '--endpoint', withPw, '--model', 'sim', '--json'], '--endpoint'],
      [['run', 'alignbench', '--sample', '--runner', 'reference', '--judge-endpoint', withPw, '--judge-model', 'j'], '--judge-endpoint'],
      [['rejudge', 'r', '--judge-endpoint', withPw, '--judge-model', 'j'], '--judge-endpoint'],
      [[...NEEDLE, '--endpoint', server.url.replace('http://', 'http://secret@'), '--model', 'sim'], '--endpoint'],
      [[...NEEDLE, '--endpoint', `${server.url}?api_key=secret`, '--model', 'sim'], '--endpoint'],
    ] as const) {
      const r = await runCli([...args], { cwd, env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout + r.stderr).not.toContain('secret');
      expect(oneLine(r.stderr)).toMatch(new RegExp(`^evalh: ${flag} "http://(user:\\*\\*\\*@|\\*\\*\\*@)?127\\.0\\.0\\.1:${server.port}/v1(\\?api_key=\\[redacted\\])?" (carries credentials|has a query string)`));
      if (args.includes('--json')) expect(jsonError(r).code).toBe(2);
      clean(r.stderr);
    }
    expect(server.counts.total).toBe(0);
    expect(existsSync(join(cwd, 'results.db'))).toBe(false);
  });

  it('a key the server refuses: exit 2 naming the key variable, never the key', async () => {
    const server = await startSimServer({ requireApiKey: 'the-right-key' });
    servers.push(server);
    const cwd = tempDir();
    let r = await runCli([...NEEDLE, '--endpoint', server.url, '--model', 'sim'], { cwd, env: cliEnv(join(cwd, 'data-home'), { EVALH_API_KEY: 'a-wrong-key' }) });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(
      `evalh: --endpoint ${server.url} refused the API key from EVALH_API_KEY (GET /models: HTTP 401); set EVALH_API_KEY to a key this server accepts`,
    );
    expect(r.stderr).not.toMatch(/a-wrong-key|the-right-key/);
    r = await runCli([...NEEDLE, '--endpoint', server.url, '--model', 'sim'], { cwd, env: cliEnv(join(cwd, 'data-home')) });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/wants an API key \(GET \/models: HTTP 401\); set EVALH_API_KEY/);
    expect(existsSync(join(cwd, 'results.db'))).toBe(false);
    expect(generations(server)).toBe(0);
    // The right key goes through.
    r = await runCli([...NEEDLE, '--endpoint', server.url, '--model', 'sim', '--json'], { cwd, env: cliEnv(join(cwd, 'data-home'), { EVALH_API_KEY: 'the-right-key' }) });
    expect(r.code, r.stderr).toBe(0);
  });

  it('a wrong base URL, and a model id the server does not serve: exit 2; a server that answers to any id goes on', async () => {
    const vllm = await startSimServer({ modelId: 'glm-4', strictModel: true });
    const llama = await startSimServer({ modelId: 'glm-4' }); // lists one id, answers to any (llama.cpp)
    servers.push(vllm, llama);
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    const root = vllm.url.replace(/\/v1$/, '');
    for (const base of [root, `${root}/api/v1`]) {
      const r = await runCli([...NEEDLE, '--endpoint', base, '--model', 'glm-4'], { cwd, env });
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toBe(
        `evalh: --endpoint ${base}: no OpenAI-compatible API there (GET /models and POST /chat/completions answered HTTP 404); --endpoint must be the API's base URL, usually ending in /v1 (e.g. http://host:8000/v1)`,
      );
    }
    let r = await runCli([...NEEDLE, '--endpoint', vllm.url, '--model', 'glm-5'], { cwd, env });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(
      `evalh: --endpoint ${vllm.url} does not serve model "glm-5" (POST /chat/completions: HTTP 404 The model \`glm-5\` does not exist.); GET /models lists glm-4; pass an id it serves to --model`,
    );
    clean(r.stderr);
    expect(existsSync(join(cwd, 'results.db'))).toBe(false);

    r = await runCli([...NEEDLE, '--endpoint', vllm.url, '--model', 'glm-4', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    r = await runCli([...NEEDLE, '--endpoint', llama.url, '--model', 'glm-5', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`note: --model "glm-5" is not among the models --endpoint ${llama.url} lists (glm-4), but it answers to that id`);
    clean(r.stderr);
  });

  it('a busy server (503/429 on every first request) is not refused: a note, then the run completes', async () => {
    const server = await startSimServer({
      faultModels: true,
      faults: (q, attempt) => (attempt > 0 ? undefined : q.path === '/v1/models' ? { kind: 'status', status: 503 } : { kind: 'status', status: 429 }),
    });
    servers.push(server);
    const cwd = tempDir();
    const r = await runCli([...NEEDLE, '--endpoint', server.url, '--model', 'sim', '--json'], { cwd, env: cliEnv(join(cwd, 'data-home'), { EVALH_BACKOFF_BASE_MS: '5' }) });
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ items: unknown }>(r).items).toMatchObject({ done: 3, error: 0 });
    expect(r.stderr).toContain(`note: --endpoint ${server.url} is busy (GET /models: HTTP 503 at the start-up check); going on — requests are retried with backoff`);
    expect(server.counts.faults).toBe(4);
    clean(r.stderr);
  });

  it('the error-budget stop and the failed-items line name the error kinds', async () => {
    // Half the prompts always fail with 500.
    const server = await startSimServer({ faults: faultSchedule({ seed: 3, rate: 0.5, kinds: [{ kind: 'status', status: 500 }], maxPerPrompt: 1000 }) });
    servers.push(server);
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'), { EVALH_BACKOFF_BASE_MS: '1' });
    const args = ['run', 'needle', '--datasets', '200', '--preset', 'standard', '--endpoint', server.url, '--model', 'sim', '--retries', '1', '--concurrency', '1'];
    let r = await runCli([...args, '--name', 'budget', '--error-budget', '0.1'], { cwd, env });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/stopped: 2 items failed permanently \(http_500 2\), more than the error budget of 10% of 11/);
    r = await runCli([...args, '--name', 'within', '--error-budget', '1'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/(\d+) item\(s\) failed permanently \(not scored\): http_500 \1; run the same command again/);
    clean(r.stderr);
  });

  it('a dead judge: exit 2 naming the judge, for run and rejudge; nothing written', async () => {
    const judge = await startSimServer({ respond: simJudge });
    servers.push(judge);
    const port = await deadPort();
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    const dead = `http://127.0.0.1:${port}/v1`;
    const sample = ['run', 'alignbench', '--sample', '--datasets', '数学计算'];
    let r = await runCli([...sample, '--runner', 'reference', '--judge-endpoint', dead, '--judge-model', 'j', '--retries', '8'], { cwd, env });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(`evalh: --judge-endpoint ${dead} (the judge): nothing is listening there (connection refused); start the server or correct the URL`);
    expect(existsSync(join(cwd, 'results.db'))).toBe(false);

    const model = await startSimServer({ respond: simAnswer });
    servers.push(model);
    r = await runCli([...sample, '--endpoint', model.url, '--model', 'sim', '--judge-endpoint', dead, '--judge-model', 'j'], { cwd, env });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^evalh: --judge-endpoint .* \(the judge\): nothing is listening there/);
    expect(generations(model)).toBe(0);
    expect(existsSync(join(cwd, 'results.db'))).toBe(false);

    // A judge key the judge refuses names EVALH_JUDGE_API_KEY.
    const locked = await startSimServer({ requireApiKey: 'judge-key' });
    servers.push(locked);
    r = await runCli([...sample, '--runner', 'reference', '--judge-endpoint', locked.url, '--judge-model', 'j'], { cwd, env: { ...env, EVALH_API_KEY: 'model-key' } });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/\(the judge\) refused the API key from EVALH_API_KEY \(GET \/models: HTTP 401\); set EVALH_JUDGE_API_KEY/);

    // rejudge: the run exists; a dead judge adds no run.
    r = await runCli([...sample, '--runner', 'reference', '--judge-endpoint', judge.url, '--judge-model', 'j', '--name', 'base', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const runs = () => new Database(join(cwd, 'results.db'), { readonly: true }).prepare('SELECT name FROM runs ORDER BY id').pluck().all();
    expect(runs()).toEqual(['base']);
    r = await runCli(['rejudge', 'base', '--judge-endpoint', dead, '--judge-model', 'j2'], { cwd, env });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^evalh: --judge-endpoint .* \(the judge\): nothing is listening there/);
    expect(runs()).toEqual(['base']);
    clean(r.stderr);
  });
});
