import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SHARED, cliEnv, json, runCli, tempDir } from './helpers/cli.js';

// `evalh data`: official assets registered from ../shared (the official files) or pulled
// from a mirror on loopback, verified by sha256 before use.

const LONGBENCH = join(SHARED, 'data', 'longbench');
const haveShared = existsSync(join(LONGBENCH, 'v1', 'config', 'dataset2prompt.json'));
if (!haveShared) console.warn(`[data.test] ${LONGBENCH} not found: the tests that register the official LongBench configs are skipped`);

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

function setup() {
  const cwd = tempDir();
  const home = join(cwd, 'data-home');
  return { cwd, home, env: cliEnv(home) };
}

describe.runIf(haveShared)('evalh data with the official LongBench configs', () => {
  it('add registers and verifies the official configs; status shows them; runs use the official prompts', async () => {
    const { cwd, env, home } = setup();
    const add = await runCli(['data', 'add', 'longbench', LONGBENCH, '--json'], { cwd, env });
    expect(add.code, add.stderr).toBe(0);
    expect(json<{ registered: string[] }>(add).registered).toEqual(['config/dataset2prompt.json', 'config/dataset2maxlen.json', 'config/model2maxlen.json']);
    expect(readFileSync(join(home, 'longbench', 'config', 'dataset2prompt.json')).equals(readFileSync(join(LONGBENCH, 'v1', 'config', 'dataset2prompt.json')))).toBe(true);

    const status = await runCli(['data', 'status', 'longbench', '--json'], { cwd, env });
    const assets = json<{ assets: { asset: string; state: string }[] }>(status).assets;
    expect(assets.filter((a) => a.asset.startsWith('config/')).every((a) => a.state === 'verified')).toBe(true);
    expect(assets.find((a) => a.asset === 'data')?.state).toBe('missing');

    // With the official prompts registered, the sample runs through them (and says it is a sample).
    const run = await runCli(['run', 'longbench', '--sample', '--runner', 'reference', '--json'], { cwd, env });
    expect(run.code, run.stderr).toBe(0);
    const doc = json<{ labels: string[] }>(run);
    expect(doc.labels).toEqual(['sample, not the official benchmark']);

    // A tampered registered file is refused before use, with the command that fixes it.
    writeFileSync(join(home, 'longbench', 'config', 'dataset2prompt.json'), '{}');
    const tampered = await runCli(['run', 'longbench', '--sample', '--runner', 'reference'], { cwd, env });
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toMatch(/does not verify.*evalh data pull longbench/);
  });

  it('a staging folder left by a killed `data add` (its process gone) is removed by the next one; a live one is left alone', async () => {
    const { cwd, env, home } = setup();
    const { spawnSync } = await import('node:child_process');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // exited: its pid names no process now
    mkdirSync(join(home, 'longbench', `.staging-${dead}`, 'data'), { recursive: true });
    writeFileSync(join(home, 'longbench', `.staging-${dead}`, 'data', 'half.jsonl'), '{"input": "q');
    mkdirSync(join(home, 'longbench', `.staging-${process.pid}`)); // this test process: alive
    const add = await runCli(['data', 'add', 'longbench', LONGBENCH], { cwd, env });
    expect(add.code, add.stderr).toBe(0);
    expect(existsSync(join(home, 'longbench', `.staging-${dead}`))).toBe(false);
    expect(existsSync(join(home, 'longbench', `.staging-${process.pid}`))).toBe(true);
  });

  it('add registers a copy of the data folder (the original may change or go); a registered file changed afterwards is refused', async () => {
    const { cwd, env, home } = setup();
    const copy = join(cwd, 'LongBench');
    mkdirSync(join(copy, 'config'), { recursive: true });
    mkdirSync(join(copy, 'data'));
    for (const f of ['dataset2prompt.json', 'dataset2maxlen.json', 'model2maxlen.json']) {
      writeFileSync(join(copy, 'config', f), readFileSync(join(LONGBENCH, 'v1', 'config', f)));
    }
    const rec = (i: number) => JSON.stringify({ input: `q${i}`, context: 'c', answers: ['Paragraph 2'], length: 5000 + i, all_classes: null, _id: `p${i}` });
    writeFileSync(join(copy, 'data', 'passage_retrieval_en.jsonl'), [rec(1), rec(2)].join('\n') + '\n');
    writeFileSync(join(copy, 'data', 'passage_retrieval_en_e.jsonl'), [rec(3)].join('\n') + '\n');
    const add = await runCli(['data', 'add', 'longbench', copy, '--json'], { cwd, env });
    expect(add.code, add.stderr).toBe(0);
    expect(json<{ registered: string[] }>(add).registered).toContain('data');

    const v1 = await runCli(['run', 'longbench', '--datasets', 'passage_retrieval_en', '--runner', 'reference', '--json'], { cwd, env });
    expect(v1.code, v1.stderr).toBe(0);
    expect(json<{ scores: unknown; items: { done: number } }>(v1)).toMatchObject({ scores: { passage_retrieval_en: 100 }, items: { done: 2 } });
    const e = await runCli(['run', 'longbench-e', '--datasets', 'passage_retrieval_en', '--runner', 'reference', '--json'], { cwd, env });
    expect(e.code, e.stderr).toBe(0);
    expect(json<{ scores: unknown }>(e).scores).toEqual({ passage_retrieval_en: { '0-4k': null, '4-8k': 100, '8k+': null } });

    // evalh keeps its own copy: the original may be edited or removed.
    rmSync(copy, { recursive: true });
    const gone = await runCli(['run', 'longbench', '--datasets', 'passage_retrieval_en', '--runner', 'reference', '--name', 'gone', '--json'], { cwd, env });
    expect(gone.code, gone.stderr).toBe(0);
    expect(json<{ items: { done: number } }>(gone).items.done).toBe(2);

    writeFileSync(join(home, 'longbench', 'data', 'passage_retrieval_en.jsonl'), rec(9) + '\n');
    const changed = await runCli(['run', 'longbench', '--datasets', 'passage_retrieval_en', '--runner', 'reference', '--name', 'again'], { cwd, env });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/changed since it was registered/);
  });

  it('pull fetches the pinned files (here from a loopback mirror) and refuses a file whose hash differs', async () => {
    const { cwd, env, home } = setup();
    const served = new Map<string, Buffer>();
    for (const f of ['dataset2prompt.json', 'dataset2maxlen.json', 'model2maxlen.json']) {
      served.set(`/raw.githubusercontent.com/THUDM/LongBench/2e00731f8d0bff23dc4325161044d0ed8af94c1e/LongBench/config/${f}`, readFileSync(join(LONGBENCH, 'v1', 'config', f)));
    }
    // A tiny data.zip in the official layout (data/<name>.jsonl), made by the test.
    const zipDir = join(cwd, 'zipsrc', 'data');
    mkdirSync(zipDir, { recursive: true });
    writeFileSync(join(zipDir, 'trec.jsonl'), JSON.stringify({ input: 'q', context: 'c', answers: ['Count'], length: 1, all_classes: ['Count', 'Date'], _id: 'x' }) + '\n');
    const { execFileSync } = await import('node:child_process');
    execFileSync('python3', ['-c', 'import shutil,sys; shutil.make_archive(sys.argv[1], "zip", sys.argv[2], "data")', join(cwd, 'data'), join(cwd, 'zipsrc')]);
    served.set('/huggingface.co/datasets/THUDM/LongBench/resolve/main/data.zip', readFileSync(join(cwd, 'data.zip')));

    let corrupt = false;
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': body.length }).end(corrupt && req.url!.endsWith('dataset2prompt.json') ? Buffer.from('{"tampered": true}   '.padEnd(body.length)) : body);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const mirrorEnv = { ...env, EVALH_MIRROR: `http://127.0.0.1:${port}` };

    corrupt = true;
    const bad = await runCli(['data', 'pull', 'longbench'], { cwd, env: mirrorEnv });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/does not match the pinned official config\/dataset2prompt\.json/);
    expect(existsSync(join(home, 'longbench', 'config', 'dataset2prompt.json'))).toBe(false);

    corrupt = false;
    const pull = await runCli(['data', 'pull', 'longbench', '--json'], { cwd, env: mirrorEnv });
    expect(pull.code, pull.stderr).toBe(0);
    const run = await runCli(['run', 'longbench', '--datasets', 'trec', '--runner', 'reference', '--json'], { cwd, env });
    expect(run.code, run.stderr).toBe(0);
    expect(json<{ scores: Record<string, number> }>(run).scores).toEqual({ trec: 100 });
  });
});

describe('evalh data without assets', () => {
  it('add of a folder with nothing official in it is exit 2', async () => {
    const { cwd, env } = setup();
    const empty = join(cwd, 'empty');
    mkdirSync(empty);
    const r = await runCli(['data', 'add', 'longbench', empty], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no longbench assets found/);
  });
});
