import { pyRound } from '../../src/metrics/pyround.js';
import type { ScoredItem, Summary } from '../../src/suite.js';
import { table } from '../../src/table.js';
import { groupOf, SELECT_TYPES, type Target } from './records.js';

// The official metrics (AgentBench v0.2 dbbench): accuracy per type, "SELECT" over every
// type but INSERT/UPDATE, and overall_cat_accuracy = the mean of SELECT, INSERT and UPDATE.
// evalh reports them as points (x100, two decimals). Items the environment failed on
// (task errors) are not scored and not in the denominators; they show as failed items.
// A group with no items here (a --limit or --datasets run) is null, and then so is the
// overall: the official figure is the mean of all three groups, and a mean of the groups
// that happen to be present would be a different number under the same name.

export const GROUPS = ['select', 'insert', 'update'] as const;
export const STATUSES = ['completed', 'context_limit', 'invalid_format', 'invalid_action', 'turn_limit', 'task_error'] as const;

export interface DbAggregates {
  statuses: Record<string, number>;
  /** Per task type (counting, ranking, …, INSERT, UPDATE): items and accuracy in points. */
  types: Record<string, { items: number; correct: number; accuracy: number }>;
  /** Items whose table could not be built as the data describes it (duplicate column names). */
  setupErrors: number;
  /**
   * AgentBench v0.2's own figure: it also counts an unfinished episode that left the right
   * table (INSERT/UPDATE) or whose empty answer matches; evalh scores unfinished episodes 0.
   */
  officialStyle: Record<string, number | null>;
  /** Groups with no items in this run: the overall is not computed while any is missing. */
  missingGroups?: string[];
}

const points = (correct: number, n: number): number | null => (n === 0 ? null : pyRound((correct / n) * 100, 2));

export function summarize(items: ScoredItem[]): Summary {
  const groups = { select: [0, 0], insert: [0, 0], update: [0, 0] } as Record<(typeof GROUPS)[number], [number, number]>;
  const official = { select: 0, insert: 0, update: 0 } as Record<(typeof GROUPS)[number], number>;
  const types: Record<string, [number, number]> = {};
  const statuses: Record<string, number> = {};
  let setupErrors = 0;
  for (const it of items) {
    const t = it.target as Target;
    const ok = it.score >= 1 ? 1 : 0;
    const g = groups[groupOf(t.type)];
    g[0] += ok;
    g[1] += 1;
    official[groupOf(t.type)] += ok || ((it.scores as { unfinishedScore?: number } | undefined)?.unfinishedScore ?? 0) >= 1 ? 1 : 0;
    const ty = (types[t.type] ??= [0, 0]);
    ty[0] += ok;
    ty[1] += 1;
    const status = String((it.scores as { status?: string } | undefined)?.status ?? 'completed');
    statuses[status] = (statuses[status] ?? 0) + 1;
    if ((it.scores as { setupError?: string } | undefined)?.setupError) setupErrors++;
  }
  const scores: Record<string, number | null> = {};
  for (const g of GROUPS) scores[g] = points(groups[g][0], groups[g][1]);
  const missingGroups = GROUPS.filter((g) => groups[g][1] === 0);
  const meanOfGroups = (v: Record<string, number | null>) => (missingGroups.length === 0 ? pyRound(GROUPS.reduce((a, g) => a + v[g]!, 0) / GROUPS.length, 2) : null);
  const overall = meanOfGroups(scores);
  const officialStyle: Record<string, number | null> = {};
  for (const g of GROUPS) officialStyle[g] = points(official[g], groups[g][1]);
  officialStyle.overall = meanOfGroups(officialStyle);
  const order = [...SELECT_TYPES, 'INSERT', 'UPDATE'];
  const typeRows = Object.keys(types).sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
  const aggregates: DbAggregates = {
    statuses,
    types: Object.fromEntries(typeRows.map((k) => [k, { items: types[k]![1], correct: types[k]![0], accuracy: points(types[k]![0], types[k]![1])! }])),
    setupErrors,
    officialStyle,
    ...(missingGroups.length > 0 ? { missingGroups: missingGroups.map((g) => g.toUpperCase()) } : {}),
  };
  return { scores: { overall, ...scores }, aggregates: aggregates as unknown as Record<string, unknown> };
}

const fmt = (v: unknown) => (typeof v === 'number' ? v.toFixed(2) : '-');

export function renderSummary(summary: Summary): string {
  const s = summary.scores as Record<string, number | null>;
  const agg = summary.aggregates as unknown as DbAggregates | undefined;
  if (!agg || Object.keys(agg.types).length === 0) return 'no episodes';
  const missing = agg.missingGroups ?? [];
  const rows = [
    ['overall (mean of SELECT, INSERT, UPDATE)', missing.length ? 'not computed' : fmt(s.overall), ''],
    ['SELECT', fmt(s.select), ''],
    ['INSERT', fmt(s.insert), ''],
    ['UPDATE', fmt(s.update), ''],
    ...Object.entries(agg.types)
      .filter(([k]) => groupOf(k) === 'select')
      .map(([k, v]) => [`  ${k}`, fmt(v.accuracy), `${v.correct}/${v.items}`]),
  ];
  for (const k of ['INSERT', 'UPDATE']) if (agg.types[k]) rows[k === 'INSERT' ? 2 : 3]![2] = `${agg.types[k]!.correct}/${agg.types[k]!.items}`;
  const sel = Object.entries(agg.types).filter(([k]) => groupOf(k) === 'select');
  rows[1]![2] = `${sel.reduce((a, [, v]) => a + v.correct, 0)}/${sel.reduce((a, [, v]) => a + v.items, 0)}`;
  const statusLine = STATUSES.filter((k) => agg.statuses[k]).map((k) => `${k} ${agg.statuses[k]}`);
  return [
    table(['Task type', 'Success rate', 'Correct'], rows),
    ...(missing.length
      ? [`overall not computed: ${missing.join(' and ')} ${missing.length > 1 ? 'have' : 'has'} no items in this run (the official overall is the mean of all three)`]
      : []),
    `episodes: ${statusLine.join(', ') || 'none'} (episodes the environment failed on are failed items, not scored)`,
    ...(agg.officialStyle && agg.officialStyle.overall !== s.overall
      ? [
          `AgentBench v0.2 itself also credits unfinished episodes that left the right table: overall ${fmt(agg.officialStyle.overall)} ` +
            `(SELECT ${fmt(agg.officialStyle.select)}, INSERT ${fmt(agg.officialStyle.insert)}, UPDATE ${fmt(agg.officialStyle.update)})`,
        ]
      : []),
    ...(agg.setupErrors ? [`${agg.setupErrors} item(s) whose table could not be built as the data describes it (the official task runs them anyway)`] : []),
  ].join('\n');
}
