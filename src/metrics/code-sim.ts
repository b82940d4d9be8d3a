/**
 * metrics.py code_sim_score (lcc, repobench-p) with fuzzywuzzy's fuzz.ratio on its difflib
 * backend (the official environment has no python-Levenshtein; with it, scores differ).
 */
import { codePoints, sequenceMatcherRatio } from './difflib.js';
import { pyRoundInt } from './pyround.js';
import { lstripNewlines } from './pystr.js';

/**
 * fuzz.ratio(s1, s2): 100 if equal (even both empty), 0 if either is empty, else
 * int(round(100 * SequenceMatcher(None, s1, s2).ratio())) with Python's half-even round.
 */
export function fuzzRatio(s1: string, s2: string): number {
  if (s1 === s2) return 100;
  if (s1.length === 0 || s2.length === 0) return 0;
  return pyRoundInt(100 * sequenceMatcherRatio(codePoints(s1), codePoints(s2)));
}

/** The first line of `prediction.lstrip('\n')` with no '`', '#' or '//' (else ""). */
export function firstCodeLine(prediction: string): string {
  for (const line of lstripNewlines(prediction).split('\n')) {
    if (!line.includes('`') && !line.includes('#') && !line.includes('//')) return line;
  }
  return '';
}

export function codeSimScore(prediction: string, groundTruth: string): number {
  return fuzzRatio(firstCodeLine(prediction), groundTruth) / 100;
}
