import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALIGNBENCH_ASSETS, CONFIG_ASSETS, DATA_V10, DATA_V11 } from '../benchmarks/alignbench/assets.js';
import { CATEGORIES } from '../benchmarks/alignbench/categories.js';
import { loadConfigs } from '../benchmarks/alignbench/configs.js';
import { alignbench } from '../benchmarks/alignbench/index.js';
import { TEMPLATE_ENV } from '../benchmarks/alignbench/judge-prompt.js';
import { loadItems, SAMPLE_FILE } from '../benchmarks/alignbench/load.js';
import type { Target } from '../benchmarks/alignbench/records.js';
import { installAsset, readManifest, writeManifest } from '../src/assets.js';
import { sha256 } from '../src/hash.js';
import type { SuiteItem } from '../src/suite.js';
import { SHARED, cliEnv, json, runCli, tempDir } from './helpers/cli.js';
import { startSimServer, type SimServer } from './helpers/sim-server.js';
import { simAnswer, simJudge } from './fixtures/alignbench/sims.js';

// The official files in ../shared/data/alignbench (byte-identical to upstream) when present;
// the project's own sample and temp files cover the same paths otherwise.

const OFFICIAL = join(SHARED, 'data/alignbench');
const HAVE_OFFICIAL = existsSync(join(OFFICIAL, 'data_v1.1_release.jsonl'));
if (!HAVE_OFFICIAL) console.warn(`SKIPPED the official-data tests: ${OFFICIAL} is not present`);
const official = HAVE_OFFICIAL ? it : it.skip;

/** Runs `fn` with EVALH_DATA pointing at `home` (dataHome() reads it at call time). */
async function withDataHome<T>(home: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env.EVALH_DATA;
  process.env.EVALH_DATA = home;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.EVALH_DATA;
    else process.env.EVALH_DATA = before;
  }
}

/** What `evalh data add alignbench <official copy>` does, in-process (independent of the data command's wiring). */
function registerOfficial(home: string): void {
  const files: Record<string, string> = {
    [DATA_V11.name]: 'data_v1.1_release.jsonl',
    [DATA_V10.name]: 'data_release.jsonl',
    ...Object.fromEntries(CONFIG_ASSETS.map((s) => [s.name, s.name])),
  };
  const before = process.env.EVALH_DATA;
  process.env.EVALH_DATA = home;
  try {
    const manifest = readManifest('alignbench');
    for (const spec of ALIGNBENCH_ASSETS) installAsset('alignbench', spec, readFileSync(join(OFFICIAL, files[spec.name]!)), join(OFFICIAL, files[spec.name]!), manifest);
    writeManifest('alignbench', manifest);
  } finally {
    if (before === undefined) delete process.env.EVALH_DATA;
    else process.env.EVALH_DATA = before;
  }
}

async function collect(items: () => AsyncIterable<SuiteItem>): Promise<SuiteItem[]> {
  const out: SuiteItem[] = [];
  for await (const it of items()) out.push(it);
  return out;
}

describe('AlignBench assets and data', () => {
  official('the pinned hashes and sizes are those of the official copies', () => {
    const local: Record<string, string> = { [DATA_V11.name]: 'data_v1.1_release.jsonl', [DATA_V10.name]: 'data_release.jsonl' };
    for (const spec of ALIGNBENCH_ASSETS) {
      const file = join(OFFICIAL, local[spec.name] ?? spec.name);
      expect(sha256(readFileSync(file)), spec.name).toBe(spec.sha256);
      expect(statSync(file).size, spec.name).toBe(spec.size);
      expect(spec.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/THUDM\/AlignBench\/[0-9a-f]{40}\//);
    }
    expect(DATA_V10.url).toContain('73253112edc3a8c25ac0b2006f2f4024cc02724b/data/data_release.jsonl');
    expect(DATA_V11.url).toContain('5b79d4a84e566db26e755c719935c62a0e1b0527/data/data_v1.1_release.jsonl');
    expect(DATA_V11.paths).toEqual(expect.arrayContaining(['data/data_v1.1_release.jsonl', 'data_v1.1_release.jsonl']));
  });

  for (const preset of ['v1.1', 'v1.0']) {
    official(`${preset}: 683 questions, the official count per category, every subcategory with a dimension set`, async () => {
      const home = tempDir();
      const src = await withDataHome(home, () => alignbench.open({ data: OFFICIAL, sample: false, preset }));
      expect(src.total).toBe(683);
      expect(src.labels.some((l) => /not the official/.test(l))).toBe(false);
      expect(src.labels.some((l) => /sample/.test(l))).toBe(false);
      expect(src.fingerprint).toMatchObject({ preset, configs: 'official', data: preset === 'v1.1' ? DATA_V11.sha256 : DATA_V10.sha256 });
      const items = await collect(src.items);
      const per: Record<string, number> = {};
      for (const it of items) per[it.dataset] = (per[it.dataset] ?? 0) + 1;
      expect(per).toEqual(Object.fromEntries(CATEGORIES.map((c) => [c.name, c.items])));
      expect(new Set(items.map((i) => i.id)).size).toBe(683);
      expect(items.every((i) => (i.target as Target).dimensions.length >= 4)).toBe(true);
      // Literal backslash sequences stay as they are (68 questions or references hold one).
      expect(items.filter((i) => /\\/.test((i.target as Target).question) || /\\/.test(i.reference)).length).toBe(68);
      // v1.0's stray nested copies of other records are ignored: the item is the record itself.
      if (preset === 'v1.0') {
        const raw = readFileSync(join(OFFICIAL, 'data_release.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
        const stray = raw.filter((r) => Object.keys(r).length > 5);
        expect(stray).toHaveLength(17);
        for (const r of stray) {
          const it = items.find((i) => i.id === `${r.category}/${r.question_id}`)!;
          expect((it.target as Target).question).toBe(r.question);
          expect(Object.keys(it.target as object).sort()).toEqual(['category', 'dimensions', 'question', 'question_id', 'reference', 'subcategory']);
        }
      }
      // Requests: the question alone, temperature by category from temperature.json, 2048 tokens.
      const temps = JSON.parse(readFileSync(join(OFFICIAL, 'config/temperature.json'), 'utf8')) as Record<string, number>;
      for (const it of items.slice(0, 40)) {
        const { request } = await alignbench.prepare(it, { needsPrompt: true });
        expect(request).toEqual({ kind: 'chat', prompt: (it.target as Target).question, maxTokens: 2048, temperature: temps[it.dataset] });
      }
    });
  }

  describe('the CLI with the official files', () => {
    let model: SimServer;
    let judge: SimServer;
    beforeAll(async () => {
      model = await startSimServer({ respond: simAnswer });
      judge = await startSimServer({ respond: simJudge });
    });
    afterAll(async () => {
      await Promise.all([model?.close(), judge?.close()]);
    });
    const judgeArgs = () => ['--judge-endpoint', judge.url, '--judge-model', 'judge-a'];

    official('--data <official copy>: official temperatures and judging configs, one item per category with --limit 1', async () => {
      const cwd = tempDir();
      const env = cliEnv(join(cwd, 'home'));
      const r = await runCli(['run', 'alignbench', '--data', OFFICIAL, '--limit', '1', '--endpoint', model.url, '--model', 'sim-model', ...judgeArgs(), '--name', 'off', '--json'], { cwd, env });
      expect(r.code, r.stderr).toBe(0);
      const doc = json<{ items: { done: number }; scores: Record<string, number>; labels: string[] }>(r);
      expect(doc.items.done).toBe(8);
      expect(Object.keys(doc.scores)).toHaveLength(11);
      expect(doc.labels).toHaveLength(1); // only the judge prompt's provenance
      const temps = JSON.parse(readFileSync(join(OFFICIAL, 'config/temperature.json'), 'utf8')) as Record<string, number>;
      const data = readFileSync(join(OFFICIAL, 'data_v1.1_release.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
      const chats = model.requests.filter((q) => q.path === '/v1/chat/completions');
      expect(chats).toHaveLength(8);
      for (const q of chats) {
        const rec = data.find((d) => d.question === q.prompt)!;
        expect(q.body.temperature).toBe(temps[rec.category]);
      }
      // The judge prompt lists the official dimensions of the question's type with their definitions.
      const defs = JSON.parse(readFileSync(join(OFFICIAL, 'config/dimension_definition.json'), 'utf8')) as Record<string, string>;
      const sets = JSON.parse(readFileSync(join(OFFICIAL, 'config/dimension_set.json'), 'utf8')) as Record<string, string[]>;
      const types = JSON.parse(readFileSync(join(OFFICIAL, 'config/subcategory_question_mapping.json'), 'utf8')) as Record<string, string>;
      const prompts = judge.requests.filter((q) => q.path === '/v1/chat/completions').map((q) => q.prompt);
      expect(prompts).toHaveLength(8);
      for (const p of prompts) {
        const rec = data.find((d) => p.includes(`用户的提问： ${d.question}\n[参考答案开始]\n${d.reference}\n[参考答案结束]`))!;
        expect(rec).toBeDefined();
        const list = sets[types[rec.subcategory]!]!.map((d, i) => `${i + 1}. ${d}: ${defs[d]}\n`).join('');
        expect(p).toContain(`本题的回答类型为${rec.category}，请从以下几个维度对回答进行评估：\n${list}下面会依次给出`);
      }
    });

    official('registered official assets: the reference runner runs with no --data; --sample then uses the official configs', async () => {
      const cwd = tempDir();
      const home = join(cwd, 'home');
      registerOfficial(home);
      const env = cliEnv(home);
      const r = await runCli(['run', 'alignbench', '--runner', 'reference', '--limit', '2', '--preset', 'v1.0', ...judgeArgs(), '--name', 'ref', '--json'], { cwd, env });
      expect(r.code, r.stderr).toBe(0);
      expect(json<{ items: { done: number } }>(r).items.done).toBe(16);
      const s = await runCli(['run', 'alignbench', '--sample', '--runner', 'reference', ...judgeArgs(), '--name', 'sample', '--json'], { cwd, env });
      expect(s.code, s.stderr).toBe(0);
      const labels = json<{ labels: string[] }>(s).labels;
      expect(labels).toContain('sample, not the official benchmark');
      expect(labels.some((l) => /evalh sample judging configs/.test(l))).toBe(false);
      const defs = JSON.parse(readFileSync(join(OFFICIAL, 'config/dimension_definition.json'), 'utf8')) as Record<string, string>;
      expect(judge.requests.at(-1)!.prompt).toContain(`1. 事实正确性: ${defs['事实正确性']}\n`);
    });

    official('`evalh data add alignbench <official copy>` registers every pinned file (once the data command knows alignbench)', async () => {
      const cwd = tempDir();
      const env = cliEnv(join(cwd, 'home'));
      const r = await runCli(['data', 'add', 'alignbench', OFFICIAL, '--json'], { cwd, env });
      if (r.code === 2 && /has no official assets/.test(r.stderr)) {
        console.warn('SKIPPED: `evalh data add alignbench` is not wired yet (src/commands/data.ts SUITE_ASSETS)');
        return;
      }
      expect(r.code, r.stderr).toBe(0);
      expect(json<{ registered: string[] }>(r).registered.sort()).toEqual(ALIGNBENCH_ASSETS.map((s) => s.name).sort());
      const run = await runCli(['run', 'alignbench', '--runner', 'reference', '--limit', '1', ...judgeArgs(), '--json'], { cwd, env });
      expect(run.code, run.stderr).toBe(0);
    });

    official('`evalh data pull alignbench` fetches every pinned file from its commit (a local mirror; once wired)', async () => {
      const local: Record<string, string> = { [DATA_V11.name]: 'data_v1.1_release.jsonl', [DATA_V10.name]: 'data_release.jsonl' };
      const byPath = new Map(ALIGNBENCH_ASSETS.map((spec) => [new URL(spec.url).pathname, join(OFFICIAL, local[spec.name] ?? spec.name)]));
      const served: string[] = [];
      const server = createServer((req, res) => {
        const path = (req.url ?? '').replace(/^\/raw\.githubusercontent\.com/, '');
        const file = byPath.get(path);
        served.push(path);
        if (!file) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(file));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      try {
        const cwd = tempDir();
        const port = (server.address() as { port: number }).port;
        const env = cliEnv(join(cwd, 'home'), { EVALH_MIRROR: `http://127.0.0.1:${port}` });
        const r = await runCli(['data', 'pull', 'alignbench', '--json'], { cwd, env });
        if (r.code === 2 && /has no official assets/.test(r.stderr)) {
          console.warn('SKIPPED: `evalh data pull alignbench` is not wired yet (src/commands/data.ts SUITE_ASSETS)');
          return;
        }
        expect(r.code, r.stderr).toBe(0);
        expect(served.sort()).toEqual([...byPath.keys()].sort());
        const run = await runCli(['run', 'alignbench', '--runner', 'reference', '--limit', '1', ...judgeArgs(), '--json'], { cwd, env });
        expect(run.code, run.stderr).toBe(0);
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    });

    official('a --data copy whose config differs from the pinned one is refused (exit 2)', async () => {
      const cwd = tempDir();
      const copy = join(cwd, 'AlignBench');
      mkdirSync(join(copy, 'config'), { recursive: true });
      copyFileSync(join(OFFICIAL, 'data_v1.1_release.jsonl'), join(copy, 'data_v1.1_release.jsonl'));
      for (const spec of CONFIG_ASSETS) copyFileSync(join(OFFICIAL, spec.name), join(copy, spec.name));
      writeFileSync(join(copy, 'config/temperature.json'), JSON.stringify({ 数学计算: 0 }));
      const r = await runCli(['run', 'alignbench', '--data', copy, '--runner', 'reference', ...judgeArgs(), '--json'], { cwd, env: cliEnv(join(cwd, 'home')) });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/config\/temperature\.json is not the official config\/temperature\.json/);
    });

    official('bad records in a --data copy: exit 2 naming file, line and field; a changed file is labelled as not official', async () => {
      const cwd = tempDir();
      const copy = join(cwd, 'AlignBench');
      mkdirSync(join(copy, 'data'), { recursive: true });
      mkdirSync(join(copy, 'config'));
      for (const spec of CONFIG_ASSETS) copyFileSync(join(OFFICIAL, spec.name), join(copy, spec.name));
      const lines = readFileSync(join(OFFICIAL, 'data_v1.1_release.jsonl'), 'utf8').split('\n').filter(Boolean);
      const file = join(copy, 'data/data_v1.1_release.jsonl');
      const env = cliEnv(join(cwd, 'home'));
      const args = ['run', 'alignbench', '--data', copy, '--runner', 'reference', ...judgeArgs(), '--limit', '1', '--json'];

      const noRef = JSON.parse(lines[1]!);
      delete noRef.reference;
      writeFileSync(file, [lines[0], JSON.stringify(noRef), ...lines.slice(2)].join('\n') + '\n');
      let r = await runCli(args, { cwd, env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${file}, line 2, field "reference"`);

      const sub = JSON.parse(lines[2]!);
      sub.subcategory = '量子力学';
      writeFileSync(file, [lines[0], lines[1], JSON.stringify(sub), ...lines.slice(3)].join('\n') + '\n');
      r = await runCli(args, { cwd, env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/line 3, field "subcategory": "量子力学" has no dimension set/);
      expect(existsSync(join(cwd, 'results.db'))).toBe(false);

      writeFileSync(file, lines.slice(0, 100).join('\n') + '\n');
      r = await runCli(args, { cwd, env });
      expect(r.code, r.stderr).toBe(0);
      expect(json<{ labels: string[] }>(r).labels.some((l) => /is not the official AlignBench v1\.1 release/.test(l))).toBe(true);
    });
  });

  describe('without the official files', () => {
    const cwd = tempDir();
    const env = cliEnv(join(cwd, 'home'));
    const judge = ['--judge-endpoint', 'http://127.0.0.1:9/v1', '--judge-model', 'j'];
    afterEach(() => {
      expect(existsSync(join(cwd, 'results.db'))).toBe(false);
    });

    it('no data: exit 2 with the command that fixes it', async () => {
      const r = await runCli(['run', 'alignbench', '--runner', 'reference', ...judge, '--json'], { cwd, env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/AlignBench v1\.1 data \(data\/data_v1\.1_release\.jsonl\) is not registered\. Fix: `evalh data pull alignbench`/);
    });

    it('no judge: exit 2, except for the reference runner, which the reference judge scores offline', async () => {
      const dir = tempDir();
      const r = await runCli(['run', 'alignbench', '--sample', '--runner', 'replay', '--predictions', dir, '--json'], { cwd: dir, env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/alignbench is scored by a judge model: pass --judge-endpoint URL --judge-model ID \(or --runner reference with neither, to check the pipeline offline\)/);
      expect(existsSync(join(dir, 'results.db'))).toBe(false);

      // The offline pipeline: gold answers, full marks parsed from the official rating format, the official means.
      const ok = await runCli(['run', 'alignbench', '--sample', '--runner', 'reference', '--json'], { cwd: dir, env });
      expect(ok.code, ok.stderr).toBe(0);
      const doc = json<{ scores: Record<string, number>; items: { done: number; error: number }; labels: string[]; unparseable: { count: number } }>(ok);
      expect(doc.items).toMatchObject({ done: 24, error: 0 });
      expect(Object.values(doc.scores).every((x) => x === 10)).toBe(true);
      expect(doc.scores['总分']).toBe(10);
      expect(doc.labels.join('; ')).toMatch(/sample, not the official benchmark.*reference judge: full marks for the gold answer/);
      const judged = await runCli(['run', 'alignbench', '--sample', '--runner', 'reference', '--no-judge-cache'], { cwd: dir, env });
      expect(judged.code).toBe(2);
      expect(judged.stderr).toMatch(/--no-judge-cache goes with a judge model/);
    });

    it('an unknown preset or category: exit 2', async () => {
      let r = await runCli(['run', 'alignbench', '--sample', '--preset', 'v2', '--runner', 'reference', ...judge], { cwd, env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown alignbench preset "v2"; known: v1\.1 .* and v1\.0/);
      r = await runCli(['run', 'alignbench', '--sample', '--datasets', '数学计算,math', '--runner', 'reference', ...judge], { cwd, env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown alignbench category "math"/);
    });

    it(`a bad ${TEMPLATE_ENV}: exit 2 naming the file`, async () => {
      const tpl = join(cwd, 'judge.txt');
      writeFileSync(tpl, '{question}\n{answer}\n');
      const r = await runCli(['run', 'alignbench', '--sample', '--runner', 'reference', ...judge], { cwd, env: { ...env, [TEMPLATE_ENV]: tpl } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${tpl} (${TEMPLATE_ENV}): the judge template lacks {category} {dimensions} {reference}`);
    });

    it('the sample checks its records like the official data (sample configs)', async () => {
      const configs = loadConfigs(true, undefined);
      expect(configs.source).toBe('evalh-sample');
      const lines = readFileSync(SAMPLE_FILE, 'utf8').split('\n').filter(Boolean);
      const dir = tempDir();
      const bad = join(dir, 'bad.jsonl');
      const dup = JSON.parse(lines[3]!);
      dup.question_id = 1;
      writeFileSync(bad, [lines[0], lines[1], lines[2], JSON.stringify(dup)].join('\n') + '\n');
      const data = { file: bad, where: bad, sha256: '', official: false };
      await expect(loadItems(data, configs, ['数学计算', '逻辑推理'], undefined)).rejects.toThrow(`${bad}, line 4, field "question_id": 1 appears twice (first at line 1)`);
      const cat = JSON.parse(lines[0]!);
      cat.category = '数学';
      writeFileSync(bad, JSON.stringify(cat) + '\n');
      await expect(loadItems(data, configs, ['数学计算'], undefined)).rejects.toThrow(/line 1, field "category": must be equal to one of the allowed values/);
      const ok = await loadItems({ ...data, file: SAMPLE_FILE }, configs, ['数学计算', '专业能力'], 2);
      expect(ok.items.map((i) => i.id)).toEqual(['数学计算/1', '数学计算/2', '专业能力/22', '专业能力/23']);
      expect(ok.counts).toEqual({ 数学计算: 2, 专业能力: 2 });
    });

    it('the reference runner judged by a judge that keeps failing: items fail, answers kept, nothing scored from a failure', async () => {
      // It answers the start-up check (GET /models) and fails every judgment with a 500.
      const failing = await startSimServer({ faults: () => ({ kind: 'status', status: 500 }) });
      const cwd2 = tempDir();
      const r = await runCli(
        ['run', 'alignbench', '--sample', '--runner', 'reference', '--judge-endpoint', failing.url, '--judge-model', 'sim-model', '--retries', '1', '--error-budget', '1', '--datasets', '数学计算', '--json'],
        { cwd: cwd2, env: { ...cliEnv(join(cwd2, 'home')), EVALH_BACKOFF_BASE_MS: '1' } },
      );
      await failing.close();
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/3 item\(s\) failed permanently \(not scored\): scoring_http_500 3;/);
      const doc = json<{ items: { done: number; error: number }; scores: Record<string, number> }>(r);
      expect(doc.items).toMatchObject({ done: 0, error: 3 });
      expect(doc.scores).toEqual({});
    });
  });
});
