// judge.py's post_process, ported to JavaScript regular expressions with Python's `re`
// semantics kept where the two differ:
//
// - Python's `.` matches every character but "\n"; JavaScript's also stops at "\r",
//   U+2028 and U+2029. So `.` is written `[^\n]`.
// - Python 3's `\d` on str patterns matches every Unicode decimal digit (full-width "７",
//   Arabic-Indic "٧", …) and int()/float() read them; JavaScript's `\d` is ASCII only. So
//   `\d` is written `\p{Nd}` and digits are converted to their values before Number().
// - The `u` flag (needed for \p{…}) makes a bare "{" a syntax error, so braces are escaped.
//
// The steps, exactly as judge.py does them:
// 1. The rating dict is the text between the braces of `{(.*?)}(?![^{]*{)`, searched once
//    (the first position where it matches): the shortest "{…}" on one line that is followed by
//    no "{" anywhere in the rest of the text. With several dicts on one line the match runs
//    from the first "{" of that line to the last "}", so pairs of all of them are read.
// 2. Pairs inside: every `'(.*?)': (\d+)` → int. Keys must be single-quoted ("…": 7 gives
//    nothing) and a decimal "7.5" reads as 7. A repeated key keeps its last value.
// 3. Overall = rating['综合得分']; when absent, the first `'综合得分': (\d+(\.\d{1,2})?)`
//    anywhere in the text, as a float; otherwise -1.
// 4. No range check: any number the pattern reads is the score.

const DICT = /\{([^\n]*?)\}(?![^{]*\{)/u;
const PAIR = /'([^\n]*?)': (\p{Nd}+)/gu;
const OVERALL = /'综合得分': (\p{Nd}+(\.\p{Nd}{1,2})?)/u;
const ND = /^\p{Nd}$/u;
const OVERALL_KEY = '综合得分';

export interface ParsedJudgment {
  /** Every pair read from the rating dict (judge.py's `rating`), in the order first seen. */
  rating: Record<string, number>;
  /** judge.py's `score`: the 1–10 overall, or -1 when nothing could be read. */
  overall: number;
}

export function parseJudgment(text: string): ParsedJudgment {
  const rating = extractRating(text);
  let overall = rating.has(OVERALL_KEY) ? rating.get(OVERALL_KEY)! : -1;
  if (overall === -1) overall = extractScore(text);
  return { rating: Object.fromEntries(rating), overall };
}

function extractRating(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const m = DICT.exec(text);
  if (!m) return out;
  for (const [, key, value] of m[1]!.matchAll(PAIR)) out.set(key!, Number(asciiDigits(value!)));
  return out;
}

function extractScore(text: string): number {
  const m = OVERALL.exec(text);
  return m ? Number(asciiDigits(m[1]!)) : -1;
}

/**
 * Unicode decimal digits to ASCII, as Python's int()/float() read them. Unicode encodes
 * every Nd digit in runs of whole decimal sets (0..9, several sets may touch), so a digit's
 * value is its distance from the start of its run, modulo 10.
 */
export function asciiDigits(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x30 && cp <= 0x39) {
      out += ch;
      continue;
    }
    if (!ND.test(ch)) {
      out += ch;
      continue;
    }
    let start = cp;
    while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--;
    out += String((cp - start) % 10);
  }
  return out;
}
