// jieba's prefix dictionary (Tokenizer.FREQ / Tokenizer.total of jieba 0.42.1, built as
// gen_pfdict builds them).
//
// Stored as a trie in typed arrays, parsed straight from the UTF-8 bytes: a JS Map of the
// 498k words and prefixes took ~600 ms to build (string decoding, slicing and hashing), the
// trie ~110 ms, and it lets the DAG scan extend a fragment one character at a time instead
// of slicing and hashing every fragment.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { lnCorrect } from './log.js';

/**
 * The @node-rs/jieba package ships jieba 0.42.1's dict.txt with one of its two identical
 * `B超 3 n` lines removed. The duplicate still counts in Python: every line adds its
 * frequency to the total, so it is put back to make the total (and every log-probability)
 * match.
 */
export const MISSING_LINES = 'B超 3 n\n';

const NONE = -1;

export class PrefixDict {
  /** Number of trie nodes; node 0 is the root (the empty string, not a dictionary entry). */
  private size = 1;
  private parent: Int32Array;
  private code: Int32Array;
  /** Python's FREQ value of the node's string: the word's frequency, 0 for a bare prefix. */
  private freqs: Float64Array;
  /** log(freq) - log(total), filled on first use; 0 means "not yet" (real ones are < 0). */
  private weights: Float64Array;
  /** Children of the root by BMP code unit: every word's first step, the hottest lookup. */
  private readonly rootBmp = new Int32Array(0x10000).fill(NONE);
  /**
   * Every other edge, open addressing with linear probing. A slot is three ints (parent,
   * code point, child; child NONE when empty) so a probe touches one cache line; the
   * random first probe of each new edge (a cache miss) is most of the build time.
   */
  private slots: Int32Array;
  private mask: number;
  private logTotalValue = NaN;
  private readonly weightMemo = new Map<number, number>();
  /** Python's Tokenizer.total: the sum over all lines, duplicates included. */
  total = 0;

  constructor(expectedNodes = 1024) {
    const cap = Math.max(1024, expectedNodes);
    this.parent = new Int32Array(cap);
    this.code = new Int32Array(cap);
    this.freqs = new Float64Array(cap);
    this.weights = new Float64Array(cap);
    let tableSize = 1024;
    while (tableSize < cap * 1.5) tableSize *= 2;
    this.slots = newSlots(tableSize);
    this.mask = tableSize - 1;
  }

  /** The node reached from `node` by code point `c`, or NONE. */
  child(node: number, c: number): number {
    if (node === 0 && c < 0x10000) return this.rootBmp[c]!;
    const mask = this.mask;
    const slots = this.slots;
    for (let h = hash(node, c) & mask; ; h = (h + 1) & mask) {
      const at = h * 3;
      const n = slots[at + 2]!;
      if (n === NONE) return NONE;
      if (slots[at] === node && slots[at + 1] === c) return n;
    }
  }

  freqOf(node: number): number {
    return this.freqs[node]!;
  }

  /** log(FREQ[word]) - log(total) with Python's float64 result, for a node with freq > 0. */
  weightOf(node: number): number {
    let w = this.weights[node]!;
    if (w === 0) {
      w = this.weight(this.freqs[node]!);
      this.weights[node] = w;
    }
    return w;
  }

  /** log(freq) - log(total), as Python computes it (correctly rounded log, as glibc's). */
  weight(freq: number): number {
    let w = this.weightMemo.get(freq);
    if (w === undefined) {
      if (Number.isNaN(this.logTotalValue)) this.logTotalValue = lnCorrect(this.total);
      w = lnCorrect(freq) - this.logTotalValue;
      this.weightMemo.set(freq, w);
    }
    return w;
  }

  /** FREQ.get(word): the frequency (0 for a bare prefix) or undefined when absent. */
  get(word: string): number | undefined {
    let node = 0;
    for (const ch of word) {
      node = this.child(node, ch.codePointAt(0)!);
      if (node === NONE) return undefined;
    }
    return node === 0 ? undefined : this.freqs[node];
  }

  /** Every FREQ entry (words and prefixes); for tests and inspection, not fast. */
  *entries(): Generator<[string, number]> {
    const strings: string[] = [''];
    // A node is always created after its parent, so one ascending pass builds every string.
    for (let n = 1; n < this.size; n++) {
      const s = strings[this.parent[n]!]! + String.fromCodePoint(this.code[n]!);
      strings.push(s);
      yield [s, this.freqs[n]!];
    }
  }

  get entryCount(): number {
    return this.size - 1;
  }

  /**
   * Adds a dict.txt's lines as gen_pfdict does: bytes.strip(), the first two fields split on
   * ' ', int() of the second; a later duplicate overwrites the frequency but every line adds
   * to the total; prefixes (by code point) get 0 only when absent.
   */
  addDictBytes(bytes: Uint8Array, source = 'dict.txt'): void {
    const len = bytes.length;
    let pos = 0;
    let lineno = 0;
    while (pos < len) {
      lineno += 1;
      let eol = pos;
      while (eol < len && bytes[eol] !== 0x0a) eol++;
      let a = pos;
      let b = eol;
      pos = eol + 1;
      while (a < b && isAsciiSpace(bytes[a]!)) a++;
      while (b > a && isAsciiSpace(bytes[b - 1]!)) b--;

      // Decode the word's UTF-8 up to the first space, walking (and extending) the trie.
      let node = 0;
      let i = a;
      while (i < b && bytes[i] !== 0x20) {
        const b0 = bytes[i]!;
        let c: number;
        if (b0 < 0x80) {
          c = b0;
          i += 1;
        } else {
          let extra: number;
          if (b0 >= 0xc2 && b0 < 0xe0) {
            c = b0 & 0x1f;
            extra = 1;
          } else if (b0 >= 0xe0 && b0 < 0xf0) {
            c = b0 & 0x0f;
            extra = 2;
          } else if (b0 >= 0xf0 && b0 < 0xf5) {
            c = b0 & 0x07;
            extra = 3;
          } else {
            throw badLine(bytes.subarray(a, b), source, lineno);
          }
          if (i + extra >= b) throw badLine(bytes.subarray(a, b), source, lineno);
          for (let k = 1; k <= extra; k++) {
            const bk = bytes[i + k]!;
            if ((bk & 0xc0) !== 0x80) throw badLine(bytes.subarray(a, b), source, lineno);
            c = (c << 6) | (bk & 0x3f);
          }
          // Overlong forms, surrogates and > U+10FFFF are UnicodeDecodeErrors in Python.
          if (
            (extra === 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
            (extra === 3 && (c < 0x10000 || c > 0x10ffff))
          ) {
            throw badLine(bytes.subarray(a, b), source, lineno);
          }
          i += extra + 1;
        }
        let next = this.child(node, c);
        if (next === NONE) next = this.insert(node, c);
        node = next;
      }
      if (i === b) throw badLine(bytes.subarray(a, b), source, lineno);
      let fe = i + 1;
      while (fe < b && bytes[fe] !== 0x20) fe++;
      const freq = parseIntField(bytes, i + 1, fe);
      if (freq === undefined) throw badLine(bytes.subarray(a, b), source, lineno);
      // An empty word (a line starting with a space) is a FREQ key in Python but can never
      // be looked up by the segmenter; the root stands for it.
      this.freqs[node] = freq;
      this.total += freq;
    }
    // The total changed, so every cached weight is stale.
    this.weights.fill(0);
    this.logTotalValue = NaN;
    this.weightMemo.clear();
  }

  private insert(node: number, c: number): number {
    if (this.size === this.parent.length) this.growNodes();
    if ((this.size + 1) * 2 > this.mask + 1) this.growTable();
    const n = this.size++;
    this.parent[n] = node;
    this.code[n] = c;
    this.freqs[n] = 0;
    this.place(n);
    return n;
  }

  private place(n: number): void {
    const node = this.parent[n]!;
    const c = this.code[n]!;
    if (node === 0 && c < 0x10000) {
      this.rootBmp[c] = n;
      return;
    }
    const mask = this.mask;
    const slots = this.slots;
    let h = hash(node, c) & mask;
    while (slots[h * 3 + 2] !== NONE) h = (h + 1) & mask;
    slots[h * 3] = node;
    slots[h * 3 + 1] = c;
    slots[h * 3 + 2] = n;
  }

  private growNodes(): void {
    const cap = this.parent.length * 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.parent = grow(this.parent, (n) => new Int32Array(n));
    this.code = grow(this.code, (n) => new Int32Array(n));
    this.freqs = grow(this.freqs, (n) => new Float64Array(n));
    this.weights = grow(this.weights, (n) => new Float64Array(n));
  }

  private growTable(): void {
    const size = (this.mask + 1) * 2;
    this.slots = newSlots(size);
    this.mask = size - 1;
    for (let n = 1; n < this.size; n++) this.place(n);
  }
}

// Python's ValueError message of gen_pfdict.
function badLine(line: Uint8Array, source: string, lineno: number): Error {
  const text = new TextDecoder().decode(line);
  return new Error(`invalid dictionary entry in ${source} at Line ${lineno}: ${text}`);
}

function newSlots(count: number): Int32Array {
  const slots = new Int32Array(count * 3);
  for (let i = 2; i < slots.length; i += 3) slots[i] = NONE;
  return slots;
}

function hash(node: number, c: number): number {
  let h = Math.imul(node, 0x9e3779b1) ^ Math.imul(c, 0x85ebca77);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 0;
}

// bytes.strip() with no argument: ASCII whitespace only.
function isAsciiSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

// Python's int() on the field; the dictionaries only ever hold plain ASCII digits, so
// that (with an optional sign and surrounding ASCII whitespace) is all that is accepted.
function parseIntField(bytes: Uint8Array, a: number, b: number): number | undefined {
  while (a < b && isAsciiSpace(bytes[a]!)) a++;
  while (b > a && isAsciiSpace(bytes[b - 1]!)) b--;
  let sign = 1;
  if (a < b && (bytes[a] === 0x2b || bytes[a] === 0x2d)) {
    if (bytes[a] === 0x2d) sign = -1;
    a++;
  }
  if (a === b) return undefined;
  let v = 0;
  for (let i = a; i < b; i++) {
    const d = bytes[i]! - 0x30;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return sign * v;
}

/** Builds a prefix dictionary from dict.txt contents, in order (later lines win). */
export function buildPrefixDict(sources: readonly Uint8Array[]): PrefixDict {
  const bytes = sources.reduce((s, b) => s + b.length, 0);
  // ~10 bytes of dict.txt per trie node for jieba's dictionary; sized so nothing regrows.
  const dict = new PrefixDict(Math.ceil(bytes / 8));
  for (const s of sources) dict.addDictBytes(s);
  return dict;
}

/** Path of @node-rs/jieba's dict.txt (the package has no "exports" map, so subpaths resolve). */
export function defaultDictPath(): string {
  return createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt');
}

let shared: PrefixDict | undefined;

/** The default dictionary, read once per process on first use (5 MB, 498k entries). */
export function getDefaultDict(): PrefixDict {
  shared ??= buildPrefixDict([readFileSync(defaultDictPath()), new TextEncoder().encode(MISSING_LINES)]);
  return shared;
}
