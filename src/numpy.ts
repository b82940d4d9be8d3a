// LongBench-E's eval.py aggregates buckets with numpy: round(100 * np.mean(xs), 2). Both
// halves differ from plain Python: np.mean sums pairwise (not left to right), and
// round() of a numpy float is np.round, which scales, rounds half to even and scales back
// (not correctly rounded: np.round(2.675, 2) == 2.68, Python's round gives 2.67).

/** numpy's pairwise_sum for float64 (8-way unrolled blocks of up to 128, split in halves above). */
export function npSum(a: readonly number[], start = 0, n = a.length): number {
  if (n < 8) {
    let res = -0; // numpy starts from -0.0 so a sum of -0.0s stays -0.0
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = a[start + j]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j]! += a[start + i + j]!;
    }
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return npSum(a, start, n2) + npSum(a, start + n2, n - n2);
}

/** np.mean of a list of Python floats; NaN for an empty list (numpy warns and returns nan). */
export function npMean(a: readonly number[]): number {
  if (a.length === 0) return NaN;
  return npSum(a) / a.length;
}

/** np.round(x, decimals) for decimals >= 0: multiply, round half to even, divide. */
export function npRound(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return rint(x * f) / f;
}

function rint(y: number): number {
  if (!Number.isFinite(y)) return y;
  const fl = Math.floor(y);
  const diff = y - fl;
  if (diff > 0.5) return fl + 1;
  if (diff < 0.5) return fl;
  return fl % 2 === 0 ? fl : fl + 1;
}
