/**
 * eval.py's aggregation: scorer() (dataset score) and scorer_e() (LongBench-E length buckets).
 */
import { numpyRound, pyRound } from './pyround.js';

/**
 * scorer(): `round(100 * total_score / len(predictions), 2)` with the total summed in item
 * order and Python's round (correct, half-even on the exact double: 12.125 -> 12.12).
 * No items: Python raises ZeroDivisionError; this returns NaN.
 */
export function datasetScore(itemScores: readonly number[]): number {
  const n = itemScores.length;
  if (n === 0) return NaN;
  let total = 0.0;
  for (const s of itemScores) total += s;
  return pyRound((100 * total) / n, 2);
}

/** numpy's float64 add.reduce: pairwise summation (8-way unrolled blocks of <= 128). */
export function numpyPairwiseSum(a: readonly number[], start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = -0.0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let k = 0; k < 8; k++) r[k] = a[start + k]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let k = 0; k < 8; k++) r[k]! += a[start + i + k]!;
    }
    let res = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpyPairwiseSum(a, start, n2) + numpyPairwiseSum(a, start + n2, n - n2);
}

/** numpy's reduction buffer (np.getbufsize()): sums are pairwise within each 8192-block. */
const NUMPY_BUFSIZE = 8192;

/** `np.sum` of a float64 list: 0.0 + pairwise sums of consecutive 8192-element blocks. */
export function numpySum(a: readonly number[]): number {
  let total = 0.0;
  for (let i = 0; i < a.length; i += NUMPY_BUFSIZE) {
    total += numpyPairwiseSum(a, i, Math.min(NUMPY_BUFSIZE, a.length - i));
  }
  return total;
}

/** `np.mean(list)` for float64 values (NaN for an empty list, as numpy). */
export function numpyMean(a: readonly number[]): number {
  if (a.length === 0) return NaN;
  return numpySum(a) / a.length;
}

export type BucketName = '0-4k' | '4-8k' | '8k+';
export type BucketScores = Record<BucketName, number>;

/** The bucket of a LongBench-E record by its `length` field. */
export function lengthBucket(length: number): BucketName {
  return length < 4000 ? '0-4k' : length < 8000 ? '4-8k' : '8k+';
}

/**
 * scorer_e(): per bucket `round(100 * np.mean(scores), 2)`. np.mean sums pairwise and the
 * round is numpy's (rint(x * 100) / 100, so 2.675 -> 2.68, unlike Python's round). An empty
 * bucket is NaN (np.mean([]) is nan).
 */
export function bucketScores(items: readonly { score: number; length: number }[]): BucketScores {
  const b: Record<BucketName, number[]> = { '0-4k': [], '4-8k': [], '8k+': [] };
  for (const it of items) b[lengthBucket(it.length)].push(it.score);
  const out = {} as BucketScores;
  for (const key of ['0-4k', '4-8k', '8k+'] as const) {
    out[key] = numpyRound(100 * numpyMean(b[key]), 2);
  }
  return out;
}
