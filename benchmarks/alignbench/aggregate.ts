import type { FailedItem, ScoredItem, Summary } from '../../src/suite.js';
import { GROUPS, OVERALL, SHOW_RESULT_ORDER } from './categories.js';

// Aggregation exactly as the official scripts do it, on the judge's own scale:
//
// - An item's score is judge.py's `score`: the overall 1–10 the judge gave, or -1 when its
//   judgment could not be parsed.
// - show_result.py: per category np.mean of the scores, the -1 failures INCLUDED;
//   中文推理 = np.mean(数学计算, 逻辑推理); 中文语言 = np.mean of the six language category
//   means (unweighted); 总分 = (中文推理 + 中文语言) / 2. It rounds nothing: it prints the
//   DataFrame (6 decimals) and the leaderboard shows 2; evalh keeps the exact float64 values
//   in `scores` and shows 2 decimals in its table.
// - dimension_calculate.py: per dimension, the plain mean of every numeric rating entry of
//   the judgments whose score is not -1 (keys holding a "," are left out, as there).
//
// Beside the official numbers evalh reports how many judgments could not be parsed, the same
// scores with those left out, and a warning when their share is above 5%.

export const UNPARSEABLE = -1;
export const UNPARSEABLE_WARN_SHARE = 0.05;
export const SCALE_NOTE = "judge scores 1–10 (judge.py's score); an unparseable judgment counts as -1 in the official means, as show_result.py counts it";

/** A scored item; `scores` (the stored per-item detail) carries the judge's rating dict when the caller passes it. */
export type AlignScoredItem = ScoredItem & { scores?: Record<string, unknown> };

export interface DimensionMean {
  mean: number;
  n: number;
}

export interface AlignAggregates {
  /** 总分, under the name other suites use for their headline number (compare, gate). */
  overall?: number;
  scale: string;
  unparseable: { count: number; total: number; share: number; byCategory: Record<string, number> };
  /** The same show_result computation over the parseable judgments only. */
  excludingUnparseable: Record<string, number>;
  /** dimension_calculate.py's means; null when the per-item ratings were not passed in. */
  dimensions: Record<string, DimensionMean> | null;
  warning?: string;
  /** Items with no judgment at all (not scored, not in the means): the judge kept failing, or the model gave no answer. Absent when none. */
  notJudged?: { judgeFailed: number; noAnswer: number };
}

export function summarize(items: AlignScoredItem[], datasets: string[], failed: FailedItem[] = []): Summary {
  const byCategory = new Map<string, number[]>();
  for (const it of items) {
    let xs = byCategory.get(it.dataset);
    if (!xs) byCategory.set(it.dataset, (xs = []));
    xs.push(it.score);
  }
  const scores = showResult(byCategory, datasets);
  const parseable = new Map([...byCategory].map(([c, xs]) => [c, xs.filter((x) => x !== UNPARSEABLE)]));
  const excludingUnparseable = showResult(parseable, datasets);

  const total = items.length;
  const count = items.filter((it) => it.score === UNPARSEABLE).length;
  const byCat: Record<string, number> = {};
  for (const c of SHOW_RESULT_ORDER) {
    const xs = byCategory.get(c);
    if (xs && datasets.includes(c)) byCat[c] = xs.filter((x) => x === UNPARSEABLE).length;
  }
  const share = total > 0 ? count / total : 0;
  const aggregates: AlignAggregates = {
    ...(OVERALL in scores ? { overall: scores[OVERALL] } : {}),
    scale: SCALE_NOTE,
    unparseable: { count, total, share, byCategory: byCat },
    excludingUnparseable,
    dimensions: dimensionMeans(items),
  };
  if (failed.length > 0) {
    // A judge failure is recorded as scoring_<kind> (src/run.ts); anything else failed before a judge saw it.
    const judgeFailed = failed.filter((f) => f.errorKind?.startsWith('scoring_')).length;
    aggregates.notJudged = { judgeFailed, noAnswer: failed.length - judgeFailed };
  }
  if (share > UNPARSEABLE_WARN_SHARE) {
    aggregates.warning =
      `${count} of ${total} judgments (${(100 * share).toFixed(1)}%) could not be parsed, more than ${100 * UNPARSEABLE_WARN_SHARE}%: ` +
      `the official score counts each as -1. Check the judge's raw judgments (evalh show) or use another judge`;
  }
  return { scores, aggregates: aggregates as unknown as Record<string, unknown> };
}

/** show_result.py for one model: category means, then the two groups and the overall. */
export function showResult(byCategory: ReadonlyMap<string, number[]>, datasets: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of SHOW_RESULT_ORDER) {
    const xs = byCategory.get(c);
    if (datasets.includes(c) && xs && xs.length > 0) out[c] = npMean(xs);
  }
  const group = (g: keyof typeof GROUPS) => (GROUPS[g].every((c) => c in out) ? npMean(GROUPS[g].map((c) => out[c]!)) : undefined);
  const reasoning = group('中文推理');
  const language = group('中文语言');
  if (reasoning !== undefined) out['中文推理'] = reasoning;
  if (language !== undefined) out['中文语言'] = language;
  if (reasoning !== undefined && language !== undefined) out[OVERALL] = (reasoning + language) / 2;
  return out;
}

/**
 * numpy's mean of a float64 array, bit for bit: np.add.reduce (pairwise summation, numpy's
 * pairwise_sum with 8 accumulators and blocks of 128, starting from the identity 0) divided
 * by the count. Written out because the summation order decides the last bits for
 * non-integer scores (judge.py's text fallback gives e.g. 7.5), and `scores` must equal
 * show_result's numbers.
 */
export function npMean(xs: readonly number[]): number {
  return pairwiseSum(xs, 0, xs.length) / xs.length;
}

function pairwiseSum(a: readonly number[], lo: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[lo + i]!;
    return res;
  }
  if (n <= 128) {
    const r = [a[lo]!, a[lo + 1]!, a[lo + 2]!, a[lo + 3]!, a[lo + 4]!, a[lo + 5]!, a[lo + 6]!, a[lo + 7]!];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[lo + i + j]!;
    // numpy's grouping: ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    let res = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[lo + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, lo, n2) + pairwiseSum(a, lo + n2, n - n2);
}

/** dimension_calculate.py for one model; null when no item carries its rating. */
export function dimensionMeans(items: readonly AlignScoredItem[]): Record<string, DimensionMean> | null {
  const sums = new Map<string, { total: number; n: number }>();
  let any = false;
  for (const it of items) {
    const rating = (it.scores as { dimensions?: unknown } | undefined)?.dimensions;
    if (rating === undefined) continue;
    any = true;
    if (it.score === UNPARSEABLE || !rating || typeof rating !== 'object') continue;
    for (const [k, v] of Object.entries(rating as Record<string, unknown>)) {
      if (typeof v !== 'number' || k.includes(',')) continue;
      const s = sums.get(k) ?? { total: 0, n: 0 };
      s.total += v;
      s.n += 1;
      sums.set(k, s);
    }
  }
  if (!any) return null;
  return Object.fromEntries([...sums].map(([k, s]) => [k, { mean: s.total / s.n, n: s.n }]));
}
