import { mcnemarOneSided } from './binomial.js';
import { isBinary, type DatasetPair } from './paired.js';
import { DEFAULT_POWER, discordanceSE, exactFloor, mde, pairedSE, stratifiedSE } from './power.js';
import type { Rng } from './prng.js';
import { signFlipTest } from './signflip.js';

// The gate's one-sided test of "the candidate (b) scores lower than the baseline (a)", with
// the drop it could detect. Pass/fail datasets use the exact binomial on the discordant
// items (one-sided McNemar); other metrics the sign-flip test on the differences; the
// overall score the sign-flip test on differences weighted 1/(D·n_d), its own definition.

export interface DropTest {
  /** One-sided p-value of a drop. */
  p: number;
  /** Standard error of the difference, points. */
  se: number;
  /** Minimum detectable drop, points (see power.ts). */
  mde: number;
}

export function dropTest(p: DatasetPair, alpha: number, rng: Rng, power = DEFAULT_POWER): DropTest {
  const n = p.ids.length;
  if (isBinary(p)) {
    let regressed = 0;
    let improved = 0;
    for (let i = 0; i < n; i++) {
      if (p.a[i]! > p.b[i]!) regressed++;
      else if (p.a[i]! < p.b[i]!) improved++;
    }
    const se = discordanceSE(regressed, improved, n);
    return { p: mcnemarOneSided(regressed, improved), se, mde: Math.max(mde(se, alpha, power), exactFloor(alpha, n)) };
  }
  const d = p.a.map((x, i) => 100 * (x - p.b[i]!));
  const se = pairedSE(d);
  return { p: signFlipTest(d, { rng }), se, mde: mde(se, alpha, power) };
}

export function overallDropTest(pairs: DatasetPair[], ses: readonly number[], alpha: number, rng: Rng, power = DEFAULT_POWER): DropTest {
  const used = pairs.filter((p) => p.ids.length > 0);
  const v: number[] = [];
  for (const p of used) {
    const w = 100 / (used.length * p.ids.length);
    p.a.forEach((x, i) => v.push(w * (x - p.b[i]!)));
  }
  const se = stratifiedSE(ses);
  return { p: signFlipTest(v, { rng }), se, mde: mde(se, alpha, power) };
}
