import { numpyMean } from '../../src/metrics/aggregate.js';
import { numpyRound, pyRound } from '../../src/metrics/pyround.js';
import type { NotEvaluableItem, ScoredItem, Summary } from '../../src/suite.js';
import type { Outcome, Target } from './records.js';
import { SPLITS, splitSpec } from './splits.js';

/**
 * execution.py, per split: answers grouped by problem, pass@1 per problem with the
 * unbiased estimator (c/n for n answers of which c passed; 1 or 0 for one greedy answer),
 * `round(estimate_pass_at_k(...).mean() * 100, 1)` — numpy's mean and numpy's round, the
 * value being a numpy float. Error shares: `round(count / dataset_size * 100, 1)` with
 * Python's round — SyntaxError/RuntimeError for Python, CompileError/ExecutionError for Java.
 *
 * Two figures per split, because some problems cannot be evaluated outside the official
 * image (unpublished input files, modules and jars it has):
 *  - `scores` (the headline): pass@1 over the answers that could be evaluated here; the
 *    not-evaluable ones are left out, never counted as failures. In a complete environment
 *    (nothing not evaluable) it is the official figure.
 *  - `allItems`: the official-style figure over every answer, the not-evaluable ones counted
 *    as failures — what the official script would print if run in this environment: a lower
 *    bound of the official figure.
 * The error shares are over the evaluated answers. Differences from the official script,
 * all deliberate: an empty response counts as a failure (the script writes no files for it
 * and so drops the problem from pass@k); a timeout or a memory/output kill is its own
 * class (the script counts a Java timeout as a compile error and a Python one in neither).
 * `overall` (evalh's) is the mean of the splits' rounded figures, rounded to one decimal.
 */

export interface NotEvaluableTally {
  samples: number;
  /** reason → answers */
  reasons: Record<string, number>;
  /** reason → problem ids */
  problems: Record<string, number[]>;
}

interface Tally {
  byProblem: Map<number, { n: number; c: number }>;
  outcomes: Partial<Record<Outcome, number>>;
  samples: number;
}

export const ERROR_CLASSES: Record<'python' | 'java', readonly Outcome[]> = {
  python: ['syntax_error', 'runtime_error'],
  java: ['compile_error', 'execution_error'],
};

export function summarize(items: ScoredItem[], datasets: string[], notEvaluable: NotEvaluableItem[] = []): Summary {
  const evaluated = new Map<string, Tally>();
  const all = new Map<string, Tally>();
  const tally = (m: Map<string, Tally>, d: string): Tally => {
    let t = m.get(d);
    if (!t) m.set(d, (t = { byProblem: new Map(), outcomes: {}, samples: 0 }));
    return t;
  };
  const add = (t: Tally, id: number, passed: boolean, outcome: Outcome) => {
    let p = t.byProblem.get(id);
    if (!p) t.byProblem.set(id, (p = { n: 0, c: 0 }));
    p.n++;
    if (passed) p.c++;
    t.outcomes[outcome] = (t.outcomes[outcome] ?? 0) + 1;
    t.samples++;
  };
  for (const it of items) {
    const t = it.target as Target;
    const passed = it.score >= 1;
    const outcome: Outcome = t.outcome && t.outcome !== 'not_evaluable' ? t.outcome : passed ? 'passed' : 'failed';
    add(tally(evaluated, it.dataset), t._id, passed, outcome);
    add(tally(all, it.dataset), t._id, passed, outcome);
  }
  const reasons: Record<string, NotEvaluableTally> = {};
  for (const it of notEvaluable) {
    const id = (it.target as Target)._id;
    add(tally(all, it.dataset), id, false, 'not_evaluable');
    const r = (reasons[it.dataset] ??= { samples: 0, reasons: {}, problems: {} });
    r.samples++;
    r.reasons[it.reason] = (r.reasons[it.reason] ?? 0) + 1;
    const ids = (r.problems[it.reason] ??= []);
    if (!ids.includes(id)) ids.push(id);
  }
  for (const r of Object.values(reasons)) for (const ids of Object.values(r.problems)) ids.sort((a, b) => a - b);

  const order = SPLITS.map((s) => s.name).filter((d) => datasets.includes(d) || all.has(d));
  const scores: Record<string, number> = {};
  const allItems: Record<string, number> = {};
  const errors: Record<string, Record<string, number>> = {};
  const outcomes: Record<string, Partial<Record<Outcome, number>>> = {};
  const counts: Record<string, { problems: number; answers: number; evaluated: number; passed: number; notEvaluable: number }> = {};
  for (const d of order) {
    const ev = evaluated.get(d);
    const al = all.get(d);
    if (!al) continue;
    if (ev && ev.byProblem.size > 0) {
      scores[d] = passAt1Percent(ev);
      const classes = ERROR_CLASSES[splitSpec(d)!.lang];
      errors[d] = Object.fromEntries(classes.map((c) => [c, pyRound(((ev.outcomes[c] ?? 0) / ev.samples) * 100, 1)]));
      outcomes[d] = ev.outcomes;
    }
    allItems[d] = passAt1Percent(al);
    counts[d] = {
      problems: al.byProblem.size,
      answers: al.samples,
      evaluated: ev?.samples ?? 0,
      passed: ev ? [...ev.byProblem.values()].reduce((s, p) => s + p.c, 0) : 0,
      notEvaluable: al.outcomes.not_evaluable ?? 0,
    };
  }
  const splitScores = Object.values(scores);
  if (splitScores.length > 0) scores.overall = pyRound(splitScores.reduce((a, b) => a + b, 0) / splitScores.length, 1);
  const allScores = Object.values(allItems);
  if (allScores.length > 0) allItems.overall = pyRound(allScores.reduce((a, b) => a + b, 0) / allScores.length, 1);

  const aggregates: Record<string, unknown> = { allItems, errors, outcomes, counts };
  if (Object.keys(reasons).length > 0) aggregates.notEvaluable = reasons;
  return { scores, aggregates };
}

function passAt1Percent(t: Tally): number {
  const perProblem = [...t.byProblem.values()].map((p) => passAtK(p.n, p.c, 1));
  return numpyRound(numpyMean(perProblem) * 100, 1);
}

/** utils.py estimate_pass_at_k for one problem: 1 - prod(1 - k / arange(n - c + 1, n + 1)), 1.0 when n - c < k. */
export function passAtK(n: number, c: number, k: number): number {
  if (n - c < k) return 1.0;
  let prod = 1.0;
  for (let i = n - c + 1; i <= n; i++) prod *= 1.0 - k / i;
  return 1.0 - prod;
}
