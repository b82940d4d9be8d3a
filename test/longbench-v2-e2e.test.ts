import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, finished, json, runCli, startCli, tempDir } from './helpers/cli.js';
import { itemRows, officialScores, pythonPrompts, V2_SHARED, v2Records, writeData } from './helpers/longbench-v2.js';
import { startSimServer, type SimRequest, type SimServer } from './helpers/sim-server.js';

// The built CLI against the simulated OpenAI-compatible server, with the official prompts
// registered from ../shared and a project-made data.json. The prompts the server receives
// are compared with pred.py's fill run by python3; the scores with result.py run on the same
// outputs.

type RunDoc = {
  run: string;
  status: string;
  scores: Record<string, number | null>;
  failed: number;
  counts: Record<string, number>;
  items: { done: number; error: number; total?: number };
  labels?: string[];
};

let servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const COT_FIRST_END = 'Let’s think step by step:';
const COT_SECOND = 'Based on the above, what is the single, most likely answer choice?';

const records = v2Records();
const questionOf = (prompt: string) => Number(/Question-(\d+)/.exec(prompt)?.[1] ?? -1);
/** Items 0, 2, 3, 5 answered right, the others wrong or unparseable, in several formats. */
const RIGHT = new Set([0, 2, 3, 5]);
function plainAnswer(k: number): string {
  const gold = records[k]!.answer;
  const wrong = 'ABCD'[('ABCD'.indexOf(gold) + 1) % 4]!;
  if (RIGHT.has(k)) return k % 2 ? `**The correct answer is ${gold}**` : `  The correct answer is (${gold}).\n`;
  return k === 7 ? 'I cannot tell.' : `The correct answer is (${wrong})`;
}
/** The CoT first pass: whitespace around it (pred.py strips it) and a literal $Q$ and $COT$ (left alone: $COT$ goes in last). */
const reasoningOf = (k: number) => `\n  Reasoning about question ${k}: the text says $Q$ and $COT$ plainly.  \n`;
/** The scripted model: the CoT first pass reasons, everything else answers. */
function scripted(req: SimRequest): string {
  const k = questionOf(req.prompt);
  return req.prompt.endsWith(COT_FIRST_END) ? reasoningOf(k) : plainAnswer(k);
}

async function sim(opts: Parameters<typeof startSimServer>[0] = {}) {
  const s = await startSimServer({ respond: scripted, ...opts });
  servers.push(s);
  return s;
}

async function setup() {
  const cwd = tempDir();
  const env = cliEnv(join(cwd, 'data-home'), { EVALH_BACKOFF_BASE_MS: '5' });
  const add = await runCli(['data', 'add', 'longbench-v2', V2_SHARED], { cwd, env });
  expect(add.code, add.stderr).toBe(0);
  return { cwd, env, db: join(cwd, 'results.db'), data: writeData(cwd) };
}

const runArgs = (url: string, data: string, name: string, ...more: string[]) => [
  'run', 'longbench-v2', '--data', data, '--endpoint', url, '--model', 'sim-model', '--max-length', '100000', '--name', name, '--json', ...more,
];
const generations = (s: SimServer) => s.requests.filter((q) => q.path === '/v1/chat/completions');

describe('evalh run longbench-v2 against a simulated server', () => {
  it('plain: one user message per item, pred.py\'s prompt exactly, temperature 0.1, max_tokens 128; scores equal result.py\'s', async () => {
    const server = await sim();
    const { cwd, env, db, data } = await setup();
    const r = await runCli(runArgs(server.url, data, 'plain'), { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<RunDoc>(r);
    expect(doc.items).toMatchObject({ done: 8, error: 0 });
    expect(doc.failed).toBe(0);
    expect(doc.labels ?? []).toEqual([]);

    const expected = pythonPrompts(data, '0shot.txt');
    const sent = generations(server);
    expect(sent).toHaveLength(8);
    for (const q of sent) {
      expect(q.body.messages).toHaveLength(1);
      expect(q.body.messages[0].role).toBe('user');
      expect(q.body.temperature).toBe(0.1);
      expect(q.body.max_tokens).toBe(128);
    }
    expect(sent.map((q) => q.prompt).sort()).toEqual(Object.values(expected).sort());
    // The sequential replace reached into the document, and "$&" stayed literal.
    expect(expected.v2test0).toContain('The marker Question-0: which statement does the text support? sits in the document, next to Statement 0a, $& and $1 and $$.');

    const official = officialScores(db, 'plain', cwd);
    expect(doc.scores).toEqual(official);
    expect(doc.scores.overall).toBe(50);
  });

  it('cot: two calls per item (0shot_cot.txt with 1024 tokens, then 0shot_cot_ans.txt with the stripped reasoning, 128), both in the transcript', async () => {
    const server = await sim();
    const { cwd, env, db, data } = await setup();
    const r = await runCli(runArgs(server.url, data, 'cot', '--preset', 'cot'), { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<RunDoc>(r);
    expect(doc.items).toMatchObject({ done: 8, error: 0 });

    const first = pythonPrompts(data, '0shot_cot.txt');
    const reasoning = Object.fromEntries(records.map((rec, k) => [rec._id, reasoningOf(k)]));
    const second = pythonPrompts(data, '0shot_cot.txt', reasoning, '0shot_cot_ans.txt');
    const sent = generations(server);
    expect(sent).toHaveLength(16);
    for (const rec of records) {
      const mine = sent.filter((q) => questionOf(q.prompt) === Number(rec._id.slice(-1)));
      expect(mine.map((q) => [q.prompt, q.body.max_tokens, q.body.temperature, q.body.messages.length])).toEqual([
        [first[rec._id], 1024, 0.1, 1],
        [second[rec._id], 128, 0.1, 1],
      ]);
      // $COT$ went in last: the reasoning's own "$Q$" and "$COT$" are left as they are, stripped of its whitespace.
      expect(second[rec._id]).toContain(`step by step: Reasoning about question ${rec._id.slice(-1)}: the text says $Q$ and $COT$ plainly.\n\nBased on the above`);
    }

    const rows = itemRows(db, 'cot');
    for (const row of rows) {
      const t = JSON.parse(row.transcript!) as { role: string; content?: string; template?: string; maxTokens?: number }[];
      expect(t.map((x) => x.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
      expect(t[0]).toMatchObject({ template: '0shot_cot.txt', maxTokens: 1024 });
      expect(t[1]!.content).toContain('Reasoning about question');
      expect(t[2]).toMatchObject({ template: '0shot_cot_ans.txt', maxTokens: 128, content: second[row.item_id] });
      expect(t[3]!.content).toBe(row.output);
    }
    expect(doc.scores).toEqual(officialScores(db, 'cot', cwd));
    expect(doc.scores.overall).toBe(50);
  });

  it('a call that fails for good is an error, not a score: counted, shown, left out of the accuracies like pred.py, retried on the next run', async () => {
    let refusing = true;
    // Item 3 (plain), and the CoT second pass of item 5: refused with a 400 (never retried).
    const refuse = (req: SimRequest) => refusing && (questionOf(req.prompt) === 3 || (questionOf(req.prompt) === 5 && req.prompt.includes(COT_SECOND)));
    const server = await sim({ faults: (req) => (refuse(req) ? { kind: 'status', status: 400, body: '{"error":{"message":"refused"}}' } : undefined) });
    const { cwd, env, db, data } = await setup();

    const r = await runCli(runArgs(server.url, data, 'fail', '--error-budget', '0.5'), { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<RunDoc>(r);
    expect(doc.items).toMatchObject({ done: 7, error: 1 });
    expect(doc.failed).toBe(1);
    expect(doc.counts.overall).toBe(7);
    expect(doc.scores).toEqual(officialScores(db, 'fail', cwd)); // result.py over the 7 it would have
    const failedRow = itemRows(db, 'fail').find((x) => x.status === 'error')!;
    expect(failedRow).toMatchObject({ item_id: 'v2test3', score: null, output: null, error_kind: 'http_400' });

    const show = await runCli(['show', 'fail'], { cwd, env });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/1 item\(s\) failed .* NOT in these numbers\. The official pred\.py drops such items/s);
    expect(show.stdout).toMatch(/errors: http_400 1/);

    // CoT: the first pass of item 5 succeeds, its second pass is refused: the item fails whole.
    const cot = await runCli(runArgs(server.url, data, 'fail-cot', '--error-budget', '0.5', '--preset', 'cot'), { cwd, env });
    expect(cot.code, cot.stderr).toBe(0);
    expect(json<RunDoc>(cot).items).toMatchObject({ done: 6, error: 2 });
    expect(itemRows(db, 'fail-cot').filter((x) => x.status === 'error').map((x) => x.item_id)).toEqual(['v2test3', 'v2test5']);

    // The same command again asks only the failed item, now that the server accepts it.
    refusing = false;
    const before = generations(server).length;
    const again = await runCli(runArgs(server.url, data, 'fail', '--error-budget', '0.5'), { cwd, env });
    expect(again.code, again.stderr).toBe(0);
    expect(json<RunDoc>(again)).toMatchObject({ failed: 0, items: { done: 8, error: 0 } });
    expect(generations(server).slice(before).map((q) => questionOf(q.prompt))).toEqual([3]);
  });

  it('resume after an interruption: finished items are not asked again (CoT: neither call)', async () => {
    const server = await sim({ latencyMs: 150 });
    const { cwd, env, db, data } = await setup();
    const args = runArgs(server.url, data, 'resume', '--preset', 'cot', '--concurrency', '2');
    const child = startCli(args, { cwd, env });
    const exit = finished(child);
    const doneIds = () => (existsSync(db) ? safeDone(db) : []);
    while (doneIds().length < 3) await new Promise((res) => setTimeout(res, 20));
    child.kill('SIGINT');
    const stopped = await exit;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted: \d+ of 8 items done/);
    const kept = doneIds();
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(8);
    const askedBefore = generations(server).length;

    const again = await runCli(args, { cwd, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`${kept.length} of 8 items already done`);
    const doc = json<RunDoc>(again);
    expect(doc.items).toMatchObject({ done: 8, error: 0 });
    const askedAfter = generations(server).slice(askedBefore).map((q) => `v2test${questionOf(q.prompt)}`);
    for (const id of kept) expect(askedAfter).not.toContain(id);
    expect(askedAfter).toHaveLength(2 * (8 - kept.length)); // both calls of every unfinished item, once
    expect(doc.scores).toEqual(officialScores(db, 'resume', cwd));
  });

  it('the reference runner scores 100 on the built-in sample, plain and CoT, with no download', async () => {
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    for (const preset of ['plain', 'cot']) {
      const r = await runCli(['run', 'longbench-v2', '--sample', '--runner', 'reference', '--preset', preset, '--name', preset, '--json'], { cwd, env });
      expect(r.code, r.stderr).toBe(0);
      const doc = json<RunDoc>(r);
      expect(doc.items).toMatchObject({ done: 6, error: 0 });
      expect(doc.scores).toEqual({ overall: 100, easy: 100, hard: 100, short: 100, medium: 100, long: 100 });
      expect(doc.labels).toContain('sample, not the official benchmark');
    }
    const show = await runCli(['show', 'cot'], { cwd, env });
    expect(show.stdout).toContain('sample, not the official benchmark');
    expect(show.stdout).toMatch(/Overall\s+Easy\s+Hard\s+Short\s+Medium\s+Long\n\s+100\.0\s+100\.0/);
    // Without the sample and without registered data: the exact command that fixes it.
    const none = await runCli(['run', 'longbench-v2', '--runner', 'reference'], { cwd, env });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/evalh data pull longbench-v2/);
  });
});

function safeDone(db: string): string[] {
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (conn.prepare(`SELECT item_id FROM items WHERE status = 'done'`).all() as { item_id: string }[]).map((r) => r.item_id);
    } finally {
      conn.close();
    }
  } catch {
    return [];
  }
}
