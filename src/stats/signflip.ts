import type { Rng } from './prng.js';

// The gate's paired test for any metric: a one-sided sign-flip (randomization) test.
// H0: each item's difference d = baseline − candidate is symmetric about 0 (the two runs
// are exchangeable on every item); H1: the candidate is worse, T = Σ d is large. Flipping
// the signs at random gives T's null distribution without assuming normality or a metric
// shape. Zero differences never change T, so only the m nonzero ones are flipped. On
// pass/fail items this is exactly the one-sided McNemar test (see binomial.ts).
// Weighted differences (d/(D·n_d) per dataset) test the equal-weight overall score.

export interface SignFlipOptions {
  rng: Rng;
  /** Monte Carlo draws when the exact enumeration is too large. */
  draws?: number;
  /** Enumerate all 2^m sign patterns up to this many nonzero differences. */
  exactUpTo?: number;
}

export const DEFAULT_DRAWS = 9999;
export const DEFAULT_EXACT_UP_TO = 16;

/**
 * The smallest p-value signFlipTest can return with m nonzero differences (all of one
 * sign): 2^-m when it enumerates, 1/(draws + 1) by Monte Carlo. Above that no data is
 * ever significant, however large the drop.
 */
export function smallestSignFlipP(m: number, o: Omit<SignFlipOptions, 'rng'> = {}): number {
  if (m <= 0) return 1;
  return m <= (o.exactUpTo ?? DEFAULT_EXACT_UP_TO) ? 2 ** -m : 1 / ((o.draws ?? DEFAULT_DRAWS) + 1);
}

/** One-sided p-value of "Σ d > 0": the share of sign patterns whose sum reaches the observed one. */
export function signFlipTest(d: ArrayLike<number>, o: SignFlipOptions): number {
  const nz: number[] = [];
  let observed = 0;
  let scale = 0;
  for (let i = 0; i < d.length; i++) {
    const x = d[i]!;
    if (x === 0) continue;
    nz.push(x);
    observed += x;
    scale += Math.abs(x);
  }
  const m = nz.length;
  if (m === 0) return 1;
  // Sums of the same numbers in another order can differ in the last bits: count those as ties.
  const threshold = observed - scale * 1e-12;
  if (m <= (o.exactUpTo ?? DEFAULT_EXACT_UP_TO)) {
    let hits = 0;
    for (let mask = 0; mask < 2 ** m; mask++) {
      let t = 0;
      for (let j = 0; j < m; j++) t += mask & (1 << j) ? -nz[j]! : nz[j]!;
      if (t >= threshold) hits++;
    }
    return hits / 2 ** m;
  }
  // Phipson & Smyth (2010): counting the observed pattern keeps the Monte Carlo p-value valid (never 0).
  const draws = o.draws ?? DEFAULT_DRAWS;
  let hits = 0;
  for (let r = 0; r < draws; r++) {
    let t = 0;
    let bits = 0;
    for (let j = 0; j < m; j++) {
      // one draw gives the signs of 32 items: the test's cost is the draws, not the sums
      if ((j & 31) === 0) bits = (o.rng() * 4294967296) >>> 0;
      t += bits & (1 << (j & 31)) ? -nz[j]! : nz[j]!;
    }
    if (t >= threshold) hits++;
  }
  return (hits + 1) / (draws + 1);
}
