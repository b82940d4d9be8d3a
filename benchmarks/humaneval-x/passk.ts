// The unbiased pass@k estimator of Chen et al. (2021), as utils.py estimate_pass_at_k
// computes it: 1 - C(n-c, k) / C(n, k) in the numerically stable product form
// 1 - prod_{i=n-c+1..n} (1 - k/i), and 1.0 when n - c < k. (numpy may associate the
// product differently; the results agree to ~1e-15, far below a score's two decimals.)

export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 0 || c < 0 || c > n || k < 1) {
    throw new RangeError(`pass@k needs integers 0 ≤ c ≤ n and k ≥ 1 (got n=${n}, c=${c}, k=${k})`);
  }
  if (n - c < k) return 1.0;
  let prod = 1.0;
  for (let i = n - c + 1; i <= n; i++) prod *= 1.0 - k / i;
  return 1.0 - prod;
}

/** The k values the official evaluation reports (k=[1, 10, 100]). */
export const PASS_KS = [1, 10, 100] as const;

/** Mean pass@k over problems, for each k that every problem has enough samples for (total >= k).all(). */
export function meanPassAtK(problems: { n: number; c: number }[], ks: readonly number[] = PASS_KS): Record<string, number> {
  const out: Record<string, number> = {};
  if (problems.length === 0) return out;
  for (const k of ks) {
    if (!problems.every((p) => p.n >= k)) continue;
    let sum = 0;
    for (const p of problems) sum += passAtK(p.n, p.c, k);
    out[`pass@${k}`] = sum / problems.length;
  }
  return out;
}
