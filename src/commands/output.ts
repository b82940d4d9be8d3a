import type { Accounting } from '../long-context/accounting.js';
import type { RunRow } from '../store.js';
import type { Suite, Summary } from '../suite.js';

export interface Counts {
  total?: number;
  done: number;
  error: number;
  skippedTooLong?: number;
}

/** The one JSON document of --json, or the human table. NaN (an empty LongBench-E bucket) becomes null. */
export function printResult(suite: Suite, run: RunRow, summary: Summary, counts: Counts, json: boolean, labels: string[], longContext?: Accounting): void {
  if (json) {
    const doc = {
      run: run.name,
      suite: suite.name,
      status: run.status,
      scores: summary.scores,
      ...(summary.aggregates ?? {}),
      items: counts,
      ...(labels.length > 0 ? { labels } : {}),
      ...(longContext ? { longContext } : {}),
    };
    process.stdout.write(`${JSON.stringify(doc)}\n`);
    return;
  }
  const lines = [
    `run ${run.name} (${suite.name}, ${run.status})${labels.length > 0 ? ` — ${labels.join('; ')}` : ''}`,
    `items: ${counts.done} scored, ${counts.error} failed (not scored)${counts.skippedTooLong ? `, ${counts.skippedTooLong} skipped (too long)` : ''}${counts.total !== undefined ? `, ${counts.total} in total` : ''}`,
    '',
    suite.renderSummary(summary),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
