// Long pre-tokenizer pieces, encoded without the WASM core's quadratic merge loop.
//
// tiktoken's byte-pair merge (tiktoken 1.0.22's WASM core, like the Rust code Python's tiktoken
// runs) rescans the whole piece after every merge: O(n²) in the piece's byte length. A piece is
// one regex match — a run of letters, of whitespace, of punctuation — so ordinary text has
// short pieces, but one unpunctuated run does not: 100k Chinese characters in a row (one
// 300 KB piece) take ~25 s with GLM-4's pattern, o200k_base several minutes. LongBench v2
// contexts reach 1M+ characters.
//
// So when a text might contain a piece of LONG bytes or more, this module splits it with the
// same pattern (translated to a JS RegExp by @huggingface/tokenizers, which reproduces the
// Oniguruma/Rust semantics of `(?i:...)`, `\s` and friends), encodes the long pieces with a
// heap-based merge that makes exactly tiktoken's choices (lowest rank of the merged bytes first,
// leftmost among equals), and hands everything between them to the WASM core unchanged.
// Cutting the text at piece boundaries does not change how the pieces in between are split.
//
// Only used for patterns whose pieces are known to be runs of one character class (GLM-4's,
// cl100k_base's, o200k_base's): that is what makes the cheap pre-check below sound.

import * as hfLib from '@huggingface/tokenizers';

// The package's .d.ts re-exports this class through an extensionless path that NodeNext
// resolution does not follow, so it is typed here.
const { SplitPreTokenizer } = hfLib as unknown as {
  SplitPreTokenizer: new (config: object) => { pattern: RegExp | null };
};

/** Pieces of at least this many UTF-8 bytes go to the JS merge. */
export const LONG_PIECE_BYTES = 4096;

const isLetterOrMark = /^[\p{L}\p{M}]$/u;
const isLetterOrNumber = /^[\p{L}\p{N}]$/u;

export class LongPieceEncoder {
  private ranksCache: Map<string, number> | undefined;

  private constructor(
    private readonly regex: RegExp,
    private readonly loadRanks: () => Map<string, number>,
    readonly thresholdBytes: number,
  ) {}

  /** undefined when the pattern cannot be translated to a JS RegExp (then the WASM core does it all). */
  static create(pattern: string, loadRanks: () => Map<string, number>, thresholdBytes = LONG_PIECE_BYTES): LongPieceEncoder | undefined {
    try {
      const split = new SplitPreTokenizer({ type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false });
      if (!split.pattern) return undefined;
      return new LongPieceEncoder(new RegExp(split.pattern.source, 'gu'), loadRanks, thresholdBytes);
    } catch {
      return undefined;
    }
  }

  /**
   * Cheap, linear pre-check. A piece of the supported patterns is at most one prefix character,
   * a run of letters/marks or a run of non-letter-non-number characters, and at most three
   * suffix characters (digits come in threes). A piece of T bytes has at least T/4 characters,
   * so it contains a same-class run of at least T/4 - 4 >= T/16 characters.
   */
  mayHaveLongPiece(text: string): boolean {
    const need = Math.max(1, Math.floor(this.thresholdBytes / 16));
    if (text.length < need) return false;
    let runA = 0; // letters and marks
    let runB = 0; // neither letter nor number (whitespace, punctuation, symbols, marks)
    for (const ch of text) {
      const c = ch.codePointAt(0)!;
      let a: boolean;
      let b: boolean;
      if (c < 0x80) {
        a = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
        b = !a && !(c >= 0x30 && c <= 0x39);
      } else {
        a = isLetterOrMark.test(ch);
        b = !isLetterOrNumber.test(ch);
      }
      runA = a ? runA + 1 : 0;
      runB = b ? runB + 1 : 0;
      if (runA >= need || runB >= need) return true;
    }
    return false;
  }

  /** Encodes text: long pieces here, the stretches between them with `wasm`. */
  encode(text: string, wasm: (chunk: string) => ArrayLike<number>): number[] {
    const out: number[] = [];
    const push = (ids: ArrayLike<number>) => {
      for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
    };
    let chunkStart = 0;
    this.regex.lastIndex = 0;
    for (const m of text.matchAll(this.regex)) {
      const piece = m[0];
      // Quick length bound before computing the UTF-8 length.
      if (piece.length * 3 < this.thresholdBytes) continue;
      const bytes = Buffer.from(piece, 'utf8');
      if (bytes.length < this.thresholdBytes) continue;
      if (m.index > chunkStart) push(wasm(text.slice(chunkStart, m.index)));
      push(bytePairEncode(bytes.toString('latin1'), this.ranks()));
      chunkStart = m.index + piece.length;
    }
    if (chunkStart < text.length) push(wasm(text.slice(chunkStart)));
    return out;
  }

  private ranks(): Map<string, number> {
    this.ranksCache ??= this.loadRanks();
    return this.ranksCache;
  }
}

/**
 * tiktoken's byte_pair_encode for one piece (bytes as a latin1 string), in O(n log n): merge the
 * adjacent pair whose concatenation has the lowest rank, leftmost first, until none is a token.
 */
export function bytePairEncode(piece: string, ranks: Map<string, number>): number[] {
  const whole = ranks.get(piece);
  if (whole !== undefined) return [whole];
  const n = piece.length;
  // Parts are identified by their start offset; next[i] is the start of the following part.
  const next = new Int32Array(n + 1);
  const prev = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  const alive = new Uint8Array(n + 1).fill(1);
  const pairRank = new Float64Array(n).fill(Infinity);
  // Min-heap of rank * (n + 1) + start: lowest rank first, then leftmost.
  const heap: number[] = [];
  const stride = n + 1;
  const heapPush = (v: number) => {
    let i = heap.length;
    heap.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p]! <= v) break;
      heap[i] = heap[p]!;
      i = p;
    }
    heap[i] = v;
  };
  const heapPop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const r = l + 1;
        const c = r < heap.length && heap[r]! < heap[l]! ? r : l;
        if (heap[c]! >= last) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  };
  const rate = (i: number) => {
    const j = next[i]!;
    if (j >= n) {
      pairRank[i] = Infinity;
      return;
    }
    const r = ranks.get(piece.slice(i, next[j]!));
    pairRank[i] = r === undefined ? Infinity : r;
    if (r !== undefined) heapPush(r * stride + i);
  };
  for (let i = 0; i < n - 1; i++) rate(i);
  while (heap.length > 0) {
    const v = heapPop();
    const i = v % stride;
    const r = (v - i) / stride;
    if (!alive[i] || pairRank[i] !== r) continue; // stale entry
    // Merge part i with the next one.
    const j = next[i]!;
    alive[j] = 0;
    next[i] = next[j]!;
    prev[next[j]!] = i;
    rate(i);
    if (i > 0) rate(prev[i]!);
  }
  const out: number[] = [];
  for (let i = 0; i < n; i = next[i]!) {
    const id = ranks.get(piece.slice(i, next[i]!));
    if (id === undefined) throw new Error('byte-pair merge produced a byte string that is not a token (missing single byte?)');
    out.push(id);
  }
  return out;
}
