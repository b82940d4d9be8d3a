import { basename, resolve } from 'node:path';
import { InputError } from '../../src/errors.js';
import { sha256File } from '../../src/hash.js';
import { checkInput } from '../../src/input.js';
import { readJsonRecords } from '../../src/json-records.js';
import type { ImportedPrediction, ReadPredictions } from '../../src/suite.js';
import { DATASET, SAMPLE_FILE } from './load.js';
import { checkResultRecord, type Target } from './records.js';

/**
 * Reads one results file of pred.py (results/<model>.jsonl; result.py also takes a JSON
 * array) the way result.py does: the stored `judge` is the item's score, not a fresh
 * comparison of pred and answer. Every record is checked first; one bad record stops the
 * import (exit 2) before anything is written.
 */
/** LongBench v2's questions (data.json on the dataset page). */
export const V2_ITEMS = 503;

export async function readResultFile(path: string): Promise<ReadPredictions> {
  const file = resolve(path);
  checkInput(file, 'file', 'give one results file of pred.py (results/<model>.jsonl)');
  const predictions: ImportedPrediction[] = [];
  const seen = new Map<string, number>();
  for await (const { line, value } of readJsonRecords(file)) {
    const rec = checkResultRecord(value, file, line);
    const before = seen.get(rec._id);
    if (before !== undefined) throw new InputError(file, line, '_id', `duplicate _id "${rec._id}" (first at line ${before})`);
    seen.set(rec._id, line);
    const target: Target = { _id: rec._id, difficulty: rec.difficulty, length: rec.length, answer: rec.answer };
    const v = value as Record<string, unknown>;
    if (typeof v.domain === 'string') target.domain = v.domain;
    if (typeof v.sub_domain === 'string') target.sub_domain = v.sub_domain;
    // The output is the model's final response when the file has it; the score comes from judge.
    const output = typeof v.response === 'string' ? v.response : rec.pred === null ? '' : `The correct answer is (${rec.pred})`;
    predictions.push({ item: { id: rec._id, dataset: DATASET, seq: predictions.length, target: { ...target, judge: rec.judge, pred: rec.pred } }, output });
  }
  if (predictions.length === 0) throw new InputError(file, undefined, undefined, 'no results in this file');
  // Results of evalh's own sample (ids evalh-sample-v2-…) are compared with the sample, all others with the official 503.
  const sample = [...seen.keys()].every((id) => id.startsWith('evalh-sample-v2-'));
  let of = V2_ITEMS;
  if (sample) {
    of = 0;
    for await (const _ of readJsonRecords(SAMPLE_FILE)) of++;
  }
  return {
    predictions,
    files: { [basename(file)]: await sha256File(file) },
    coverage: {
      unit: 'questions',
      parts: [{ name: sample ? `${DATASET} (sample)` : DATASET, have: seen.size, of }],
      source: sample ? "evalh's built-in sample" : "LongBench v2's data.json (503 questions)",
    },
  };
}
