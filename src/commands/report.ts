import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { buildReport } from '../../reports/index.js';
import { UsageError } from '../errors.js';
import { Store, type RunRow } from '../store.js';
import { getSuite } from '../suites.js';
import { evalhVersion } from '../version.js';

export interface ReportArgs {
  runs: string[];
  o?: string;
  db: string;
  json: boolean;
}

/** Writes one self-contained HTML report of one run, or of several runs side by side. */
export async function reportCommand(args: ReportArgs): Promise<void> {
  const file = resolve(args.db);
  if (!existsSync(file)) throw new UsageError(`no store at ${file} (pass --db)`);
  const out = resolve(args.o ?? 'report.html');
  const names = args.runs.map(String);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) throw new UsageError(`run "${twice[0]}" is named twice`);

  const store = Store.open(file);
  let report;
  try {
    const found = names.map((n) => store.findRun(n));
    const missing = names.filter((_, i) => !found[i]);
    if (missing.length > 0) {
      const known = store.listRuns().map((r) => r.name);
      throw new UsageError(
        `no run named ${missing.map((m) => `"${m}"`).join(', ')} in ${file}; ${known.length ? `runs: ${known.slice(-20).join(', ')}` : 'the store has no runs'}`,
      );
    }
    const runs = found as RunRow[];
    const suites = [...new Set(runs.map((r) => r.suite))];
    if (suites.length > 1) {
      throw new UsageError(`runs of different suites (${suites.join(', ')}) cannot share one report; make one report per suite`);
    }
    report = buildReport(store, runs, getSuite(suites[0]!), { store: basename(file), evalhVersion });
  } finally {
    store.close();
  }

  // Written next to the target and renamed into place: never a half-written report.
  mkdirSync(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, report.html);
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }

  if (args.json) process.stdout.write(`${JSON.stringify({ report: out, runs: names })}\n`);
  else process.stdout.write(`wrote ${out} (${names.length} run${names.length > 1 ? 's' : ''}, ${report.items.toLocaleString('en-US')} items)\n`);
}
