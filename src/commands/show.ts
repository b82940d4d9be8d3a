import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { summarizeRun } from '../run.js';
import { accountingOf, describeAccounting } from '../long-context/accounting.js';
import { getSuite } from '../suites.js';
import { withStore } from './list.js';
import { printResult } from './output.js';

export interface ShowArgs {
  run: string;
  db: string;
  json: boolean;
}

export async function showCommand(args: ShowArgs): Promise<void> {
  const file = resolve(args.db);
  withStore(file, (store) => {
    const run = store.findRun(args.run);
    if (!run) {
      const names = store.listRuns().map((r) => r.name);
      throw new UsageError(`no run named "${args.run}" in ${file}${names.length ? `; runs: ${names.slice(-10).join(', ')}` : ''}`);
    }
    const suite = getSuite(run.suite);
    const summary = summarizeRun(store, run, suite);
    const counts = store.itemCounts(run.id);
    const labels = (run.settings.labels as string[] | undefined) ?? [];
    const longContext = accountingOf(run, store.items(run.id));
    if (!args.json) {
      const errors = new Map<string, number>();
      let empty = 0;
      for (const it of store.items(run.id)) {
        if (it.status === 'done' && it.output === '') empty++;
        if (it.status === 'error') errors.set(it.errorKind ?? 'error', (errors.get(it.errorKind ?? 'error') ?? 0) + 1);
      }
      const runner = run.settings.runner as Record<string, unknown> | undefined;
      const head = [
        `fingerprint ${run.fingerprint}  evalh ${run.evalhVersion}  started ${run.startedAt}${run.finishedAt ? `  finished ${run.finishedAt}` : ''}`,
        `runner ${Object.entries(runner ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`,
        ...(Object.keys(run.tags).length ? [`tags ${Object.entries(run.tags).map(([k, v]) => `${k}=${v}`).join(' ')}`] : []),
        `empty outputs: ${empty}${errors.size ? `  errors: ${[...errors].map(([k, n]) => `${k} ${n}`).join(', ')}` : ''}`,
        describeAccounting(longContext),
      ];
      process.stdout.write(`${head.join('\n')}\n`);
    }
    printResult(suite, run, summary, counts, args.json, labels, longContext);
  });
}
