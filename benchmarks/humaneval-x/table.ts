import type { Summary } from '../../src/suite.js';
import { table } from '../../src/table.js';
import { LANGUAGE_NAMES } from './languages.js';
import { PASS_KS } from './passk.js';

// One row per language (problems, samples, pass@k in percent), then the overall row, then
// what could not be evaluated here, apart from the scores.

export function renderSummary(summary: Summary): string {
  const scores = summary.scores as Record<string, Record<string, number>>;
  const agg = (summary.aggregates ?? {}) as {
    problems?: Record<string, number>;
    samples?: Record<string, number>;
    notEvaluable?: Record<string, { samples: number; reasons: Record<string, number> }>;
  };
  const ks = PASS_KS.map((k) => `pass@${k}`).filter((key) => Object.values(scores).some((s) => key in s));
  const rows = LANGUAGE_NAMES.filter((l) => l in scores).map((l) => [
    l,
    String(agg.problems?.[l] ?? ''),
    String(agg.samples?.[l] ?? ''),
    ...ks.map((k) => fmt(scores[l]![k])),
  ]);
  if (scores.overall) rows.push(['overall (mean of languages)', '', '', ...ks.map((k) => fmt(scores.overall![k]))]);
  const out = [rows.length > 0 ? table(['Language', 'Problems', 'Samples', ...ks], rows) : 'no scored samples'];
  if (agg.notEvaluable) {
    const lines = Object.entries(agg.notEvaluable).flatMap(([lang, e]) =>
      Object.entries(e.reasons).map(([reason, n]) => `  ${lang}: ${n} sample(s): ${reason}`),
    );
    out.push(`Not evaluated here (left out of pass@k, not counted as failures):\n${lines.join('\n')}`);
  }
  return out.join('\n\n');
}

function fmt(x: number | undefined): string {
  return x === undefined ? '-' : x.toFixed(2);
}
