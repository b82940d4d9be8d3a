import { randomIndex, type Rng } from './prng.js';

// Percentile bootstrap (Efron & Tibshirani 1993, ch. 13). The PAIRED version resamples item
// indices and takes each item's difference with it, so the variation between items (some
// are hard for every model) cancels and only the disagreement between the runs remains.

export const DEFAULT_B = 2000;

/** B replicates of the mean of xs, each over n indices drawn with replacement. */
export function bootstrapMeans(xs: ArrayLike<number>, B: number, rng: Rng): Float64Array {
  const n = xs.length;
  const out = new Float64Array(B);
  if (n === 0) return out.fill(NaN);
  for (let r = 0; r < B; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[randomIndex(rng, n)]!;
    out[r] = s / n;
  }
  return out;
}

/**
 * The p-quantile of sorted values by linear interpolation between order statistics
 * (Hyndman & Fan type 7: numpy's and R's default, Python's statistics.quantiles(method='inclusive')).
 */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The central `level` percentile interval of bootstrap replicates. */
export function percentileInterval(replicates: Float64Array, level = 0.95): [number, number] {
  const s = Float64Array.from(replicates).sort();
  const tail = (1 - level) / 2;
  return [quantile(s, tail), quantile(s, 1 - tail)];
}

export interface BootstrapOptions {
  rng: Rng;
  B?: number;
  level?: number;
}

/** Percentile interval of one run's mean score. */
export function meanCI(xs: ArrayLike<number>, o: BootstrapOptions): [number, number] {
  return percentileInterval(bootstrapMeans(xs, o.B ?? DEFAULT_B, o.rng), o.level);
}

export interface PairedResult {
  /** mean(b) − mean(a) over the pairs. */
  diff: number;
  ci: [number, number];
  /** The replicates of the difference, for combining strata. */
  replicates: Float64Array;
}

/** Paired bootstrap of mean(b − a): a[i] and b[i] are the same item in the two runs. */
export function pairedBootstrap(a: ArrayLike<number>, b: ArrayLike<number>, o: BootstrapOptions): PairedResult {
  if (a.length !== b.length) throw new RangeError('paired samples must have the same length');
  const d = new Float64Array(a.length);
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] = b[i]! - a[i]!;
  const replicates = bootstrapMeans(d, o.B ?? DEFAULT_B, o.rng);
  return { diff: s / d.length, ci: percentileInterval(replicates, o.level), replicates };
}

/**
 * Replicates of an equal-weight mean over strata (LongBench's overall = mean of dataset
 * scores): each stratum was resampled on its own, so replicate r of the whole is the mean of
 * the strata's replicate r, and the pairing of items is kept within every stratum.
 */
export function stratifiedMean(strata: readonly Float64Array[]): Float64Array {
  const B = strata[0]?.length ?? 0;
  const out = new Float64Array(B);
  for (let r = 0; r < B; r++) {
    let s = 0;
    for (const st of strata) s += st[r]!;
    out[r] = s / strata.length;
  }
  return out;
}
