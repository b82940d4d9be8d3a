import { pyRound } from '../../src/metrics/pyround.js';
import type { NotEvaluableItem, ScoredItem, Summary } from '../../src/suite.js';
import { LANGUAGE_NAMES } from './languages.js';
import { PASS_KS, meanPassAtK } from './passk.js';
import type { Target } from './records.js';

/**
 * evaluation.py: per problem n samples and c passed, pass@k averaged over problems, for
 * each k in (1, 10, 100) that every problem has n >= k for. Reported as percentages
 * rounded to two decimals (Python's round(100 * x, 2)); the official log prints the raw
 * fraction. `overall` is evalh's: the mean of the languages' unrounded values, for the k
 * every language reports (the same as pooling problems when, as in the benchmark, every
 * language has the same 164 problems).
 *
 * Samples that could not be evaluated here (a missing toolchain, a sandbox failure) are
 * left out of n — never counted as failures — and listed in aggregates.notEvaluable.
 */
export function summarize(items: ScoredItem[], datasets: string[], notEvaluable: NotEvaluableItem[] = []): Summary {
  const perLang = new Map<string, Map<string, { n: number; c: number }>>();
  for (const it of items) {
    const t = it.target as Target;
    let tasks = perLang.get(it.dataset);
    if (!tasks) perLang.set(it.dataset, (tasks = new Map()));
    let p = tasks.get(t.task_id);
    if (!p) tasks.set(t.task_id, (p = { n: 0, c: 0 }));
    p.n++;
    if (it.score >= 1) p.c++;
  }
  const order = LANGUAGE_NAMES.filter((l) => datasets.includes(l) || perLang.has(l));
  const raw: Record<string, Record<string, number>> = {};
  const scores: Record<string, Record<string, number>> = {};
  const problems: Record<string, number> = {};
  const samples: Record<string, number> = {};
  const passed: Record<string, number> = {};
  for (const lang of order) {
    const tasks = [...(perLang.get(lang)?.values() ?? [])];
    if (tasks.length === 0) continue;
    raw[lang] = meanPassAtK(tasks);
    scores[lang] = percent(raw[lang]!);
    problems[lang] = tasks.length;
    samples[lang] = tasks.reduce((s, p) => s + p.n, 0);
    passed[lang] = tasks.reduce((s, p) => s + p.c, 0);
  }
  const langs = Object.keys(raw);
  if (langs.length > 0) {
    const overall: Record<string, number> = {};
    for (const k of PASS_KS) {
      const key = `pass@${k}`;
      if (!langs.every((l) => key in raw[l]!)) continue;
      overall[key] = langs.reduce((s, l) => s + raw[l]![key]!, 0) / langs.length;
    }
    scores.overall = percent(overall);
  }

  const aggregates: Record<string, unknown> = { problems, samples, passed };
  if (notEvaluable.length > 0) {
    const ne: Record<string, { samples: number; reasons: Record<string, number> }> = {};
    for (const it of notEvaluable) {
      const e = (ne[it.dataset] ??= { samples: 0, reasons: {} });
      e.samples++;
      e.reasons[it.reason] = (e.reasons[it.reason] ?? 0) + 1;
    }
    aggregates.notEvaluable = ne;
  }
  return { scores, aggregates };
}

function percent(xs: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(xs).map(([k, v]) => [k, pyRound(100 * v, 2)]));
}
