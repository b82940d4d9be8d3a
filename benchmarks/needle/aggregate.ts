import { pyRound } from '../../src/metrics/pyround.js';
import type { ScoredItem, Summary } from '../../src/suite.js';

// Scores are percentages of cells answered, two decimals:
//   scores[length]          — over every item of that context length (all depths, repeats)
//   aggregates.grid[length][depth] — one cell of the heatmap (its repeats)
//   aggregates.byDepth[depth]      — over every length
//   aggregates.overall             — over every item
// A cell with no scored item is absent (never 0).

export interface NeedleTarget {
  length: number;
  depth: number;
  repeat: number;
  city: string;
  value: string;
}

export interface NeedleAggregates {
  /** Every length of the run, scored or not (a length whose items were all skipped shows as empty). */
  lengths: string[];
  grid: Record<string, Record<string, number>>;
  byDepth: Record<string, number>;
  overall: number | null;
}

const pct = (xs: number[]) => pyRound((100 * xs.reduce((a, b) => a + b, 0)) / xs.length, 2);

function push(m: Map<string, number[]>, k: string, v: number): void {
  const xs = m.get(k);
  if (xs) xs.push(v);
  else m.set(k, [v]);
}

export function summarizeNeedle(items: ScoredItem[], datasets: string[]): Summary {
  const byLength = new Map<string, number[]>();
  const byCell = new Map<string, Map<string, number[]>>();
  const byDepth = new Map<string, number[]>();
  for (const it of items) {
    const t = it.target as NeedleTarget;
    const depth = String(t.depth);
    push(byLength, it.dataset, it.score);
    push(byDepth, depth, it.score);
    let row = byCell.get(it.dataset);
    if (!row) byCell.set(it.dataset, (row = new Map()));
    push(row, depth, it.score);
  }
  const scores: Record<string, number> = {};
  const grid: Record<string, Record<string, number>> = {};
  for (const d of datasets) {
    const xs = byLength.get(d);
    if (!xs) continue;
    scores[d] = pct(xs);
    const row = byCell.get(d)!;
    grid[d] = Object.fromEntries([...row].sort((a, b) => Number(a[0]) - Number(b[0])).map(([k, v]) => [k, pct(v)]));
  }
  const aggregates: NeedleAggregates = {
    lengths: datasets,
    grid,
    byDepth: Object.fromEntries([...byDepth].sort((a, b) => Number(a[0]) - Number(b[0])).map(([k, v]) => [k, pct(v)])),
    overall: items.length ? pct(items.map((i) => i.score)) : null,
  };
  return { scores, aggregates: aggregates as unknown as Record<string, unknown> };
}
