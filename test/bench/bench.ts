// npm run bench: the speed and memory figures of shared/spec/quality.md, each beside its
// target. A measurement, not a test: it always exits 0. Data is generated here; the model
// is the simulated OpenAI-compatible server, run in its own process on loopback.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGE_NAMES, type Language } from '../../benchmarks/humaneval-x/languages.js';
import { bareLanguage, type BareResult } from './bare-humaneval.js';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const CLI = join(ROOT, 'dist/src/cli.js');
const SIM = join(ROOT, 'dist/test/helpers/sim-server-cli.js');
const SHARED_CONFIG = resolve(ROOT, '../shared/data/longbench');
const SHARED_HUMANEVAL = resolve(ROOT, '../shared/data/humaneval-x');
const CORES = 2; // the spec's machine: the bare figure is the summed toolchain time divided by this
// EVALH_BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the measured evalh processes.
const nodeArgs = (process.env.EVALH_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const work = mkdtempSync(join(tmpdir(), 'evalh-bench-'));
const env: NodeJS.ProcessEnv = { ...process.env, EVALH_DATA: join(work, "data-home") };
delete env.EVALH_API_KEY;
delete env.OPENAI_API_KEY;

interface Measured {
  wallS: number;
  maxRssMb: number;
  code: number;
  stderr: string;
}

/** Runs a command under Python's getrusage(RUSAGE_CHILDREN): wall time from spawn to exit and the peak RSS. */
function measure(args: string[], stdoutFile?: string): Measured {
  const py = `
import json, os, resource, subprocess, sys, time
out = open(os.environ["EVALH_BENCH_STDOUT"], "wb") if os.environ.get("EVALH_BENCH_STDOUT") else subprocess.DEVNULL
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=out, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"wallS": wall, "maxRssMb": rss, "code": p.returncode, "stderr": p.stderr.decode()[-2000:]}))
`;
  const out = execFileSync('python3', ['-c', py, process.execPath, ...nodeArgs, CLI, ...args], { env: { ...env, EVALH_BENCH_STDOUT: stdoutFile ?? '' }, cwd: work, maxBuffer: 1 << 26 });
  return JSON.parse(out.toString()) as Measured;
}

async function startSim(latencyMs: number): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [SIM, '--latency', String(latencyMs), '--max-model-len', '2000000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((res, rej) => {
    child.stdout!.once('data', (d: Buffer) => res((JSON.parse(d.toString().split('\n')[0]!) as { url: string }).url));
    child.once('exit', (c) => rej(new Error(`sim server exited ${c}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

const rows: string[][] = [];
// `npm run bench -- 10k import` runs only the named parts (10k, replicas, full, import, help, humaneval).
const parts = process.argv.slice(2);
const want = (part: string) => parts.length === 0 || parts.includes(part);
function report(figure: string, value: string, target: string, ratio?: string) {
  rows.push([figure, value, target, ratio ?? '']);
  console.log(`  ${figure}: ${value} (target ${target})${ratio ? ` — ${ratio}` : ''}`);
}

// A deterministic pseudo-random text source (no data leaves or enters the machine).
function* words(seed: number): Generator<string> {
  const vocab = 'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her all she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(' ');
  let x = seed >>> 0 || 1;
  for (;;) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    yield vocab[(x >>> 0) % vocab.length]!;
  }
}
function text(seed: number, n: number): string {
  const g = words(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(g.next().value as string);
  return out.join(' ');
}

const DATASETS = ['narrativeqa', 'qasper', 'multifieldqa_en', 'multifieldqa_zh', 'hotpotqa', '2wikimqa', 'musique', 'dureader', 'gov_report', 'qmsum', 'multi_news', 'vcsum', 'trec', 'triviaqa', 'samsum', 'lsht', 'passage_count', 'passage_retrieval_en', 'passage_retrieval_zh', 'lcc', 'repobench-p'];
// Items per dataset (4,750 in all) and average context lengths in words, as in the paper.
const SHAPE: Record<string, [number, number]> = {
  narrativeqa: [200, 18409], qasper: [200, 3619], multifieldqa_en: [150, 4559], multifieldqa_zh: [200, 6701], hotpotqa: [200, 9151],
  '2wikimqa': [200, 4887], musique: [200, 11214], dureader: [200, 15768], gov_report: [200, 8734], qmsum: [200, 10614],
  multi_news: [200, 2113], vcsum: [200, 15380], trec: [200, 5177], triviaqa: [200, 8209], samsum: [200, 6258], lsht: [200, 22337],
  passage_count: [200, 11141], passage_retrieval_en: [200, 9289], passage_retrieval_zh: [200, 6745], lcc: [500, 1235], 'repobench-p': [500, 4206],
};
const zhChars = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质';
function zhText(seed: number, n: number): string {
  let x = seed || 7;
  let s = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += zhChars[x % zhChars.length];
    if (x % 29 === 0) s += '。';
  }
  return s;
}

function writeShape(dir: string, scale: number, itemsOverride?: number): number {
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  let seed = 1;
  for (const d of DATASETS) {
    const [n, avg] = SHAPE[d]!;
    const zh = ['multifieldqa_zh', 'dureader', 'vcsum', 'lsht', 'passage_retrieval_zh'].includes(d);
    const count = itemsOverride ? Math.round((itemsOverride * n) / 4750) : n;
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      const len = Math.max(20, Math.round(avg * scale * (0.5 + ((i * 37) % 100) / 100)));
      const context = zh ? zhText(seed++, len) : text(seed++, len);
      const answer = d.startsWith('passage_retrieval') ? (zh ? '段落3' : 'Paragraph 3') : d === 'passage_count' ? '7' : zh ? zhText(seed++, 12) : text(seed++, 8);
      const all_classes = d === 'trec' ? ['Count', 'Date', 'Individual'] : d === 'lsht' ? ['体育', '财经'] : null;
      lines.push(JSON.stringify({ input: zh ? zhText(seed++, 15) : text(seed++, 12), context, answers: [answer], length: len, dataset: d, language: zh ? 'zh' : 'en', all_classes, _id: `${d}-${i}` }));
    }
    const body = lines.join('\n') + '\n';
    bytes += Buffer.byteLength(body);
    writeFileSync(join(dir, `${d}.jsonl`), body);
  }
  return bytes;
}

function writePredictions(dir: string): void {
  mkdirSync(dir, { recursive: true });
  let seed = 99;
  for (const d of DATASETS) {
    const [n] = SHAPE[d]!;
    const zh = ['multifieldqa_zh', 'dureader', 'vcsum', 'lsht', 'passage_retrieval_zh'].includes(d);
    const summary = ['gov_report', 'qmsum', 'multi_news', 'vcsum'].includes(d);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const predLen = summary ? 400 : d === 'dureader' ? 100 : 20;
      const gtLen = summary ? 450 : d === 'dureader' ? 80 : 10;
      const pred = d === 'lcc' || d === 'repobench-p' ? `    result = compute(${text(seed++, 6).replace(/ /g, ', ')})\n# next` : zh ? zhText(seed++, predLen * 2) : text(seed++, predLen);
      const gt =
        d === 'lcc' || d === 'repobench-p'
          ? `    result = compute(${text(seed++, 6).replace(/ /g, ', ')})`
          : d === 'passage_retrieval_en'
            ? `Paragraph ${(i % 30) + 1}`
            : d === 'passage_retrieval_zh'
              ? `段落${(i % 30) + 1}`
              : d === 'passage_count'
                ? String(i % 20)
                : zh
                  ? zhText(seed++, gtLen * 2)
                  : text(seed++, gtLen);
      const all_classes = d === 'trec' ? ['Count', 'Date', 'Individual'] : d === 'lsht' ? ['体育', '财经'] : null;
      lines.push(JSON.stringify({ pred, answers: [gt], all_classes, length: 5000 }));
    }
    writeFileSync(join(dir, `${d}.jsonl`), lines.join('\n') + '\n');
  }
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('run `npm run build` first');
  console.log(`evalh bench — work dir ${work}`);
  if (!existsSync(SHARED_CONFIG)) {
    console.log(`../shared/data/longbench not found: the runs below need LongBench's official configs; skipping them`);
  } else {
    execFileSync(process.execPath, [CLI, 'data', 'add', 'longbench', SHARED_CONFIG], { env, stdio: 'ignore' });

    // 1. 10,000 items, concurrency 64, 100 ms latency.
    if (want('10k')) {
    const items10k = join(work, 'data-10k');
    writeShape(items10k, 0.01, 10_000);
    const sim = await startSim(100);
    try {
      const m = measure(['run', 'longbench', '--data', items10k, '--endpoint', sim.url, '--model', 'sim', '--concurrency', '64', '--max-length', '3500', '--name', 'bench-10k', '--json']);
      const ideal = (10_000 * 0.1) / 64;
      report('10,000 items @ c=64, 100 ms: wall', `${m.wallS.toFixed(2)} s`, `≤ ${(1.15 * (ideal + 1)).toFixed(2)} s`, `${(m.wallS / (ideal + 1)).toFixed(3)} × (ideal ${ideal.toFixed(2)} s + 1 s); exit ${m.code}`);
      report('10,000 items @ c=64, 100 ms: peak RSS', `${m.maxRssMb.toFixed(0)} MB`, '≤ 250 MB');
      if (m.code !== 0) console.log(m.stderr);
    } finally {
      sim.stop();
    }
    }

    // 1b. One endpoint vs three replicas (each replica's concurrency 16, 100 ms latency).
    if (want('replicas')) {
      const items = join(work, 'data-3k');
      writeShape(items, 0.01, 3_000);
      const sims = await Promise.all([startSim(100), startSim(100), startSim(100)]);
      try {
        const one = measure(['run', 'longbench', '--data', items, '--endpoint', sims[0]!.url, '--model', 'sim', '--concurrency', '16', '--max-length', '3500', '--name', 'bench-one', '--json']);
        const three = measure(['run', 'longbench', '--data', items, ...sims.flatMap((x) => ['--endpoint', x.url]), '--model', 'sim', '--concurrency', '16', '--max-length', '3500', '--name', 'bench-three', '--json']);
        report('3,000 items, 1 endpoint vs 3 replicas (c=16 each, 100 ms)', `${one.wallS.toFixed(2)} s vs ${three.wallS.toFixed(2)} s`, 'throughput ×3 ideal', `throughput ratio ${(one.wallS / three.wallS).toFixed(2)}×; exit ${one.code}/${three.code}`);
      } finally {
        for (const x of sims) x.stop();
      }
    }

    // 2. Full LongBench v1 shape: 4,750 items with contexts as long as the real ones.
    if (want('full')) {
    const full = join(work, 'data-full');
    const bytes = writeShape(full, 1);
    const sim2 = await startSim(0);
    try {
      const m = measure(['run', 'longbench', '--data', full, '--endpoint', sim2.url, '--model', 'sim', '--concurrency', '16', '--max-length', '31500', '--name', 'bench-full', '--json']);
      report(`LongBench v1 shape (4,750 items, ${(bytes / 2 ** 20).toFixed(0)} MB of data): peak RSS`, `${m.maxRssMb.toFixed(0)} MB`, '≤ 400 MB', `wall ${m.wallS.toFixed(1)} s; exit ${m.code}`);
      if (m.code !== 0) console.log(m.stderr);
    } finally {
      sim2.stop();
    }
    }
  }

  // 2b. The 429 back-off: a 2 s storm of 429s (Retry-After: 1) mid-run; time lost beyond the storm.
  if (want('recovery') && existsSync(SHARED_CONFIG)) {
    const items = join(work, 'data-recovery');
    writeShape(items, 0.01, 3_000);
    const { measureRecovery } = await import('./recovery.js');
    const r = await measureRecovery(CLI, items, env, work);
    report('429 storm (2 s, Retry-After 1) in a 3,000-item run at c=32, 50 ms', `${r.lostS.toFixed(2)} s lost beyond the storm`, 'small', `with storm ${r.storm.wallS.toFixed(2)} s vs ${r.baseline.wallS.toFixed(2)} s without; exit ${r.storm.code}/${r.baseline.code}`);
  }

  // 2c. The local GGUF runner on the tiny test model (node-llama-cpp, an optional dependency).
  if (want('gguf')) {
    const { writeTinyLlama } = await import('../fixtures/gguf/tiny-llama.js');
    const model = join(work, 'tiny.gguf');
    writeTinyLlama(model);
    const db = join(work, 'gguf.db');
    const m = measure(['run', 'longbench', '--sample', '--gguf', model, '--max-length', '256', '--concurrency', '2', '--gguf-threads', '1', '--db', db, '--name', 'gguf-bench', '--json']);
    if (m.code !== 0) report('local GGUF runner, tiny model', 'skipped (node-llama-cpp not installed?)', '—');
    else {
      const { default: Database } = await import('better-sqlite3');
      const conn = new Database(db, { readonly: true });
      const g = JSON.parse((conn.prepare(`SELECT settings FROM runs WHERE name = 'gguf-bench'`).get() as { settings: string }).settings).load.gguf;
      conn.close();
      report('local GGUF runner, tiny model (2 sequences, 1 thread)', `${g.tokensPerSecond} tok/s generated`, '—', `${g.promptAndGeneratedPerSecond} tok/s with prompts; ${m.wallS.toFixed(1)} s wall`);
    }
  }

  // 3. Scoring 4,750 predictions with evalh import (jieba loading included).
  if (want('import')) {
  const pred = join(work, 'pred');
  writePredictions(pred);
  const imp = measure(['import', 'longbench', pred, '--name', 'bench-import', '--json', '--db', join(work, 'import.db')]);
  report('scoring 4,750 LongBench v1 predictions (evalh import)', `${imp.wallS.toFixed(2)} s`, '≤ 5 s', `peak RSS ${imp.maxRssMb.toFixed(0)} MB; exit ${imp.code}`);
  if (imp.code !== 0) console.log(imp.stderr);
  }

  // 3b. HumanEval-X canonical solutions: evalh (sandboxed, harness) vs the bare toolchain.
  if (want('humaneval')) await humanevalPart();

  // 4. evalh --help.
  if (want('help')) {
  const helps = [0, 1, 2, 3, 4].map(() => measure(['--help']).wallS).sort((a, b) => a - b);
  report('evalh --help', `${(helps[2]! * 1000).toFixed(0)} ms (median of 5)`, '≤ 300 ms');
  }

  console.log('\n| figure | measured | target | note |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  rmSync(work, { recursive: true, force: true });
}

interface RunJson {
  passed?: Record<string, number>;
  samples?: Record<string, number>;
  items?: { done: number; error: number; total: number; skipped: number };
}

function readRunJson(file: string): RunJson | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunJson;
  } catch {
    return undefined;
  }
}

/** `evalh run humaneval-x --runner reference` for some languages: wall time and pass counts. */
function evalhHumaneval(langs: Language[], name: string): { m: Measured; json?: RunJson } {
  const out = join(work, `${name}.json`);
  const m = measure(['run', 'humaneval-x', '--runner', 'reference', '--datasets', langs.join(','), '--concurrency', String(CORES), '--name', name, '--json'], out);
  return { m, json: readRunJson(out) };
}

function passedOf(json: RunJson | undefined, langs: Language[]): string {
  if (!json?.passed) return '?';
  const p = langs.reduce((a, l) => a + (json.passed![l] ?? 0), 0);
  const n = langs.reduce((a, l) => a + (json.samples?.[l] ?? 0), 0);
  return `${p}/${n}`;
}

async function humanevalPart(): Promise<void> {
  if (!existsSync(SHARED_HUMANEVAL)) {
    console.log('../shared/data/humaneval-x not found: skipping the HumanEval-X figure');
    return;
  }
  try {
    execFileSync(process.execPath, [CLI, 'data', 'add', 'humaneval-x', SHARED_HUMANEVAL], { env, stdio: 'ignore' });
  } catch (e) {
    console.log(`evalh data add humaneval-x failed (${(e as Error).message.split('\n')[0]}): skipping the HumanEval-X figure`);
    return;
  }
  const bare = new Map<Language, BareResult>();
  for (const lang of LANGUAGE_NAMES) {
    const b = await bareLanguage(lang, SHARED_HUMANEVAL);
    if (b.missing && b.programs === 0) {
      console.log(`  HumanEval-X ${lang}: skipped (${b.missing})`);
      continue;
    }
    bare.set(lang, b);
    const e = evalhHumaneval([lang], `bench-hx-${lang}`);
    const bareS = b.sumS / CORES;
    report(
      `HumanEval-X ${lang} canonical (${b.programs}), 2 cores: evalh vs bare`,
      `${e.m.wallS.toFixed(2)} s vs ${bareS.toFixed(2)} s`,
      '≤ 1.25 ×',
      `${(e.m.wallS / bareS).toFixed(3)} ×; bare summed ${b.sumS.toFixed(2)} s / ${CORES}; passed evalh ${passedOf(e.json, [lang])}, bare ${b.passed}/${b.programs - b.skipped}${b.skipped ? ` (${b.skipped} not run: ${b.missing})` : ''}; exit ${e.m.code}`,
    );
    if (e.m.code !== 0) console.log(e.m.stderr);
  }
  const langs = [...bare.keys()];
  if (langs.length === 0) return;
  const all = evalhHumaneval(langs, 'bench-hx-all');
  const sum = langs.reduce((a, l) => a + bare.get(l)!.sumS, 0);
  const bareS = sum / CORES;
  const bp = langs.reduce((a, l) => a + bare.get(l)!.passed, 0);
  const bn = langs.reduce((a, l) => a + bare.get(l)!.programs - bare.get(l)!.skipped, 0);
  report(
    `HumanEval-X canonical, ${langs.length === 5 ? 'all 5 languages' : langs.join('+')}, 2 cores: evalh vs bare`,
    `${all.m.wallS.toFixed(2)} s vs ${bareS.toFixed(2)} s`,
    '≤ 1.25 ×',
    `${(all.m.wallS / bareS).toFixed(3)} ×; bare summed ${sum.toFixed(2)} s / ${CORES}; passed evalh ${passedOf(all.json, langs)}, bare ${bp}/${bn}; exit ${all.m.code}`,
  );
  if (all.m.code !== 0) console.log(all.m.stderr);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 0; // a measurement, never a failing check
});

