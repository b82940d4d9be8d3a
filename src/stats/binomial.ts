// Exact tests on the discordant pairs of pass/fail items: under H0 (both runs equally good)
// each discordant item is a fair coin, so the count of regressions is Binomial(n, 1/2).

/**
 * P(X ≤ k) for X ~ Binomial(n, 1/2). C(n, k) overflows and 2^-n underflows doubles for
 * n > ~1000, so the largest term is built in log space, and the tail is summed backwards
 * from it as ratios of neighbouring terms (all ≤ 1 when k ≤ n/2), stopping once they no
 * longer change the sum. For k > n/2 the complement keeps the ratios below 1.
 */
export function binomHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (2 * k > n) return 1 - binomHalfCdf(n - k - 1, n);
  let logTerm = -n * Math.LN2; // log C(n, k) / 2^n
  for (let i = 1; i <= k; i++) logTerm += Math.log((n - k + i) / i);
  let sum = 1;
  let ratio = 1;
  for (let i = k; i >= 1; i--) {
    ratio *= i / (n - i + 1); // term(i−1) / term(k)
    sum += ratio;
    if (ratio < sum * 1e-17) break;
  }
  return Math.min(1, Math.exp(logTerm + Math.log(sum)));
}

/**
 * McNemar's exact test, two-sided: b = items right in A and wrong in B, c = the reverse.
 * p = min(1, 2 · Σ_{i ≤ min(b,c)} C(b+c, i) / 2^(b+c)); p = 1 with no discordant items.
 */
export function mcnemarExact(b: number, c: number): number {
  return Math.min(1, 2 * binomHalfCdf(Math.min(b, c), b + c));
}

/**
 * One-sided exact McNemar for "more regressions than improvements":
 * p = P(X ≥ b | n = b + c) = P(X ≤ c). It is the exact sign-flip test of pass/fail items.
 */
export function mcnemarOneSided(regressed: number, improved: number): number {
  return binomHalfCdf(improved, regressed + improved);
}

/** The smallest p-value mcnemarOneSided can give with m discordant items: all regressions, 2^-m. */
export function smallestMcnemarP(m: number): number {
  return m <= 0 ? 1 : 2 ** -m;
}
