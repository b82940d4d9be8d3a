// NaturalCodeBench (THUDM/NaturalCodeBench, public dev set) as its evaluation scripts
// (ncb/evaluate.py, test_setup.py, execution.py, exec_python.py, exec_java.py) define it.
// One row per split: a programming language × a natural language, 70 problems each in the
// official data, one problems file and one reference-answers file.

export type Lang = 'python' | 'java';
export type NaturalLang = 'en' | 'zh';

export interface SplitSpec {
  /** Dataset name in evalh: `<lang>_<nl>`, as the official result's `benchmark` (`ncb_<lang>_<nl>`) without the prefix. */
  name: string;
  lang: Lang;
  nl: NaturalLang;
  /** problems/ncb_<lang>_<nl>.jsonl */
  problems: string;
  /** results/reference/reference_ncb_<lang>_<nl>.jsonl in the repository */
  reference: string;
}

const row = (lang: Lang, nl: NaturalLang): SplitSpec => ({
  name: `${lang}_${nl}`,
  lang,
  nl,
  problems: `ncb_${lang}_${nl}.jsonl`,
  reference: `reference_ncb_${lang}_${nl}.jsonl`,
});

//                        lang      nl
export const SPLITS: readonly SplitSpec[] = [
  row('python', 'en'),
  row('python', 'zh'),
  row('java',   'en'),
  row('java',   'zh'),
];

export const SPLIT_NAMES: readonly string[] = SPLITS.map((s) => s.name);

export function splitSpec(name: string): SplitSpec | undefined {
  return SPLITS.find((s) => s.name === name);
}

/**
 * Generation: the official README asks for one response per problem to the `prompt` field
 * (a chat turn: the prompt already tells the model to answer in one fenced block). evalh
 * asks greedily (temperature 0) for pass@1, with at most 2048 new tokens: the official
 * scripts fix no budget, and 2048 fits every reference answer of the dev set (the longest
 * is ~5 KB of code) with room to spare.
 */
export const GENERATION = { kind: 'chat', temperature: 0, maxTokens: 2048 } as const;

/**
 * Time limits per sample (the official ones — 840 s per Python problem, 420 s per Java
 * step — are there to survive a 64-way parallel run; on two cores they would let one hung
 * sample stall the whole run). Every reference solution of the dev set finishes in a few
 * seconds here; a sample that needs longer is a failure ("timeout"), as the official
 * TimeoutExpired is.
 */
export const LIMITS = {
  /** The whole pytest run of one Python sample. */
  pythonMs: 60_000,
  /** javac of one Java sample. */
  javacMs: 60_000,
  /** The JUnit console launcher run of one Java sample. */
  javaMs: 60_000,
} as const;

/**
 * Sample problems (written by evalh, not the benchmark) have ids from 90001 on; the
 * benchmark's own ids are 1..402 (dev set 131..200), so a prediction file's `_id` alone
 * says which problems it answers.
 */
export const SAMPLE_ID_BASE = 90000;

export function isSampleId(id: number): boolean {
  return id > SAMPLE_ID_BASE;
}
