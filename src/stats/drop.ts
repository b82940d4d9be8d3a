import { mcnemarOneSided, smallestMcnemarP } from './binomial.js';
import { isBinary, type DatasetPair } from './paired.js';
import { DEFAULT_POWER, discordanceSE, fewestDrops, mde, pairedSE, stratifiedSE } from './power.js';
import type { Rng } from './prng.js';
import { signFlipTest, smallestSignFlipP } from './signflip.js';

// The gate's one-sided test of "the candidate (b) scores lower than the baseline (a)", with
// the drop it could detect. Pass/fail datasets use the exact binomial on the discordant
// items (one-sided McNemar); other metrics the sign-flip test on the differences; the
// overall score the sign-flip test on differences weighted 1/(D·n_d), its own definition.
//
// The normal-approximation MDE (power.ts) knows nothing of the exact tests or of the score's
// range, so it is bounded by both: never below the smallest drop the exact test can call
// significant (with no improvements), never above the largest drop there can be (every
// item of the candidate at 0, which is significant whenever any drop is), and absent when
// too few items can drop for any p-value to reach α.

export interface DropTest {
  /** One-sided p-value of a drop. */
  p: number;
  /** Standard error of the difference, points. */
  se: number;
  /** Minimum detectable drop, points; null when no drop on these items can be significant. */
  mde: number | null;
  /** The fewest items that must drop for the test to reach α (Infinity: never). */
  needed: number;
  /** Items the baseline scored above 0: only these can drop. */
  droppable: number;
}

export function dropTest(p: DatasetPair, alpha: number, rng: Rng, power = DEFAULT_POWER): DropTest {
  const n = p.ids.length;
  const droppable = p.a.filter((x) => x > 0).length;
  const top = (100 * p.a.reduce((s, x) => s + x, 0)) / n; // the baseline's score: the largest drop
  if (isBinary(p)) {
    let regressed = 0;
    let improved = 0;
    for (let i = 0; i < n; i++) {
      if (p.a[i]! > p.b[i]!) regressed++;
      else if (p.a[i]! < p.b[i]!) improved++;
    }
    const se = discordanceSE(regressed, improved, n);
    const needed = fewestDrops(alpha, smallestMcnemarP);
    return { p: mcnemarOneSided(regressed, improved), se, needed, droppable, mde: bounded(mde(se, alpha, power), (100 * needed) / n, top, needed, droppable) };
  }
  const d = p.a.map((x, i) => 100 * (x - p.b[i]!));
  const se = pairedSE(d);
  // A continuous score can drop by any amount on each item: no floor above 0.
  const needed = fewestDrops(alpha, (m) => smallestSignFlipP(m));
  return { p: signFlipTest(d, { rng }), se, needed, droppable, mde: bounded(mde(se, alpha, power), 0, top, needed, droppable) };
}

export function overallDropTest(pairs: DatasetPair[], ses: readonly number[], alpha: number, rng: Rng, power = DEFAULT_POWER): DropTest {
  const used = pairs.filter((p) => p.ids.length > 0);
  const v: number[] = [];
  // What each item that can drop adds to the overall drop at least: a pass/fail item all of
  // its weight, any other item as little as it likes.
  const least: number[] = [];
  let top = 0;
  for (const p of used) {
    const w = 100 / (used.length * p.ids.length);
    const binary = isBinary(p);
    p.a.forEach((x, i) => {
      v.push(w * (x - p.b[i]!));
      top += w * x;
      if (x > 0) least.push(binary ? w : 0);
    });
  }
  const se = stratifiedSE(ses);
  const needed = fewestDrops(alpha, (m) => smallestSignFlipP(m));
  least.sort((x, y) => x - y);
  const floor = least.slice(0, needed).reduce((s, x) => s + x, 0);
  return { p: signFlipTest(v, { rng }), se, needed, droppable: least.length, mde: bounded(mde(se, alpha, power), floor, top, needed, least.length) };
}

function bounded(normal: number, floor: number, top: number, needed: number, canDrop: number): number | null {
  if (needed > canDrop) return null;
  return Math.min(Math.max(normal, floor, 0), top);
}
