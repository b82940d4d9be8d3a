import { UsageError } from '../../src/errors.js';
import type { OpenOptions, Suite, SuiteItem, SuiteSource } from '../../src/suite.js';
import { summarize } from './aggregate.js';
import { DATA_ASSETS } from './assets.js';
import { LANGUAGE_NAMES, itemId, languageSpec, type Language } from './languages.js';
import { loadProblems, resolveData, type ProblemFile } from './load.js';
import { readSamples } from './predictions.js';
import { MAX_TOKENS, buildRequest, presetOf, type Preset } from './prompt.js';
import type { Target } from './records.js';
import { scoreSample } from './score.js';
import { renderSummary } from './table.js';

// Bumped whenever cleaning, program assembly or pass criteria change, so old runs are not mixed with new ones.
const METRIC_VERSION = 'humaneval-x-exec-1';

export { registerData, resolveData } from './load.js';
export { HUMANEVAL_X_ASSETS } from './assets.js';
export { closeSandbox } from './execute.js';

let preset: Preset | undefined;

export const humanevalX: Suite = {
  name: 'humaneval-x',
  presets: 'greedy (default), n20, n200',
  title: 'HumanEval-X (164 problems × Python, C++, Java, JavaScript, Go; executed in a sandbox)',
  datasets: LANGUAGE_NAMES,

  async open(opts: OpenOptions): Promise<SuiteSource> {
    const langs = (opts.datasets && opts.datasets.length > 0 ? opts.datasets : [...LANGUAGE_NAMES]) as Language[];
    for (const l of langs) {
      if (!languageSpec(l)) throw new UsageError(`unknown humaneval-x language "${l}"; known: ${LANGUAGE_NAMES.join(', ')}`);
    }
    const p = presetOf(opts.preset);
    const location = await resolveData(opts, langs);
    const files: ProblemFile[] = [];
    for (const l of langs) files.push(await loadProblems(l, location.files[l]!, opts.limit)); // all validated before anything runs
    preset = p;

    const labels = opts.sample ? ['sample, not the official benchmark'] : [];
    const changed = location.kind === 'data' ? files.filter((f) => f.sha256 !== DATA_ASSETS[f.lang].sha256).map((f) => f.lang) : [];
    if (changed.length > 0) labels.push(`problem files that are not the official CodeGeeX release: ${changed.join(', ')}`);
    const ids = itemOrder(files, p.n).map(([f, i, k]) => itemId(f.lang, f.problems[i]!.task_id, k));
    return {
      datasets: langs,
      total: ids.length,
      labels,
      fingerprint: {
        suite: 'humaneval-x',
        metrics: METRIC_VERSION,
        sample: opts.sample,
        generation: { preset: p.name, n: p.n, temperature: p.temperature, topP: p.topP ?? null, maxTokens: MAX_TOKENS, prompt: 'stripped' },
        data: Object.fromEntries(files.map((f) => [f.lang, f.sha256])),
      },
      settings: { data: location.where, languages: langs, limit: opts.limit ?? null, preset: p.name, n: p.n },
      items: () => items(files, p.n),
      itemIds: () => ids,
    };
  },

  async prepare(item) {
    if (!preset) throw new Error('prepare() before open()');
    return buildRequest(item, preset);
  },

  score: scoreSample,
  summarize,
  renderSummary,
  readPredictions: readSamples,
};

/**
 * Problem-major order with the languages interleaved (Python/0, CPP/0, …, Python/1, …), so
 * that the slow compilers (javac) share the worker pool with the fast ones all run long.
 */
function itemOrder(files: ProblemFile[], n: number): [ProblemFile, number, number][] {
  const out: [ProblemFile, number, number][] = [];
  const most = Math.max(...files.map((f) => f.problems.length));
  for (let i = 0; i < most; i++) {
    for (const f of files) {
      if (i >= f.problems.length) continue;
      for (let k = 0; k < n; k++) out.push([f, i, k]);
    }
  }
  return out;
}

async function* items(files: ProblemFile[], n: number): AsyncGenerator<SuiteItem> {
  for (const [f, i, k] of itemOrder(files, n)) {
    const problem = f.problems[i]!;
    const target: Target = { task_id: problem.task_id, k, src: f.src };
    yield {
      id: itemId(f.lang, problem.task_id, k),
      dataset: f.lang,
      seq: i * n + k,
      target,
      // The gold answer in a fenced block: taken verbatim, as the official ground-truth check runs it uncleaned.
      reference: '```' + languageSpec(f.lang)!.fence + '\n' + problem.canonical_solution + '```',
      record: problem,
    };
  }
}
