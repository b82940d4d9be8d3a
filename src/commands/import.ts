import { basename, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { coverageOf } from '../coverage.js';
import { fingerprintOf } from '../hash.js';
import { fingerprintDiff } from '../run.js';
import { Store } from '../store.js';
import { getSuite } from '../suites.js';
import type { ImportedPrediction, ItemScore, Suite } from '../suite.js';
import { evalhVersion } from '../version.js';
import { printResult } from './output.js';

export interface ImportArgs {
  suite: string;
  path: string;
  name?: string;
  db: string;
  json: boolean;
}

/**
 * Scores every prediction; async scorers (sandboxed execution) run many at once and bound
 * their own parallelism, so a plain Promise.all over chunks keeps memory flat.
 */
async function scoreAll(suite: Suite, predictions: ImportedPrediction[]): Promise<{ p: ImportedPrediction; s: ItemScore }[]> {
  const out: { p: ImportedPrediction; s: ItemScore }[] = [];
  const chunk = 256;
  for (let i = 0; i < predictions.length; i += chunk) {
    const part = predictions.slice(i, i + chunk);
    const scores = await Promise.all(part.map((p) => suite.score(p.item, p.output)));
    part.forEach((p, j) => out.push({ p, s: scores[j]! }));
  }
  return out;
}

/** suite-import-<file or folder name>, without the file's extension (results.jsonl -> results). */
function defaultName(suite: string, path: string): string {
  return `${suite}-import-${basename(resolve(path)).replace(/\.(jsonl?|json)(\.gz)?$/, '')}`;
}

/** Scores a folder of official predictions exactly as the official eval script and stores it as a run. */
export async function importCommand(args: ImportArgs): Promise<void> {
  const suite = getSuite(args.suite);
  const { predictions, files, coverage } = await suite.readPredictions(args.path); // validates everything first
  const datasets = [...new Set(predictions.map((p) => p.item.dataset))];
  const scored = await scoreAll(suite, predictions);
  const summary = suite.summarize(
    scored
      .filter(({ s }) => s.score !== null)
      .map(({ p, s }) => ({ dataset: p.item.dataset, target: p.item.target, score: s.score!, ...(s.scores ? { scores: s.scores } : {}) })),
    datasets,
    scored.filter(({ s }) => s.notEvaluable !== undefined).map(({ p, s }) => ({ dataset: p.item.dataset, target: p.item.target, reason: s.notEvaluable! })),
  );

  const parts = { suite: suite.name, runner: { runner: 'import' }, files, metrics: evalhVersion };
  const fingerprint = fingerprintOf(parts);
  const name = args.name ?? defaultName(suite.name, args.path);
  const store = Store.open(resolve(args.db));
  try {
    let run = store.findRun(name);
    if (run && run.fingerprint !== fingerprint) {
      const diff = fingerprintDiff((run.settings.fingerprintParts ?? {}) as Record<string, unknown>, parts);
      throw new UsageError(`run "${name}" already exists with other contents (differs in: ${diff.join(', ')}); pass another --name`);
    }
    if (!run) {
      run = store.createRun({
        name,
        suite: suite.name,
        fingerprint,
        settings: {
          suite: suite.name,
          fingerprintParts: parts,
          runner: { runner: 'import', path: resolve(args.path) },
          source: { datasets },
          // Kept with the run so that show, --json and the report say what the score is over (src/coverage.ts).
          coverage: coverage ?? { unit: 'items', parts: datasets.map((d) => ({ name: d, have: predictions.filter((p) => p.item.dataset === d).length, of: null })), source: `${suite.name} does not say its full size` },
        },
        evalhVersion,
        tags: {},
      });
      store.recordItems(
        run.id,
        scored.map(({ p, s }) => ({
          itemId: p.item.id,
          dataset: p.item.dataset,
          seq: p.item.seq,
          status: 'done' as const,
          target: p.item.target,
          output: p.output,
          score: s.score ?? undefined,
          scores: s.scores,
          ...(s.notEvaluable !== undefined ? { errorKind: 'not_evaluable', error: s.notEvaluable } : {}),
          attempts: 1,
        })),
      );
      // Short of the suite's full set of the datasets it covers: 'partial', which is not
      // 'completed' for anything that asks (the gate, list). See src/coverage.ts for why a
      // `run --limit` subset is completed and an import subset is not.
      const partial = coverageOf(run.settings)?.partial === true;
      store.finishRun(run.id, partial ? 'partial' : 'completed', summary);
      run = store.findRun(name)!;
    }
    printResult(suite, run, summary, store.itemCounts(run.id), args.json, []);
  } finally {
    store.close();
  }
}
