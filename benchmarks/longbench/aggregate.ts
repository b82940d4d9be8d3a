import { bucketScores, datasetScore } from '../../src/metrics/index.js';
import { pyRound } from '../../src/metrics/pyround.js';
import type { ScoredItem, Summary } from '../../src/suite.js';
import { CATEGORIES, LONGBENCH_E_BUCKETS, datasetSpec } from './datasets.js';
import type { Target } from './records.js';

/** eval.py: per dataset round(100 * sum / n, 2). Categories and overall are evalh's averages of those. */
export function summarizeV1(items: ScoredItem[], datasets: string[]): Summary {
  const perDataset = groupScores(items);
  const scores: Record<string, number> = {};
  for (const d of datasets) {
    const xs = perDataset.get(d);
    if (xs && xs.length > 0) scores[d] = datasetScore(xs);
  }
  const categories: Record<string, number> = {};
  for (const c of CATEGORIES) {
    const xs = datasets.filter((d) => datasetSpec(d)?.category === c && d in scores).map((d) => scores[d]!);
    if (xs.length > 0) categories[c] = pyRound(mean(xs), 2);
  }
  const all = Object.values(scores);
  const aggregates: Record<string, unknown> = { categories };
  if (all.length > 0) aggregates.overall = pyRound(mean(all), 2);
  return { scores, aggregates };
}

/** eval.py scorer_e: per dataset and length bucket, numpy's round(100 * np.mean(bucket), 2); an empty bucket is NaN. */
export function summarizeE(items: ScoredItem[], datasets: string[]): Summary {
  const perDataset = new Map<string, { score: number; length: number }[]>();
  for (const it of items) {
    let xs = perDataset.get(it.dataset);
    if (!xs) perDataset.set(it.dataset, (xs = []));
    xs.push({ score: it.score, length: (it.target as Target).length ?? 0 });
  }
  const scores: Record<string, Record<string, number>> = {};
  for (const d of datasets) {
    const xs = perDataset.get(d);
    if (xs) scores[d] = bucketScores(xs);
  }
  const overall: Record<string, number> = {};
  for (const k of LONGBENCH_E_BUCKETS) {
    const xs = Object.values(scores)
      .map((s) => s[k]!)
      .filter((x) => !Number.isNaN(x));
    overall[k] = xs.length > 0 ? pyRound(mean(xs), 2) : NaN;
  }
  return { scores, aggregates: { overall } };
}

function groupScores(items: ScoredItem[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const it of items) {
    let xs = m.get(it.dataset);
    if (!xs) m.set(it.dataset, (xs = []));
    xs.push(it.score);
  }
  return m;
}

function mean(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
