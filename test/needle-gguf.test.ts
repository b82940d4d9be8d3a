import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GgufRunner } from '../runners/gguf.js';
import { writeTinyLlama } from './fixtures/gguf/tiny-llama.js';
import { cliEnv, json, runCli, tempDir } from './helpers/cli.js';

// needle with --gguf: context lengths counted with the GGUF model's own tokenizer, the budget
// taken from its context. The tiny model's answers are noise; what is checked is the sizing.

const NLC: string = 'node-llama-cpp';
const installed = await import(NLC).then(
  () => true,
  () => false,
);
if (!installed) process.stderr.write('\n[needle-gguf.test] SKIPPED: node-llama-cpp is not installed (optional dependency omitted)\n\n');

describe.runIf(installed)('evalh run needle --gguf', () => {
  it('sizes every cell with the model tokenizer and records the count', async () => {
    const cwd = tempDir('evalh-needle-gguf-');
    const env = cliEnv(join(cwd, 'data-home'));
    const file = join(cwd, 'tiny.gguf');
    writeTinyLlama(file);
    const r = await runCli(
      ['run', 'needle', '--gguf', file, '--gguf-context-size', '2048', '--gguf-threads', '1', '--concurrency', '1', '--datasets', '500,1k', '--preset', 'depths=0,100', '--json'],
      { cwd, env },
    );
    expect(r.code, r.stderr).toBe(0);
    const doc = json<{ items: { done: number; error: number }; longContext: { tokenizer: string; maxLength: number; measured: number } }>(r);
    expect(doc.items).toMatchObject({ done: 4, error: 0 });
    expect(doc.longContext).toMatchObject({ maxLength: 1024, measured: 4 });
    expect(doc.longContext.tokenizer).toMatch(/^gguf:/);

    const runner = await GgufRunner.create({ file, sequences: 1, threads: 1, contextSize: 2048 });
    try {
      const conn = new Database(join(cwd, 'results.db'), { readonly: true });
      const rows = conn.prepare(`SELECT item_id, prompt_tokens, target FROM items ORDER BY item_id`).all() as { item_id: string; prompt_tokens: number; target: string }[];
      conn.close();
      expect(rows).toHaveLength(4);
      for (const row of rows) {
        const length = (JSON.parse(row.target) as { length: number }).length;
        expect(row.prompt_tokens).toBeLessThanOrEqual(length);
        expect(row.prompt_tokens).toBeGreaterThan(length - 80);
      }
      expect(runner.tokenizer.id).toBe(doc.longContext.tokenizer);
    } finally {
      await runner.close();
    }
  });
});
