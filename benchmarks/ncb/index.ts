import { UsageError } from '../../src/errors.js';
import type { OpenOptions, Suite, SuiteSource } from '../../src/suite.js';
import { summarize } from './aggregate.js';
import { buildRequest, itemId, itemOrder, items } from './items.js';
import { loadSplit, resolveData, type LoadedSplit } from './load.js';
import { readAnswers } from './predictions.js';
import { scoreAnswer } from './score.js';
import { GENERATION, LIMITS, SPLIT_NAMES, splitSpec } from './splits.js';
import { renderSummary } from './table.js';

// Bumped whenever extraction, file layout, pass criteria or aggregation change, so old runs are not mixed with new ones.
const METRIC_VERSION = 'ncb-exec-1';

export { NCB_ASSETS } from './assets.js';
export { closeSandbox } from './execute.js';
export { registerData, resolveData } from './load.js';

export const ncb: Suite = {
  name: 'ncb',
  presets: 'greedy (the only one)',
  title: 'NaturalCodeBench dev set (70 Python + 70 Java problems × en, zh; executed in a sandbox)',
  datasets: SPLIT_NAMES,

  async open(opts: OpenOptions): Promise<SuiteSource> {
    const names = opts.datasets && opts.datasets.length > 0 ? opts.datasets : [...SPLIT_NAMES];
    for (const d of names) {
      if (!splitSpec(d)) throw new UsageError(`unknown ncb split "${d}"; known: ${SPLIT_NAMES.join(', ')}`);
    }
    if (opts.preset !== undefined && opts.preset !== 'greedy') throw new UsageError(`ncb has one generation preset, "greedy" (pass@1); got "${opts.preset}"`);
    const location = resolveData(opts, names.map((d) => splitSpec(d)!));
    const splits: LoadedSplit[] = [];
    for (const f of location.files) splits.push(await loadSplit(f, opts.limit)); // all validated before anything runs

    const labels = opts.sample ? ['sample, not the official benchmark'] : [];
    const changed = splits.filter((s) => !s.official).map((s) => s.split.name);
    if (location.kind === 'data' && changed.length > 0) labels.push(`problem files that are not the official release: ${changed.join(', ')}`);
    const fallback = splits.filter((s) => s.referenceSource !== 'reference file').map((s) => s.split.name);
    if (!opts.sample && fallback.length > 0) labels.push(`no reference answers file for ${fallback.join(', ')}: the reference runner answers with each problem's reference_solution`);
    const ids = itemOrder(splits).map(([s, i]) => itemId(s.split.name, s.problems[i]!._id));
    return {
      datasets: names,
      total: ids.length,
      labels,
      fingerprint: {
        suite: 'ncb',
        metrics: METRIC_VERSION,
        sample: opts.sample,
        generation: { ...GENERATION, prompt: 'problem.prompt' },
        limits: LIMITS,
        data: Object.fromEntries(splits.map((s) => [s.split.name, s.sha256])),
      },
      settings: { data: location.where, splits: names, limit: opts.limit ?? null, references: Object.fromEntries(splits.map((s) => [s.split.name, s.referenceSource])) },
      items: () => items(splits),
      itemIds: () => ids,
    };
  },

  async prepare(item) {
    return buildRequest(item);
  },

  score: scoreAnswer,
  summarize,
  renderSummary,
  readPredictions: readAnswers,
};
