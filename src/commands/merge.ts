import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { summarizeRun } from '../run.js';
import { Store, type RunStatus } from '../store.js';
import { getSuite } from '../suites.js';

export interface MergeArgs {
  dbs: string[];
  into: string;
  json: boolean;
}

/** Merges stores made on several machines (e.g. `run --shard i/n`) into one; a conflict writes nothing. */
export async function mergeCommand(args: MergeArgs): Promise<void> {
  const into = resolve(args.into);
  const sources = args.dbs.map((d) => resolve(d));
  for (const s of sources) {
    if (s === into) throw new UsageError(`${s} is both a source and --into`);
    Store.check(s); // exit 2 before anything is created: missing, a folder, not an evalh store
  }
  const created = !existsSync(into);
  const store = Store.open(into);
  const statuses = new Map<string, RunStatus[]>();
  try {
    for (const s of sources) {
      for (const t of store.mergeFrom(s)) statuses.set(t.name, [...(statuses.get(t.name) ?? []), t.status]);
    }
    const runs = [];
    for (const [name, seen] of statuses) {
      const run = store.findRun(name)!;
      const summary = summarizeRun(store, run, getSuite(run.suite));
      // The merged run is complete only if every part of it was.
      const status: RunStatus = seen.every((x) => x === 'completed') && run.status === 'completed' ? 'completed' : seen.find((x) => x !== 'completed') ?? run.status;
      store.finishRun(run.id, status, summary);
      runs.push({ run: name, status, items: store.itemCounts(run.id), scores: summary.scores });
    }
    const doc = { into, sources, runs };
    process.stdout.write(
      args.json ? `${JSON.stringify(doc)}\n` : `${runs.map((r) => `${r.run}: ${r.items.done} items done, ${r.items.error} failed (${r.status})`).join('\n')}\nmerged into ${into}\n`,
    );
    store.close();
  } catch (e) {
    store.close();
    if (created) for (const f of [into, `${into}-wal`, `${into}-shm`]) rmSync(f, { force: true });
    throw e;
  }
}
