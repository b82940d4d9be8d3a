import type { Summary } from '../../src/suite.js';
import { table } from '../../src/table.js';
import type { Outcome } from './records.js';
import { SPLITS } from './splits.js';

// One row per split in the paper's order (Python en/zh, Java en/zh), then the mean: pass@1
// over the answers evaluated here, beside it the figure with the not-evaluable answers
// counted as failures, the counts, and the error shares. Then what could not be evaluated
// here and why.

interface Aggregates {
  allItems?: Record<string, number>;
  errors?: Record<string, Record<string, number>>;
  outcomes?: Record<string, Partial<Record<Outcome, number>>>;
  counts?: Record<string, { problems: number; answers: number; evaluated: number; passed: number; notEvaluable: number }>;
  notEvaluable?: Record<string, { samples: number; reasons: Record<string, number>; problems?: Record<string, number[]> }>;
}

const ERROR_LABEL: Record<string, string> = {
  syntax_error: 'syntax',
  runtime_error: 'runtime',
  compile_error: 'compile',
  execution_error: 'execution',
};

export function renderSummary(summary: Summary): string {
  const scores = summary.scores as Record<string, number>;
  const agg = (summary.aggregates ?? {}) as Aggregates;
  const rows: string[][] = [];
  for (const s of SPLITS) {
    const c = agg.counts?.[s.name];
    if (!c) continue;
    const errs = agg.errors?.[s.name] ?? {};
    const other = agg.outcomes?.[s.name] ?? {};
    const extra = [other.timeout ? `timeout ${other.timeout}` : '', other.resource_limit ? `limit ${other.resource_limit}` : '', other.no_code ? `empty ${other.no_code}` : '']
      .filter(Boolean)
      .join(', ');
    rows.push([
      s.name,
      fmt(scores[s.name]),
      fmt(agg.allItems?.[s.name]),
      `${c.passed}/${c.evaluated}`,
      String(c.notEvaluable),
      Object.entries(errs)
        .map(([k, v]) => `${ERROR_LABEL[k] ?? k} ${v.toFixed(1)}%`)
        .join(', ') + (extra ? `; ${extra}` : ''),
    ]);
  }
  if (rows.length === 0) return 'no answers';
  rows.push(['overall (mean)', fmt(scores.overall), fmt(agg.allItems?.overall), '', '', '']);
  const out = [
    table(['Split', 'pass@1', 'pass@1 (all)', 'Passed', 'Not evaluable', 'Errors (share of evaluated)'], rows),
    'pass@1: over the answers evaluated here. pass@1 (all): every answer, the not-evaluable ones counted as failures.',
  ];
  if (agg.notEvaluable) {
    const lines = SPLITS.filter((s) => agg.notEvaluable![s.name]).flatMap((s) => {
      const ne = agg.notEvaluable![s.name]!;
      return Object.entries(ne.reasons)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([reason, n]) => `  ${s.name} ${ne.problems?.[reason] ? `[${ne.problems[reason]!.join(', ')}]` : `(${n})`}: ${reason}`);
    });
    out.push(`Not evaluated here (left out of pass@1, not counted as failures):\n${lines.join('\n')}`);
  }
  return out.join('\n\n');
}

function fmt(x: number | undefined): string {
  return x === undefined ? '-' : x.toFixed(1);
}
