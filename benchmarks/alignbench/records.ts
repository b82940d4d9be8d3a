import { checker } from '../../src/validate.js';
import { CATEGORY_NAMES } from './categories.js';

// The official record shapes: a question (data/data_release.jsonl, data/data_v1.1_release.jsonl),
// an answer line written by get_answers.py, and a judgment line written by judge.py (the
// answer line plus dimensions, judge_prompt, judgment, rating and score). Unknown keys are
// ignored: 17 v1.0 records carry a stray nested copy of another record, and v1.1 adds
// `evidences`, which the judge never sees.

export interface DataRecord {
  question_id: number;
  category: string;
  subcategory: string;
  question: string;
  reference: string;
}

export const checkDataRecord = checker<DataRecord>({
  type: 'object',
  required: ['question_id', 'category', 'subcategory', 'question', 'reference'],
  properties: {
    question_id: { type: 'integer' },
    category: { type: 'string', enum: [...CATEGORY_NAMES] },
    subcategory: { type: 'string' },
    question: { type: 'string' },
    reference: { type: 'string' },
  },
});

/** get_answers.py output, and judge.py output when `judgment` and `score` are present. */
export interface AnswerRecord {
  question_id: number;
  category: string;
  subcategory?: string;
  question?: string;
  reference?: string;
  model_id?: string;
  /** null when the model never answered (judge.py then formats it as "None"). */
  answer?: string | null;
  dimensions?: string[] | null;
  judgment?: string;
  rating?: Record<string, number>;
  score?: number;
}

export const checkAnswerRecord = checker<AnswerRecord>({
  type: 'object',
  required: ['question_id', 'category'],
  properties: {
    question_id: { type: 'integer' },
    category: { type: 'string', enum: [...CATEGORY_NAMES] },
    subcategory: { type: 'string' },
    question: { type: 'string' },
    reference: { type: 'string' },
    model_id: { type: 'string' },
    answer: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    dimensions: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] },
    judgment: { type: 'string' },
    rating: { type: 'object', additionalProperties: { type: 'number' } },
    score: { type: 'number' },
  },
});

// The four judging configs (config/*.json).
export const checkTemperature = checker<Record<string, number>>({ type: 'object', additionalProperties: { type: 'number' } });
export const checkDimensionSet = checker<Record<string, string[]>>({
  type: 'object',
  additionalProperties: { type: 'array', items: { type: 'string' } },
});
export const checkStringMap = checker<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' } });

/** What judging an item needs; stored with the item (small: one question and its reference). */
export interface Target {
  question_id: number;
  category: string;
  subcategory: string;
  question: string;
  reference: string;
  /** The dimension set of the question's type, resolved from the configs when the data was opened. */
  dimensions: string[];
  /** Imported judge.py output: the judgment to parse instead of asking a judge. */
  judgment?: string;
}
