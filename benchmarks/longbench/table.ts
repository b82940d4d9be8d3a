import type { Summary } from '../../src/suite.js';
import { table } from '../../src/table.js';
import { CATEGORIES, DATASETS, LONGBENCH_E_BUCKETS, datasetSpec } from './datasets.js';

// Text tables in LongBench's own layout: datasets grouped by task category, in the order
// of the paper's tables, then the category averages.

export function renderV1(summary: Summary): string {
  const scores = summary.scores as Record<string, number>;
  const rows: string[][] = [];
  for (const c of CATEGORIES) {
    for (const d of DATASETS) {
      if (d.category === c && d.name in scores) rows.push([c, d.name, fmt(scores[d.name]!)]);
    }
  }
  const out = [table(['Category', 'Dataset', 'Score'], rows)];
  const agg = summary.aggregates as { categories?: Record<string, number>; overall?: number } | undefined;
  if (agg?.categories) {
    const catRows = Object.entries(agg.categories).map(([c, v]) => [c, fmt(v)]);
    if (agg.overall !== undefined) catRows.push(['Average (all datasets)', fmt(agg.overall)]);
    out.push(table(['Category average (evalh)', 'Score'], catRows));
  }
  return out.join('\n\n');
}

export function renderE(summary: Summary): string {
  const scores = summary.scores as Record<string, Record<string, number>>;
  const rows = DATASETS.filter((d) => d.name in scores).map((d) => [
    datasetSpec(d.name)!.category,
    d.name,
    ...LONGBENCH_E_BUCKETS.map((b) => fmt(scores[d.name]![b]!)),
  ]);
  const agg = summary.aggregates as { overall?: Record<string, number> } | undefined;
  if (agg?.overall) rows.push(['', 'Average (evalh)', ...LONGBENCH_E_BUCKETS.map((b) => fmt(agg.overall![b]!))]);
  return table(['Category', 'Dataset', ...LONGBENCH_E_BUCKETS], rows);
}

function fmt(x: number): string {
  return Number.isNaN(x) ? 'NaN' : String(x);
}

