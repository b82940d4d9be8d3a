/**
 * Python 3.11 `str` / `re` semantics the LongBench metrics depend on, over code points:
 *
 * - `pySplit(s)`       = `s.split()` (Python's whitespace set: \t\n\v\f\r, \x1c-\x1f, space,
 *                        \x85, \xa0, U+1680, U+2000-200A, U+2028/2029, U+202F, U+205F,
 *                        U+3000; NOT U+FEFF, U+200B or U+180E).
 * - `pyLower(s)`       = `s.lower()` (full mapping incl. 'İ' -> 'i̇' and the final-sigma rule).
 * - `isPyDigit(cp)`    = `re` `\d` on a str (Unicode category Nd).
 * - `isPyWord(cp)`     = `re` `\w` on a str (str.isalnum() or '_'); `\b` is the edge
 *                        between a word and a non-word code point.
 * - `pyDigitRuns(s)`   = `re.findall(r"\d+", s)`.
 * - `lstripNewlines(s)` = `s.lstrip('\n')`.
 *
 * The tables (pyunicode-data.ts) are Python 3.11 / Unicode 14.0 behaviour, so results do
 * not depend on the ICU version Node.js was built with (JS's toLowerCase, \p{Nd}, \s all
 * follow newer Unicode versions).
 */
import { CASED, CASE_IGNORABLE, DIGIT, LOWER, SPACE, WORD } from './pyunicode-data.js';

function decodeRanges(enc: string): Uint32Array {
  const nums = enc.split(',').map((v) => parseInt(v, 36));
  const out = new Uint32Array(nums.length);
  let prev = 0;
  for (let i = 0; i < nums.length; i += 2) {
    const start = prev + nums[i]!;
    const end = start + nums[i + 1]!;
    out[i] = start;
    out[i + 1] = end;
    prev = end;
  }
  return out;
}

/** Binary search in [start, end) pairs. */
function inRanges(r: Uint32Array, cp: number): boolean {
  let lo = 0;
  let hi = r.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = r[2 * mid]!;
    if (cp < s) hi = mid - 1;
    else if (cp >= r[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/** One flag byte per code point below 0x3001 (covers ASCII, Latin, Greek, ... fast). */
const LOW_LIMIT = 0x3001;
const F_SPACE = 1;
const F_DIGIT = 2;
const F_WORD = 4;
const F_CASED = 8;
const F_CI = 16;

let tables:
  | {
      space: Uint32Array;
      digit: Uint32Array;
      word: Uint32Array;
      cased: Uint32Array;
      ci: Uint32Array;
      flags: Uint8Array;
      lowerMap: Map<number, number>;
      lowerLow: Int32Array; // lowercase of cp < LOW_LIMIT (-1: unchanged)
    }
  | undefined;

function load() {
  if (tables) return tables;
  const space = decodeRanges(SPACE);
  const digit = decodeRanges(DIGIT);
  const word = decodeRanges(WORD);
  const cased = decodeRanges(CASED);
  const ci = decodeRanges(CASE_IGNORABLE);
  const flags = new Uint8Array(LOW_LIMIT);
  const mark = (r: Uint32Array, bit: number) => {
    for (let i = 0; i < r.length; i += 2) {
      for (let c = r[i]!; c < r[i + 1]! && c < LOW_LIMIT; c++) flags[c]! |= bit;
    }
  };
  mark(space, F_SPACE);
  mark(digit, F_DIGIT);
  mark(word, F_WORD);
  mark(cased, F_CASED);
  mark(ci, F_CI);
  const lowerMap = new Map<number, number>();
  const nums = LOWER.split(',').map((v) => parseInt(v, 36));
  let prev = 0;
  for (let i = 0; i < nums.length; i += 4) {
    const start = prev + nums[i]!;
    const count = nums[i + 1]!;
    const step = nums[i + 2]!;
    const delta = nums[i + 3]!;
    for (let k = 0; k < count; k++) lowerMap.set(start + k * step, start + k * step + delta);
    prev = start + (count - 1) * step + 1;
  }
  const lowerLow = new Int32Array(LOW_LIMIT).fill(-1);
  for (const [c, l] of lowerMap) if (c < LOW_LIMIT) lowerLow[c] = l;
  tables = { space, digit, word, cased, ci, flags, lowerMap, lowerLow };
  return tables;
}

export function isPySpace(cp: number): boolean {
  const t = load();
  return cp < LOW_LIMIT ? (t.flags[cp]! & F_SPACE) !== 0 : inRanges(t.space, cp);
}

export function isPyDigit(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  const t = load();
  return cp < LOW_LIMIT ? (t.flags[cp]! & F_DIGIT) !== 0 : inRanges(t.digit, cp);
}

export function isPyWord(cp: number): boolean {
  if (cp < 0x80) {
    return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x30 && cp <= 0x39) || cp === 0x5f;
  }
  const t = load();
  return cp < LOW_LIMIT ? (t.flags[cp]! & F_WORD) !== 0 : inRanges(t.word, cp);
}

function isCased(cp: number): boolean {
  const t = load();
  return cp < LOW_LIMIT ? (t.flags[cp]! & F_CASED) !== 0 : inRanges(t.cased, cp);
}

function isCaseIgnorable(cp: number): boolean {
  const t = load();
  return cp < LOW_LIMIT ? (t.flags[cp]! & F_CI) !== 0 : inRanges(t.ci, cp);
}

/** Code point at UTF-16 index i (a lone surrogate is its own code point, as in Python). */
function cpAt(s: string, i: number): number {
  return s.codePointAt(i)!;
}

/** Python `str.split()` with no arguments. */
export function pySplit(s: string): string[] {
  const t = load();
  const out: string[] = [];
  const n = s.length;
  let start = -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // no whitespace outside the BMP; surrogate halves are never whitespace
    const ws = c < LOW_LIMIT ? (t.flags[c]! & F_SPACE) !== 0 : false;
    if (ws) {
      if (start >= 0) {
        out.push(s.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(s.slice(start));
  return out;
}

/** Python `str.strip()` with no arguments (Unicode whitespace as str.isspace() sees it, not JS trim()). */
export function pyStrip(s: string): string {
  let a = 0;
  let b = s.length;
  // No whitespace outside the BMP, so UTF-16 units are enough.
  while (a < b && isPySpace(s.charCodeAt(a))) a++;
  while (b > a && isPySpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** `" ".join(s.split())` */
export function pyCollapseWhitespace(s: string): string {
  return pySplit(s).join(' ');
}

/** `s.lstrip('\n')` */
export function lstripNewlines(s: string): string {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === 10) i++;
  return i === 0 ? s : s.slice(i);
}

// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Python `str.lower()`. */
export function pyLower(s: string): string {
  if (ASCII_ONLY.test(s)) return s.toLowerCase(); // ASCII: identical by definition
  const t = load();
  let out = '';
  let runStart = 0; // copy unchanged stretches in one slice
  const n = s.length;
  for (let i = 0; i < n; ) {
    const cp = cpAt(s, i);
    const w = cp > 0xffff ? 2 : 1;
    let rep: string | undefined;
    if (cp === 0x3a3) {
      rep = finalSigma(s, i) ? '\u03c2' : '\u03c3';
    } else if (cp === 0x130) {
      rep = 'i\u0307';
    } else {
      const l = cp < LOW_LIMIT ? t.lowerLow[cp]! : (t.lowerMap.get(cp) ?? -1);
      if (l >= 0) rep = String.fromCodePoint(l);
    }
    if (rep !== undefined) {
      out += s.slice(runStart, i) + rep;
      runStart = i + w;
    }
    i += w;
  }
  return runStart === 0 ? s : out + s.slice(runStart);
}

/** Python's handle_capital_sigma: \p{cased}\p{case-ignorable}* Σ !(\p{case-ignorable}* \p{cased}) */
function finalSigma(s: string, i: number): boolean {
  let j = i;
  let c = -1;
  while (j > 0) {
    const cp = cpBefore(s, j);
    j -= cp > 0xffff ? 2 : 1;
    if (!isCaseIgnorable(cp)) {
      c = cp;
      break;
    }
  }
  let fin = c >= 0 && isCased(c);
  if (fin && i + 1 < s.length) {
    let k = i + 1;
    let after = -1;
    while (k < s.length) {
      const d = cpAt(s, k);
      if (!isCaseIgnorable(d)) {
        after = d;
        break;
      }
      k += d > 0xffff ? 2 : 1;
    }
    fin = after < 0 || !isCased(after);
  }
  return fin;
}

/** `re.findall(r"\d+", s)` */
export function pyDigitRuns(s: string): string[] {
  const out: string[] = [];
  const n = s.length;
  let start = -1;
  for (let i = 0; i < n; ) {
    const c = s.charCodeAt(i);
    let cp = c;
    let w = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        w = 2;
      }
    }
    if (isPyDigit(cp)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(s.slice(start, i));
      start = -1;
    }
    i += w;
  }
  if (start >= 0) out.push(s.slice(start));
  return out;
}

/** Length of the run of `\d` code points starting at UTF-16 index i (in UTF-16 units). */
export function pyDigitRunLength(s: string, i: number): number {
  let k = i;
  while (k < s.length) {
    const cp = cpAt(s, k);
    if (!isPyDigit(cp)) break;
    k += cp > 0xffff ? 2 : 1;
  }
  return k - i;
}

/** Code point ending just before UTF-16 index i, or -1 at the start. */
export function cpBefore(s: string, i: number): number {
  if (i <= 0) return -1;
  const lo = s.charCodeAt(i - 1);
  if (lo >= 0xdc00 && lo <= 0xdfff && i >= 2) {
    const hi = s.charCodeAt(i - 2);
    if (hi >= 0xd800 && hi <= 0xdbff) return ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
  }
  return lo;
}

/** Code point starting at UTF-16 index i, or -1 at the end. */
export function cpAtOrEnd(s: string, i: number): number {
  return i < s.length ? cpAt(s, i) : -1;
}

/** Python `len(s)` (code points). */
export function pyLen(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Python `a in b` for str (code-point substring; JS includes() could match half a pair). */
export function pyContains(haystack: string, needle: string): boolean {
  if (needle.length === 0) return true;
  let from = 0;
  for (;;) {
    const k = haystack.indexOf(needle, from);
    if (k < 0) return false;
    if (isCodePointAligned(haystack, k, k + needle.length)) return true;
    from = k + 1;
  }
}

function isCodePointAligned(s: string, start: number, end: number): boolean {
  // a match must not start on the low half or end after the high half of a pair
  if (start > 0) {
    const a = s.charCodeAt(start - 1);
    const b = s.charCodeAt(start);
    if (a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff) return false;
  }
  if (end < s.length && end > 0) {
    const a = s.charCodeAt(end - 1);
    const b = s.charCodeAt(end);
    if (a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff) return false;
  }
  return true;
}
