/**
 * metrics.py rouge_score / rouge_zh_score: the `rouge` 1.0.1 package's
 * `Rouge().get_scores([pred], [gt], avg=True)["rouge-l"]["f"]`, every exception -> 0.0.
 *
 * What the package does (and what is reproduced here):
 * - sentences = text.split(".") minus zero-length pieces, each then `" ".join(piece.split())`
 *   (so a whitespace-only piece becomes the sentence "", whose one word is "");
 *   words = sentence.split(" ").
 * - rouge-1 and rouge-2 are computed first; they raise only for an empty hypothesis or
 *   reference (no sentence), which makes the whole score 0.
 * - ROUGE-L summary level: for each reference sentence, for each hypothesis sentence, ONE
 *   LCS is rebuilt by recursive backtracking from the end of the DP table (equal tokens:
 *   take and go diagonal; else up if table[i-1][j] > table[i][j-1], else left) and its words
 *   are added to one set; llcs = |set|, m / n = distinct words of reference / hypothesis,
 *   F = 2 * ((P * R) / (P + R + 1e-8)).
 * - The backtrack `_recon` recurses once per step. With CPython's default recursion limit
 *   (1000) a path of more than MAX_RECON_STEPS steps raises RecursionError -> score 0.
 *   Frames on the stack under eval.py: <module>, scorer, rouge_score, Rouge.get_scores,
 *   Rouge._get_avg_scores, <lambda>, rouge_l_summary_level, _union_lcs, _recon_lcs = 9,
 *   then steps + 1 `_recon` frames: 9 + steps + 1 <= 1000  <=>  steps <= 990. rouge_zh_score
 *   adds one frame (rouge_zh_score -> rouge_score): steps <= 989. Measured with Python 3.11
 *   (scripts/gen-metric-fixtures.py asserts 990 passes and 991 fails).
 *
 * The DP table is kept as one bit per cell (bit-parallel LCS, Allison-Dix / Hyyrö): the
 * backtrack only needs to know whether table[i][j] - table[i][j-1] is 1 (then "up" wins,
 * since both neighbours are within 1 of table[i][j] and their max is table[i][j]).
 */
import { cut } from '../text/jieba/index.js';
import { pySplit } from './pystr.js';

/** CPython's default sys.getrecursionlimit(). */
export const PYTHON_RECURSION_LIMIT = 1000;
/** Frames below the first `_recon` call when eval.py's scorer() calls rouge_score. */
export const FRAMES_BELOW_RECON = 9;
/** Longest backtrack path (steps) that does not raise RecursionError, for rouge_score. */
export const MAX_RECON_STEPS = PYTHON_RECURSION_LIMIT - FRAMES_BELOW_RECON - 1; // 990
/** Same for rouge_zh_score, which calls rouge_score from one frame deeper. */
export const MAX_RECON_STEPS_ZH = MAX_RECON_STEPS - 1; // 989

let rows = new Int32Array(1 << 16);
let vec = new Int32Array(64);

/**
 * Words of each rouge sentence (`[" ".join(s.split()) for s in text.split(".") if len(s) > 0]`,
 * each then `.split(" ")`), taken straight from str.split(): a whitespace-only piece is the
 * sentence "", whose only word is "".
 */
export function rougeSentenceWords(text: string): string[][] {
  const out: string[][] = [];
  for (const piece of text.split('.')) {
    if (piece.length === 0) continue;
    const words = pySplit(piece);
    out.push(words.length > 0 ? words : ['']);
  }
  return out;
}

function toIds(words: string[], intern: Map<string, number>): Int32Array {
  const ids = new Int32Array(words.length);
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    let id = intern.get(w);
    if (id === undefined) {
      id = intern.size;
      intern.set(w, id);
    }
    ids[k] = id;
  }
  return ids;
}

/**
 * Position bit masks of one hypothesis sentence: `slot[id]` = offset of token id's mask in
 * `masks` (W words each), -1 for tokens absent from the sentence. Returns the ids it set.
 */
function setMasks(y: Int32Array, W: number, slot: Int32Array, masks: Int32Array): number[] {
  const set: number[] = [];
  masks.fill(0, 0, y.length * W);
  for (let j = 0; j < y.length; j++) {
    const id = y[j]!;
    let off = slot[id]!;
    if (off < 0) {
      off = set.length * W;
      slot[id] = off;
      set.push(id);
    }
    masks[off + (j >>> 5)]! |= 1 << (j & 31);
  }
  return set;
}

/**
 * `_recon_lcs(x, y)`: marks the words of the rebuilt LCS in `union`; returns how many were
 * new, or -1 where Python raises RecursionError (backtrack path longer than maxSteps).
 * `slot` / `masks` describe y (see setMasks).
 */
function reconIntoUnion(
  x: Int32Array,
  y: Int32Array,
  slot: Int32Array,
  masks: Int32Array,
  union: Uint8Array,
  maxSteps: number,
): number {
  const n = x.length;
  const m = y.length;
  // every path needs at least min(n, m) steps to reach row 0 or column 0
  if (Math.min(n, m) > maxSteps) return -1;
  const W = (m + 31) >>> 5;
  if (rows.length < n * W) rows = new Int32Array(Math.max(n * W, rows.length * 2));
  if (W === 1) {
    let v = -1;
    for (let i = 0; i < n; i++) {
      const off = slot[x[i]!]!;
      if (off >= 0) {
        const vu = v >>> 0;
        const u = (vu & masks[off]!) >>> 0;
        v = (vu + u) | (vu & ~u); // (V + U) | (V - U); U is a subset of V so V - U = V & ~U
      }
      rows[i] = v;
    }
  } else {
    if (vec.length < W) vec = new Int32Array(Math.max(W, vec.length * 2));
    const V = vec;
    V.fill(-1, 0, W);
    for (let i = 0; i < n; i++) {
      const off = slot[x[i]!]!;
      const base = i * W;
      if (off < 0) {
        for (let w = 0; w < W; w++) rows[base + w] = V[w]!;
        continue;
      }
      let carry = 0;
      for (let w = 0; w < W; w++) {
        const v = V[w]! >>> 0;
        const u = (v & masks[off + w]!) >>> 0;
        const sum = v + u + carry; // < 2^33
        carry = sum > 0xffffffff ? 1 : 0;
        const nv = sum | (v & ~u);
        V[w] = nv;
        rows[base + w] = nv;
      }
    }
  }
  // backtrack from (n, m); bit (j-1) of row i-1 is 0 <=> table[i][j] - table[i][j-1] == 1
  let i = n;
  let j = m;
  let steps = 0;
  let added = 0;
  while (i > 0 && j > 0) {
    if (++steps > maxSteps) return -1;
    const xi = x[i - 1]!;
    if (xi === y[j - 1]!) {
      if (union[xi] === 0) {
        union[xi] = 1;
        added++;
      }
      i--;
      j--;
    } else if (((rows[(i - 1) * W + ((j - 1) >>> 5)]! >>> ((j - 1) & 31)) & 1) === 0) {
      i--;
    } else {
      j--;
    }
  }
  return added;
}

/**
 * ROUGE-L "f" of `rouge` 1.0.1, or null where the package raises (empty hypothesis or
 * reference, RecursionError in the backtrack).
 */
export function rougeL(hypothesis: string, reference: string, maxSteps: number = MAX_RECON_STEPS): number | null {
  const hyp = rougeSentenceWords(hypothesis);
  const ref = rougeSentenceWords(reference);
  if (hyp.length === 0 || ref.length === 0) return null; // rouge_n: ValueError
  const intern = new Map<string, number>();
  const refIds = ref.map((s) => toIds(s, intern));
  const refVocab = intern.size; // distinct reference words = m
  const hypIds = hyp.map((s) => toIds(s, intern));
  const seen = new Uint8Array(intern.size);
  let nHyp = 0;
  for (const ids of hypIds) {
    for (const id of ids) {
      if (seen[id] === 0) {
        seen[id] = 1;
        nHyp++;
      }
    }
  }
  // cheap pre-check: a pair whose shorter side is too long raises whatever else happens
  for (const r of refIds) {
    for (const h of hypIds) if (Math.min(r.length, h.length) > maxSteps) return null;
  }
  // Python loops reference-major; the union is a set and any RecursionError zeroes the
  // score, so the pair order does not matter: go hypothesis-major to build each mask once.
  const union = new Uint8Array(intern.size);
  const slot = new Int32Array(intern.size).fill(-1);
  let llcs = 0;
  for (const h of hypIds) {
    const W = (h.length + 31) >>> 5;
    const masks = new Int32Array(h.length * W);
    const set = setMasks(h, W, slot, masks);
    for (const r of refIds) {
      const added = reconIntoUnion(r, h, slot, masks, union, maxSteps);
      if (added < 0) return null;
      llcs += added;
    }
    for (const id of set) slot[id] = -1;
  }
  const m = refVocab;
  const n = nHyp;
  const rLcs = llcs / m;
  const pLcs = llcs / n;
  return 2.0 * ((pLcs * rLcs) / (pLcs + rLcs + 1e-8));
}

/** metrics.py `rouge_score`. */
export function rougeScore(prediction: string, groundTruth: string): number {
  return rougeL(prediction, groundTruth, MAX_RECON_STEPS) ?? 0.0;
}

/** metrics.py `rouge_zh_score`: jieba tokens joined by single spaces on both sides. */
export function rougeZhScore(prediction: string, groundTruth: string): number {
  const p = cut(prediction).join(' ');
  const g = cut(groundTruth).join(' ');
  return rougeL(p, g, MAX_RECON_STEPS_ZH) ?? 0.0;
}
