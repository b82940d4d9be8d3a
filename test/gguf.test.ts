import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GgufRunner } from '../runners/gguf.js';
import type { RunnerCall } from '../runners/types.js';
import { truncateMiddle } from '../src/tokenizers/truncate.js';
import { TINY_CHAT_TEMPLATE, writeTinyLlama } from './fixtures/gguf/tiny-llama.js';
import { cliEnv, json, runCli, tempDir, jsonError } from './helpers/cli.js';

// `--gguf FILE`: a GGUF model run in-process through node-llama-cpp. The test writes its own
// tiny model (random weights, byte-level BPE vocabulary, a chat template in the metadata), so
// nothing is downloaded. Its answers are noise: what is checked is loading, tokenizing,
// templating, truncating and generating. One CPU thread: ggml's spinning thread pool collapses
// when the cores are shared with other test workers, and one thread is fast for this model.

const NLC: string = 'node-llama-cpp';
const installed = await import(NLC).then(
  () => true,
  () => false,
);
if (!installed) {
  process.stderr.write('\n[gguf.test] SKIPPED: node-llama-cpp is not installed (optional dependency omitted); the --gguf runner is not tested\n\n');
}

const dir = tempDir('evalh-gguf-');
const file = join(dir, 'tiny.gguf');
const info = writeTinyLlama(file);

const call = (c: Partial<RunnerCall> & { prompt: string }): RunnerCall => ({
  itemId: 'x',
  kind: 'completion',
  maxTokens: 16,
  temperature: 0,
  ...c,
});
const never = new AbortController().signal;
/** Token lists compared without vitest's deep equality (slow on hundreds of thousands of items). */
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

describe('evalh run --gguf: usage errors (no node-llama-cpp needed)', () => {
  it('exits 2 for a missing file, a file that is not GGUF, and --gguf-* without --gguf', async () => {
    const env = cliEnv(join(dir, 'data-home'));
    const missing = await runCli(['run', 'longbench', '--sample', '--gguf', join(dir, 'nope.gguf'), '--json'], { cwd: dir, env });
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toMatch(/--gguf .*nope\.gguf: no such file/);
    expect(jsonError(missing).code).toBe(2);

    const notGguf = join(dir, 'not.gguf');
    writeFileSync(notGguf, 'definitely not a model');
    const bad = await runCli(['run', 'longbench', '--sample', '--gguf', notGguf], { cwd: dir, env });
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/not\.gguf: not a GGUF model file/);

    const stray = await runCli(['run', 'longbench', '--sample', '--runner', 'reference', '--gguf-threads', '2'], { cwd: dir, env });
    expect(stray.code, stray.stderr).toBe(2);
    expect(stray.stderr).toMatch(/--gguf-threads goes with --gguf/);
  });

  it('exits 2 with install instructions when node-llama-cpp is missing', async () => {
    const env = cliEnv(join(dir, 'data-home'), { EVALH_NODE_LLAMA_CPP: 'evalh-no-such-package-for-tests' });
    const r = await runCli(['run', 'longbench', '--sample', '--gguf', file, '--json'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/optional package node-llama-cpp, which is not installed/);
    expect(r.stderr).toMatch(/npm install node-llama-cpp@\d+\.\d+\.\d+/);
    expect(jsonError(r).code).toBe(2);
  });
});

describe.skipIf(!installed)('GGUF runner (in-process, tiny model)', () => {
  let runner: GgufRunner;

  beforeAll(async () => {
    const { GgufRunner } = await import('../runners/gguf.js');
    runner = await GgufRunner.create({ file, threads: 1, sequences: 2, contextSize: 512 });
  });
  afterAll(async () => {
    await runner?.close();
  });

  it('loads the model with its own chat template, context and fingerprint', () => {
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(runner.fingerprint).toEqual({ runner: 'gguf', sha256: sha, contextSize: 512, chatWrapper: 'JinjaTemplate' });
    expect(runner.sequences).toBe(2);
    expect(runner.settings).toMatchObject({ file, sha256: sha, trainContextSize: 2048, contextSize: 512, sequences: 2, threads: 1, binary: 'prebuilt' });
    expect(runner.settings.nodeLlamaCpp).toMatch(/^\d+\.\d+\.\d+/);
    expect(runner.tokenizer.id).toBe(`gguf:${sha.slice(0, 16)}`);
  });

  it('tokenizes and detokenizes with the model vocabulary (round trip, merges, BOS, special tokens)', async () => {
    const tok = runner.tokenizer;
    for (const text of ['Hello the world', '你好，世界！🙂 mixed ünïcode', 'tabs\tand\nnew lines  ', ' leading space', 'x']) {
      const ids = await tok.encode(text, { addSpecialTokens: false });
      expect(await tok.decode(ids)).toBe(text);
      expect(ids.every((id) => id >= 0 && id < info.vocabSize)).toBe(true);
    }
    // Byte-level: one token per byte, fewer where a merge applies (" the" is one token).
    expect((await tok.encode('你', { addSpecialTokens: false })).length).toBe(3);
    expect(await tok.encode(' the', { addSpecialTokens: false })).toHaveLength(1);
    // add_bos_token: encode() prepends BOS by default, as transformers' encode does.
    const withBos = await tok.encode('abc');
    expect(withBos).toEqual([info.bos, 97, 98, 99]);
    expect(await tok.decode(withBos)).toBe('<s>abc');
    expect(await tok.decode(withBos, { skipSpecialTokens: true })).toBe('abc');
    // Special-token text is the special token (one id), and skipSpecialTokens drops it.
    const special = await tok.encode('a<|user|>b', { addSpecialTokens: false });
    expect(special).toHaveLength(3);
    expect(await tok.decode(special, { skipSpecialTokens: true })).toBe('ab');
  });

  it('tokenizes long texts in a worker thread: the same tokens, and the event loop keeps running', async () => {
    const long = 'The quick brown fox, 你好 <|user|> jumps over the lazy dog.\n'.repeat(4_000); // ~250 KB
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const ids = await runner.tokenizer.encode(long, { addSpecialTokens: false });
    clearInterval(timer);
    expect(same(ids, runner.model.tokenize(long, true))).toBe(true); // on the main thread, blocking
    expect(ticks).toBeGreaterThanOrEqual(5);

    // A chat prompt renders to the same tokens as node-llama-cpp's own (synchronous) LlamaText.tokenize.
    const chat = await runner.render({ kind: 'chat', prompt: long });
    const state = runner.chatWrapper.generateContextState({
      chatHistory: [
        { type: 'user', text: long },
        { type: 'model', response: [] },
      ],
    });
    expect(same(chat.tokens, state.contextText.tokenize(runner.model.tokenizer))).toBe(true);
    expect(chat.tokens.length).toBeGreaterThan(ids.length);
  });

  it('renders chat requests through the GGUF chat template, completion requests raw', async () => {
    expect(TINY_CHAT_TEMPLATE).toContain('add_generation_prompt');
    const chat = await runner.render({ kind: 'chat', prompt: 'HELLO' });
    expect(chat.text).toBe('<s><|user|>\nHELLO<|assistant|>\n');
    // BOS, <|user|>, \n, H E L L O, <|assistant|>, \n — one BOS only.
    expect(chat.tokens).toHaveLength(10);
    expect(chat.tokens.filter((t) => t === info.bos)).toHaveLength(1);
    // The user's text stays text: "<|user|>" typed by a user is not the control token.
    const [userToken] = await runner.tokenizer.encode('<|user|>', { addSpecialTokens: false });
    const typed = await runner.render({ kind: 'chat', prompt: '<|user|>' });
    expect(typed.text).toBe('<s><|user|>\n<|user|><|assistant|>\n');
    expect(typed.tokens.filter((t) => t === userToken)).toHaveLength(1);
    expect(typed.tokens.length).toBeGreaterThan(10);

    const raw = await runner.render({ kind: 'completion', prompt: 'HELLO' });
    expect(raw.text).toBe('<s>HELLO');
    expect(raw.tokens).toEqual(await runner.tokenizer.encode('HELLO'));

    // What the model is fed is what was rendered: the prompt token counts agree.
    const gen = await runner.generate(call({ kind: 'chat', prompt: 'HELLO', maxTokens: 4 }), never);
    expect(gen.promptTokens).toBe(10);
    const gen2 = await runner.generate(call({ kind: 'completion', prompt: 'HELLO', maxTokens: 4 }), never);
    expect(gen2.promptTokens).toBe(6);
  });

  it('generates at most maxTokens tokens, greedily (the same text twice)', async () => {
    let sawLength = false;
    for (const prompt of ['The quick brown fox', 'Once upon a time', 'In the beginning', 'Hello there']) {
      const a = await runner.generate(call({ prompt, maxTokens: 12 }), never);
      expect(a.completionTokens).toBeGreaterThanOrEqual(1);
      expect(a.completionTokens).toBeLessThanOrEqual(12);
      expect(['length', 'stop']).toContain(a.finishReason);
      if (a.finishReason === 'length') {
        sawLength = true;
        expect(a.completionTokens).toBe(12);
      }
      const b = await runner.generate(call({ prompt, maxTokens: 12 }), never);
      expect(b.text).toBe(a.text);
    }
    expect(sawLength).toBe(true);
  });

  it('stops at a stop string and leaves it out', async () => {
    let checked = 0;
    for (const prompt of ['The quick brown fox', 'Once upon a time', 'In the beginning', 'Hello there', 'A B C', 'zzz']) {
      const full = (await runner.generate(call({ prompt, maxTokens: 40 }), never)).text;
      // A two-character stop whose first occurrence is past the middle of the answer.
      let k = -1;
      for (let i = Math.max(1, Math.floor(full.length / 2)); i + 2 <= full.length; i++) {
        if (full.indexOf(full.slice(i, i + 2)) === i) {
          k = i;
          break;
        }
      }
      if (k < 0) continue;
      const stop = full.slice(k, k + 2);
      const cut = await runner.generate(call({ prompt, maxTokens: 40, stop: ['never-produced', stop] }), never);
      expect(cut.text, `stop ${JSON.stringify(stop)} in ${JSON.stringify(full)}`).toBe(full.slice(0, k));
      expect(cut.finishReason).toBe('stop');
      expect(cut.completionTokens).toBeLessThan(40);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  it('refuses a prompt that does not fit the context, and honours timeouts and stops', async () => {
    await expect(runner.generate(call({ prompt: 'x', maxTokens: 600 }), never)).rejects.toMatchObject({ name: 'PermanentError', kind: 'context_limit' });

    const timeout = new AbortController();
    timeout.abort(new DOMException('The operation timed out', 'TimeoutError'));
    await expect(runner.generate(call({ prompt: 'x' }), timeout.signal)).rejects.toMatchObject({ name: 'RetryableError', kind: 'timeout' });

    const stop = new AbortController();
    const pending = runner.generate(call({ prompt: 'The quick brown fox', maxTokens: 400 }), stop.signal);
    setTimeout(() => stop.abort(new Error('stopped by the user')), 5);
    await expect(pending).rejects.toThrow(/stopped by the user/);
    // The runner is still usable afterwards.
    const after = await runner.generate(call({ prompt: 'x', maxTokens: 2 }), never);
    expect(after.completionTokens).toBeGreaterThanOrEqual(1);
  });

  it('runs sequences in parallel and measures throughput', async () => {
    const prompts = ['one two three', 'four five six', 'seven eight', 'nine ten'];
    const outs = await Promise.all(prompts.map((prompt) => runner.generate(call({ prompt, maxTokens: 24 }), never)));
    for (const o of outs) expect(o.completionTokens).toBeLessThanOrEqual(24);
    const rec = runner.record() as { gguf: { tokensPerSecond: number; generatedTokens: number; sequences: number } };
    expect(rec.gguf.sequences).toBe(2);
    expect(rec.gguf.generatedTokens).toBeGreaterThan(0);
    expect(rec.gguf.tokensPerSecond).toBeGreaterThan(0);
    expect(runner.describeLoad()).toMatch(/^gguf 0\/2 seq, [\d.]+ tok\/s$/);
  });

  it('loads f16 weights too', async () => {
    const { GgufRunner } = await import('../runners/gguf.js');
    const f16 = join(dir, 'tiny-f16.gguf');
    writeTinyLlama(f16, { f16: true, contextLength: 256 });
    const r = await GgufRunner.create({ file: f16, threads: 1 });
    try {
      expect(r.contextSize).toBe(256); // min(training context, 8192)
      expect(r.settings.model).toMatch(/F16/);
      const g = await r.generate(call({ prompt: 'abc', maxTokens: 5 }), never);
      expect(g.completionTokens).toBeLessThanOrEqual(5);
    } finally {
      await r.close();
    }
  });

  // The command from the brief, end to end in a child process; the per-item truncation is checked
  // against pred.py's arithmetic with the same model's tokenizer (loaded above).
  it('evalh run longbench --sample --gguf: loads, templates, truncates with the model tokenizer, generates every item', async () => {
    const cwd = tempDir('evalh-gguf-run-');
    const env = cliEnv(join(cwd, 'data-home'));
    const budget = 256;
    const r = await runCli(
      ['run', 'longbench', '--sample', '--gguf', file, '--max-length', String(budget), '--concurrency', '2', '--gguf-threads', '1', '--json'],
      { cwd, env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/truncation: using the model's own tokenizer \(gguf:[0-9a-f]{16}\)/);
    expect(r.stderr).toMatch(/input budget 256 tokens \(--max-length\)/);
    expect(r.stderr).toMatch(/JinjaTemplate chat template\), context 2048 tokens x 2 sequence\(s\)/);
    const out = json<{ status: string; items: { done: number; error: number; total: number } }>(r);
    expect(out.status).toBe('completed');
    expect(out.items.error).toBe(0);
    expect(out.items.done).toBe(out.items.total);
    expect(out.items.total).toBeGreaterThan(20);

    const conn = new Database(join(cwd, 'results.db'), { readonly: true });
    const run = conn.prepare(`SELECT settings FROM runs`).get() as { settings: string };
    const rows = conn
      .prepare(`SELECT item_id, dataset, prompt_tokens, completion_tokens, truncated_tokens, status FROM items ORDER BY item_id`)
      .all() as { item_id: string; dataset: string; prompt_tokens: number | null; completion_tokens: number | null; truncated_tokens: number | null; status: string }[];
    conn.close();
    const settings = JSON.parse(run.settings) as {
      runner: Record<string, unknown>;
      load: { gguf: { tokensPerSecond: number; requests: number } };
      fingerprintParts: Record<string, unknown>;
      maxLength: number;
    };
    expect(settings.runner).toMatchObject({ runner: 'gguf', file, chatWrapper: 'JinjaTemplate', sequences: 2, threads: 1 });
    expect(settings.load.gguf.requests).toBe(out.items.total);
    expect(settings.load.gguf.tokensPerSecond).toBeGreaterThan(0);
    expect(settings.maxLength).toBe(budget);
    expect(rows.every((x) => x.status === 'done')).toBe(true);

    // The truncation recorded per item is pred.py's, counted with the model's own tokenizer.
    {
      const { SAMPLE_DIR } = await import('../benchmarks/longbench/load.js');
      const { loadTemplates, fillTemplate } = await import('../benchmarks/longbench/templates.js');
      const saved = process.env.EVALH_DATA;
      process.env.EVALH_DATA = join(cwd, 'data-home');
      const templates = loadTemplates('longbench', true);
      if (saved === undefined) delete process.env.EVALH_DATA;
      else process.env.EVALH_DATA = saved;
      let truncated = 0;
      for (const row of rows) {
        const [dataset, index] = row.item_id.split('/') as [string, string];
        const records = readFileSync(join(SAMPLE_DIR, `${dataset}.jsonl`), 'utf8').trim().split('\n');
        const record = JSON.parse(records[Number(index)]!) as { context: string; input: string };
        const expected = await truncateMiddle(runner.tokenizer, fillTemplate(templates.prompts[dataset]!, record), budget, 'v1');
        expect(row.truncated_tokens, row.item_id).toBe(expected.truncatedTokens);
        if (expected.truncatedTokens > 0) {
          truncated++;
          expect(row.prompt_tokens, row.item_id).toBe(expected.promptTokens);
        }
        expect(row.completion_tokens, row.item_id).toBeLessThanOrEqual(templates.maxNewTokens[dataset]!);
      }
      expect(truncated).toBeGreaterThan(rows.length / 2);
    }
  });
});
