import { pyRound } from '../../src/metrics/pyround.js';
import type { ScoredItem, Summary } from '../../src/suite.js';
import type { Target } from './records.js';

// result.py: accuracy overall, by difficulty and by length, each str(round(100*acc/n, 1)).
// The division is done as result.py writes it, (100*acc)/n, so float results match bit for
// bit before Python's half-even rounding. An empty group has no score (result.py would die
// dividing by zero): NaN here, null in JSON.

export const GROUPS = ['overall', 'easy', 'hard', 'short', 'medium', 'long'] as const;
export type Group = (typeof GROUPS)[number];
export type V2Scores = Record<Group, number>;

export interface Tally {
  n: number;
  correct: number;
}

export function scoresOf(items: { target: Target; correct: number }[]): { scores: V2Scores; counts: Record<Group, Tally> } {
  const counts = Object.fromEntries(GROUPS.map((g) => [g, { n: 0, correct: 0 }])) as Record<Group, Tally>;
  for (const { target, correct } of items) {
    for (const g of ['overall', target.difficulty, target.length] as Group[]) {
      counts[g].n++;
      counts[g].correct += correct;
    }
  }
  const scores = Object.fromEntries(GROUPS.map((g) => [g, counts[g].n === 0 ? NaN : pyRound((100 * counts[g].correct) / counts[g].n, 1)])) as V2Scores;
  return { scores, counts };
}

/** The summary: scores in result.py's shape; counts and failed items as evalh's own aggregates. */
export function summarizeV2(items: ScoredItem[], failed: number): Summary {
  const { scores, counts } = scoresOf(items.map((i) => ({ target: i.target as Target, correct: i.score })));
  return {
    scores,
    aggregates: {
      // For compare/gate, which look for a single overall number here.
      overall: scores.overall,
      counts: Object.fromEntries(GROUPS.map((g) => [g, counts[g].n])),
      failed,
    },
  };
}

const LABELS: Record<Group, string> = { overall: 'Overall', easy: 'Easy', hard: 'Hard', short: 'Short', medium: 'Medium', long: 'Long' };

/** result.txt's table (tab-separated there, aligned here), then the item counts and what was left out. */
export function renderV2(summary: Summary): string {
  const s = summary.scores as Partial<V2Scores>;
  const agg = (summary.aggregates ?? {}) as { counts?: Record<Group, number>; failed?: number };
  const cell = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : pyStr(v));
  const widths = GROUPS.map((g) => Math.max(LABELS[g].length, cell(s[g]).length, String(agg.counts?.[g] ?? '').length));
  const row = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  const lines = [
    'LongBench v2 accuracy (%), as result.py computes it',
    row(GROUPS.map((g) => LABELS[g])),
    row(GROUPS.map((g) => cell(s[g]))),
  ];
  if (agg.counts) lines.push(row(GROUPS.map((g) => String(agg.counts![g]))) + '  (items)');
  const failed = agg.failed ?? 0;
  lines.push(
    failed > 0
      ? `${failed} item(s) failed (model calls that failed for good) and are NOT in these numbers. The official pred.py drops such items ` +
          `silently and result.py averages over the rest; evalh shows them instead. Run the same command again to retry them.`
      : 'No failed items: every item is in these numbers.',
  );
  return lines.join('\n');
}

/** Python's str() of a float: one decimal at least ("50.0"), as result.txt prints it. */
function pyStr(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}
