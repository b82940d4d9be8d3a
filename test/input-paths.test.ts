import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, SHARED, cliEnv, finished, json, runCli, tempDir, type CliResult } from './helpers/cli.js';
import { V2_SHARED, v2Records, writeData } from './helpers/longbench-v2.js';

// Every path a user gives evalh to read: a folder where a file belongs (or the reverse), an
// unreadable, empty or binary file, a UTF-8 BOM, the wrong LongBench variant, a bad data file
// given to `evalh data add`. Each ends with exit 2 and one line naming the path (and line and
// field where there is one), with nothing written to the store or the data directory.

const PRED_V1 = join(ROOT, 'test/fixtures/longbench-pred/pred/model-a');
const PRED_E = join(ROOT, 'test/fixtures/longbench-pred/pred_e/model-a');
const V2_RESULTS = join(ROOT, 'test/fixtures/longbench-v2/results.jsonl');
const LONGBENCH = join(SHARED, 'data', 'longbench');
const haveShared = existsSync(join(LONGBENCH, 'v1', 'config', 'dataset2prompt.json')) && existsSync(join(V2_SHARED, 'prompts', '0shot.txt'));
if (!haveShared) console.warn(`[input-paths.test] ${LONGBENCH} not found: the tests that need the official LongBench prompts are skipped`);

function setup() {
  const cwd = tempDir();
  const home = join(cwd, 'data-home');
  return { cwd, home, env: cliEnv(home), db: join(cwd, 'results.db') };
}

/** Exit 2 and one line on stderr (after any "note:" lines) holding every part; no trace, no internal error, no Node warning. */
function refused(r: CliResult, ...parts: (string | RegExp)[]): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |Warning|MaxListeners|\uFEFF/);
  const lines = r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('note: '));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^evalh: /);
  for (const p of parts) {
    if (typeof p === 'string') expect(lines[0]).toContain(p);
    else expect(lines[0]).toMatch(p);
  }
}

/** Every file under a folder (none when it does not exist): a failed `data add` must leave none behind. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

const BOM = '\uFEFF';
const pred = (i: number, answer = 'the river') => JSON.stringify({ pred: i % 2 ? answer : 'no idea', answers: [answer], all_classes: null, length: 1000 * i });

describe('a folder where a file belongs, and the reverse', () => {
  it('import longbench DIR where DIR/qasper.jsonl is a folder: exit 2 naming it (was an EISDIR stack trace)', async () => {
    const { cwd, env, db } = setup();
    const dir = join(cwd, 'pred');
    mkdirSync(join(dir, 'qasper.jsonl'), { recursive: true });
    writeFileSync(join(dir, 'trec.jsonl'), `${JSON.stringify({ pred: 'x', answers: ['x'], all_classes: ['x'], length: 1 })}\n`);
    const r = await runCli(['import', 'longbench', dir, '--db', db], { cwd, env });
    refused(r, `${join(dir, 'qasper.jsonl')}: is a folder, where a file was expected`);
    expect(existsSync(db)).toBe(false);
  });

  it.each([
    ['run ncb --data <file>', (d: string) => ['run', 'ncb', '--data', join(d, 'file.jsonl'), '--runner', 'reference'], (d: string) => `${join(d, 'file.jsonl')}: is a file, where a folder was expected; --data takes`],
    ['run humaneval-x --data <file>', (d: string) => ['run', 'humaneval-x', '--data', join(d, 'file.jsonl'), '--runner', 'reference'], (d: string) => `${join(d, 'file.jsonl')}: is a file, where a folder was expected`],
    ['run longbench-v2 --data <folder without data.json>', (d: string) => ['run', 'longbench-v2', '--data', join(d, 'folder'), '--runner', 'reference'], (d: string) => `${join(d, 'folder')}: no data.json in this folder`],
    ['import longbench-v2 <folder>', (d: string) => ['import', 'longbench-v2', join(d, 'folder')], (d: string) => `${join(d, 'folder')}: is a folder, where a file was expected; give one results file`],
    ['import longbench <file>', (d: string) => ['import', 'longbench', join(d, 'file.jsonl')], (d: string) => `${join(d, 'file.jsonl')}: is a file, where a folder was expected`],
    ['gate --config <folder>', (d: string) => ['gate', '--baseline', 'a', '--candidate', 'b', '--config', join(d, 'folder')], (d: string) => `${join(d, 'folder')}: is a folder, where a file was expected; --config takes a JSON file`],
    ['--gguf <folder>', (d: string) => ['run', 'longbench', '--sample', '--gguf', join(d, 'folder')], (d: string) => `--gguf ${join(d, 'folder')}: is a folder, where a GGUF model file was expected`],
    ['--tokenizer <folder without a tokenizer>', (d: string) => ['run', 'longbench', '--sample', '--endpoint', 'http://127.0.0.1:9/v1', '--model', 'm', '--tokenizer', join(d, 'folder')], (d: string) => `${join(d, 'folder')}: no tokenizer.json, tokenizer.model or *.tiktoken file`],
    ['data add <missing path>', (d: string) => ['data', 'add', 'longbench-v2', join(d, 'nope.json')], (d: string) => `${join(d, 'nope.json')}: no such file or folder`],
  ])('%s', async (_name, args, message) => {
    const { cwd, env, db, home } = setup();
    writeFileSync(join(cwd, 'file.jsonl'), `${pred(1)}\n`);
    mkdirSync(join(cwd, 'folder'));
    const argv = args(cwd);
    const r = await runCli(argv[0] === 'data' ? argv : [...argv, '--db', db], { cwd, env });
    refused(r, message(cwd));
    expect(existsSync(db)).toBe(false);
    expect(filesUnder(home)).toEqual([]);
  });
});

describe('files that are not text, empty or of the wrong kind', () => {
  const good = [pred(1), pred(2), pred(3)].join('\n');
  it.each([
    ['gzip data under a .jsonl name', () => gzipSync(`${good}\n`), (f: string) => `${f}: is a gzip file, not text: gunzip it first`],
    ['a PNG', () => Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex'), (f: string) => `${f}: is not a text file`],
    ['invalid UTF-8 on line 3', () => Buffer.concat([Buffer.from(`${pred(1)}\n${pred(2)}\n`), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a])]), (f: string) => `${f}, line 3: is not a text file (invalid UTF-8)`],
    ['a NUL byte on line 2', () => Buffer.from(`${pred(1)}\n{"pred": "a\u0000"}\n`), (f: string) => `${f}, line 2: is not a text file (it holds NUL bytes)`],
    ['UTF-16', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good, 'utf16le')]), (f: string) => `${f}: is UTF-16 text; save it as UTF-8`],
    ['an empty file', () => Buffer.alloc(0), (f: string) => `${f}: is empty`],
  ])('a prediction file that is %s: exit 2 naming it, nothing stored', async (_name, bytes, message) => {
    const { cwd, env, db } = setup();
    const dir = join(cwd, 'pred');
    mkdirSync(dir);
    const file = join(dir, 'qasper.jsonl');
    writeFileSync(file, bytes());
    refused(await runCli(['import', 'longbench', dir, '--db', db], { cwd, env }), message(file));
    expect(existsSync(db)).toBe(false);
  });

  it('a --data zip that is not a zip, an empty data file, a config that is an array, a binary --tokenizer', async () => {
    const { cwd, env, db } = setup();
    const notZip = join(cwd, 'data.zip');
    writeFileSync(notZip, `${pred(1)}\n`);
    refused(await runCli(['run', 'longbench', '--data', notZip, '--runner', 'reference', '--db', db], { cwd, env }), `${notZip}: is not a zip archive; --data takes LongBench's data folder or its data.zip`);
    const empty = join(cwd, 'data.json');
    writeFileSync(empty, '');
    refused(await runCli(['run', 'longbench-v2', '--data', empty, '--runner', 'reference', '--db', db], { cwd, env }), `${empty}: is empty`);
    const array = join(cwd, 'gate.json');
    writeFileSync(array, '[{"maxDrop": 1}]');
    refused(await runCli(['gate', '--baseline', 'a', '--candidate', 'b', '--config', array, '--db', db], { cwd, env }), `${array}: expected a JSON object`);
    const junk = join(cwd, 'tokenizer.bin');
    writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)));
    refused(
      await runCli(['run', 'longbench', '--sample', '--endpoint', 'http://127.0.0.1:9/v1', '--model', 'm', '--tokenizer', junk, '--db', db], { cwd, env }),
      `${junk}: binary file`,
    );
    expect(existsSync(db)).toBe(false);
  });
});

describe('a UTF-8 BOM is dropped, never shown', () => {
  it('a BOM-prefixed prediction file (JSONL, and a JSON array) scores the same as without', async () => {
    const { cwd, env, db } = setup();
    const plain = join(cwd, 'plain');
    const bom = join(cwd, 'bom');
    const lines = `${[1, 2, 3, 4].map((i) => pred(i)).join('\n')}\n`;
    for (const [dir, prefix] of [[plain, ''], [bom, BOM]] as const) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'qasper.jsonl'), prefix + lines);
    }
    const a = await runCli(['import', 'longbench', plain, '--db', db, '--json'], { cwd, env });
    const b = await runCli(['import', 'longbench', bom, '--db', db, '--json'], { cwd, env });
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(json<{ scores: unknown }>(b).scores).toEqual(json<{ scores: unknown }>(a).scores);
    expect(json<{ scores: { qasper: number } }>(a).scores.qasper).toBe(50);

    // LongBench v2 results as one JSON array (result.py takes that too), with a BOM.
    const records = readFileSync(V2_RESULTS, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    const arrayFile = join(cwd, 'results-bom.json');
    writeFileSync(arrayFile, BOM + JSON.stringify(records, null, 1));
    const c = await runCli(['import', 'longbench-v2', V2_RESULTS, '--db', db, '--json'], { cwd, env });
    const d = await runCli(['import', 'longbench-v2', arrayFile, '--db', db, '--json'], { cwd, env });
    expect(d.code, d.stderr).toBe(0);
    expect(json<{ scores: unknown }>(d).scores).toEqual(json<{ scores: unknown }>(c).scores);
  });

  it('a BOM-prefixed gate config is read', async () => {
    const { cwd, env, db } = setup();
    const dir = join(cwd, 'pred');
    mkdirSync(dir);
    writeFileSync(join(dir, 'qasper.jsonl'), `${[1, 2, 3, 4].map((i) => pred(i)).join('\n')}\n`);
    for (const name of ['base', 'cand']) expect((await runCli(['import', 'longbench', dir, '--name', name, '--db', db], { cwd, env })).code).toBe(0);
    const cfg = join(cwd, 'gate.json');
    writeFileSync(cfg, `${BOM}{"default": {"maxDrop": 7}}`);
    // Four items of qasper import as partial runs: --allow-partial lets the gate judge them.
    const r = await runCli(['gate', '--baseline', 'base', '--candidate', 'cand', '--config', cfg, '--db', db, '--json', '--allow-partial'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.stringify(json(r))).toContain('"max_drop":7');
  });

  it.runIf(haveShared)('a BOM-prefixed JSONL data file runs and scores the same as without; so does a BOM-prefixed data.json', async () => {
    const { cwd, env, db } = setup();
    expect((await runCli(['data', 'add', 'longbench', LONGBENCH], { cwd, env })).code).toBe(0);
    expect((await runCli(['data', 'add', 'longbench-v2', V2_SHARED], { cwd, env })).code).toBe(0);
    const rec = (i: number) => JSON.stringify({ input: `q${i}`, context: 'c', answers: [i % 2 ? 'Location' : 'Number'], length: 100, all_classes: ['Location', 'Number'], _id: `t${i}` });
    const scores: unknown[] = [];
    for (const [name, prefix] of [['plain', ''], ['bom', BOM]] as const) {
      const dir = join(cwd, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'trec.jsonl'), `${prefix}${[1, 2, 3].map(rec).join('\n')}\n`);
      const r = await runCli(['run', 'longbench', '--data', dir, '--datasets', 'trec', '--runner', 'reference', '--name', name, '--db', db, '--json'], { cwd, env });
      expect(r.code, r.stderr).toBe(0);
      scores.push(json<{ scores: unknown; items: { done: number } }>(r));
    }
    expect(scores[1]).toMatchObject({ scores: { trec: 100 }, items: { done: 3 } });
    expect((scores[1] as { scores: unknown }).scores).toEqual((scores[0] as { scores: unknown }).scores);

    const v2 = join(cwd, 'v2');
    mkdirSync(v2);
    writeFileSync(join(v2, 'data.json'), BOM + JSON.stringify(v2Records(), null, 1));
    const r = await runCli(['run', 'longbench-v2', '--data', join(v2, 'data.json'), '--runner', 'reference', '--db', db, '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ scores: { overall: 100 }, items: { done: 8 } });
  });
});

describe('LongBench v1 and LongBench-E prediction folders', () => {
  it('import longbench-e <a v1 folder> says it looks like v1 and names the command (not the file names)', async () => {
    const { cwd, env, db } = setup();
    const v1 = join(cwd, 'glm4-v1');
    cpSync(PRED_V1, v1, { recursive: true });
    refused(await runCli(['import', 'longbench-e', v1, '--db', db], { cwd, env }), `${v1} looks like a LongBench v1 prediction folder (`, `import it with \`evalh import longbench ${v1}\``);
    expect(existsSync(db)).toBe(false);
  });

  it('import longbench <a pred_e folder> says it looks like LongBench-E and names the command', async () => {
    const { cwd, env, db } = setup();
    refused(await runCli(['import', 'longbench', PRED_E, '--db', db], { cwd, env }), `${PRED_E} looks like a LongBench-E prediction folder (it sits under pred_e/`, `\`evalh import longbench-e ${PRED_E}\``);
    // LongBench-E file names (qasper_e.jsonl) given to v1 tell the same.
    const named = join(cwd, 'mine');
    mkdirSync(named);
    writeFileSync(join(named, 'qasper_e.jsonl'), `${pred(1)}\n`);
    refused(await runCli(['import', 'longbench', named, '--db', db], { cwd, env }), 'looks like a LongBench-E prediction folder (qasper_e.jsonl is a LongBench-E file name)');
    expect(existsSync(db)).toBe(false);
    // ...and LongBench-E takes them.
    const ok = await runCli(['import', 'longbench-e', named, '--db', db, '--json'], { cwd, env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(Object.keys(json<{ scores: object }>(ok).scores)).toEqual(['qasper']);
  });

  it('pred/ itself (one folder per model) names the model folders to pass', async () => {
    const { cwd, env } = setup();
    const r = await runCli(['import', 'longbench', join(PRED_V1, '..')], { cwd, env });
    refused(r, 'no <dataset>.jsonl prediction files in this folder; it holds model folders (model-a): pass one');
  });
});

describe('import names', () => {
  it('the default run name drops the file extension', async () => {
    const { cwd, env, db } = setup();
    const r = await runCli(['import', 'longbench-v2', V2_RESULTS, '--db', db, '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ run: string }>(r).run).toBe('longbench-v2-import-results');
  });
});

describe('evalh data add checks before it registers, and keeps its own copy', () => {
  it('data add longbench-v2 of {"x":1} and of a truncated file: refused at add, naming file, record and field; nothing left in the data directory', async () => {
    const { cwd, env, home } = setup();
    const x = join(cwd, 'x.json');
    writeFileSync(x, '{"x":1}\n');
    refused(await runCli(['data', 'add', 'longbench-v2', x], { cwd, env }), `${x}, line 1, field "_id": must have required property '_id'`);
    expect(filesUnder(home)).toEqual([]);

    const full = JSON.stringify(v2Records(), null, 1);
    const cut = join(cwd, 'data.json');
    writeFileSync(cut, full.slice(0, Math.floor(full.length * 0.6)));
    const start = full.slice(0, Math.floor(full.length * 0.6)).lastIndexOf('\n {');
    const line = full.slice(0, start + 1).split('\n').length;
    refused(await runCli(['data', 'add', 'longbench-v2', cut], { cwd, env }), `${cut}, line ${line}: the record that starts here is not closed`);
    expect(filesUnder(home)).toEqual([]);

    // A wrong value deep in an otherwise good file: the record's line and the field.
    const recs = v2Records() as unknown as Record<string, unknown>[];
    recs[5] = { ...recs[5], difficulty: 'medium' };
    writeFileSync(cut, JSON.stringify(recs, null, 1));
    refused(await runCli(['data', 'add', 'longbench-v2', cut], { cwd, env }), /data\.json, line \d+, field "difficulty"/);
    expect(filesUnder(home)).toEqual([]);
  });

  it('data add longbench of a folder or data.zip with a bad record, or of a file that is no zip: refused, naming the file; nothing left behind', async () => {
    const { cwd, env, home } = setup();
    const copy = join(cwd, 'LongBench', 'data');
    mkdirSync(copy, { recursive: true });
    writeFileSync(join(copy, 'trec.jsonl'), `${JSON.stringify({ input: 'q', context: 'c', answers: ['Location'], length: 5, all_classes: ['Location'], _id: 'a' })}\n`);
    writeFileSync(join(copy, 'qasper.jsonl'), `${JSON.stringify({ input: 'q', context: 'c', answers: 'Location', length: 5 })}\n`);
    refused(await runCli(['data', 'add', 'longbench', join(cwd, 'LongBench')], { cwd, env }), `${join(copy, 'qasper.jsonl')}, line 1, field "answers": must be array`);
    expect(filesUnder(home)).toEqual([]);

    const { execFileSync } = await import('node:child_process');
    execFileSync('python3', ['-c', 'import shutil,sys; shutil.make_archive(sys.argv[1], "zip", sys.argv[2], "data")', join(cwd, 'data'), join(cwd, 'LongBench')]);
    refused(await runCli(['data', 'add', 'longbench', join(cwd, 'data.zip')], { cwd, env }), `${join(cwd, 'data.zip')} (qasper.jsonl), line 1, field "answers"`);
    expect(filesUnder(home)).toEqual([]);

    const text = join(cwd, 'notes.txt');
    writeFileSync(text, 'not an archive\n');
    refused(await runCli(['data', 'add', 'longbench', text], { cwd, env }), `${text}: is not a zip archive`);
    expect(filesUnder(home)).toEqual([]);
  });

  it.runIf(haveShared)('a registered v2 data.json is a copy: moving the original breaks nothing', async () => {
    const { cwd, env, db, home } = setup();
    expect((await runCli(['data', 'add', 'longbench-v2', V2_SHARED], { cwd, env })).code).toBe(0);
    const mine = join(cwd, 'mine');
    mkdirSync(mine);
    const file = writeData(mine);
    const add = await runCli(['data', 'add', 'longbench-v2', file], { cwd, env });
    expect(add.code, add.stderr).toBe(0);
    expect(readFileSync(join(home, 'longbench-v2', 'data.json'))).toEqual(readFileSync(file));
    renameSync(mine, join(cwd, 'moved'));
    const r = await runCli(['run', 'longbench-v2', '--runner', 'reference', '--db', db, '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ scores: { overall: 100 }, items: { done: 8 } });
  });

  it.runIf(haveShared)('a v2 data file registered in place by an older evalh still runs; once moved, a clear message with the fixing command', async () => {
    const { cwd, env, db, home } = setup();
    expect((await runCli(['data', 'add', 'longbench-v2', V2_SHARED], { cwd, env })).code).toBe(0);
    const file = writeData(cwd);
    // What an older evalh wrote: the user's own path, with its hash.
    const manifestFile = join(home, 'longbench-v2', 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    const { createHash } = await import('node:crypto');
    const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    manifest.data = { path: file, source: file, addedAt: '2026-01-01T00:00:00.000Z', files: { [file]: { sha256, size: statSync(file).size } }, pinned: 'recorded' };
    writeFileSync(manifestFile, JSON.stringify(manifest));

    const r = await runCli(['run', 'longbench-v2', '--runner', 'reference', '--db', db, '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ scores: { overall: 100 } });
    const status = await runCli(['data', 'status', 'longbench-v2'], { cwd, env });
    expect(status.stdout).toContain('registered in place by an older evalh');

    rmSync(file);
    refused(
      await runCli(['run', 'longbench-v2', '--runner', 'reference', '--db', db, '--name', 'after'], { cwd, env }),
      `the registered LongBench v2 data file ${file} is gone (moved or deleted?). Fix: \`evalh data add longbench-v2 <data.json>\``,
    );
  });
});

describe('evalh data status', () => {
  it('prints one table per suite; --json keeps its shape', async () => {
    const { cwd, env } = setup();
    const r = await runCli(['data', 'status'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    for (const suite of ['longbench', 'alignbench', 'ncb', 'humaneval-x', 'longbench-v2', 'agentbench']) {
      const at = lines.findIndex((l) => l.startsWith(`${suite} (`));
      expect(at, suite).toBeGreaterThan(0);
      expect(lines[at + 1]).toMatch(/^asset\s+state/);
      expect(lines[at + 2]).toMatch(/^-+\s+-+/);
      // the rows are aligned: every state starts in the header's state column
      const col = lines[at + 1]!.indexOf('state');
      expect(lines[at + 3]!.slice(col)).toMatch(/^missing/);
    }
    const doc = json<{ home: string; assets: { suite: string; asset: string; state: string; path: string | null; url: string }[] }>(await runCli(['data', 'status', 'longbench', '--json'], { cwd, env }));
    expect(doc.home).toBe(env.EVALH_DATA);
    expect(doc.assets.map((a) => Object.keys(a).sort())).toEqual(doc.assets.map(() => ['asset', 'path', 'state', 'suite', 'url']));
    expect(doc.assets.at(-1)).toMatchObject({ suite: 'longbench', asset: 'data', state: 'missing', path: null });
  });
});

/** The CLI as user nobody (tests run as root, who reads any file): what it needs must be readable by nobody. */
function runCliAsNobody(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  const root = process.getuid?.() === 0;
  const [cmd, argv] = root ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, ...args]] : [process.execPath, [CLI, ...args]];
  return finished(spawn(cmd as string, argv as string[], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

describe('unreadable input', () => {
  it('an unreadable prediction file or folder, and an unreadable --data file: exit 2, "permission denied", nothing written', async () => {
    const { cwd, env, db } = setup();
    chmodSync(cwd, 0o755);
    const dir = join(cwd, 'pred');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const file = join(dir, 'qasper.jsonl');
    writeFileSync(file, `${pred(1)}\n`);
    chmodSync(file, 0o000);
    refused(await runCliAsNobody(['import', 'longbench', dir, '--db', db], { cwd, env }), `${file}: permission denied`);

    chmodSync(dir, 0o700);
    refused(await runCliAsNobody(['import', 'longbench', dir, '--db', db], { cwd, env }), `${dir}: permission denied`);

    const data = join(cwd, 'data.json');
    copyFileSync(V2_RESULTS, data);
    chmodSync(data, 0o000);
    refused(await runCliAsNobody(['run', 'longbench-v2', '--data', data, '--runner', 'reference', '--db', db], { cwd, env }), `${data}: permission denied`);
    refused(await runCliAsNobody(['data', 'add', 'longbench-v2', data], { cwd, env }), `${data}: permission denied`);
    expect(existsSync(db)).toBe(false);
    expect(filesUnder(env.EVALH_DATA!)).toEqual([]);
  });
});
