import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import ts from 'typescript';
import {
  applyLimits,
  countTokens,
  faultSchedule,
  promptSha256,
  startSimServer,
} from './helpers/sim-server.js';
import type { Fault, SimRequest, SimServer, SimServerStartOptions } from './helpers/sim-server.js';

const servers: SimServer[] = [];
async function start(opts?: SimServerStartOptions): Promise<SimServer> {
  const s = await startSimServer(opts);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function post(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: init.signal,
  });
}
const root = (s: SimServer) => s.url.replace(/\/v1$/, '');
const chat = (s: SimServer, body: Record<string, unknown>, init?: RequestInit) =>
  post(`${s.url}/chat/completions`, { model: 'm', ...body }, init);
const user = (content: string) => [{ role: 'user', content }];

describe('endpoints', () => {
  it('listens on 127.0.0.1 and serves /v1/models and /health', async () => {
    const s = await start({ maxModelLen: 4096, modelId: 'glm-sim' });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const r = await fetch(`${s.url}/models`);
    expect(r.status).toBe(200);
    const j = await r.json();
    expect(j.data).toEqual([expect.objectContaining({ id: 'glm-sim', object: 'model', max_model_len: 4096 })]);
    expect((await fetch(`${root(s)}/health`)).status).toBe(200);
  });

  it('chat completions: OpenAI shape, usage in code points, default echo', async () => {
    const s = await start();
    const r = await chat(s, { messages: [{ role: 'system', content: 'sys ' }, { role: 'user', content: 'héllo 😀' }] });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    const j = await r.json();
    expect(j).toMatchObject({ object: 'chat.completion', model: 'm' });
    expect(typeof j.id).toBe('string');
    expect(typeof j.created).toBe('number');
    const content = j.choices[0].message.content;
    expect(j.choices).toEqual([{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }]);
    expect(content).toBe('echo: sys héllo 😀');
    // prompt = contents concatenated: 'sys héllo 😀' = 11 code points (😀 is 2 UTF-16 units, 1 token)
    expect(j.usage).toEqual({ prompt_tokens: 11, completion_tokens: 17, total_tokens: 28 });
    expect(s.requests[0]).toMatchObject({ path: '/v1/chat/completions', prompt: 'sys héllo 😀', model: 'm' });
    expect(s.requests[0]!.body.messages).toHaveLength(2);
  });

  it('chat content given as an array of text parts', async () => {
    const s = await start({ respond: (q) => `[${q.prompt}]` });
    const r = await chat(s, { messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] });
    expect((await r.json()).choices[0].message.content).toBe('[ab]');
  });

  it('completions: text_completion shape; prompt may be a string or sim token ids', async () => {
    const s = await start({ respond: (q) => q.prompt.toUpperCase() });
    const j = await (await post(`${s.url}/completions`, { model: 'x', prompt: 'abc' })).json();
    expect(j).toMatchObject({
      object: 'text_completion',
      model: 'x',
      choices: [{ index: 0, text: 'ABC', finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 },
    });
    const k = await (await post(`${s.url}/completions`, { model: 'x', prompt: [104, 105] })).json();
    expect(k.choices[0].text).toBe('HI');
  });

  it('honours max_tokens (finish_reason length) and stop (string or list, like vLLM)', async () => {
    const s = await start({ respond: () => 'one two😀three STOP four' });
    const text = async (extra: Record<string, unknown>) => {
      const j = await (await post(`${s.url}/completions`, { prompt: 'p', ...extra })).json();
      return [j.choices[0].text, j.choices[0].finish_reason, j.usage.completion_tokens];
    };
    expect(await text({ max_tokens: 8 })).toEqual(['one two😀', 'length', 8]);
    expect(await text({ max_tokens: 100 })).toEqual(['one two😀three STOP four', 'stop', 23]);
    expect(await text({ stop: 'STOP' })).toEqual(['one two😀three ', 'stop', 14]);
    expect(await text({ stop: ['zzz', 'two', 'one'] })).toEqual(['', 'stop', 0]);
    expect(await text({ stop: ['three', '😀'] })).toEqual(['one two', 'stop', 7]);
    // the stop string is not complete within max_tokens: generation hits the length limit first
    expect(await text({ stop: 'STOP', max_tokens: 16 })).toEqual(['one two😀three ST', 'length', 16]);
    expect(await text({ stop: 'STOP', max_tokens: 18 })).toEqual(['one two😀three ', 'stop', 14]);
    const c = await (await chat(s, { messages: user('q'), max_tokens: 3 })).json();
    expect(c.choices[0]).toMatchObject({ message: { content: 'one' }, finish_reason: 'length' });
    const bad = await post(`${s.url}/completions`, { prompt: 'p', max_tokens: 0 });
    expect(bad.status).toBe(400);
  });

  it('applyLimits picks the stop string that completes first', () => {
    expect(applyLimits('abcd', ['bcd', 'c'], undefined)).toEqual({ text: 'ab', finishReason: 'stop' });
    expect(applyLimits('abcd', [], 2)).toEqual({ text: 'ab', finishReason: 'length' });
    expect(countTokens('a😀b')).toBe(3);
  });

  it('maxModelLen: prompt + max_tokens over the limit is a 400; without max_tokens output is capped', async () => {
    const s = await start({ maxModelLen: 10, respond: () => 'x'.repeat(50) });
    const over = await post(`${s.url}/completions`, { prompt: '12345', max_tokens: 6 });
    expect(over.status).toBe(400);
    expect((await over.json()).error.message).toMatch(/maximum context length is 10 tokens/);
    const tooLong = await chat(s, { messages: user('x'.repeat(10)) });
    expect(tooLong.status).toBe(400);
    const capped = await (await post(`${s.url}/completions`, { prompt: '12345' })).json();
    expect(capped.choices[0]).toMatchObject({ text: 'xxxxx', finish_reason: 'length' });
  });

  it('vLLM-style /tokenize and /detokenize', async () => {
    const s = await start({ maxModelLen: 321 });
    const r = await post(`${root(s)}/tokenize`, { model: 'm', prompt: 'hé😀', add_special_tokens: true });
    const j = await r.json();
    expect(j).toMatchObject({ tokens: [104, 233, 0x1f600], count: 3, max_model_len: 321 });
    const d = await (await post(`${root(s)}/detokenize`, { model: 'm', tokens: j.tokens })).json();
    expect(d).toEqual({ prompt: 'hé😀' });
    const m = await (await post(`${root(s)}/tokenize`, { model: 'm', messages: user('ab') })).json();
    expect(m.count).toBe(2);
    expect((await post(`${root(s)}/detokenize`, { tokens: [-1] })).status).toBe(400);
    expect(s.requests[0]!.prompt).toBe('hé😀');
  });

  it('llama.cpp-style /tokenize and /detokenize', async () => {
    const s = await start({ tokenize: 'llamacpp' });
    const j = await (await post(`${root(s)}/tokenize`, { content: 'ok!', add_special: false })).json();
    expect(j).toEqual({ tokens: [111, 107, 33] });
    const p = await (await post(`${root(s)}/tokenize`, { content: 'ok', with_pieces: true })).json();
    expect(p.tokens).toEqual([{ id: 111, piece: 'o' }, { id: 107, piece: 'k' }]);
    expect(await (await post(`${root(s)}/detokenize`, { tokens: [111, 107] })).json()).toEqual({ content: 'ok' });
  });

  it("tokenize 'none': no tokenizer endpoints", async () => {
    const s = await start({ tokenize: 'none' });
    expect((await post(`${root(s)}/tokenize`, { prompt: 'a' })).status).toBe(404);
    expect((await post(`${root(s)}/detokenize`, { tokens: [97] })).status).toBe(404);
  });

  it('unknown path 404, bad JSON 400, wrong method 405, all with JSON errors', async () => {
    const s = await start();
    const nf = await post(`${s.url}/embeddings`, { input: 'x' });
    expect(nf.status).toBe(404);
    expect((await nf.json()).error.message).toMatch(/not found/);
    const bad = await post(`${s.url}/chat/completions`, '{"messages": [');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/not valid JSON/);
    expect((await post(`${s.url}/chat/completions`, { model: 'm' })).status).toBe(400); // no messages
    expect((await fetch(`${s.url}/completions`)).status).toBe(405);
    expect(s.counts.byPath).toEqual({ '/v1/embeddings': 1, '/v1/chat/completions': 2, '/v1/completions': 1 });
    expect(s.counts.total).toBe(4);
  });

  it('requireApiKey: 401 unless Authorization: Bearer <key>', async () => {
    const s = await start({ requireApiKey: 'sekret' });
    expect((await chat(s, { messages: user('a') })).status).toBe(401);
    expect((await chat(s, { messages: user('a') }, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await fetch(`${s.url}/models`)).status).toBe(401);
    const ok = await chat(s, { messages: user('a') }, { headers: { authorization: 'Bearer sekret' } });
    expect(ok.status).toBe(200);
    expect((await fetch(`${root(s)}/health`)).status).toBe(200);
  });

  it('record: false only counts', async () => {
    const s = await start({ record: false });
    await chat(s, { messages: user('a') });
    await fetch(`${s.url}/models`);
    expect(s.requests).toEqual([]);
    expect(s.counts).toEqual({ total: 2, byPath: { '/v1/chat/completions': 1, '/v1/models': 1 }, faults: 0 });
  });
});

describe('faults', () => {
  const once = (fault: Fault) => (_q: SimRequest, attempt: number) => (attempt === 0 ? fault : undefined);

  it('status: 429 with and without Retry-After, 5xx, 400, custom body', async () => {
    const s = await start({
      faults: (q, a) => {
        if (a > 0) return undefined;
        if (q.prompt === 'ra') return { kind: 'status', status: 429, retryAfter: '2' };
        if (q.prompt === 'custom') return { kind: 'status', status: 400, body: '{"detail":"nope"}' };
        return { kind: 'status', status: Number(q.prompt) };
      },
    });
    const ra = await chat(s, { messages: user('ra') });
    expect(ra.status).toBe(429);
    expect(ra.headers.get('retry-after')).toBe('2');
    expect((await ra.json()).error.code).toBe(429);
    for (const code of [429, 500, 502, 503]) {
      const r = await chat(s, { messages: user(String(code)) });
      expect(r.status).toBe(code);
      expect(r.headers.get('retry-after')).toBeNull();
      await r.arrayBuffer();
    }
    const c = await chat(s, { messages: user('custom') });
    expect(c.status).toBe(400);
    expect(await c.json()).toEqual({ detail: 'nope' });
    // the retry succeeds
    expect((await chat(s, { messages: user('ra') })).status).toBe(200);
    expect(s.counts.faults).toBe(6);
  });

  it('reset: the request fails without a response, and the server keeps serving', async () => {
    const s = await start({ faults: once({ kind: 'reset' }) });
    await expect(chat(s, { messages: user('r') })).rejects.toThrow();
    expect((await chat(s, { messages: user('r') })).status).toBe(200);
  });

  it('truncated: 200 with JSON headers, the body read fails', async () => {
    const s = await start({ faults: once({ kind: 'truncated' }), respond: () => 'x'.repeat(2000) });
    const r = await chat(s, { messages: user('t') });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    await expect(r.text()).rejects.toThrow();
    expect((await (await chat(s, { messages: user('t') })).json()).choices[0].message.content).toHaveLength(2000);
  });

  it('garbage: 200 with a body that is not JSON', async () => {
    const s = await start({ faults: once({ kind: 'garbage' }) });
    const r = await chat(s, { messages: user('g') });
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('empty: 200, valid JSON, empty completion', async () => {
    const s = await start({ faults: once({ kind: 'empty' }) });
    const j = await (await post(`${s.url}/completions`, { prompt: 'e' })).json();
    expect(j.choices[0]).toMatchObject({ text: '', finish_reason: 'stop' });
    expect(j.usage).toEqual({ prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 });
  });

  it('hang: never answers; the client can give up; close() ends hanging requests', async () => {
    const s = await start({ faults: (q) => (q.prompt.startsWith('h') ? { kind: 'hang' } : undefined) });
    await expect(chat(s, { messages: user('h1') }, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    const pending = chat(s, { messages: user('h2') }).then(
      () => 'answered',
      () => 'failed',
    );
    while (s.counts.total < 2) await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    await s.close();
    expect(await pending).toBe('failed');
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('attempt counts earlier requests with the same path + prompt', async () => {
    const seen: [string, string, number][] = [];
    const s = await start({
      faults: (q, a) => {
        seen.push([q.path, q.prompt, a]);
        return undefined;
      },
    });
    await chat(s, { messages: user('a') });
    await chat(s, { messages: user('b') });
    await chat(s, { messages: user('a') });
    await post(`${s.url}/completions`, { prompt: 'a' });
    await chat(s, { messages: user('a') });
    expect(seen.map((x) => x[2])).toEqual([0, 0, 1, 0, 2]);
  });
});

describe('faultSchedule', () => {
  const kinds: Fault[] = [
    { kind: 'status', status: 429, retryAfter: '0' },
    { kind: 'status', status: 503 },
    { kind: 'reset' },
    { kind: 'truncated' },
    { kind: 'garbage' },
    { kind: 'hang' },
  ];
  const req = (prompt: string): SimRequest => ({ path: '/v1/chat/completions', body: {}, prompt, model: '', headers: {} });

  it('is deterministic, independent of call order, and hits about `rate` of prompts', () => {
    const a = faultSchedule({ seed: 7, rate: 0.3, kinds })!;
    const b = faultSchedule({ seed: 7, rate: 0.3, kinds })!;
    const c = faultSchedule({ seed: 8, rate: 0.3, kinds })!;
    const prompts = Array.from({ length: 2000 }, (_, i) => `prompt ${i}`);
    const runA = prompts.map((p) => [0, 1, 2, 3].map((k) => a(req(p), k)));
    const runB = [...prompts].reverse().map((p) => [3, 2, 1, 0].map((k) => b(req(p), k)).reverse()).reverse();
    expect(runB).toEqual(runA);
    const runC = prompts.map((p) => [0, 1, 2, 3].map((k) => c(req(p), k)));
    expect(runC).not.toEqual(runA);
    const hit = runA.filter((r) => r[0] !== undefined).length / prompts.length;
    expect(hit).toBeGreaterThan(0.26);
    expect(hit).toBeLessThan(0.34);
    // bounded: at most maxPerPrompt (2) faults, always on the first attempts, never after
    for (const r of runA) {
      expect(r[2]).toBeUndefined();
      expect(r[3]).toBeUndefined();
      if (r[0] === undefined) expect(r[1]).toBeUndefined();
    }
    expect(runA.some((r) => r[1] !== undefined)).toBe(true); // some prompts get 2 faults
    const seenKinds = new Set(runA.flat().filter(Boolean).map((f) => JSON.stringify(f)));
    expect(seenKinds.size).toBe(kinds.length);
    const five = faultSchedule({ seed: 1, rate: 1, kinds, maxPerPrompt: 5 })!;
    for (const p of prompts.slice(0, 200)) expect(five(req(p), 5)).toBeUndefined();
    expect(prompts.slice(0, 200).some((p) => five(req(p), 4) !== undefined)).toBe(true);
    expect(faultSchedule({ seed: 1, rate: 0, kinds })!(req('x'), 0)).toBeUndefined();
  });

  it('a retrying client always finishes, with the same faults on a second run', async () => {
    const run = async () => {
      const s = await start({
        faults: faultSchedule({ seed: 42, rate: 0.5, kinds }),
        respond: (q) => `answer to ${q.prompt}`,
        latencyMs: 5,
      });
      const attemptsPerPrompt: number[] = [];
      await Promise.all(
        Array.from({ length: 60 }, async (_, i) => {
          for (let attempt = 1; ; attempt++) {
            try {
              const r = await chat(s, { messages: user(`q${i}`) }, { signal: AbortSignal.timeout(500) });
              if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
              const j = JSON.parse(await r.text());
              expect(j.choices[0].message.content).toBe(`answer to q${i}`);
              attemptsPerPrompt[i] = attempt;
              return;
            } catch (e) {
              if (attempt > 3) throw e;
            }
          }
        }),
      );
      const faults = s.counts.faults;
      await s.close();
      return { attemptsPerPrompt, faults };
    };
    const first = await run();
    const second = await run();
    expect(Math.max(...first.attemptsPerPrompt)).toBeLessThanOrEqual(3);
    expect(first.faults).toBeGreaterThan(10);
    expect(second).toEqual(first);
  });
});

describe('latency', () => {
  it('delays answers by roughly latencyMs, concurrently (not serially)', async () => {
    const s = await start({ latencyMs: 150 });
    let t0 = performance.now();
    expect((await chat(s, { messages: user('a') })).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    t0 = performance.now();
    const rs = await Promise.all(Array.from({ length: 32 }, (_, i) => chat(s, { messages: user(`p${i}`) })));
    const dt = performance.now() - t0;
    expect(rs.every((r) => r.status === 200)).toBe(true);
    expect(dt).toBeGreaterThanOrEqual(140);
    expect(dt).toBeLessThan(1000);
    // tokenize / models are not delayed
    t0 = performance.now();
    await fetch(`${s.url}/models`);
    expect(performance.now() - t0).toBeLessThan(100);
  });

  it('accepts a latency function of the request', async () => {
    const s = await start({ latencyMs: (q) => (q.prompt === 'slow' ? 250 : 0) });
    let t0 = performance.now();
    await chat(s, { messages: user('fast') });
    expect(performance.now() - t0).toBeLessThan(150);
    t0 = performance.now();
    await chat(s, { messages: user('slow') });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
  });

  it('sustains concurrency 64 at 50 ms with keep-alive', async () => {
    const s = await start({ latencyMs: 50, record: false });
    const n = 1280;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < n) {
          const i = next++;
          const r = await chat(s, { messages: user(`p${i}`), max_tokens: 16 });
          await r.json();
        }
      }),
    );
    const dt = performance.now() - t0;
    expect(s.counts.total).toBe(n);
    // ideal: 20 rounds x 50 ms = 1 s
    expect(dt).toBeLessThan(6000); // a serial server would take 64 s
  });
});

describe('sim-server-cli (out of process)', () => {
  let dir: string;
  beforeAll(() => {
    // Node 20 cannot run TypeScript: transpile the two helper files to a temp ESM dir.
    dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const here = dirname(fileURLToPath(import.meta.url));
    for (const f of ['sim-server', 'sim-server-cli']) {
      const src = readFileSync(join(here, 'helpers', `${f}.ts`), 'utf8');
      const out = ts.transpileModule(src, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        fileName: `${f}.ts`,
      });
      writeFileSync(join(dir, `${f}.js`), out.outputText);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function launch(args: string[]) {
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [join(dir, 'sim-server-cli.js'), ...args]);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`cli exited ${code}: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, info: JSON.parse(line) as { url: string; pid: number }, exited, stderr: () => stderr };
  }

  it('prints {"url"} when listening, serves answers by prompt sha256, exits on SIGTERM', async () => {
    const answers = join(dir, 'answers.json');
    writeFileSync(answers, JSON.stringify({ [promptSha256('what is 2+2?')]: 'four' }));
    const { child, info, exited, stderr } = await launch(['--latency', '30', '--respond', `answers:${answers}`]);
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const t0 = performance.now();
    const j = await (await post(`${info.url}/chat/completions`, { model: 'm', messages: user('what is 2+2?') })).json();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    expect(j.choices[0].message.content).toBe('four');
    const k = await (await post(`${info.url}/completions`, { prompt: 'other' })).json();
    expect(k.choices[0].text).toBe('echo: other');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(JSON.parse(stderr().trim().split('\n').pop()!)).toMatchObject({ requests: 2, faults: 0 });
  });

  it('honours --port, and SIGTERM ends hanging requests', async () => {
    const probe = await startSimServer();
    const port = probe.port;
    await probe.close();
    const { child, info, exited } = await launch(['--port', String(port), '--fault-rate', '1', '--fault-kinds', 'hang']);
    expect(info.url).toBe(`http://127.0.0.1:${port}/v1`);
    const pending = post(`${info.url}/completions`, { prompt: 'x' }).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await pending).toBe('failed');
  });

  it('rejects bad flags with exit 2', async () => {
    const child = spawn(process.execPath, [join(dir, 'sim-server-cli.js'), '--respond', 'nonsense']);
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
  });
});
