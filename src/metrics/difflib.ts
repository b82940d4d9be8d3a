/**
 * Python's difflib.SequenceMatcher(None, a, b).ratio(), ported exactly (CPython 3.11):
 * b2j index of b, autojunk (len(b) >= 200: elements occurring more than len(b)//100 + 1
 * times are "popular" and dropped from the index), find_longest_match with its
 * leftmost-longest tie rules and the extension of the best match over popular elements,
 * and get_matching_blocks' recursion. Sequences are arrays of integers (code points).
 */

export type Seq = ArrayLike<number>;

/** Sum of the sizes of SequenceMatcher(None, a, b).get_matching_blocks(). */
export function matchingCharacters(a: Seq, b: Seq): number {
  const la = a.length;
  const lb = b.length;
  // __chain_b
  const b2j = new Map<number, number[]>();
  for (let j = 0; j < lb; j++) {
    const elt = b[j]!;
    const idx = b2j.get(elt);
    if (idx === undefined) b2j.set(elt, [j]);
    else idx.push(j);
  }
  if (lb >= 200) {
    const ntest = Math.floor(lb / 100) + 1;
    for (const [elt, idxs] of b2j) if (idxs.length > ntest) b2j.delete(elt);
  }

  let prev = new Int32Array(lb);
  let cur = new Int32Array(lb);
  let prevTouched: number[] = [];

  const findLongestMatch = (alo: number, ahi: number, blo: number, bhi: number): [number, number, number] => {
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    for (let i = alo; i < ahi; i++) {
      const js = b2j.get(a[i]!);
      const touched: number[] = [];
      if (js !== undefined) {
        for (const j of js) {
          if (j < blo) continue;
          if (j >= bhi) break;
          const k = (j > 0 ? prev[j - 1]! : 0) + 1;
          cur[j] = k;
          touched.push(j);
          if (k > bestsize) {
            besti = i - k + 1;
            bestj = j - k + 1;
            bestsize = k;
          }
        }
      }
      for (const t of prevTouched) prev[t] = 0;
      const tmp = prev;
      prev = cur;
      cur = tmp;
      prevTouched = touched;
    }
    for (const t of prevTouched) prev[t] = 0;
    prevTouched = [];
    // no junk (isjunk is None): extend over equal (possibly popular) elements on both ends
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) {
      bestsize++;
    }
    return [besti, bestj, bestsize];
  };

  let matches = 0;
  const queue: [number, number, number, number][] = [[0, la, 0, lb]];
  while (queue.length > 0) {
    const [alo, ahi, blo, bhi] = queue.pop()!;
    const [i, j, k] = findLongestMatch(alo, ahi, blo, bhi);
    if (k > 0) {
      matches += k;
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
  }
  return matches;
}

/** SequenceMatcher(None, a, b).ratio() */
export function sequenceMatcherRatio(a: Seq, b: Seq): number {
  const length = a.length + b.length;
  if (length === 0) return 1.0;
  return (2.0 * matchingCharacters(a, b)) / length;
}

/** A string's code points (Python str elements). */
export function codePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
        i++;
        continue;
      }
    }
    out.push(c);
  }
  return out;
}
