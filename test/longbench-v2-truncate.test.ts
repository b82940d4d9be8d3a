import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildRequest, fillTemplate } from '../benchmarks/longbench-v2/prompt.js';
import { loadTokenizer } from '../src/tokenizers/load.js';
import { truncateMiddle } from '../src/tokenizers/truncate.js';
import type { Tokenizer } from '../src/tokenizers/types.js';
import { buildTokenizers, type BuiltTokenizers } from './fixtures/tokenizers/build.js';
import { cliEnv, json, runCli, tempDir } from './helpers/cli.js';
import { pythonPrompts, V2_SHARED, v2Records, writeData } from './helpers/longbench-v2.js';
import { startSimServer, type SimServer } from './helpers/sim-server.js';

// LongBench v2's truncation with real tokenizers built by the test (a GLM-4-style tiktoken rank
// file and the same vocabulary as an HF tokenizer.json with a [gMASK]<sop> post-processor, plus
// tiktoken's o200k_base for GPT models): pred.py's query_llm, written out literally below.

/**
 * query_llm, line by line: input_ids = tokenizer.encode(prompt); if len > max_len:
 * input_ids[:max_len//2] + input_ids[-max_len//2:], ONE decode with skip_special_tokens.
 * (-max_len//2 is Python floor division of the negated budget: Math.floor(-max / 2).)
 */
async function predPy(tok: Tokenizer, prompt: string, max: number): Promise<string> {
  const ids = await tok.encode(prompt);
  if (ids.length <= max) return prompt;
  return tok.decode([...ids.slice(0, Math.floor(max / 2)), ...ids.slice(Math.floor(-max / 2))], { skipSpecialTokens: true });
}

let root: string;
let built: BuiltTokenizers;
let toks: Array<[string, Tokenizer]>;
beforeAll(async () => {
  root = tempDir('evalh-v2tok-');
  built = buildTokenizers(root);
  toks = [
    ['GLM-4 rank file', await loadTokenizer(built.rankFile)],
    ['HF tokenizer.json', await loadTokenizer(built.hfFile)],
    ['o200k_base', await loadTokenizer('tiktoken:o200k_base')],
  ];
});
afterAll(() => toks?.forEach(([, t]) => t.close?.()));

const TEMPLATE = readFileSync(join(V2_SHARED, 'prompts/0shot.txt'), 'utf8');
// A document whose characters are several byte tokens each (世, 界, emoji): cuts land inside them.
const record = {
  ...v2Records()[1]!,
  context: `${'世界和平。'.repeat(6)} The harbour closed in the autumn. 😀👍🏽 ${'界世'.repeat(8)} ${'The lamp stayed dark. '.repeat(3)}`,
};

describe('LongBench v2 truncation (buildRequest with real tokenizers)', () => {
  it('equals pred.py for every budget, odd and even, and differs from v1\'s two decodes where a cut splits a character', async () => {
    const prompt = fillTemplate(TEMPLATE, record);
    for (const [name, tok] of toks) {
      const total = (await tok.encode(prompt)).length;
      let differs = 0;
      for (let max = 2; max <= total + 1; max += max < 60 ? 1 : 7) {
        const got = await buildRequest(prompt, 128, { needsPrompt: true, tokenizer: tok, maxLength: max });
        expect(got.request.prompt, `${name} max=${max}`).toBe(await predPy(tok, prompt, max));
        expect(got.promptTokens, name).toBe(total);
        expect(got.truncatedTokens, name).toBe(Math.max(0, total - max));
        const v1 = await truncateMiddle(tok, prompt, max, 'v1');
        if (v1.text !== got.request.prompt) differs++;
      }
      // v1 keeps 2·floor(max/2) tokens and decodes head and tail apart: odd budgets and split characters differ.
      expect(differs, name).toBeGreaterThan(10);
    }
  });

  it('odd budgets keep the extra token at the tail; the GLM-4 prefix is counted in the head', async () => {
    const digits = '0123456789'; // one token per digit in the GLM-4 fixture vocabulary
    for (const [name, tok] of toks.slice(0, 2)) {
      // [gMASK] <sop> 0 1 2 3 4 5 6 7 8 9: 12 tokens, the two prefix tokens counted and then skipped.
      const ids = await tok.encode(digits);
      expect(ids.length, name).toBe(12);
      const cut = async (max: number) => (await buildRequest(digits, 128, { needsPrompt: true, tokenizer: tok, maxLength: max })).request.prompt;
      expect(await cut(7), name).toBe('06789'); // head 3 = [gMASK]<sop>0, tail 4
      expect(await cut(6), name).toBe('0789'); // head 3, tail 3
      expect(await cut(5), name).toBe('789'); // head 2 = the prefix only, tail 3
      expect(await cut(11), name).toBe('012456789'); // head 5 = [gMASK]<sop>012, tail 6 = 456789
      expect(await cut(12), name).toBe(digits);
      expect((await truncateMiddle(tok, digits, 7, 'v1')).text, name).toBe('0789'); // v1: 3 + 3
    }
    // GPT models (tiktoken o200k_base, encode with disallowed_special=()): no prefix, and
    // special-token text in the data is ordinary text.
    const [, gpt] = toks[2]!;
    const text = 'abc <|endoftext|> def';
    const ordinary = await gpt.encode(text);
    expect(await gpt.decode(ordinary)).toBe(text);
    expect((await buildRequest(text, 128, { needsPrompt: true, tokenizer: gpt, maxLength: 1000 })).promptTokens).toBe(ordinary.length);
  });
});

describe('evalh run longbench-v2 --tokenizer', () => {
  let server: SimServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("takes the budget from v2's model2maxlen.json, by pred.py's model name or its HF path (model2path.json)", async () => {
    server = await startSimServer({ respond: () => 'The correct answer is (A)' });
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    const data = writeData(cwd);
    const run = (model: string, name: string) =>
      runCli(['run', 'longbench-v2', '--data', data, '--endpoint', server!.url, '--model', model, '--tokenizer', built.rankFile, '--name', name], { cwd, env });
    const unregistered = await run('GLM-4-9B-Chat', 'none');
    expect(unregistered.code).toBe(2);
    expect(unregistered.stderr).toMatch(/official prompts\/0shot\.txt of longbench-v2 is not registered\. Fix: `evalh data pull longbench-v2`/);
    expect((await runCli(['data', 'add', 'longbench-v2', V2_SHARED], { cwd, env })).code).toBe(0);
    const unknown = await run('sim-model', 'unknown');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no input budget known for model "sim-model": pass --max-length/);
    for (const [model, budget] of [['GLM-4-9B-Chat', 120000], ['THUDM/glm-4-9b-chat', 120000], ['claude-3.5-sonnet-20241022', 200000]] as const) {
      const r = await run(model, model.replace(/\W/g, '_'));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`truncation: middle, input budget ${budget} tokens (model2maxlen.json)`);
    }
    expect(new Set(server.requests.filter((q) => q.path === '/v1/chat/completions').map((q) => q.model))).toEqual(new Set(['GLM-4-9B-Chat', 'THUDM/glm-4-9b-chat', 'claude-3.5-sonnet-20241022']));
  });

  it.each(['rankFile', 'hfFile'] as const)('%s: the server receives pred.py\'s truncated prompts (both CoT calls), the item records the cut', async (kind) => {
    server = await startSimServer({ respond: (req) => (req.prompt.endsWith('step by step:') ? ' Because 世界. ' : 'The correct answer is (A)') });
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    expect((await runCli(['data', 'add', 'longbench-v2', V2_SHARED], { cwd, env })).code).toBe(0);
    const data = writeData(cwd);
    const budget = 151; // odd on purpose
    const file = built[kind];
    const r = await runCli(
      ['run', 'longbench-v2', '--data', data, '--preset', 'cot', '--endpoint', server.url, '--model', 'sim-model', '--tokenizer', file, '--max-length', String(budget), '--json'],
      { cwd, env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ items: { done: number } }>(r).items.done).toBe(8);
    const tok = await loadTokenizer(file);
    const first = pythonPrompts(data, '0shot_cot.txt');
    const second = pythonPrompts(data, '0shot_cot.txt', Object.fromEntries(v2Records().map((x) => [x._id, ' Because 世界. '])), '0shot_cot_ans.txt');
    const sent = server.requests.filter((q) => q.path === '/v1/chat/completions');
    const conn = new Database(join(cwd, 'results.db'), { readonly: true });
    const rows = conn.prepare(`SELECT item_id, prompt_tokens, truncated_tokens FROM items`).all() as { item_id: string; prompt_tokens: number; truncated_tokens: number }[];
    conn.close();
    let cut = 0;
    for (const rec of v2Records()) {
      const want = [await predPy(tok, first[rec._id]!, budget), await predPy(tok, second[rec._id]!, budget)];
      const got = sent.filter((q) => q.prompt === want[0] || q.prompt === want[1]).map((q) => [q.prompt, q.body.max_tokens]);
      expect(got, rec._id).toEqual([
        [want[0], 1024],
        [want[1], 128],
      ]);
      const full = (await tok.encode(first[rec._id]!)).length;
      const row = rows.find((x) => x.item_id === rec._id)!;
      expect(row.prompt_tokens).toBe(full);
      expect(row.truncated_tokens).toBe(Math.max(0, full - budget));
      if (full > budget) cut++;
    }
    expect(cut).toBeGreaterThan(3);
    // Every second-pass prompt was cut too (they are longer than the budget here).
    expect((await tok.encode(second.v2test7!)).length).toBeGreaterThan(budget);
    tok.close?.();
  });
});
