/**
 * LongBench v1 metrics, identical to the official Python (THUDM/LongBench metrics.py +
 * eval.py at 2e00731). Pure functions; see the modules for the exact semantics.
 */
import { classificationScore } from './classification.js';
import { codeSimScore } from './code-sim.js';
import { qaF1Score, qaF1ZhScore } from './qa-f1.js';
import { countScore, retrievalScore, retrievalZhScore } from './retrieval.js';
import { rougeScore, rougeZhScore } from './rouge.js';
import { lstripNewlines } from './pystr.js';

export { bucketScores, datasetScore, lengthBucket, numpyMean } from './aggregate.js';
export type { BucketName, BucketScores } from './aggregate.js';
export { pyRound, pyRoundInt, numpyRound } from './pyround.js';
export { normalizeAnswer, normalizeZhAnswer } from './normalize.js';
export { f1Score, qaF1Score, qaF1ZhScore } from './qa-f1.js';
export { rougeScore, rougeZhScore, rougeL, MAX_RECON_STEPS, MAX_RECON_STEPS_ZH } from './rouge.js';
export { classificationScore } from './classification.js';
export { retrievalScore, retrievalZhScore, countScore } from './retrieval.js';
export { codeSimScore, fuzzRatio, firstCodeLine } from './code-sim.js';
export { sequenceMatcherRatio } from './difflib.js';

export type MetricName =
  | 'qa_f1'
  | 'qa_f1_zh'
  | 'rouge'
  | 'rouge_zh'
  | 'classification'
  | 'retrieval'
  | 'retrieval_zh'
  | 'count'
  | 'code_sim';

export type MetricFn = (prediction: string, groundTruth: string, allClasses: string[] | null) => number;

export const metrics: Record<MetricName, MetricFn> = {
  qa_f1: (p, g) => qaF1Score(p, g),
  qa_f1_zh: (p, g) => qaF1ZhScore(p, g),
  rouge: (p, g) => rougeScore(p, g),
  rouge_zh: (p, g) => rougeZhScore(p, g),
  classification: (p, g, c) => classificationScore(p, g, c),
  retrieval: (p, g) => retrievalScore(p, g),
  retrieval_zh: (p, g) => retrievalZhScore(p, g),
  count: (p, g) => countScore(p, g),
  code_sim: (p, g) => codeSimScore(p, g),
};

/** eval.py dataset2metric (LongBench v1; LongBench-E uses the same names). */
export const DATASET_METRIC: Readonly<Record<string, MetricName>> = {
  narrativeqa: 'qa_f1',
  qasper: 'qa_f1',
  multifieldqa_en: 'qa_f1',
  multifieldqa_zh: 'qa_f1_zh',
  hotpotqa: 'qa_f1',
  '2wikimqa': 'qa_f1',
  musique: 'qa_f1',
  dureader: 'rouge_zh',
  gov_report: 'rouge',
  qmsum: 'rouge',
  multi_news: 'rouge',
  vcsum: 'rouge_zh',
  trec: 'classification',
  triviaqa: 'qa_f1',
  samsum: 'rouge',
  lsht: 'classification',
  passage_count: 'count',
  passage_retrieval_en: 'retrieval',
  passage_retrieval_zh: 'retrieval_zh',
  lcc: 'code_sim',
  'repobench-p': 'code_sim',
};

/** Datasets whose prediction is cut to its first line before scoring (eval.py). */
export const FIRST_LINE_DATASETS: ReadonlySet<string> = new Set(['trec', 'triviaqa', 'samsum', 'lsht']);

/** `pred.lstrip('\n').split('\n')[0]` */
export function firstLine(prediction: string): string {
  const s = lstripNewlines(prediction);
  const k = s.indexOf('\n');
  return k < 0 ? s : s.slice(0, k);
}

/**
 * eval.py's per-item score: for trec, triviaqa, samsum, lsht the prediction becomes its first
 * line (after leading newlines); then `score = max(score, metric(pred, gt))` over the answers,
 * starting from 0.0 (so never below 0; no answers -> 0). Errors the official code does not
 * catch (retrieval without "Paragraph N" in the answer, classification without classes)
 * are thrown.
 */
export function scoreItem(
  metric: MetricName,
  prediction: string,
  answers: readonly string[],
  allClasses: string[] | null,
  dataset: string,
): number {
  const fn = metrics[metric];
  const pred = FIRST_LINE_DATASETS.has(dataset) ? firstLine(prediction) : prediction;
  let score = 0.0;
  for (const gt of answers) {
    const s = fn(pred, gt, allClasses);
    if (s > score) score = s; // Python max(score, s) keeps the first unless s is greater
  }
  return score;
}
