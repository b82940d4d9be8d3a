import { coverageHeadline, coverageOf, describeCoverage } from '../coverage.js';
import { showsLongContext, type Accounting } from '../long-context/accounting.js';
import type { RunRow } from '../store.js';
import type { Suite, Summary } from '../suite.js';

export interface Counts {
  total?: number;
  done: number;
  error: number;
  skippedTooLong?: number;
  /** Done items the environment could not score (part of `done`). */
  notEvaluable?: number;
}

/**
 * The one JSON document of --json, or the human text: the run's title line first, its
 * counts, what an import covers, then `details` (show's settings lines) and the suite's
 * table. NaN (an empty LongBench-E bucket) becomes null. Long-context accounting is only
 * for suites that cut or measure prompts: for the others it would be a block of zeros.
 */
export function printResult(
  suite: Suite,
  run: RunRow,
  summary: Summary,
  counts: Counts,
  json: boolean,
  labels: string[],
  longContext?: Accounting,
  details: string[] = [],
): void {
  const coverage = coverageOf(run.settings);
  if (json) {
    const doc = {
      run: run.name,
      suite: suite.name,
      status: run.status,
      scores: summary.scores,
      ...(summary.aggregates ?? {}),
      items: counts,
      ...(coverage ? { coverage } : {}),
      ...(labels.length > 0 ? { labels } : {}),
      ...(longContext && showsLongContext(suite) ? { longContext } : {}),
    };
    process.stdout.write(`${JSON.stringify(doc)}\n`);
    return;
  }
  const status = coverage?.partial ? `${run.status}: ${coverageHeadline(coverage)}` : run.status;
  const scored = counts.done - (counts.notEvaluable ?? 0);
  const lines = [
    `run ${run.name} (${suite.name}, ${status})${labels.length > 0 ? ` — ${labels.join('; ')}` : ''}`,
    `items: ${scored} scored${counts.notEvaluable ? `, ${counts.notEvaluable} not evaluable here (done, not scored)` : ''}, ${counts.error} failed (not scored)` +
      `${counts.skippedTooLong ? `, ${counts.skippedTooLong} skipped (too long)` : ''}${counts.total !== undefined ? `, ${counts.total} in total` : ''}`,
    ...(coverage ? [describeCoverage(coverage)] : []),
    ...details,
    '',
    suite.renderSummary(summary),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
