import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  binomHalfCdf,
  bootstrapMeans,
  discordanceSE,
  exactFloor,
  fewestDrops,
  mcnemarExact,
  mcnemarOneSided,
  mde,
  meanCI,
  mulberry32,
  normalQuantile,
  pairedBootstrap,
  pairedSE,
  percentileInterval,
  quantile,
  rngFor,
  signFlipTest,
  smallestMcnemarP,
  smallestSignFlipP,
  stratifiedMean,
  stratifiedSE,
} from '../src/stats/index.js';
import { diffDataset, pairItems, type RunItem } from '../src/stats/paired.js';
import { dropTest, overallDropTest } from '../src/stats/drop.js';

// Reference values come from Python's standard library (exact fractions, statistics.NormalDist,
// statistics.quantiles): see the command in test/fixtures/stats/reference.json.
const REF = JSON.parse(readFileSync(new URL('./fixtures/stats/reference.json', import.meta.url), 'utf8'));

const close = (x: number, y: number, rel = 1e-12) => expect(Math.abs(x - y)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(y)));

describe('PRNG', () => {
  it.each(Object.entries(REF.mulberry32 as Record<string, number[]>))('mulberry32(%s) matches the Python port', (seed, draws) => {
    const rng = mulberry32(Number(seed));
    expect(draws.map(() => rng())).toEqual(draws);
  });
  it.each(REF.rngFor as { seed: number; label: string; draws: number[] }[])('rngFor($seed, $label) matches', ({ seed, label, draws }) => {
    const rng = rngFor(seed, label);
    expect(draws.map(() => rng())).toEqual(draws);
  });
  it('different labels give different streams', () => {
    expect(rngFor(1, 'a')()).not.toBe(rngFor(1, 'b')());
    expect(rngFor(1, 'a')()).not.toBe(rngFor(2, 'a')());
  });
});

describe('McNemar exact test', () => {
  it.each(REF.mcnemar as { b: number; c: number; two_sided: number; one_sided: number }[])('b=$b c=$c', ({ b, c, two_sided, one_sided }) => {
    close(mcnemarExact(b, c), two_sided, 1e-9);
    close(mcnemarOneSided(b, c), one_sided, 1e-9);
  });
  it('stays finite and in [0, 1] for a million discordant pairs', () => {
    const p = mcnemarExact(500_000, 501_000);
    expect(p).toBeGreaterThan(0.3);
    expect(p).toBeLessThan(1);
    expect(binomHalfCdf(500_000, 1_000_000)).toBeCloseTo(0.5 + 0.5 * 0.000797884, 6); // symmetric + half the central term
  });
});

describe('normal quantile (AS 241)', () => {
  it.each(REF.normalQuantile as { p: number; z: number }[])('p=$p', ({ p, z }) => close(normalQuantile(p), z, 1e-14));
});

describe('percentile interval', () => {
  it.each((REF.quantile.q as { p: number; x: number }[]).filter((_, i) => i % 5 === 0))('type 7 quantile at $p', ({ p, x }) => {
    const sorted = [...(REF.quantile.data as number[])].sort((a, b) => a - b);
    close(quantile(sorted, p), x, 1e-12);
  });
  it('paired bootstrap replicates and interval match the Python port bit for bit', () => {
    const r = REF.pairedBootstrap;
    const a = (r.a as number[]).map((x) => 100 * x);
    const b = (r.b as number[]).map((x) => 100 * x);
    const got = pairedBootstrap(a, b, { rng: rngFor(r.seed, r.label), B: r.B });
    close(got.diff, r.diff);
    close(got.ci[0], r.ci[0]);
    close(got.ci[1], r.ci[1]);
    const alone = meanCI(a, { rng: rngFor(REF.meanCI.seed, REF.meanCI.label), B: REF.meanCI.B });
    close(alone[0], REF.meanCI.ci[0]);
    close(alone[1], REF.meanCI.ci[1]);
  });
  it('identical runs give a difference of exactly 0 and the interval [0, 0]', () => {
    const xs = Array.from({ length: 50 }, (_, i) => (i % 3) * 50);
    const got = pairedBootstrap(xs, xs, { rng: mulberry32(1) });
    expect(got.diff).toBe(0);
    expect(got.ci).toEqual([0, 0]);
  });
  it('stratified replicates are the mean of the strata at each index', () => {
    expect([...stratifiedMean([Float64Array.from([1, 2]), Float64Array.from([3, 6])])]).toEqual([2, 4]);
  });
});

describe('pairing is what makes the interval narrow', () => {
  // 300 items whose difficulty spans the whole range (scores 0..100), the same in both
  // runs up to a +2 point improvement on a third of them: the unpaired bootstrap sees the
  // spread of difficulty, the paired one only the change.
  const n = 300;
  const a = Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 10);
  const b = a.map((x, i) => Math.min(100, x + (i % 3 === 0 ? 2 : 0)));
  const trueDiff = (b.reduce((s, x) => s + x, 0) - a.reduce((s, x) => s + x, 0)) / n;

  it('paired CI covers the difference and is many times narrower than the unpaired one', () => {
    const paired = pairedBootstrap(a, b, { rng: mulberry32(11) });
    const ra = bootstrapMeans(a, 2000, mulberry32(12));
    const rb = bootstrapMeans(b, 2000, mulberry32(13));
    const unpaired = percentileInterval(rb.map((x, i) => x - ra[i]!));
    expect(paired.ci[0]).toBeLessThanOrEqual(trueDiff);
    expect(paired.ci[1]).toBeGreaterThanOrEqual(trueDiff);
    const wp = paired.ci[1] - paired.ci[0];
    const wu = unpaired[1] - unpaired[0];
    expect(wp * 10).toBeLessThan(wu);
  });
});

describe('sign-flip test', () => {
  it.each(REF.signFlip as { d: number[]; p: number }[])('exact p for $d', ({ d, p }) => close(signFlipTest(d, { rng: mulberry32(1) }), p, 1e-12));
  it('on pass/fail differences it is the one-sided McNemar test', () => {
    for (const [b, c] of [[9, 2], [4, 4], [1, 7], [12, 3]] as const) {
      const d = [...Array(b).fill(1), ...Array(c).fill(-1), 0, 0];
      close(signFlipTest(d, { rng: mulberry32(1), exactUpTo: 16 }), mcnemarOneSided(b, c), 1e-12);
    }
  });
  it('Monte Carlo agrees with the exact binomial for many pairs, and is seeded', () => {
    const d = [...Array(40).fill(1), ...Array(25).fill(-1)];
    const p1 = signFlipTest(d, { rng: mulberry32(5) });
    expect(Math.abs(p1 - mcnemarOneSided(40, 25))).toBeLessThan(0.01);
    expect(signFlipTest(d, { rng: mulberry32(5) })).toBe(p1);
    expect(p1).toBeGreaterThan(0); // never 0: the observed pattern counts
  });
});

describe('minimum detectable effect', () => {
  it('paired: (z_{1-α} + z_0.8) · sd(d)/√n', () => {
    const r = REF.mde.paired;
    close(pairedSE(r.d), r.se, 1e-12);
    close(mde(pairedSE(r.d), r.alpha), r.mde, 1e-12);
  });
  it('pass/fail: from the discordance rate', () => {
    const r = REF.mde.discordance;
    close(discordanceSE(r.b, r.c, r.n), r.se, 1e-12);
    close(mde(r.se, r.alpha), r.mde, 1e-12);
  });
  it('another alpha', () => close(mde(REF.mde.alpha01.se, REF.mde.alpha01.alpha), REF.mde.alpha01.mde, 1e-12));
  it('the exact test needs ⌈log2(1/α)⌉ regressions', () => {
    expect(exactFloor(0.05, 100)).toBe(5);
    expect(exactFloor(0.01, 700)).toBe(1);
    expect(exactFloor(0.0625, 100)).toBe(4); // 2^-4 = α exactly: p ≤ α is significant
    expect(stratifiedSE([3, 4])).toBe(2.5);
  });
  it('the fewest items that must drop, from the smallest p-value each test can give', () => {
    expect(fewestDrops(0.05, smallestMcnemarP)).toBe(5);
    expect(fewestDrops(1e-6, smallestMcnemarP)).toBe(20);
    expect(fewestDrops(0.05, (m) => smallestSignFlipP(m))).toBe(5);
    // Monte Carlo (more than 16 nonzero differences) never gives p below 1/(draws + 1)
    expect(smallestSignFlipP(17)).toBe(1 / 10000);
    expect(signFlipTest(Array(17).fill(1), { rng: mulberry32(1) })).toBe(1 / 10000);
    expect(signFlipTest(Array(3).fill(1), { rng: mulberry32(1) })).toBe(smallestSignFlipP(3));
    expect(fewestDrops(1e-6, (m) => smallestSignFlipP(m))).toBe(Infinity);
  });
});

describe('pairing and the drop test', () => {
  const run = (scores: (number | undefined)[], dataset = 'trec'): RunItem[] =>
    scores.map((score, i) => ({ id: `${dataset}/${i}`, dataset, seq: i, target: null, ...(score === undefined ? {} : { score }) }));

  it('compares only items scored in both, and counts the rest', () => {
    const a = run([1, 1, 0, undefined, 1]);
    const b = run([1, 0, 1, 1]); // item 4 missing
    const [p] = pairItems(a, b, ['trec']);
    expect(p!.ids).toEqual(['trec/0', 'trec/1', 'trec/2']);
    expect(p!.leftOut).toEqual({ onlyA: 1, onlyB: 0, failedA: 1, failedB: 0 });
    const d = diffDataset(p!, mulberry32(1));
    expect(d.regressed).toEqual(['trec/1']);
    expect(d.improved).toEqual(['trec/2']);
    expect(d.mcnemarP).toBe(1);
  });

  it('a drop test: exact on pass/fail, and the MDE has the exact floor', () => {
    const n = 400;
    const a = run(Array(n).fill(1));
    const b = run(Array.from({ length: n }, (_, i) => (i < 20 ? 0 : 1)));
    const t = dropTest(pairItems(a, b, ['trec'])[0]!, 0.05, mulberry32(1));
    close(t.p, 2 ** -20, 1e-12);
    close(t.mde!, Math.max(mde(discordanceSE(20, 0, n), 0.05), 500 / n), 1e-12);
  });

  it('the MDE is absent when too few items can drop, and never leaves the scale', () => {
    const t3 = dropTest(pairItems(run([1, 1, 1]), run([0, 0, 0]), ['trec'])[0]!, 0.05, mulberry32(1));
    expect(t3).toMatchObject({ mde: null, needed: 5, droppable: 3 });
    close(t3.p, 0.125); // 2^-3: the smallest p there is with 3 items
    const f3 = dropTest(pairItems(run([1, 0.9, 0.8], 'hotpotqa'), run([0.1, 0, 0], 'hotpotqa'), [])[0]!, 0.05, mulberry32(1));
    expect(f3.mde).toBeNull();
    // n = 6, every item lost: the normal formula says 101.5 points; the largest drop there is, 100
    const t6 = dropTest(pairItems(run(Array(6).fill(1)), run(Array(6).fill(0)), ['trec'])[0]!, 0.05, mulberry32(1));
    expect(mde(t6.se, 0.05)).toBeGreaterThan(100);
    expect(t6.mde).toBe(100);
    // a baseline at 30 points on 10 items: 3 can drop, 5 are needed
    const low = dropTest(pairItems(run([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]), run(Array(10).fill(0)), ['trec'])[0]!, 0.05, mulberry32(1));
    expect(low).toMatchObject({ mde: null, droppable: 3 });
    // the overall: 3 + 3 items, all of them able to drop: detectable, floor = 5 smallest weights
    const pairs = [...pairItems(run([1, 1, 1]), run([1, 1, 1]), ['trec']), ...pairItems(run([1, 1, 1], 'lsht'), run([1, 1, 1], 'lsht'), [])];
    const o = overallDropTest(pairs, [0, 0], 0.05, mulberry32(1));
    close(o.mde!, (5 * 100) / 6, 1e-12);
    expect(overallDropTest(pairs.slice(0, 1), [0], 0.05, mulberry32(1)).mde).toBeNull();
  });

  it('non-binary scores list the changed items, worst first', () => {
    const a = run([0.5, 0.8, 0.2], 'hotpotqa');
    const b = run([0.5, 0.3, 0.4], 'hotpotqa');
    const d = diffDataset(pairItems(a, b, [])[0]!, mulberry32(1));
    expect(d.binary).toBe(false);
    expect(d.mcnemarP).toBeUndefined();
    expect(d.changed).toEqual([
      { id: 'hotpotqa/1', a: 0.8, b: 0.3 },
      { id: 'hotpotqa/2', a: 0.2, b: 0.4 },
    ]);
  });
});
