/**
 * metrics.py qa_f1_score / qa_f1_zh_score: bag-of-tokens F1 (collections.Counter semantics).
 */
import { cut } from '../text/jieba/index.js';
import { normalizeAnswer, normalizeZhAnswer } from './normalize.js';
import { pySplit } from './pystr.js';

/** metrics.py `f1_score` over token lists (0 when nothing is shared). */
export function f1Score(prediction: readonly string[], groundTruth: readonly string[]): number {
  const remaining = new Map<string, number>();
  for (const t of groundTruth) remaining.set(t, (remaining.get(t) ?? 0) + 1);
  let numSame = 0; // sum over tokens of min(count in prediction, count in ground truth)
  for (const t of prediction) {
    const r = remaining.get(t);
    if (r !== undefined && r > 0) {
      remaining.set(t, r - 1);
      numSame++;
    }
  }
  if (numSame === 0) return 0;
  const precision = (1.0 * numSame) / prediction.length;
  const recall = (1.0 * numSame) / groundTruth.length;
  return (2 * precision * recall) / (precision + recall);
}

export function qaF1Score(prediction: string, groundTruth: string): number {
  return f1Score(pySplit(normalizeAnswer(prediction)), pySplit(normalizeAnswer(groundTruth)));
}

function zhTokens(text: string): string[] {
  const out: string[] = [];
  for (const token of cut(text)) {
    const t = normalizeZhAnswer(token);
    if (t.length > 0) out.push(t);
  }
  return out;
}

export function qaF1ZhScore(prediction: string, groundTruth: string): number {
  return f1Score(zhTokens(prediction), zhTokens(groundTruth));
}
