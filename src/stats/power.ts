// Minimum detectable effect (MDE) of the gate's one-sided paired test, by the normal
// approximation: a true drop δ is detected with probability `power` at level α when
//   δ ≥ MDE = (z_{1−α} + z_{power}) · SE,
// with SE the standard error of the mean paired difference:
//   one dataset, any metric:  SE = sd(d) / √n          (d = per-item difference, points)
//   one dataset, pass/fail:   SE = 100 · √(q / n),  q = (b + c) / n, the discordance rate
//                             (d ∈ {−1, 0, 1} and E[d²] = q: McNemar's sample-size formula
//                             for small effects, Connor 1987)
//   overall (D datasets):     SE = √(Σ_d SE_d²) / D    (equal-weight mean of datasets)

import { smallestMcnemarP } from './binomial.js';

export const DEFAULT_POWER = 0.8;

/**
 * Inverse of the standard normal CDF: Wichura's algorithm AS 241 (PPND16, Applied
 * Statistics 37, 1988), relative error about 1e-16; the coefficients are the published ones.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(A, r)) / poly(B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = poly(C, r) / poly(D, r);
  } else {
    r -= 5;
    x = poly(E, r) / poly(F, r);
  }
  return q < 0 ? -x : x;
}

/** Horner's scheme; coefficients from the constant term up. */
function poly(c: readonly number[], x: number): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i--) s = s * x + c[i]!;
  return s;
}

const A = [3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727];
const B = [1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852854561];
const C = [1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4];
const D = [1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9];
const E = [6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
const F = [1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15];

/** MDE = (z_{1−α} + z_{power}) · SE, in the unit of SE. */
export function mde(se: number, alpha: number, power = DEFAULT_POWER): number {
  return (normalQuantile(1 - alpha) + normalQuantile(power)) * se;
}

/** sd(d)/√n with the n − 1 sample variance; 0 for fewer than two items. */
export function pairedSE(d: ArrayLike<number>): number {
  const n = d.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += d[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (d[i]! - mean) ** 2;
  return Math.sqrt(ss / (n - 1) / n);
}

/** SE of a pass/fail difference in points from the discordance rate q = (b + c)/n. */
export function discordanceSE(regressed: number, improved: number, n: number): number {
  return n === 0 ? 0 : 100 * Math.sqrt((regressed + improved) / n / n);
}

/** SE of an equal-weight mean of independent strata. */
export function stratifiedSE(ses: readonly number[]): number {
  return ses.length === 0 ? 0 : Math.sqrt(ses.reduce((s, x) => s + x * x, 0)) / ses.length;
}

/**
 * The fewest items that must move for a test to reach α at all, from the smallest p-value it
 * can give with m nonzero differences; Infinity when no m can (e.g. the Monte Carlo sign-flip
 * test never goes below 1/(draws + 1)). With fewer items that can drop, no drop is ever
 * significant: the MDE does not exist, whatever the normal approximation says.
 */
export function fewestDrops(alpha: number, smallestP: (m: number) => number, limit = 1100): number {
  // 1100 > 1074: 2^-m underflows to 0 there, so every α > 0 is reached below it if at all.
  for (let m = 1; m <= limit; m++) if (smallestP(m) <= alpha) return m;
  return Infinity;
}

/**
 * The smallest drop the exact pass/fail test can ever call significant: with no
 * improvements p = 2^-b, so at least ⌈log2(1/α)⌉ regressions out of n are needed. The
 * normal formula above ignores this and says 0 when no item changed.
 */
export function exactFloor(alpha: number, n: number): number {
  return n === 0 ? Infinity : (100 * fewestDrops(alpha, smallestMcnemarP)) / n;
}
