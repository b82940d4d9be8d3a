// jieba.finalseg of jieba 0.42.1: the BMES hidden Markov model that segments runs of
// characters the dictionary route left as single characters.
import { readFileSync } from 'node:fs';

/** finalseg.MIN_FLOAT: the "impossible" log-probability. It is finite on purpose: sums of it
 * stay comparable (-3.14e100 + x == -3.14e100 for small x, twice it is -6.28e100), and the
 * tie-breaking below depends on those exact values. */
export const MIN_FLOAT = -3.14e100;

// States in alphabetical order, so "larger index" == "larger letter" when Python's max()
// breaks a probability tie by comparing the (prob, state) tuples.
const B = 0;
const E = 1;
const M = 2;
const S = 3;
const STATES = 'BEMS';

// finalseg.PrevStatus.
const PREV: readonly (readonly number[])[] = [
  [E, S], // B
  [B, M], // E
  [M, B], // M
  [S, E], // S
];

// Viterbi only ever sees characters of finalseg.re_han, [\u4E00-\u9FD5], so emission tables
// are dense arrays over that range; entries Python keeps for other characters (one: U+2236
// in state S) can never be looked up.
const HAN_LO = 0x4e00;
const HAN_HI = 0x9fd5;

interface Model {
  start: Float64Array;
  /** trans[from * 4 + to], MIN_FLOAT where Python's dict has no entry. */
  trans: Float64Array;
  /** emit[state][code - HAN_LO], MIN_FLOAT where Python's dict has no entry. */
  emit: Float64Array[];
}

interface HmmJson {
  version: string;
  states: string;
  start: number[];
  trans: Record<string, Record<string, number>>;
  emit: Record<string, [string, number[]]>;
}

let model: Model | undefined;

/**
 * hmm.json is generated from Debian's python3-jieba 0.42.1 by
 *   /usr/bin/python3 scripts/gen-jieba-hmm.py
 * (see that script); it holds finalseg's prob_start/prob_trans/prob_emit at full float64
 * precision.
 */
function getModel(): Model {
  if (model) return model;
  const doc = JSON.parse(readFileSync(new URL('./hmm.json', import.meta.url), 'utf8')) as HmmJson;
  if (doc.states !== STATES) throw new Error(`jieba hmm.json: unexpected states ${doc.states}`);
  const start = Float64Array.from(doc.start);
  const trans = new Float64Array(16).fill(MIN_FLOAT);
  const emit: Float64Array[] = [];
  for (let from = 0; from < 4; from++) {
    for (const [to, p] of Object.entries(doc.trans[STATES[from]!] ?? {})) {
      trans[from * 4 + STATES.indexOf(to)] = p;
    }
    const table = new Float64Array(HAN_HI - HAN_LO + 1).fill(MIN_FLOAT);
    const [chars, probs] = doc.emit[STATES[from]!]!;
    let i = 0;
    for (const ch of chars) {
      const c = ch.codePointAt(0)!;
      if (c >= HAN_LO && c <= HAN_HI) table[c - HAN_LO] = probs[i]!;
      i++;
    }
    if (i !== probs.length) throw new Error('jieba hmm.json: emit chars and probs differ in length');
    emit.push(table);
  }
  model = { start, trans, emit };
  return model;
}

/** finalseg.viterbi's best state sequence for a run of [\u4E00-\u9FD5] characters. */
function viterbi(obs: string): Uint8Array {
  const { start, trans, emit } = getModel();
  const n = obs.length;
  const back = new Uint8Array(n * 4);
  let prev = new Float64Array(4);
  let cur = new Float64Array(4);
  const c0 = obs.charCodeAt(0) - HAN_LO;
  for (let y = 0; y < 4; y++) prev[y] = start[y]! + emit[y]![c0]!;
  for (let t = 1; t < n; t++) {
    const c = obs.charCodeAt(t) - HAN_LO;
    for (let y = 0; y < 4; y++) {
      const em = emit[y]![c]!;
      const [y0a, y0b] = PREV[y] as [number, number];
      // Same association as Python: (V + trans) + emit.
      const pa = prev[y0a]! + trans[y0a * 4 + y]! + em;
      const pb = prev[y0b]! + trans[y0b * 4 + y]! + em;
      if (pa > pb || (pa === pb && y0a > y0b)) {
        cur[y] = pa;
        back[t * 4 + y] = y0a;
      } else {
        cur[y] = pb;
        back[t * 4 + y] = y0b;
      }
    }
    [prev, cur] = [cur, prev];
  }
  const pos = new Uint8Array(n);
  // max((V[E], 'E'), (V[S], 'S')): S wins ties.
  let state = prev[S]! >= prev[E]! ? S : E;
  for (let t = n - 1; t >= 0; t--) {
    pos[t] = state;
    state = back[t * 4 + state]!;
  }
  return pos;
}

/** finalseg.__cut: words from the BMES labels of a Han run. */
function cutHan(sentence: string, out: string[]): void {
  const pos = viterbi(sentence);
  let begin = 0;
  let next = 0;
  const n = sentence.length;
  for (let i = 0; i < n; i++) {
    const p = pos[i];
    if (p === B) {
      begin = i;
    } else if (p === E) {
      pushWord(sentence.slice(begin, i + 1), out);
      next = i + 1;
    } else if (p === S) {
      pushWord(sentence[i]!, out);
      next = i + 1;
    }
  }
  if (next < n) pushWord(sentence.slice(next), out);
}

// finalseg.Force_Split_Words: jieba fills it only through add_force_split(), which nothing
// calls, so it is always empty; kept so the code reads like the original.
const FORCE_SPLIT_WORDS: ReadonlySet<string> = new Set();

function pushWord(word: string, out: string[]): void {
  if (!FORCE_SPLIT_WORDS.has(word)) out.push(word);
  else for (const ch of word) out.push(ch);
}

// finalseg.re_skip. Python's \d is any Unicode Nd digit; \p{Nd} says the same (only ASCII
// ever reaches here, since the outer split keeps only [\u4E00-\u9FD5a-zA-Z0-9+#&._%-]).
const RE_SKIP = /[a-zA-Z0-9]+(?:\.\p{Nd}+)?%?/gu;

/**
 * finalseg.cut: Han runs go through the HMM; everything between them is split by re_skip and
 * every non-empty piece (matched or not) is one token.
 */
export function finalsegCut(sentence: string, out: string[]): void {
  const n = sentence.length;
  let i = 0;
  while (i < n) {
    const c = sentence.charCodeAt(i);
    let j = i + 1;
    if (c >= HAN_LO && c <= HAN_HI) {
      while (j < n && isHan(sentence.charCodeAt(j))) j++;
      cutHan(sentence.slice(i, j), out);
    } else {
      while (j < n && !isHan(sentence.charCodeAt(j))) j++;
      splitKeep(sentence.slice(i, j), out);
    }
    i = j;
  }
}

function isHan(c: number): boolean {
  return c >= HAN_LO && c <= HAN_HI;
}

// re.split with one capture group, dropping empty pieces.
function splitKeep(blk: string, out: string[]): void {
  RE_SKIP.lastIndex = 0;
  let last = 0;
  for (let m = RE_SKIP.exec(blk); m !== null; m = RE_SKIP.exec(blk)) {
    if (m.index > last) out.push(blk.slice(last, m.index));
    out.push(m[0]);
    last = m.index + m[0].length;
  }
  if (last < blk.length) out.push(blk.slice(last));
}
