import { basename, join, resolve } from 'node:path';
import { InputError, UsageError } from '../../src/errors.js';
import { sha256File } from '../../src/hash.js';
import { checkInput, listFolder } from '../../src/input.js';
import { readJsonl } from '../../src/jsonl.js';
import type { CoveragePart } from '../../src/coverage.js';
import type { ImportedPrediction, ReadPredictions } from '../../src/suite.js';
import { SAMPLE_DIR, problemsFor } from './load.js';
import { answerId, checkAnswer, type Target } from './records.js';
import { SPLITS } from './splits.js';
import { itemId, targetOf } from './items.js';

// The official evaluation input (README, evaluate.py): results/<model>/<model>_ncb_<lang>_<nl>.jsonl,
// one {"_id", "response"} per line. A problem may have several answers (pass@k); the i-th
// line of a problem is its answer i.

const FILE = /^(.+)_ncb_(python|java)_(en|zh)\.jsonl$/;

const HINT = 'give a <model>_ncb_<lang>_<nl>.jsonl answer file or the folder of them';

export async function readAnswers(path: string): Promise<ReadPredictions> {
  const root = resolve(path);
  const inputs =
    checkInput(root, 'file or folder', HINT) === 'folder'
      ? listFolder(root)
          .filter((f) => FILE.test(f))
          .sort()
          .map((f) => join(root, f))
      : [root];
  if (inputs.length === 0) throw new InputError(root, undefined, undefined, 'no <model>_ncb_<lang>_<nl>.jsonl answer files in this folder');
  const models = new Set<string>();
  for (const f of inputs) {
    const m = FILE.exec(basename(f));
    if (!m) throw new InputError(f, undefined, undefined, 'an answer file is named <model>_ncb_<lang>_<nl>.jsonl (lang python or java, nl en or zh)');
    models.add(m[1]!);
  }
  if (models.size > 1) throw new UsageError(`${root}: answer files of several models (${[...models].join(', ')}); import one model's files at a time`);

  const predictions: ImportedPrediction[] = [];
  const files: Record<string, string> = {};
  const parts: CoveragePart[] = [];
  // Split order, so that item order does not depend on file names.
  const bySplit = new Map<string, string>();
  for (const f of inputs) {
    const m = FILE.exec(basename(f))!;
    bySplit.set(`${m[2]}_${m[3]}`, f);
  }
  for (const split of SPLITS.map((s) => s.name).filter((s) => bySplit.has(s))) {
    const file = bySplit.get(split)!;
    const answers: { id: number; response: string; line: number }[] = [];
    for await (const { line, value } of readJsonl(file)) {
      const a = checkAnswer(value, file, line);
      answers.push({ id: answerId(a), response: a.response ?? '', line });
    }
    if (answers.length === 0) throw new InputError(file, undefined, undefined, 'no answers in this file');
    const loaded = await problemsFor(split, answers.map((a) => a.id));
    const byId = new Map(loaded.problems.map((p) => [p._id, p]));
    const k = new Map<number, number>();
    answers.forEach((a, seq) => {
      const problem = byId.get(a.id);
      if (!problem) throw new InputError(file, a.line, '_id', `${a.id} is not a problem of ${loaded.file}`);
      const n = k.get(a.id) ?? 0;
      k.set(a.id, n + 1);
      const target: Target = targetOf(problem, n, loaded.references.get(a.id));
      predictions.push({ item: { id: itemId(split, a.id, n), dataset: split, seq, target }, output: a.response });
    });
    // The split's full set is the problem file its answers were checked against.
    parts.push({ name: split, have: k.size, of: loaded.problems.length });
    files[basename(file)] = await sha256File(file);
    files[`problems/${split}${loaded.file.startsWith(SAMPLE_DIR) ? ' (sample)' : ''}`] = loaded.sha256;
  }
  return { predictions, files, coverage: { unit: 'problems', parts, source: 'the problem files the answers were checked against' } };
}
