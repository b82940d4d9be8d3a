import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fitSentences, measureFor } from '../benchmarks/needle/fit.js';
import { parseGrid, parseLengths } from '../benchmarks/needle/grid.js';
import { GENERATOR_VERSION, SentenceStream, joinSentences } from '../benchmarks/needle/haystack.js';
import { needleScore } from '../benchmarks/needle/metric.js';
import { boundaryAt, needleFor } from '../benchmarks/needle/needle.js';
import { loadTokenizer } from '../src/tokenizers/load.js';
import { buildTokenizers } from './fixtures/tokenizers/build.js';
import { cliEnv, json, runCli, tempDir } from './helpers/cli.js';
import { NEEDLE, windowModel } from './helpers/needle.js';
import { countTokens, startSimServer, type SimServer } from './helpers/sim-server.js';

// The needle suite: generated haystacks reproducible from the seed, lengths in tokens of the
// run's tokenizer, the needle at the asked depth, the scoring rule, and the whole run through
// the CLI against the simulated server and with the reference runner.

/** Where the needle sits in the haystack, as a fraction of the haystack's characters. */
function needleDepth(prompt: string): number {
  const open = prompt.indexOf('<text>\n') + 7;
  const close = prompt.indexOf('\n</text>');
  const m = NEEDLE.exec(prompt)!;
  const hayChars = close - open - m[0].length - 1;
  return (m.index - open) / hayChars;
}

let server: SimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('needle generator', () => {
  it('is reproducible from the seed, readable, and free of digits', () => {
    const a = joinSentences(new SentenceStream(7, 'repeat/0').take(400));
    const b = joinSentences(new SentenceStream(7, 'repeat/0').take(400));
    const c = joinSentences(new SentenceStream(8, 'repeat/0').take(400));
    const d = joinSentences(new SentenceStream(7, 'repeat/1').take(400));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(d).not.toBe(a);
    expect(a).not.toMatch(/\d/);
    expect(a).toMatch(/^[A-Z][a-z]/);
    expect(a).toContain('\n\n'); // paragraphs
    // Sentences vary: a few hundred sentences have hardly any repeats.
    const sentences = a.split(/(?<=\.)\s+/);
    expect(new Set(sentences).size).toBeGreaterThan(sentences.length * 0.95);
    expect(GENERATOR_VERSION).toMatch(/^needle-haystack-\d+$/);
  });

  it('is pinned: the seed-0 haystack and needle are the recorded ones (a change must bump GENERATOR_VERSION)', () => {
    const text = joinSentences(new SentenceStream(0, 'repeat/0').take(500));
    expect(text.startsWith('The story of the stone bridge was curious, and our neighbour told it carefully. Nobody was surprised')).toBe(true);
    expect(createHash('sha256').update(text).digest('hex')).toBe('d02f6a1ced6174f67398c66a8e2b13961615f6544484f98b8096b9c4361f08a5');
    expect(needleFor(0, 4000, 50, 0)).toEqual({ city: 'Tbilisi', value: '9286719', sentence: 'The special magic number for Tbilisi is 9286719.' });
    expect(GENERATOR_VERSION).toBe('needle-haystack-1');
  });

  it('needles: one per cell, seven digits, city from the table; same inputs give the same needle', () => {
    const n = needleFor(3, 4000, 50, 0);
    expect(n).toEqual(needleFor(3, 4000, 50, 0));
    expect(n.value).toMatch(/^[1-9]\d{6}$/);
    expect(n.sentence).toBe(`The special magic number for ${n.city} is ${n.value}.`);
    const values = new Set([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((d) => needleFor(3, 4000, d, 0).value));
    expect(values.size).toBe(11);
    expect(needleFor(4, 4000, 50, 0).value).not.toBe(n.value);
  });

  it('depth: the sentence boundary nearest the fraction of the text', () => {
    const s = new SentenceStream(1, 'repeat/0').take(50);
    expect(boundaryAt(s, 0)).toBe(0);
    expect(boundaryAt(s, 100)).toBe(50);
    const mid = boundaryAt(s, 50);
    const before = joinSentences(s.slice(0, mid)).length;
    const total = joinSentences(s).length;
    expect(Math.abs(before / total - 0.5)).toBeLessThan(0.03);
  });

  it('fits a haystack to a token budget: at most the budget, and one more sentence would not fit', async () => {
    const cwd = tempDir();
    const tok = await loadTokenizer(buildTokenizers(join(cwd, 'tok')).rankFile);
    for (const measure of [measureFor(undefined), measureFor(tok)]) {
      for (const budget of [150, 1000, 7777, 40_000]) {
        const stream = new SentenceStream(5, 'repeat/0');
        const fitted = await fitSentences(stream, budget, measure);
        expect(await measure.count(joinSentences(fitted))).toBeLessThanOrEqual(budget);
        expect(await measure.count(joinSentences(stream.take(fitted.length + 1)))).toBeGreaterThan(budget);
      }
    }
  });

  it('scoring rule: the 7 digits as a whole number, group separators ignored', () => {
    expect(needleScore('4829301', '4829301')).toBe(1);
    expect(needleScore('The special magic number for Oslo is 4829301.', '4829301')).toBe(1);
    expect(needleScore('It is 4,829,301.', '4829301')).toBe(1);
    expect(needleScore('4 829 301', '4829301')).toBe(0); // plain spaces are not group separators
    expect(needleScore('4\u202f829\u202f301', '4829301')).toBe(1);
    expect(needleScore('48293012', '4829301')).toBe(0); // inside a longer number
    expect(needleScore('14829301', '4829301')).toBe(0);
    expect(needleScore('4829300', '4829301')).toBe(0);
    expect(needleScore('', '4829301')).toBe(0);
  });

  it('grid: lengths in k/m (decimal) or tokens, depths/repeats/seed from --preset', () => {
    expect(parseLengths(['4k', '1m', '128k', '3000', '4000', '3500'])).toEqual([
      { name: '3k', tokens: 3000 },
      { name: '3500', tokens: 3500 },
      { name: '4k', tokens: 4000 },
      { name: '128k', tokens: 128_000 },
      { name: '1m', tokens: 1_000_000 },
    ]);
    expect(() => parseLengths(['12x'])).toThrow(/not a token count/);
    expect(parseGrid(undefined, false).depths).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(parseGrid('quick', false).depths).toEqual([0, 25, 50, 75, 100]);
    expect(parseGrid('depths=100,0,50,repeats=2,seed=9', false)).toEqual({ depths: [0, 50, 100], repeats: 2, seed: 9 });
    expect(() => parseGrid('depths=120', false)).toThrow(/between 0 and 100/);
    expect(() => parseGrid('fast', false)).toThrow(/unknown --preset "fast"/);
  });
});

type NeedleDoc = {
  run?: string;
  status: string;
  scores: Record<string, number>;
  grid: Record<string, Record<string, number>>;
  byDepth: Record<string, number>;
  overall: number;
  items: { done: number; error: number; total?: number };
  labels?: string[];
  longContext: { policy: string; tokenizer: string | null; maxLength: number | null; measured: number; maxPromptTokens: number | null };
};

describe('evalh run needle', () => {
  it('against the sim server: lengths in the server tokenizer\'s tokens, the needle at its depth, a non-uniform grid in show', async () => {
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    const WINDOW = 3000;
    server = await startSimServer({ respond: windowModel(WINDOW) });
    const args = ['run', 'needle', '--datasets', '1k,2k,4k', '--preset', 'depths=0,25,50,75,100,seed=3', '--endpoint', server.url, '--model', 'sim', '--json'];
    const r = await runCli([...args, '--name', 's3'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<NeedleDoc>(r);
    expect(doc.items).toMatchObject({ done: 15, error: 0 });
    expect(doc.longContext).toMatchObject({ policy: 'middle', measured: 15 });
    expect(doc.longContext.tokenizer).toMatch(/^server:/);
    expect(doc.labels ?? []).not.toContainEqual(expect.stringMatching(/approximate/));

    const sent = server.requests.filter((q) => q.path === '/v1/chat/completions');
    expect(sent).toHaveLength(15);
    const expected: Record<string, Record<string, number>> = { '1k': {}, '2k': {}, '4k': {} };
    const conn = new Database(join(cwd, 'results.db'), { readonly: true });
    const rows = conn.prepare(`SELECT item_id, target, prompt_tokens, output, score FROM items ORDER BY item_id`).all() as {
      item_id: string;
      target: string;
      prompt_tokens: number;
      score: number;
    }[];
    const parts = JSON.parse((conn.prepare(`SELECT settings FROM runs WHERE name = 's3'`).get() as { settings: string }).settings).fingerprintParts;
    conn.close();
    expect(parts).toMatchObject({ suite: 'needle', generator: GENERATOR_VERSION, seed: 3, depths: [0, 25, 50, 75, 100] });
    for (const row of rows) {
      const t = JSON.parse(row.target) as { length: number; depth: number; value: string; city: string };
      const prompt = sent.find((q) => q.prompt.includes(`is ${t.value}.`))!.prompt;
      // The cell's length in the server tokenizer's tokens (code points): at most the length, and
      // short of it by less than one filler sentence (≤ 130 code points here) and the join slack.
      expect(countTokens(prompt)).toBeLessThanOrEqual(t.length);
      expect(countTokens(prompt)).toBeGreaterThan(t.length - 150);
      expect(row.prompt_tokens).toBe(countTokens(prompt));
      expect(prompt.match(/special magic number for/g)).toHaveLength(2); // the needle and the question
      expect(Math.abs(needleDepth(prompt) - t.depth / 100)).toBeLessThan(60 / t.length + 0.01);
      const m = NEEDLE.exec(prompt)!;
      // A sentence boundary: the needle starts the text or follows a full stop and a space.
      expect(m.index === prompt.indexOf('<text>\n') + 7 || prompt.slice(m.index - 2, m.index) === '. ').toBe(true);
      const found = countTokens(prompt.slice(0, m.index + m[0].length)) <= WINDOW ? 1 : 0;
      expect(row.score).toBe(found);
      const name = t.length === 1000 ? '1k' : t.length === 2000 ? '2k' : '4k';
      expected[name]![String(t.depth)] = found * 100;
    }
    expect(doc.grid).toEqual(expected);
    expect(Object.values(doc.grid['4k']!)).toContain(0);
    expect(Object.values(doc.grid['4k']!)).toContain(100);
    expect(doc.grid['1k']).toEqual({ 0: 100, 25: 100, 50: 100, 75: 100, 100: 100 });

    const show = await runCli(['show', 's3'], { cwd, env });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/depth \\ length\s+1k\s+2k\s+4k\s+all/);
    expect(show.stdout).toMatch(/^0%\s+100\.0\s+100\.0\s+100\.0\s+100\.0$/m);
    expect(show.stdout).toMatch(/^100%\s+100\.0\s+100\.0\s+0\.0\s+66\.7$/m);
    expect(show.stdout).toMatch(/long context: --truncate middle, budget 1,047,552 tokens \(server max_model_len 1048576 - 1024\), tokenizer server:/);

    // Same seed: byte-identical prompts; another seed: different ones.
    const before = sent.map((q) => q.prompt).sort();
    const again = await runCli([...args, '--name', 's3-again'], { cwd, env });
    expect(again.code, again.stderr).toBe(0);
    const second = server.requests.filter((q) => q.path === '/v1/chat/completions').slice(15).map((q) => q.prompt).sort();
    expect(second).toEqual(before);
    const other = await runCli([...args.slice(0, 5), 'depths=0,25,50,75,100,seed=4', ...args.slice(6), '--name', 's4'], { cwd, env });
    expect(other.code, other.stderr).toBe(0);
    const third = server.requests.filter((q) => q.path === '/v1/chat/completions').slice(30).map((q) => q.prompt);
    expect(third).toHaveLength(15);
    for (const p of third) expect(before).not.toContain(p);
    // The seed is part of the fingerprint: resuming s3 with another seed (another --preset) is refused.
    const clash = await runCli([...args.slice(0, 5), 'depths=0,25,50,75,100,seed=4', ...args.slice(6), '--name', 's3'], { cwd, env });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/was made with another data selection \(--preset depths=0,25,50,75,100,seed=3 then, depths=0,25,50,75,100,seed=4 now\)/);
  });

  it('--tokenizer FILE: lengths are counted with that tokenizer', async () => {
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    const file = buildTokenizers(join(cwd, 'tok')).rankFile;
    const tok = await loadTokenizer(file);
    server = await startSimServer({ respond: windowModel(1_000_000) });
    const r = await runCli(['run', 'needle', '--datasets', '1k,3k', '--preset', 'depths=0,100', '--endpoint', server.url, '--model', 'sim', '--tokenizer', file, '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<NeedleDoc>(r);
    expect(doc.overall).toBe(100);
    expect(doc.longContext.tokenizer).toBe(tok.id);
    const sent = server.requests.filter((q) => q.path === '/v1/chat/completions').map((q) => q.prompt);
    expect(sent).toHaveLength(4);
    for (const p of sent) {
      const n = (await tok.encode(p, { addSpecialTokens: false })).length;
      // At most the cell's length and within a filler sentence of it.
      const cell = [1000, 3000].find((c) => n <= c && n > c - 70);
      expect(cell, `${n} tokens fits no cell`).toBeDefined();
      expect(p.length).toBeGreaterThan(n); // counted in tokens, not characters
    }
  });

  it('cells over the model budget follow --truncate: skipped cells are left out of the grid, not scored 0', async () => {
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    server = await startSimServer({ respond: windowModel(1_000_000) });
    const r = await runCli(['run', 'needle', '--datasets', '1k,2k', '--preset', 'quick', '--endpoint', server.url, '--model', 'sim', '--max-length', '1500', '--truncate', 'skip', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<NeedleDoc & { items: { skippedTooLong?: number } }>(r);
    expect(doc.items).toMatchObject({ done: 5, error: 0, skippedTooLong: 5 });
    expect(doc.grid).toEqual({ '1k': { 0: 100, 25: 100, 50: 100, 75: 100, 100: 100 } });
    expect(doc.longContext).toMatchObject({ policy: 'skip', maxLength: 1500 });
    const sent = server.requests.filter((q) => q.path === '/v1/chat/completions');
    expect(sent).toHaveLength(5);
    for (const q of sent) expect(countTokens(q.prompt)).toBeLessThanOrEqual(1000);
    const show = await runCli(['show', doc.run as string], { cwd, env });
    expect(show.stdout).toMatch(/^0%\s+100\.0\s+—\s+100\.0$/m);
  });

  it('a 1m cell: a million tokens counted with the server tokenizer, the needle found in the middle', async () => {
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    server = await startSimServer({ respond: windowModel(2_000_000) });
    const r = await runCli(['run', 'needle', '--datasets', '1m', '--preset', 'depths=50', '--endpoint', server.url, '--model', 'sim', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<NeedleDoc>(r);
    expect(doc.grid).toEqual({ '1m': { 50: 100 } });
    const [sent] = server.requests.filter((q) => q.path === '/v1/chat/completions');
    const n = countTokens(sent!.prompt);
    expect(n).toBeLessThanOrEqual(1_000_000);
    expect(n).toBeGreaterThan(1_000_000 - 150);
    expect(doc.longContext.maxPromptTokens).toBe(n);
    expect(Math.abs(needleDepth(sent!.prompt) - 0.5)).toBeLessThan(0.001);
  });

  it('--runner reference: answers every needle; lengths labelled approximate', async () => {
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'data-home'));
    const r = await runCli(['run', 'needle', '--runner', 'reference', '--datasets', '1k,8k', '--preset', 'quick', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<NeedleDoc>(r);
    expect(doc.items).toMatchObject({ done: 10, error: 0 });
    expect(doc.overall).toBe(100);
    expect(doc.grid['8k']).toEqual({ 0: 100, 25: 100, 50: 100, 75: 100, 100: 100 });
    expect(doc.labels).toContainEqual(expect.stringMatching(/context lengths approximate: no tokenizer, ~4 characters per token/));

    const bad = await runCli(['run', 'needle', '--runner', 'reference', '--datasets', '2x'], { cwd, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"2x" is not a token count/);
  });
});
