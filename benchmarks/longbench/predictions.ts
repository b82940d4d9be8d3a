import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, UsageError } from '../../src/errors.js';
import { sha256File } from '../../src/hash.js';
import { readJsonl } from '../../src/jsonl.js';
import type { Coverage } from '../../src/coverage.js';
import type { ImportedPrediction, ReadPredictions } from '../../src/suite.js';
import { checkPrediction, checkScorable, type PredictionRecord, type Target } from './records.js';

/**
 * Reads a folder of pred.py output files (<dataset>.jsonl) the way eval.py does: every
 * file ending in "jsonl", dataset = the name before the first dot, and all_classes taken
 * from the file's last line for every item of the file (eval.py overwrites it per line).
 */
export async function readPredictionDir(
  path: string,
  known: (dataset: string) => boolean,
  suite: string,
  needLength: boolean,
  fullSizes: (datasets: string[]) => Promise<{ sizes: Record<string, number | null>; source: string }>,
): Promise<ReadPredictions> {
  const dir = resolve(path);
  if (!existsSync(dir)) throw new InputError(dir, undefined, undefined, 'no such directory');
  if (!statSync(dir).isDirectory()) throw new InputError(dir, undefined, undefined, 'expected a folder of <dataset>.jsonl prediction files');
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('jsonl'))
    .sort();
  if (names.length === 0) throw new InputError(dir, undefined, undefined, 'no <dataset>.jsonl prediction files in this folder');
  const predictions: ImportedPrediction[] = [];
  const files: Record<string, string> = {};
  const have: Record<string, number> = {};
  for (const name of names) {
    const dataset = name.split('.')[0]!;
    const file = join(dir, name);
    if (!known(dataset)) {
      throw new UsageError(`${file}: unknown ${suite} dataset "${dataset}" (file names must be <dataset>.jsonl)`);
    }
    const records: PredictionRecord[] = [];
    const lines: number[] = [];
    for await (const { line, value } of readJsonl(file)) {
      const rec = checkPrediction(value, file, line);
      lines.push(line);
      if (needLength && rec.length === undefined) throw new InputError(file, line, 'length', "must have required property 'length'");
      records.push(rec);
    }
    if (records.length === 0) throw new InputError(file, undefined, undefined, 'no predictions in this file');
    const allClasses = records[records.length - 1]!.all_classes;
    records.forEach((rec, i) => checkScorable(dataset, rec.answers, allClasses, file, lines[i]!));
    records.forEach((rec, seq) => {
      const target: Target = { answers: rec.answers, all_classes: allClasses, length: rec.length ?? null };
      predictions.push({ item: { id: `${dataset}/${seq}`, dataset, seq, target }, output: rec.pred });
    });
    files[name] = await sha256File(file);
    have[dataset] = (have[dataset] ?? 0) + records.length;
  }
  const full = await fullSizes(Object.keys(have));
  const coverage: Coverage = {
    unit: 'items',
    parts: Object.entries(have).map(([name, n]) => ({ name, have: n, of: full.sizes[name] ?? null })),
    source: full.source,
  };
  return { predictions, files, coverage };
}
