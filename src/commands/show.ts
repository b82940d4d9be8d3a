import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { summarizeRun } from '../run.js';
import { accountingOf, describeAccounting, showsLongContext } from '../long-context/accounting.js';
import type { RunRow, Store } from '../store.js';
import { getSuite } from '../suites.js';
import { someRuns, withStore } from './list.js';
import { printResult } from './output.js';

export interface ShowArgs {
  run: string;
  item?: string;
  db: string;
  json: boolean;
}

export async function showCommand(args: ShowArgs): Promise<void> {
  const file = resolve(args.db);
  withStore(file, (store) => {
    const run = store.findRun(args.run);
    if (!run) throw new UsageError(`no run named "${args.run}" in ${file}; ${someRuns(store.listRuns().map((r) => r.name))}`);
    if (args.item !== undefined) return showItem(store, run, args.item, args.json);
    const suite = getSuite(run.suite);
    const summary = summarizeRun(store, run, suite);
    const counts = store.itemCounts(run.id);
    const labels = (run.settings.labels as string[] | undefined) ?? [];
    const longContext = showsLongContext(suite) ? accountingOf(run, store.items(run.id)) : undefined;
    const details: string[] = [];
    if (!args.json) {
      const errors = new Map<string, number>();
      let empty = 0;
      for (const it of store.items(run.id)) {
        if (it.status === 'done' && it.output === '') empty++;
        if (it.status === 'error') errors.set(it.errorKind ?? 'error', (errors.get(it.errorKind ?? 'error') ?? 0) + 1);
      }
      const runner = run.settings.runner as Record<string, unknown> | undefined;
      details.push(
        `fingerprint ${run.fingerprint}  evalh ${run.evalhVersion}  started ${run.startedAt}${run.finishedAt ? `  finished ${run.finishedAt}` : ''}`,
        `runner ${Object.entries(runner ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`,
        ...(Object.keys(run.tags).length ? [`tags ${Object.entries(run.tags).map(([k, v]) => `${k}=${v}`).join(' ')}`] : []),
        `empty outputs: ${empty}${errors.size ? `  errors: ${[...errors].map(([k, n]) => `${k} ${n}`).join(', ')}` : ''}`,
        ...(longContext ? [describeAccounting(longContext)] : []),
      );
    }
    printResult(suite, run, summary, counts, args.json, labels, longContext, details);
  });
}

/**
 * One item, whole: its output, error, detailed scores and transcript exactly as stored —
 * where a report sends the reader for a text it cut short.
 */
function showItem(store: Store, run: RunRow, itemId: string, json: boolean): void {
  const it = store.item(run.id, itemId);
  if (!it) {
    const some = store.someItemIds(run.id, 3);
    throw new UsageError(`run "${run.name}" has no item "${itemId}"${some.length ? ` (its item ids look like ${some.map((s) => `"${s}"`).join(', ')})` : ' (it has no items)'}`);
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ run: run.name, item: it })}\n`);
    return;
  }
  const section = (title: string, text: string | undefined) => (text === undefined ? [] : [`--- ${title} (${text.length.toLocaleString('en-US')} characters)`, text]);
  const pretty = (x: unknown) => (x === undefined ? undefined : JSON.stringify(x, null, 2));
  const lines = [
    `item ${it.itemId} of run ${run.name} (${it.dataset}, ${it.status}${it.score !== undefined ? `, score ${it.score}` : ''}${it.errorKind ? `, ${it.errorKind}` : ''})`,
    ...section('output', it.output),
    ...section('error', it.error),
    ...section('scores', pretty(it.scores)),
    ...section('transcript', pretty(it.transcript)),
    ...section('target', pretty(it.target)),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
