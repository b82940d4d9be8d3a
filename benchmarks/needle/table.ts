import type { Summary } from '../../src/suite.js';
import type { NeedleAggregates } from './aggregate.js';
import { parseLength } from './grid.js';

// `evalh show` for needle: the heatmap as text — one row per depth, one column per context
// length, each cell the % of its items whose answer held the needle's number.

const fmt = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(1));

export function renderGrid(summary: Summary): string {
  const agg = summary.aggregates as unknown as NeedleAggregates | undefined;
  const lengths = [...new Set([...(agg?.lengths ?? []), ...Object.keys(summary.scores)])].sort((a, b) => parseLength(a) - parseLength(b));
  if (!agg || lengths.length === 0) return 'no scored items';
  const depths = [...new Set(lengths.flatMap((l) => Object.keys(agg.grid[l] ?? {})))].sort((a, b) => Number(a) - Number(b));
  const rows: string[][] = [
    ['depth \\ length', ...lengths, 'all'],
    ...depths.map((d) => [`${d}%`, ...lengths.map((l) => fmt(agg.grid[l]?.[d])), fmt(agg.byDepth[d])]),
    ['all', ...lengths.map((l) => fmt((summary.scores as Record<string, number>)[l])), fmt(agg.overall ?? undefined)],
  ];
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  const line = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [
    'Needle in a haystack: % of items whose answer contains the needle\'s number',
    line(rows[0]!),
    rule,
    ...rows.slice(1, -1).map(line),
    rule,
    line(rows[rows.length - 1]!),
  ].join('\n');
}
