import { InputError } from '../../src/errors.js';
import { scoreItem } from '../../src/metrics/index.js';
import { checker } from '../../src/validate.js';
import { datasetSpec } from './datasets.js';

// The two official record shapes: a data line (data/<name>.jsonl) and a prediction line
// written by pred.py (pred/<model>/<name>.jsonl).

export interface DataRecord {
  input: string;
  context: string;
  answers: string[];
  length?: number;
  all_classes?: string[] | null;
  _id?: string;
  dataset?: string;
  language?: string;
}

export interface PredictionRecord {
  pred: string;
  answers: string[];
  all_classes: string[] | null;
  length?: number;
}

const classes = { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] };

export const checkDataRecord = checker<DataRecord>({
  type: 'object',
  required: ['input', 'context', 'answers'],
  properties: {
    input: { type: 'string' },
    context: { type: 'string' },
    answers: { type: 'array', items: { type: 'string' } },
    length: { type: 'integer' },
    all_classes: classes,
    _id: { type: 'string' },
    dataset: { type: 'string' },
    language: { type: 'string' },
  },
});

// eval.py reads pred, answers and all_classes from every line (KeyError otherwise) and
// length where present; LongBench-E needs length on every line.
export const checkPrediction = checker<PredictionRecord>({
  type: 'object',
  required: ['pred', 'answers', 'all_classes'],
  properties: {
    pred: { type: 'string' },
    answers: { type: 'array', items: { type: 'string' } },
    all_classes: classes,
    length: { type: 'integer' },
  },
});

/** What scoring needs of an item; stored with it (the context is not). */
export interface Target {
  answers: string[];
  all_classes: string[] | null;
  length: number | null;
}

/**
 * Some records make the official metrics raise (a retrieval answer without "Paragraph N",
 * classification without all_classes): eval.py dies there. evalh refuses such a record up
 * front, naming it, instead of failing mid-run or scoring it some made-up way.
 */
export function checkScorable(dataset: string, answers: string[], allClasses: string[] | null, file: string, line: number): void {
  try {
    scoreItem(datasetSpec(dataset)!.metric, '', answers, allClasses, dataset);
  } catch (e) {
    const field = /all_classes/.test((e as Error).message) ? 'all_classes' : 'answers';
    throw new InputError(file, line, field, `the official metric cannot score this record (${(e as Error).message})`);
  }
}
