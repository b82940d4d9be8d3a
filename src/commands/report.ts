import { basename, resolve } from 'node:path';
import { buildReport } from '../../reports/index.js';
import { UsageError } from '../errors.js';
import { fileKind, writeFileAtomic } from '../files.js';
import { Store, type RunRow } from '../store.js';
import { getSuite } from '../suites.js';
import { evalhVersion } from '../version.js';
import { someRuns } from './list.js';

export interface ReportArgs {
  runs: string[];
  o?: string;
  db: string;
  json: boolean;
}

/** Writes one self-contained HTML report of one run, or of several runs side by side. */
export async function reportCommand(args: ReportArgs): Promise<void> {
  const file = resolve(args.db);
  const out = resolve(args.o ?? 'report.html');
  // Checked before the (possibly long) build, and again by the write.
  if (fileKind(out) === 'directory') throw new UsageError(`-o ${out} is a directory; give a file name (e.g. ${resolve(out, 'report.html')})`);
  const names = args.runs.map(String);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) throw new UsageError(`run "${twice[0]}" is named twice`);

  const store = Store.openExisting(file);
  let report;
  try {
    const found = names.map((n) => store.findRun(n));
    const missing = names.filter((_, i) => !found[i]);
    if (missing.length > 0) {
      const known = store.listRuns().map((r) => r.name);
      throw new UsageError(
        `no run named ${missing.map((m) => `"${m}"`).join(', ')} in ${file}; ${someRuns(known, 20)}`,
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

  writeFileAtomic(out, report.html, '-o'); // never a half-written report

  if (args.json) process.stdout.write(`${JSON.stringify({ report: out, runs: names })}\n`);
  else process.stdout.write(`wrote ${out} (${names.length} run${names.length > 1 ? 's' : ''}, ${report.items.toLocaleString('en-US')} items)\n`);
}
