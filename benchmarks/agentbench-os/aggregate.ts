import { pyRound } from '../../src/metrics/pyround.js';
import type { NotEvaluableItem, ScoredItem, Summary } from '../../src/suite.js';
import type { OsTarget } from './load.js';

// Success rate (AgentBench's calculate_overall: pass / total) per dataset, per test folder
// (1..7) and per problem file, in percent. Items whose scripts evalh does not have are left out
// of the rate and counted apart (upstream would count them as failures): in the official
// environment with every script, the figure is the official one. Episode statuses are counted
// too (completed, invalid action, turn limit, …); task errors are failed items, never scored.

export const STATUSES = ['completed', 'context_limit', 'invalid_format', 'invalid_action', 'turn_limit'] as const;

export interface Rate {
  success_rate: number | null;
  passed: number;
  evaluated: number;
  not_evaluable: number;
}

export function summarize(items: ScoredItem[], datasets: string[], notEvaluable: NotEvaluableItem[] = []): Summary {
  const rates = new Map<string, { passed: number; evaluated: number; not_evaluable: number }>();
  const bump = (key: string, passed: number | undefined): void => {
    let r = rates.get(key);
    if (!r) rates.set(key, (r = { passed: 0, evaluated: 0, not_evaluable: 0 }));
    if (passed === undefined) r.not_evaluable++;
    else {
      r.evaluated++;
      r.passed += passed;
    }
  };
  const statuses: Record<string, number> = {};
  for (const it of items) {
    const t = it.target as OsTarget;
    const ok = it.score >= 1 ? 1 : 0;
    for (const key of [`dataset:${it.dataset}`, `group:${t.group}`, `file:${t.file}`, 'overall']) bump(key, ok);
    const status = String((it.scores as { status?: string } | undefined)?.status ?? 'completed');
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  const reasons: Record<string, number> = {};
  for (const it of notEvaluable) {
    const t = it.target as OsTarget;
    for (const key of [`dataset:${it.dataset}`, `group:${t.group}`, `file:${t.file}`, 'overall']) bump(key, undefined);
    reasons[it.reason] = (reasons[it.reason] ?? 0) + 1;
  }
  const rate = (key: string): Rate => {
    const r = rates.get(key) ?? { passed: 0, evaluated: 0, not_evaluable: 0 };
    return { success_rate: r.evaluated > 0 ? pyRound((r.passed / r.evaluated) * 100, 2) : null, ...r };
  };
  const pick = (prefix: string): Record<string, Rate> =>
    Object.fromEntries(
      [...rates.keys()]
        .filter((k) => k.startsWith(prefix))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
        .map((k) => [k.slice(prefix.length), rate(k)]),
    );
  return {
    scores: Object.fromEntries(datasets.map((d) => [d, rate(`dataset:${d}`).success_rate])),
    aggregates: {
      overall: rate('overall'),
      datasets: Object.fromEntries(datasets.map((d) => [d, rate(`dataset:${d}`)])),
      groups: pick('group:'),
      files: pick('file:'),
      statuses,
      not_evaluable: reasons,
    },
  };
}

export function renderSummary(summary: Summary): string {
  const a = summary.aggregates as { overall: Rate; datasets: Record<string, Rate>; groups: Record<string, Rate>; statuses: Record<string, number>; not_evaluable: Record<string, number> };
  const fmt = (r: Rate): string => `${r.success_rate === null ? '   -  ' : r.success_rate.toFixed(2).padStart(6)}  ${String(r.passed).padStart(3)}/${String(r.evaluated).padEnd(3)}${r.not_evaluable ? `  (+${r.not_evaluable} not evaluable)` : ''}`;
  const lines = ['AgentBench OS interaction: success rate (%)', ''];
  for (const [d, r] of Object.entries(a.datasets)) lines.push(`${d.padEnd(10)} ${fmt(r)}`);
  if (Object.keys(a.datasets).length > 1) lines.push(`${'overall'.padEnd(10)} ${fmt(a.overall)}`);
  const groups = Object.entries(a.groups).filter(([g]) => g !== 'dev');
  if (groups.length > 0) {
    lines.push('', 'test folders:');
    for (const [g, r] of groups) lines.push(`  ${g.padEnd(8)} ${fmt(r)}`);
  }
  lines.push('', `episodes: ${Object.entries(a.statuses).map(([s, n]) => `${s} ${n}`).join(', ') || 'none'}`);
  const reasons = Object.entries(a.not_evaluable);
  if (reasons.length > 0) lines.push(`not evaluable: ${reasons.map(([r, n]) => `${n} × ${r.replace(/^not evaluable here: /, '')}`).join(', ')}`);
  return lines.join('\n');
}
