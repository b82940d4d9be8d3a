import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli, tempDir } from './helpers/cli.js';

// Bad usage and bad input: exit 2, a message naming file, line and field, and no store.

function setup() {
  const cwd = tempDir();
  return { cwd, env: cliEnv(join(cwd, 'data-home')), db: join(cwd, 'results.db') };
}

function writeData(dir: string, dataset: string, lines: string[]) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${dataset}.jsonl`), lines.join('\n') + '\n');
}

const good = (i: number) =>
  JSON.stringify({ input: `q${i}`, context: 'ctx', answers: ['a'], length: 3, all_classes: null, _id: `id${i}` });

describe('usage errors exit 2 and write nothing', () => {
  it.each([
    [['run', 'nosuchsuite', '--sample', '--runner', 'reference'], /unknown suite "nosuchsuite"/],
    [['run', 'longbench', '--sample', '--runner', 'reference', '--datasets', 'hotpotqa,nosuch'], /unknown longbench dataset "nosuch"/],
    [['run', 'longbench', '--sample', '--runner', 'reference', '--concurency', '4'], /Unknown argument: concurency/i],
    [['run', 'longbench', '--sample'], /choose a model/],
    [['run', 'longbench', '--sample', '--endpoint', 'http://127.0.0.1:9/v1'], /--endpoint needs --model/],
    [['run', 'longbench', '--sample', '--runner', 'reference', '--concurrency', '0'], /--concurrency must be/],
    [['run', 'longbench', '--sample', '--runner', 'reference', '--tag', 'novalue'], /--tag "novalue": expected K=V/],
    [['import', 'longbench', '/nonexistent/pred'], /\/nonexistent\/pred: no such folder/],
    [['show', 'nosuchrun'], /no store at/],
  ])('%j', async (args, message) => {
    const { cwd, env, db } = setup();
    const r = await runCli(args as string[], { cwd, env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(existsSync(db)).toBe(false);
  });

  it('a malformed JSONL line is named by file and line', async () => {
    const { cwd, env, db } = setup();
    const data = join(cwd, 'data');
    writeData(data, 'hotpotqa', [good(1), '{"input": "q2", "context": ', good(3)]);
    const r = await runCli(['run', 'longbench', '--data', data, '--datasets', 'hotpotqa', '--runner', 'reference'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(data, 'hotpotqa.jsonl'));
    expect(r.stderr).toContain('line 2');
    expect(r.stderr).toMatch(/not valid JSON/);
    expect(existsSync(db)).toBe(false);
  });

  it.each([
    ['answers', JSON.stringify({ input: 'q', context: 'c', length: 1 }), /line 3, field "answers": must have required property 'answers'/],
    ['answers type', JSON.stringify({ input: 'q', context: 'c', answers: 'a' }), /line 3, field "answers": must be array/],
    ['length type', JSON.stringify({ input: 'q', context: 'c', answers: ['a'], length: 'long' }), /line 3, field "length": must be integer/],
  ])('a record with a bad %s is named by file, line and field', async (_name, bad, message) => {
    const { cwd, env, db } = setup();
    const data = join(cwd, 'data');
    writeData(data, 'hotpotqa', [good(1), good(2), bad]);
    const r = await runCli(['run', 'longbench', '--data', data, '--datasets', 'hotpotqa', '--runner', 'reference'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(data, 'hotpotqa.jsonl'));
    expect(r.stderr).toMatch(message);
    expect(existsSync(db)).toBe(false);
  });

  it('bad prediction files on import: exit 2 naming file, line and field; an existing store is untouched', async () => {
    const { cwd, env, db } = setup();
    const first = await runCli(['run', 'longbench', '--sample', '--runner', 'reference', '--datasets', 'trec', '--name', 'keep', '--json'], { cwd, env });
    expect(first.code, first.stderr).toBe(0);
    const { statSync, readFileSync } = await import('node:fs');
    const before = readFileSync(db);
    const pred = join(cwd, 'pred');
    mkdirSync(pred);
    writeFileSync(join(pred, 'hotpotqa.jsonl'), `${JSON.stringify({ pred: 'x', answers: ['x'], all_classes: null })}\n${JSON.stringify({ answers: ['x'], all_classes: null })}\n`);
    const r = await runCli(['import', 'longbench', pred, '--name', 'bad'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(pred, 'hotpotqa.jsonl'));
    expect(r.stderr).toMatch(/line 2, field "pred"/);
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(statSync(db).size).toBe(before.length);
  });

  it('a data archive that is not one: exit 2', async () => {
    const { cwd, env, db } = setup();
    const zip = join(cwd, 'data.zip');
    writeFileSync(zip, 'this is not a zip file');
    const r = await runCli(['run', 'longbench', '--data', zip, '--runner', 'reference'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(zip);
    expect(r.stderr).toMatch(/zip/);
    expect(existsSync(db)).toBe(false);
  });

  it('missing official assets name the command that fixes them', async () => {
    const { cwd, env, db } = setup();
    const data = join(cwd, 'data');
    writeData(data, 'hotpotqa', [good(1)]);
    const r = await runCli(['run', 'longbench', '--data', data, '--datasets', 'hotpotqa', '--runner', 'reference'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/evalh data pull longbench/);
    expect(existsSync(db)).toBe(false);
  });

  it('--help is quick and lists the commands', async () => {
    const { cwd, env } = setup();
    const r = await runCli(['--help'], { cwd, env });
    expect(r.code).toBe(0);
    for (const c of ['run', 'import', 'list', 'show', 'data']) expect(r.stdout).toContain(`evalh ${c}`);
  });
});

describe('records the official metric cannot score', () => {
  it.each([
    ['passage_retrieval_en', { input: 'q', context: 'c', answers: ['the third one'], length: 1 }, /line 2, field "answers": the official metric cannot score this record/],
    ['trec', { input: 'q', context: 'c', answers: ['Count'], length: 1, all_classes: null }, /line 2, field "all_classes"/],
  ])('%s: exit 2 before anything runs', async (dataset, bad, message) => {
    const { cwd, env, db } = setup();
    const data = join(cwd, 'data');
    const ok = { input: 'q', context: 'c', answers: dataset === 'trec' ? ['Count'] : ['Paragraph 1'], length: 1, all_classes: dataset === 'trec' ? ['Count'] : null };
    writeData(data, dataset, [JSON.stringify(ok), JSON.stringify(bad)]);
    const r = await runCli(['run', 'longbench', '--data', data, '--datasets', dataset, '--runner', 'reference'], { cwd, env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(join(data, `${dataset}.jsonl`));
    expect(r.stderr).toMatch(message);
    expect(existsSync(db)).toBe(false);
  });
});
