import { pyRound } from '../metrics/pyround.js';
import type { Suite } from '../suite.js';
import { mcnemarExact } from './binomial.js';
import { DEFAULT_B, pairedBootstrap, percentileInterval, stratifiedMean } from './bootstrap.js';
import type { Rng } from './prng.js';

// Pairs two runs item by item. Only items done (and scored) in BOTH runs are compared: a
// difference over different item sets would mix the model's change with the sample's.

export interface RunItem {
  id: string;
  dataset: string;
  seq: number;
  target: unknown;
  /** Undefined when the item failed (infrastructure error) or was never scored. */
  score?: number;
}

export interface LeftOut {
  /** In B but not in A, and the reverse. */
  onlyA: number;
  onlyB: number;
  /** Present in both but failed (not scored) in A, in B. */
  failedA: number;
  failedB: number;
}

export interface DatasetPair {
  dataset: string;
  ids: string[];
  targets: unknown[];
  /** Item scores in 0..1, index i is the same item in both. */
  a: number[];
  b: number[];
  leftOut: LeftOut;
}

/** Datasets in the suite's order (then any others by name), items in (seq, id) order. */
export function pairItems(a: RunItem[], b: RunItem[], order: readonly string[]): DatasetPair[] {
  const byId = new Map(b.map((it) => [it.id, it]));
  const seenA = new Set<string>();
  const out = new Map<string, DatasetPair>();
  const pair = (d: string) => {
    let p = out.get(d);
    if (!p) out.set(d, (p = { dataset: d, ids: [], targets: [], a: [], b: [], leftOut: { onlyA: 0, onlyB: 0, failedA: 0, failedB: 0 } }));
    return p;
  };
  for (const ia of [...a].sort(bySeq)) {
    seenA.add(ia.id);
    const p = pair(ia.dataset);
    const ib = byId.get(ia.id);
    if (!ib) p.leftOut.onlyA++;
    else if (ia.score === undefined || ib.score === undefined) {
      if (ia.score === undefined) p.leftOut.failedA++;
      if (ib.score === undefined) p.leftOut.failedB++;
    } else {
      p.ids.push(ia.id);
      p.targets.push(ia.target);
      p.a.push(ia.score);
      p.b.push(ib.score);
    }
  }
  for (const ib of b) if (!seenA.has(ib.id)) pair(ib.dataset).leftOut.onlyB++;
  const rank = (d: string) => (order.includes(d) ? order.indexOf(d) : order.length);
  return [...out.values()].sort((x, y) => rank(x.dataset) - rank(y.dataset) || (x.dataset < y.dataset ? -1 : x.dataset > y.dataset ? 1 : 0));
}

function bySeq(x: RunItem, y: RunItem): number {
  return x.seq - y.seq || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
}

/**
 * The statistics work in points = 100 × a 0..1 item score (LongBench's items); a suite whose
 * item scores already are points (AlignBench's 1–10) is multiplied by this so that holds.
 */
export function scoreUnit(suite: Suite): number {
  return (suite.pointsPerScore ?? 100) / 100;
}

export interface Headline {
  datasets: Record<string, number>;
  overall: number;
}

/**
 * The scores a person sees for these items: the suite's own dataset scores and overall where
 * they are single numbers (LongBench v1: round(100·mean, 2) and their mean); otherwise (length
 * buckets, LongBench-E) the same formula over the dataset's items.
 */
export function headline(suite: Suite, pairs: DatasetPair[], side: 'a' | 'b'): Headline {
  const used = pairs.filter((p) => p.ids.length > 0);
  // The suite aggregates its own item scores (AlignBench's 1–10), not the pair's 0..1 ones;
  // 12 significant digits undo the scaling's float dust (3.5 · 0.01 / 0.01 ≠ 3.5).
  const unit = scoreUnit(suite);
  const own = (x: number) => (unit === 1 ? x : Number((x / unit).toPrecision(12)));
  const items = used.flatMap((p) => p[side].map((score, i) => ({ dataset: p.dataset, target: p.targets[i], score: own(score) })));
  const summary = suite.summarize(items, used.map((p) => p.dataset));
  const datasets: Record<string, number> = {};
  for (const p of used) {
    const s = summary.scores[p.dataset];
    datasets[p.dataset] = typeof s === 'number' ? s : pyRound((100 * p[side].reduce((t, x) => t + x, 0)) / p[side].length, 2);
  }
  const o = summary.aggregates?.overall;
  const all = Object.values(datasets);
  const overall = typeof o === 'number' ? o : all.length ? pyRound(all.reduce((t, x) => t + x, 0) / all.length, 2) : NaN;
  return { datasets, overall };
}

export interface Changed {
  id: string;
  a: number;
  b: number;
}

export interface DatasetDiff {
  dataset: string;
  n: number;
  /** Every item score of both runs is 0 or 1. */
  binary: boolean;
  /** 100 · mean(b − a): points. */
  diff: number;
  ci: [number, number];
  replicates: Float64Array;
  regressed: string[];
  improved: string[];
  /** Non-binary metrics: the items whose score changed, worst first. */
  changed: Changed[];
  mcnemarP?: number;
}

export function isBinary(p: DatasetPair): boolean {
  const ok = (x: number) => x === 0 || x === 1;
  return p.a.every(ok) && p.b.every(ok);
}

/** Paired bootstrap of the dataset difference in points, and the items that moved. */
export function diffDataset(p: DatasetPair, rng: Rng, B = DEFAULT_B): DatasetDiff {
  const a = p.a.map((x) => 100 * x);
  const b = p.b.map((x) => 100 * x);
  const boot = pairedBootstrap(a, b, { rng, B });
  const binary = isBinary(p);
  const regressed: string[] = [];
  const improved: string[] = [];
  const changed: Changed[] = [];
  p.ids.forEach((id, i) => {
    if (p.b[i]! < p.a[i]!) regressed.push(id);
    else if (p.b[i]! > p.a[i]!) improved.push(id);
    else return;
    if (!binary) changed.push({ id, a: p.a[i]!, b: p.b[i]! });
  });
  changed.sort((x, y) => x.b - x.a - (y.b - y.a));
  return {
    dataset: p.dataset,
    n: p.ids.length,
    binary,
    diff: boot.diff,
    ci: boot.ci,
    replicates: boot.replicates,
    regressed,
    improved,
    changed,
    ...(binary ? { mcnemarP: mcnemarExact(regressed.length, improved.length) } : {}),
  };
}

/** The overall (equal-weight mean of datasets) difference, resampled within each dataset. */
export function diffOverall(ds: DatasetDiff[], level = 0.95): { diff: number; ci: [number, number] } {
  const used = ds.filter((d) => d.n > 0);
  if (used.length === 0) return { diff: NaN, ci: [NaN, NaN] };
  return {
    diff: used.reduce((s, d) => s + d.diff, 0) / used.length,
    ci: percentileInterval(stratifiedMean(used.map((d) => d.replicates)), level),
  };
}
