import { InputError } from '../../src/errors.js';
import { checker } from '../../src/validate.js';
import { languageOfTask, type Language } from './languages.js';

// The two official record shapes: a problem line (humaneval_<lang>.jsonl.gz) and a sample
// line of the official evaluation input ({task_id, generation}).

export interface Problem {
  task_id: string;
  prompt: string;
  canonical_solution: string;
  test: string;
  declaration?: string;
  example_test?: string;
  text?: string;
  /** Go only: the prompt's import block (removed from the program) and the test file header. */
  import?: string;
  docstring?: string;
  test_setup?: string;
}

export interface SampleRecord {
  task_id: string;
  generation: string;
}

const str = { type: 'string' };

export const checkProblem = checker<Problem>({
  type: 'object',
  required: ['task_id', 'prompt', 'canonical_solution', 'test'],
  properties: {
    task_id: str,
    prompt: str,
    canonical_solution: str,
    test: str,
    declaration: str,
    example_test: str,
    text: str,
    import: str,
    docstring: str,
    test_setup: str,
  },
});

// Only the fields the official evaluation reads; others (prompt, completion_id, …) may ride along.
export const checkSample = checker<SampleRecord>({
  type: 'object',
  required: ['task_id', 'generation'],
  properties: { task_id: str, generation: str },
});

/** Checks what the schema cannot: the task_id belongs to the file's language; Go's extra fields. */
export function checkProblemFor(lang: Language, value: unknown, file: string, line: number): Problem {
  const p = checkProblem(value, file, line);
  if (languageOfTask(p.task_id) !== lang) {
    throw new InputError(file, line, 'task_id', `"${p.task_id}" is not a ${lang} task id (expected the prefix of this file's language)`);
  }
  if (lang === 'go') {
    for (const field of ['import', 'test_setup'] as const) {
      if (typeof p[field] !== 'string') throw new InputError(file, line, field, `must have required property '${field}' (Go problems)`);
    }
  }
  return p;
}

/**
 * What scoring needs of an item, stored with it. The problem itself (prompt and test,
 * a few KB) is not: with n=200 samples per problem it would be stored 200 times. The
 * scorer finds it again by the hash of the data file it came from (`src`), which is part
 * of the run fingerprint, so a resumed run always scores against the same problem text.
 */
export interface Target {
  task_id: string;
  /** Sample index within the problem (0 … n-1). */
  k: number;
  /** First 16 hex digits of the sha256 of the problem file (or "sample"). */
  src: string;
  /**
   * True for an official sample file's `generation` (evalh import / replay): it is already
   * cleaned, so the official evaluation runs it as is (only a fenced block is extracted).
   */
  verbatim?: boolean;
}
