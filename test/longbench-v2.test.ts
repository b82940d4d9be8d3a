import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extractAnswer } from '../benchmarks/longbench-v2/answer.js';
import { scoresOf } from '../benchmarks/longbench-v2/aggregate.js';
import { fillCotAnswer, fillTemplate } from '../benchmarks/longbench-v2/prompt.js';
import type { Target } from '../benchmarks/longbench-v2/records.js';
import { readJsonRecords } from '../src/json-records.js';
import { pyStrip } from '../src/metrics/pystr.js';
import { cliEnv, json, ROOT, runCli, tempDir, jsonError } from './helpers/cli.js';
import { V2_SHARED, v2Records, writeData } from './helpers/longbench-v2.js';

// Parity with the official scripts on project-made files (test/fixtures/longbench-v2, made by
// scripts/official-v2-result.py: see its README), bad input, and the data commands.

const FIXTURES = join(ROOT, 'test/fixtures/longbench-v2');
type Doc = { run: string; scores: Record<string, number | null>; failed: number; items: { done: number; error: number } };

function expectedOf(txt: string): { cells: string[]; scores: Record<string, number> } {
  const lines = readFileSync(join(FIXTURES, txt), 'utf8').trim().split('\n');
  return { cells: lines[1]!.split('\t').slice(1), scores: JSON.parse(lines[2]!) as Record<string, number> };
}

function setup() {
  const cwd = tempDir();
  return { cwd, env: cliEnv(join(cwd, 'data-home')), db: join(cwd, 'results.db') };
}

async function records(file: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const { value } of readJsonRecords(file)) out.push(value as Record<string, unknown>);
  return out;
}

describe('evalh import longbench-v2 equals result.py', () => {
  it.each([
    ['results.jsonl', 'result.txt'],
    ['results-array.json', 'result-array.txt'],
  ])('%s (half-even ties included)', async (file, txt) => {
    const { cwd, env } = setup();
    const expected = expectedOf(txt);
    const r = await runCli(['import', 'longbench-v2', join(FIXTURES, file), '--name', 'imp', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<Doc>(r);
    expect(doc.run).toBe('imp');
    expect(doc.scores).toEqual(expected.scores);
    // The table prints the numbers as result.txt does (Python's str of the rounded float).
    const show = await runCli(['show', 'imp'], { cwd, env });
    const header = show.stdout.split('\n').findIndex((l) => /^\s*Overall\s+Easy\s+Hard\s+Short\s+Medium\s+Long\s*$/.test(l));
    expect(header).toBeGreaterThan(0);
    expect(show.stdout.split('\n')[header + 1]!.trim().split(/\s+/)).toEqual(expected.cells);
  });

  it('the fixture really has half-way values, where JS rounding would differ', () => {
    const { scores } = expectedOf('result.txt');
    expect(scores).toEqual({ overall: 6.2, easy: 18.8, hard: 3.1, short: 6.2, medium: 6.2, long: 6.2 });
    expect((6.25).toFixed(1)).toBe('6.3'); // what a naive port prints
  });

  it("extraction equals pred.py's extract_answer on every fixture response", async () => {
    let n = 0;
    for (const file of ['results.jsonl', 'results-array.json']) {
      for (const rec of await records(join(FIXTURES, file))) {
        expect(extractAnswer(rec.response as string), JSON.stringify(rec.response)).toBe(rec.pred);
        n++;
      }
    }
    expect(n).toBe(117);
    // The raw outputs before pred.py's strip give the same answers too.
    const raw = await records(join(FIXTURES, 'responses.jsonl'));
    const results = await records(join(FIXTURES, 'results.jsonl'));
    raw.forEach((r, i) => expect(extractAnswer(pyStrip(r.output as string))).toBe(results[i]!.pred));
  });

  it('an empty group has no score (result.py would divide by zero): null in JSON', async () => {
    const { cwd, env } = setup();
    const file = join(cwd, 'no-medium.jsonl');
    const rec = (id: string, length: string, judge: boolean) => JSON.stringify({ _id: id, difficulty: 'easy', length, pred: judge ? 'A' : null, answer: 'A', judge }) + '\n';
    writeFileSync(file, rec('a', 'short', true) + rec('b', 'long', false) + rec('c', 'long', true));
    const r = await runCli(['import', 'longbench-v2', file, '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(json<Doc>(r).scores).toEqual({ overall: 66.7, easy: 66.7, hard: null, short: 100, medium: null, long: 50 });
  });
});

describe('bad input: exit 2, file, line and field named, nothing written', () => {
  const good = { _id: 'x1', difficulty: 'easy', length: 'short', pred: 'A', answer: 'A', judge: true };
  const cases: Array<[string, string, RegExp]> = [
    ['missing judge', JSON.stringify({ ...good, judge: undefined }), /line 2, field "judge": must have required property 'judge'/],
    ['judge as text', JSON.stringify({ ...good, judge: 'true' }), /line 2, field "judge": must be boolean/],
    ['unknown difficulty', JSON.stringify({ ...good, difficulty: 'Hard' }), /line 2, field "difficulty": must be equal to one of the allowed values/],
    ['unknown length', JSON.stringify({ ...good, length: 'huge' }), /line 2, field "length"/],
    ['pred out of range', JSON.stringify({ ...good, pred: 'E' }), /line 2, field "pred"/],
    ['duplicate _id', JSON.stringify({ ...good, _id: 'x0' }), /line 2, field "_id": duplicate _id "x0" \(first at line 1\)/],
    ['broken JSON', '{"_id": "x1", ', /line 2: not valid JSON/],
  ];
  it.each(cases)('import: %s', async (_name, line2, message) => {
    const { cwd, env, db } = setup();
    const file = join(cwd, 'results.jsonl');
    writeFileSync(file, JSON.stringify({ ...good, _id: 'x0' }) + '\n' + line2 + '\n' + JSON.stringify({ ...good, _id: 'x2' }) + '\n');
    const r = await runCli(['import', 'longbench-v2', file, '--json'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(message);
    expect(jsonError(r).code).toBe(2);
    expect(existsSync(db)).toBe(false);
  });

  it('import: a JSON array names the line where the bad record starts', async () => {
    const { cwd, env, db } = setup();
    const file = join(cwd, 'results.json');
    writeFileSync(file, JSON.stringify([good, { ...good, _id: 'x2', answer: 'F' }], null, 1));
    const r = await runCli(['import', 'longbench-v2', file], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/results\.json, line 10, field "answer"/);
    expect(existsSync(db)).toBe(false);
  });

  it('run --data: a bad question is refused before anything runs', async () => {
    const { cwd, env, db } = setup();
    const recs = v2Records() as unknown as Record<string, unknown>[];
    recs[3] = { ...recs[3], choice_C: 7 };
    const file = join(cwd, 'data.json');
    writeFileSync(file, JSON.stringify(recs, null, 1));
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('"_id": "v2test3"')); // 0-based: the line after the element's "{"
    const r = await runCli(['run', 'longbench-v2', '--data', file, '--runner', 'reference'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}, line ${line}, field "choice_C": must be string`);
    expect(existsSync(db)).toBe(false);

    writeFileSync(file, JSON.stringify([v2Records()[0], v2Records()[0]]));
    const dup = await runCli(['run', 'longbench-v2', '--data', file, '--runner', 'reference'], { cwd, env });
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/field "_id": duplicate _id "v2test0"/);
    writeFileSync(file, JSON.stringify(v2Records()).slice(0, -40));
    const cut = await runCli(['run', 'longbench-v2', '--data', file, '--runner', 'reference'], { cwd, env });
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/not valid JSON|not closed/);
    const preset = await runCli(['run', 'longbench-v2', '--sample', '--runner', 'reference', '--preset', 'n20'], { cwd, env });
    expect(preset.code).toBe(2);
    expect(preset.stderr).toMatch(/unknown longbench-v2 preset "n20"; known: plain .* and cot/);
    expect(existsSync(db)).toBe(false);
  });
});

describe('prompt filling (pred.py: sequential plain replaces)', () => {
  const rec = { context: '\u00a0doc $Q$ $C_D$ $COT$\u2028', question: ' q $C_A$ $& ', choice_A: ' a ', choice_B: 'b', choice_C: 'c', choice_D: '\u3000d' };
  it('replaces every occurrence in order, strips like Python, never expands $-patterns', () => {
    // U+00A0, U+2028 and U+3000 are whitespace to Python's strip.
    expect(fillTemplate('[$DOC$|$Q$|$C_A$|$C_B$|$C_C$|$C_D$]', rec)).toBe('[doc q a $& d $COT$|q a $&|a|b|c|d]');
    expect(fillCotAnswer('$Q$ / $COT$', rec as never, '  think $Q$ $$ \n')).toBe('q a $& / think $Q$ $$');
    expect(pyStrip('\u200b x \ufeff')).toBe('\u200b x \ufeff'); // not whitespace to Python (JS trim() drops U+FEFF)
  });

  it('aggregation divides as result.py does, (100*acc)/n, then rounds half to even', () => {
    const t = (difficulty: Target['difficulty'], length: Target['length']): Target => ({ _id: 'x', difficulty, length, answer: 'A' });
    const items = [...Array(16)].map((_, i) => ({ target: t('easy', 'short'), correct: i < 1 ? 1 : 0 }));
    expect(scoresOf(items).scores).toMatchObject({ overall: 6.2, easy: 6.2, short: 6.2 });
    expect(Number.isNaN(scoresOf(items).scores.hard)).toBe(true);
  });
});

describe('evalh data pull|add longbench-v2', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  it('add: the shared copy of the official files, then a local data.json (copied in); a changed registered file is refused', async () => {
    const { cwd, env } = setup();
    const home = env.EVALH_DATA!;
    const wrong = await runCli(['data', 'add', 'longbench-v2', join(V2_SHARED, '../v1/config/model2maxlen.json')], { cwd, env });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/does not match the pinned official config\/model2maxlen\.json/);
    const add = await runCli(['data', 'add', 'longbench-v2', V2_SHARED, '--json'], { cwd, env });
    expect(add.code, add.stderr).toBe(0);
    expect(json<{ registered: string[] }>(add).registered).toEqual(['prompts/0shot.txt', 'prompts/0shot_cot.txt', 'prompts/0shot_cot_ans.txt', 'config/model2maxlen.json', 'config/model2path.json']);
    const noData = await runCli(['run', 'longbench-v2', '--runner', 'reference'], { cwd, env });
    expect(noData.code).toBe(2);
    expect(noData.stderr).toMatch(/LongBench v2 data not found\. Fix: `evalh data pull longbench-v2`/);

    const dir = join(cwd, 'mine');
    mkdirSync(dir);
    const file = writeData(dir);
    const addData = await runCli(['data', 'add', 'longbench-v2', file], { cwd, env });
    expect(addData.code, addData.stderr).toBe(0);
    const status = await runCli(['data', 'status', 'longbench-v2', '--json'], { cwd, env });
    const states = json<{ assets: { asset: string; state: string }[] }>(status).assets;
    expect(states.map((s) => s.state)).toEqual(['verified', 'verified', 'verified', 'verified', 'verified', 'present (sha256 recorded at registration)']);
    const run = await runCli(['run', 'longbench-v2', '--runner', 'reference', '--json'], { cwd, env });
    expect(run.code, run.stderr).toBe(0);
    expect(json<Doc & { labels?: string[] }>(run)).toMatchObject({ scores: { overall: 100 }, items: { done: 8 } });
    expect(json<Doc & { labels?: string[] }>(run).labels).toBeUndefined();

    const copy = join(home, 'longbench-v2', 'data.json');
    writeFileSync(copy, readFileSync(copy, 'utf8').replace('Statement 1b', 'Statement 1B'));
    const changed = await runCli(['run', 'longbench-v2', '--runner', 'reference', '--name', 'again'], { cwd, env });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/changed since it was registered/);
  });

  it('pull: the pinned files from the repository at 2e00731 and data.json from the dataset page (through EVALH_MIRROR)', async () => {
    const { cwd, env } = setup();
    const served = new Map<string, Buffer>();
    const base = '/raw.githubusercontent.com/THUDM/LongBench/2e00731f8d0bff23dc4325161044d0ed8af94c1e';
    for (const f of ['0shot.txt', '0shot_cot.txt', '0shot_cot_ans.txt']) served.set(`${base}/prompts/${f}`, readFileSync(join(V2_SHARED, 'prompts', f)));
    for (const f of ['model2maxlen.json', 'model2path.json']) served.set(`${base}/config/${f}`, readFileSync(join(V2_SHARED, f)));
    served.set('/huggingface.co/datasets/THUDM/LongBench-v2/resolve/main/data.json', readFileSync(writeData(cwd)));
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const mirror = { ...env, EVALH_MIRROR: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
    const pull = await runCli(['data', 'pull', 'longbench-v2'], { cwd, env: mirror });
    expect(pull.code, pull.stderr).toBe(0);
    const run = await runCli(['run', 'longbench-v2', '--runner', 'reference', '--preset', 'cot', '--json'], { cwd, env });
    expect(run.code, run.stderr).toBe(0);
    expect(json<Doc>(run).scores.overall).toBe(100);
  });
});
