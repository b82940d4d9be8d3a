import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTokenizer } from '../src/tokenizers/load.js';
import { truncateMiddle } from '../src/tokenizers/truncate.js';
import { buildTokenizers } from './fixtures/tokenizers/build.js';
import { cliEnv, json, runCli, tempDir } from './helpers/cli.js';
import { simModel } from './helpers/longbench.js';
import { startSimServer, type SimServer } from './helpers/sim-server.js';

// `evalh run --tokenizer FILE`: the prompt the server receives is exactly pred.py's middle
// truncation with that tokenizer, and each item records its token count and the cut.

let server: SimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each(['rankFile', 'hfFile'] as const)('evalh run --tokenizer (%s)', (kind) => {
  it('sends the middle-truncated prompt and records the accounting', async () => {
    const cwd = tempDir();
    const files = buildTokenizers(join(cwd, 'tok'));
    const file = files[kind];
    server = await startSimServer({ respond: simModel });
    const env = cliEnv(join(cwd, 'data-home'));
    const budget = 120;
    const r = await runCli(
      ['run', 'longbench', '--sample', '--datasets', 'narrativeqa,multifieldqa_zh,lcc', '--endpoint', server.url, '--model', 'sim', '--tokenizer', file, '--max-length', String(budget), '--json'],
      { cwd, env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/truncation: tokenizer .* \((hf|tiktoken-file):[0-9a-f]{8}/);
    expect(json<{ items: { done: number } }>(r).items.done).toBe(9);

    const tokenizer = await loadTokenizer(file);
    const sent = server.requests.filter((q) => q.path.startsWith('/v1/')).map((q) => q.prompt);
    const conn = new Database(join(cwd, 'results.db'), { readonly: true });
    const rows = conn.prepare(`SELECT item_id, prompt_tokens, truncated_tokens FROM items ORDER BY item_id`).all() as {
      item_id: string;
      prompt_tokens: number | null;
      truncated_tokens: number;
    }[];
    conn.close();
    expect(rows.filter((x) => x.truncated_tokens > 0).length).toBeGreaterThan(0);

    // Rebuild every prompt the way pred.py does and compare with what the server got.
    const { readFileSync } = await import('node:fs');
    const { SAMPLE_DIR } = await import('../benchmarks/longbench/load.js');
    const { loadTemplates, fillTemplate } = await import('../benchmarks/longbench/templates.js');
    process.env.EVALH_DATA = join(cwd, 'data-home');
    const templates = loadTemplates('longbench', true);
    for (const d of ['narrativeqa', 'multifieldqa_zh', 'lcc']) {
      const records = readFileSync(join(SAMPLE_DIR, `${d}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      for (const [i, rec] of records.entries()) {
        const full = fillTemplate(templates.prompts[d]!, rec);
        const expected = await truncateMiddle(tokenizer, full, budget, 'v1');
        expect(sent).toContain(expected.text);
        const row = rows.find((x) => x.item_id === `${d}/${i}`)!;
        expect(row.truncated_tokens).toBe(expected.truncatedTokens);
        if (expected.truncatedTokens > 0) expect(row.prompt_tokens).toBe(expected.promptTokens);
      }
    }
  });
});
