import { basename, dirname, join, resolve } from 'node:path';
import { InputError, UsageError } from '../../src/errors.js';
import { sha256File } from '../../src/hash.js';
import { checkInput, listFolder } from '../../src/input.js';
import { readJsonl } from '../../src/jsonl.js';
import type { Coverage } from '../../src/coverage.js';
import type { ImportedPrediction, ReadPredictions } from '../../src/suite.js';
import { DATASETS } from './datasets.js';
import { checkPrediction, checkScorable, type PredictionRecord, type Target } from './records.js';

const HINT = 'give the folder of one model\'s <dataset>.jsonl prediction files (pred/<model>/, or pred_e/<model>/ for LongBench-E)';

/**
 * Reads a folder of pred.py output files (<dataset>.jsonl) the way eval.py does: every
 * file ending in "jsonl", dataset = the name before the first dot, and all_classes taken
 * from the file's last line for every item of the file (eval.py overwrites it per line).
 * LongBench-E also takes <dataset>_e.jsonl, the name of its data files.
 */
export async function readPredictionDir(
  path: string,
  variant: 'v1' | 'e',
  fullSizes: (datasets: string[]) => Promise<{ sizes: Record<string, number | null>; source: string }>,
): Promise<ReadPredictions> {
  const dir = resolve(path);
  const suite = variant === 'e' ? 'longbench-e' : 'longbench';
  const names = listFolder(dir, HINT)
    .filter((f) => f.endsWith('jsonl'))
    .sort();
  if (names.length === 0) throw new InputError(dir, undefined, undefined, `no <dataset>.jsonl prediction files in this folder${modelFolders(dir)}`);
  const datasets = names.map((name) => datasetOf(name, variant));
  checkVariant(dir, names, variant);
  const predictions: ImportedPrediction[] = [];
  const files: Record<string, string> = {};
  const seen = new Map<string, string>();
  const have: Record<string, number> = {};
  for (const [i, name] of names.entries()) {
    const dataset = datasets[i]!;
    const file = join(dir, name);
    if (!known(dataset, variant)) {
      throw new UsageError(`${file}: unknown ${suite} dataset "${dataset}" (file names must be <dataset>.jsonl; known: ${DATASETS.filter((d) => variant === 'v1' || d.inE).map((d) => d.name).join(', ')})`);
    }
    if (seen.has(dataset)) throw new UsageError(`${file}: a second file for ${dataset} (first: ${seen.get(dataset)}); keep one`);
    seen.set(dataset, name);
    const records: PredictionRecord[] = [];
    const lines: number[] = [];
    for await (const { line, value } of readJsonl(file)) {
      const rec = checkPrediction(value, file, line);
      lines.push(line);
      if (variant === 'e' && rec.length === undefined) throw new InputError(file, line, 'length', "must have required property 'length'");
      records.push(rec);
    }
    if (records.length === 0) throw new InputError(file, undefined, undefined, 'no predictions in this file');
    const allClasses = records[records.length - 1]!.all_classes;
    records.forEach((rec, j) => checkScorable(dataset, rec.answers, allClasses, file, lines[j]!));
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

function datasetOf(name: string, variant: 'v1' | 'e'): string {
  const stem = name.split('.')[0]!;
  return variant === 'e' && stem.endsWith('_e') && known(stem.slice(0, -2), 'e') ? stem.slice(0, -2) : stem;
}

function known(dataset: string, variant: 'v1' | 'e'): boolean {
  return DATASETS.some((d) => d.name === dataset && (variant === 'v1' || d.inE));
}

/**
 * v1 and LongBench-E predictions share file names (pred.py writes qasper.jsonl under pred/ and
 * pred_e/ alike), so the wrong import would score them without complaint: tell them apart by a
 * dataset only one has, an _e file name, or the official folder name, and name the right command.
 */
function checkVariant(dir: string, names: string[], variant: 'v1' | 'e'): void {
  const parent = basename(dirname(dir));
  let evidence: string | undefined;
  if (variant === 'e') {
    const v1Only = names.find((n) => DATASETS.some((d) => d.name === n.split('.')[0] && !d.inE));
    if (v1Only) evidence = `${v1Only.split('.')[0]} is not a LongBench-E dataset`;
    else if (parent === 'pred') evidence = 'it sits under pred/, where pred.py writes v1 predictions';
  } else {
    const eName = names.find((n) => /_e$/.test(n.split('.')[0]!) && known(n.split('.')[0]!.slice(0, -2), 'e'));
    if (eName) evidence = `${eName} is a LongBench-E file name`;
    else if (parent === 'pred_e' || basename(dir) === 'pred_e') evidence = 'it sits under pred_e/, where pred.py --e writes LongBench-E predictions';
  }
  if (!evidence) return;
  const [looks, other] = variant === 'e' ? ['LongBench v1', 'longbench'] : ['LongBench-E', 'longbench-e'];
  throw new UsageError(`${dir} looks like a ${looks} prediction folder (${evidence}); import it with \`evalh import ${other} ${dir}\``);
}

/** pred/ itself holds one folder per model: name them, so the fix is one copy-paste away. */
function modelFolders(dir: string): string {
  const models = listFolder(dir).filter((m) => {
    try {
      return checkInput(join(dir, m), 'folder') === 'folder' && listFolder(join(dir, m)).some((f) => f.endsWith('.jsonl'));
    } catch {
      return false;
    }
  });
  if (models.length === 0) return '';
  return `; it holds model folders (${models.slice(0, 4).join(', ')}${models.length > 4 ? ', …' : ''}): pass one, e.g. ${join(dir, models[0]!)}`;
}
