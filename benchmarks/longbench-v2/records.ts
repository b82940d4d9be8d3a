import { checker } from '../../src/validate.js';

// The two official record shapes: a question of data.json, and a line pred.py writes to
// results/<model>.jsonl (the question's fields plus response, pred, judge; context cut to
// 1000 characters).

export const DIFFICULTIES = ['easy', 'hard'] as const;
export const LENGTHS = ['short', 'medium', 'long'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];
export type Length = (typeof LENGTHS)[number];
export type Choice = 'A' | 'B' | 'C' | 'D';

export interface DataRecord {
  _id: string;
  domain: string;
  sub_domain: string;
  difficulty: Difficulty;
  length: Length;
  question: string;
  choice_A: string;
  choice_B: string;
  choice_C: string;
  choice_D: string;
  answer: Choice;
  context: string;
}

export interface ResultRecord {
  _id: string;
  difficulty: Difficulty;
  length: Length;
  pred: Choice | null;
  answer: Choice;
  judge: boolean;
}

const choice = { type: 'string', enum: ['A', 'B', 'C', 'D'] };
const difficulty = { type: 'string', enum: DIFFICULTIES };
const length = { type: 'string', enum: LENGTHS };

// pred.py reads every one of these fields (KeyError otherwise) and calls .strip() on the
// question, the choices and the context, so each must be a string.
export const checkDataRecord = checker<DataRecord>({
  type: 'object',
  required: ['_id', 'domain', 'sub_domain', 'difficulty', 'length', 'question', 'choice_A', 'choice_B', 'choice_C', 'choice_D', 'answer', 'context'],
  properties: {
    _id: { type: 'string', minLength: 1 },
    domain: { type: 'string' },
    sub_domain: { type: 'string' },
    difficulty,
    length,
    question: { type: 'string' },
    choice_A: { type: 'string' },
    choice_B: { type: 'string' },
    choice_C: { type: 'string' },
    choice_D: { type: 'string' },
    answer: choice,
    context: { type: 'string' },
  },
});

// result.py reads judge, difficulty and length (and pred with `compensated`). It files any
// difficulty other than "easy" under hard and any length other than short/medium under
// long; evalh refuses such a value instead, since it can only be a broken file.
export const checkResultRecord = checker<ResultRecord>({
  type: 'object',
  required: ['_id', 'difficulty', 'length', 'pred', 'answer', 'judge'],
  properties: {
    _id: { type: 'string', minLength: 1 },
    difficulty,
    length,
    pred: { anyOf: [choice, { type: 'null' }] },
    answer: choice,
    judge: { type: 'boolean' },
  },
});

/** What scoring and aggregation need of an item; stored with it (the context is not). */
export interface Target {
  _id: string;
  difficulty: Difficulty;
  length: Length;
  answer: Choice;
  domain?: string;
  sub_domain?: string;
}
