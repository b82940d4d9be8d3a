/**
 * metrics.py classification_score (trec, lsht).
 */
import { pyContains } from './pystr.js';

/**
 * Candidates = classes (in `allClasses` order) found in the prediction; then every candidate
 * that is a substring of the ground truth but not equal to it is removed — while iterating
 * the same list, as the official code does, so the element right after a removed one is
 * skipped (Python's list iterator is an index). Score = 1/len if the ground truth is still a
 * candidate, else 0.
 */
export function classificationScore(prediction: string, groundTruth: string, allClasses: readonly string[] | null): number {
  if (allClasses === null || allClasses === undefined) {
    // Python: `for class_name in None` -> TypeError; eval.py would stop
    throw new TypeError("classification: all_classes is null ('NoneType' object is not iterable)");
  }
  const matches: string[] = [];
  for (const className of allClasses) {
    if (pyContains(prediction, className)) matches.push(className);
  }
  for (let k = 0; k < matches.length; k++) {
    const term = matches[k]!;
    if (pyContains(groundTruth, term) && term !== groundTruth) {
      matches.splice(matches.indexOf(term), 1); // list.remove: first equal element
    }
  }
  return matches.includes(groundTruth) ? 1.0 / matches.length : 0.0;
}
