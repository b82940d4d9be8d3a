import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIR } from '../benchmarks/longbench/load.js';
import { fillTemplate, loadTemplates } from '../benchmarks/longbench/templates.js';
import { loadTokenizer } from '../src/tokenizers/load.js';
import { truncateMiddle } from '../src/tokenizers/truncate.js';
import type { Tokenizer } from '../src/tokenizers/types.js';
import { buildTokenizers } from './fixtures/tokenizers/build.js';
import { cliEnv, json, runCli, tempDir } from './helpers/cli.js';
import { simModel } from './helpers/longbench.js';
import { countTokens, startSimServer, type SimServer } from './helpers/sim-server.js';

// `evalh run --truncate middle|error|skip` on LongBench sample items with a small budget and a
// real tokenizer file: what the server received, what each item recorded, and the counts
// `show --json` reports; plus context-limit refusals counted as such.

const DATASETS = ['narrativeqa', 'multifieldqa_zh', 'lcc'];

type Doc = {
  status: string;
  items: { done: number; error: number; skippedTooLong?: number };
  longContext: {
    policy: string;
    maxLength: number | null;
    maxLengthSource: string | null;
    tokenizer: string | null;
    truncated: number;
    truncatedTokens: number;
    tooLong: number;
    skipped: number;
    contextLimit: number;
    maxPromptTokens: number | null;
  };
};
type Row = { item_id: string; status: string; error_kind: string | null; prompt_tokens: number | null; truncated_tokens: number | null; score: number | null };

let cwd: string;
let env: NodeJS.ProcessEnv;
let file: string;
let tokenizer: Tokenizer;
/** item id → its full prompt and token count (with special tokens, as the truncation counts). */
const prompts = new Map<string, { text: string; tokens: number }>();
let budget: number;
let over: string[];
let fits: string[];
let server: SimServer | undefined;

beforeAll(async () => {
  cwd = tempDir();
  env = cliEnv(join(cwd, 'data-home'));
  file = buildTokenizers(join(cwd, 'tok')).rankFile;
  tokenizer = await loadTokenizer(file);
  process.env.EVALH_DATA = join(cwd, 'data-home');
  const templates = loadTemplates('longbench', true);
  for (const d of DATASETS) {
    const records = readFileSync(join(SAMPLE_DIR, `${d}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (const [i, rec] of records.entries()) {
      const text = fillTemplate(templates.prompts[d]!, rec);
      prompts.set(`${d}/${i}`, { text, tokens: (await tokenizer.encode(text)).length });
    }
  }
  // A budget between the prompt lengths: some items fit, some are over.
  const counts = [...prompts.values()].map((p) => p.tokens).sort((a, b) => a - b);
  budget = counts[Math.floor(counts.length / 2)]!;
  over = [...prompts].filter(([, p]) => p.tokens > budget).map(([id]) => id).sort();
  fits = [...prompts].filter(([, p]) => p.tokens <= budget).map(([id]) => id).sort();
  expect(over.length).toBeGreaterThan(0);
  expect(fits.length).toBeGreaterThan(0);
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function rows(run: string): Row[] {
  const conn = new Database(join(cwd, 'results.db'), { readonly: true });
  try {
    return conn
      .prepare(`SELECT i.item_id, i.status, i.error_kind, i.prompt_tokens, i.truncated_tokens, i.score FROM items i JOIN runs r ON r.id = i.run_id WHERE r.name = ? ORDER BY i.item_id`)
      .all(run) as Row[];
  } finally {
    conn.close();
  }
}

async function run(policy: string | undefined, name: string, maxLength = budget, errorBudget = '0.05') {
  const args = ['run', 'longbench', '--sample', '--datasets', DATASETS.join(','), '--endpoint', server!.url, '--model', 'sim', '--tokenizer', file, '--max-length', String(maxLength), '--error-budget', errorBudget, '--name', name, '--json'];
  return runCli(policy ? [...args, '--truncate', policy] : args, { cwd, env });
}

const sentPrompts = () => server!.requests.filter((q) => q.path.startsWith('/v1/') && q.path.endsWith('completions')).map((q) => q.prompt);

describe('evalh run --truncate', () => {
  it('middle (the default): over-budget prompts are sent middle-truncated and counted', async () => {
    server = await startSimServer({ respond: simModel });
    const r = await run(undefined, 'p-middle');
    expect(r.code, r.stderr).toBe(0);
    const doc = json<Doc>(r);
    expect(doc.items).toEqual({ done: 9, error: 0, total: 9, skipped: 0 });
    expect(doc.longContext).toMatchObject({ policy: 'middle', maxLength: budget, maxLengthSource: '--max-length', tokenizer: tokenizer.id, truncated: over.length, tooLong: 0, skipped: 0, contextLimit: 0 });
    const sent = sentPrompts();
    expect(sent).toHaveLength(9);
    let cut = 0;
    for (const id of over) {
      const expected = await truncateMiddle(tokenizer, prompts.get(id)!.text, budget, 'v1');
      expect(sent).toContain(expected.text);
      cut += expected.truncatedTokens;
    }
    for (const id of fits) expect(sent).toContain(prompts.get(id)!.text);
    expect(doc.longContext.truncatedTokens).toBe(cut);
    for (const row of rows('p-middle')) expect(row.status).toBe('done');

    const show = await runCli(['show', 'p-middle'], { cwd, env });
    expect(show.stdout).toContain(`long context: --truncate middle, budget ${budget} tokens (--max-length), tokenizer ${tokenizer.id}`);
    expect(show.stdout).toMatch(new RegExp(`truncated prompts: ${over.length} \\(${cut} tokens cut\\)`));
  });

  it('error: over-budget items are not sent, fail as too_long with their token count, and are never scored', async () => {
    server = await startSimServer({ respond: simModel });
    // Far more than the default 5% error budget fail as too_long: the run still completes (the
    // policy's outcome, not a broken server).
    const r = await run('error', 'p-error');
    expect(r.code, r.stderr).toBe(0);
    const doc = json<Doc>(r);
    expect(doc.status).toBe('completed');
    expect(doc.items).toMatchObject({ done: fits.length, error: over.length });
    expect(doc.longContext).toMatchObject({ policy: 'error', truncated: 0, tooLong: over.length, skipped: 0, contextLimit: 0 });
    expect(sentPrompts().sort()).toEqual(fits.map((id) => prompts.get(id)!.text).sort());
    for (const row of rows('p-error')) {
      if (over.includes(row.item_id)) {
        expect(row).toMatchObject({ status: 'error', error_kind: 'too_long', prompt_tokens: prompts.get(row.item_id)!.tokens, score: null });
      } else {
        expect(row).toMatchObject({ status: 'done', error_kind: null });
      }
    }
    // The policy is part of the fingerprint: the middle run cannot be resumed with it.
    const clash = await run('error', 'p-middle');
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/differs in: truncate/);
  });

  it('skip: over-budget items are not sent, recorded as skipped (too long), and stay skipped on resume', async () => {
    server = await startSimServer({ respond: simModel });
    const r = await run('skip', 'p-skip');
    expect(r.code, r.stderr).toBe(0);
    const doc = json<Doc>(r);
    expect(doc.items).toMatchObject({ done: fits.length, error: 0, skippedTooLong: over.length });
    expect(doc.longContext).toMatchObject({ policy: 'skip', truncated: 0, tooLong: 0, skipped: over.length, contextLimit: 0 });
    expect(sentPrompts().sort()).toEqual(fits.map((id) => prompts.get(id)!.text).sort());
    for (const row of rows('p-skip')) {
      if (over.includes(row.item_id)) expect(row).toMatchObject({ status: 'skipped', error_kind: 'too_long', prompt_tokens: prompts.get(row.item_id)!.tokens, score: null });
      else expect(row.status).toBe('done');
    }
    const sentBefore = sentPrompts().length;
    const again = await run('skip', 'p-skip');
    expect(again.code, again.stderr).toBe(0);
    expect(sentPrompts().length).toBe(sentBefore);
    expect(json<Doc>(again).items).toMatchObject({ done: fits.length, skippedTooLong: over.length });

    const show = await runCli(['show', 'p-skip'], { cwd, env });
    expect(show.stdout).toContain(`items: ${fits.length} scored, 0 failed (not scored), ${over.length} skipped (too long)`);
    expect(show.stdout).toMatch(new RegExp(`--truncate skip, budget ${budget} tokens .*skipped \\(too long\\): ${over.length}`, 's'));
    const showJson = json<Doc>(await runCli(['show', 'p-skip', '--json'], { cwd, env }));
    expect(showJson.longContext).toEqual(doc.longContext);
  });

  it('context limit: prompts the server refuses are failed items of kind context_limit, counted apart', async () => {
    // The server's limit (in its own tokens, code points) between the prompt lengths; evalh's budget far above it.
    const lengths = [...prompts.values()].map((p) => countTokens(p.text)).sort((a, b) => a - b);
    server = await startSimServer({ respond: simModel, maxModelLen: lengths[4]! + 100 });
    const r = await run(undefined, 'p-limit', 100000, '1');
    expect(r.code, r.stderr).toBe(0);
    const doc = json<Doc>(r);
    const limited = rows('p-limit').filter((x) => x.error_kind === 'context_limit');
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.length).toBeLessThan(9);
    expect(doc.longContext).toMatchObject({ contextLimit: limited.length, truncated: 0, maxLength: 100000 });
    expect(doc.items.error).toBe(limited.length);
  });
});
