import { InputError } from '../../src/errors.js';
import { checker } from '../../src/validate.js';
import type { Lang } from './splits.js';

// The two official record shapes: a problem line (problems/ncb_<lang>_<nl>.jsonl) and an
// answer line ({"_id", "response"}: the reference files and a model's results file).

export interface ProblemRecord {
  _id: number;
  prompt: string;
  testcases: string;
  setup_code: string;
  problem?: string;
  reference_solution?: string;
  classification?: string;
}

export interface AnswerRecord {
  _id: number | string;
  /** test_setup.py skips a falsy response (no files are written for it). */
  response: string | null;
}

const str = { type: 'string' };

// The evaluator reads _id, testcases and setup_code of every problem; evalh sends prompt.
export const checkProblem = checker<ProblemRecord>({
  type: 'object',
  required: ['_id', 'prompt', 'testcases', 'setup_code'],
  properties: {
    _id: { type: 'integer' },
    prompt: str,
    testcases: str,
    setup_code: str,
    problem: str,
    reference_solution: str,
    classification: str,
  },
});

export const checkAnswer = checker<AnswerRecord>({
  type: 'object',
  required: ['_id', 'response'],
  properties: {
    _id: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+$' }] },
    response: { anyOf: [{ type: 'string' }, { type: 'null' }] },
  },
});

/** Checks what the schema cannot: a Java test file must name its test class (the evaluator renames it). */
export function checkProblemFor(lang: Lang, value: unknown, file: string, line: number): ProblemRecord {
  const p = checkProblem(value, file, line);
  if (lang === 'java' && !/class (.*?)\s/s.test(p.testcases)) {
    throw new InputError(file, line, 'testcases', 'a Java problem\'s test code must declare its test class ("class <Name> ...")');
  }
  return p;
}

/** How a sample ended, for the error shares (the official script's categories, plus evalh's own). */
export type Outcome =
  | 'passed'
  /** Tests ran and not all passed (assertion failures; the official "Not Pass All"). */
  | 'failed'
  /** Python: no test collected, the collection error a SyntaxError. */
  | 'syntax_error'
  /** Python: no test collected for another reason, or a test failed with an exception other than an assertion. */
  | 'runtime_error'
  /** Java: javac failed. */
  | 'compile_error'
  /** Java: the test run ended without a test report (System.exit, a JVM crash). */
  | 'execution_error'
  /** The sample ran past its time limit. */
  | 'timeout'
  /** The sample was killed for its memory or output size. */
  | 'resource_limit'
  /** An empty response: nothing to run. */
  | 'no_code'
  /** The environment, not the model, kept the sample from passing. */
  | 'not_evaluable';

/**
 * What scoring needs of an item, stored with it: the benchmark's test code travels with
 * the item (a few KB), so a resumed run or an import scores against exactly the problem
 * it was made from. `outcome` is written by the scorer (aggregation reads it for the error
 * shares: the summary sees an item's target and score only).
 */
export interface Target {
  _id: number;
  /** Sample index within the problem (several answers per problem in an imported file). */
  k: number;
  testcases: string;
  setup_code: string;
  /** The problem statement (input file names are looked up in it). */
  problem: string;
  /**
   * The problem's reference answer: in this environment it shows which tests cannot pass
   * here (see score.ts). Absent when the data has none.
   */
  reference?: string;
  outcome?: Outcome;
}

export function answerId(rec: AnswerRecord): number {
  return typeof rec._id === 'number' ? rec._id : Number.parseInt(rec._id, 10);
}
