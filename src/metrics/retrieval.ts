/**
 * metrics.py retrieval_score, retrieval_zh_score and count_score. `\d` is Python's Unicode
 * `\d` (category Nd: '３', '٣', '१' are digits; '²', '五' are not).
 */
import { pyDigitRunLength, pyDigitRuns } from './pystr.js';

/** `re.findall(prefix + r"(\d+)", text)[0]`, or undefined when there is no match. */
export function firstNumberAfter(text: string, prefix: string): string | undefined {
  let from = 0;
  for (;;) {
    const k = text.indexOf(prefix, from);
    if (k < 0) return undefined;
    const start = k + prefix.length;
    const len = pyDigitRunLength(text, start);
    if (len > 0) return text.slice(start, start + len);
    from = k + 1;
  }
}

function fractionEqual(prediction: string, target: string): number {
  const numbers = pyDigitRuns(prediction);
  let right = 0;
  for (const number of numbers) if (number === target) right++;
  return numbers.length === 0 ? 0.0 : right / numbers.length;
}

function groundTruthId(groundTruth: string, prefix: string, metric: string): string {
  const id = firstNumberAfter(groundTruth, prefix);
  if (id === undefined) {
    // Python: matches[0] -> IndexError; eval.py would stop
    throw new RangeError(`${metric}: no "${prefix}<number>" in the ground truth ${JSON.stringify(groundTruth.slice(0, 80))}`);
  }
  return id;
}

/** passage_retrieval_en: share of the numbers in the prediction equal to the "Paragraph N" id. */
export function retrievalScore(prediction: string, groundTruth: string): number {
  return fractionEqual(prediction, groundTruthId(groundTruth, 'Paragraph ', 'retrieval'));
}

/** passage_retrieval_zh: same with "段落N". */
export function retrievalZhScore(prediction: string, groundTruth: string): number {
  return fractionEqual(prediction, groundTruthId(groundTruth, '段落', 'retrieval_zh'));
}

/** passage_count: share of the numbers in the prediction equal to the ground truth string. */
export function countScore(prediction: string, groundTruth: string): number {
  return fractionEqual(prediction, groundTruth);
}
