import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { Store } from '../store.js';
import { allSuites } from '../suites.js';
import { table } from '../table.js';

export interface ListArgs {
  what: 'suites' | 'runs';
  db: string;
  json: boolean;
}

export async function listCommand(args: ListArgs): Promise<void> {
  if (args.what === 'suites') {
    const suites = allSuites().map((s) => ({ name: s.name, title: s.title, datasets: [...s.datasets] }));
    if (args.json) process.stdout.write(`${JSON.stringify({ suites })}\n`);
    else process.stdout.write(`${table(['Suite', 'Description', 'Datasets'], suites.map((s) => [s.name, s.title, String(s.datasets.length)]))}\n`);
    return;
  }
  const file = resolve(args.db);
  // Listing must not create a store as a side effect. No store yet in an existing folder is
  // simply no runs; a folder that does not exist is a wrong --db.
  if (!existsSync(file) && !existsSync(dirname(file))) throw new UsageError(`no store at ${file}: the folder ${dirname(file)} does not exist (pass --db FILE)`);
  const runs = existsSync(file) ? withStore(file, (s) => s.listRuns().map((r) => ({ ...r, counts: s.itemCounts(r.id) }))) : [];
  if (args.json) {
    const doc = runs.map((r) => ({
      run: r.name,
      suite: r.suite,
      status: r.status,
      fingerprint: r.fingerprint,
      created: r.createdAt,
      finished: r.finishedAt,
      items: r.counts,
      tags: r.tags,
    }));
    process.stdout.write(`${JSON.stringify({ runs: doc })}\n`);
    return;
  }
  if (runs.length === 0) {
    process.stdout.write(existsSync(file) ? `no runs in ${file}\n` : `no runs: no store at ${file} yet\n`);
    return;
  }
  const rows = runs.map((r) => [
    r.name,
    r.suite,
    r.status,
    `${r.counts.done}${r.counts.error ? ` (+${r.counts.error} failed)` : ''}`,
    r.createdAt.slice(0, 19).replace('T', ' '),
    Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(' '),
  ]);
  process.stdout.write(`${table(['Run', 'Suite', 'Status', 'Items', 'Created (UTC)', 'Tags'], rows)}\n`);
}

/**
 * The runs a "no run named X" message offers: the most recent `max` and how many more there
 * are, so a long store is never silently cut short.
 */
export function someRuns(names: string[], max = 10): string {
  if (names.length === 0) return 'the store has no runs';
  const shown = names.slice(-max);
  const more = names.length - shown.length;
  return `runs: ${shown.join(', ')}${more > 0 ? ` … and ${more} more (\`evalh list\` shows them all)` : ''}`;
}

/** Opens an existing store (never creates one) for `f`, and closes it. */
export function withStore<T>(file: string, f: (s: Store) => T): T {
  const store = Store.openExisting(file);
  try {
    return f(store);
  } finally {
    store.close();
  }
}
