/**
 * LongBench's answer normalizers (metrics.py normalize_answer / normalize_zh_answer).
 */
import { cpBefore, isPySpace, isPyWord, pyLower, pySplit } from './pystr.js';

/** Python's `string.punctuation`: the 32 ASCII punctuation characters. */
export const ASCII_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** The `cn_punctuation` string of normalize_zh_answer (ends with an ASCII '.'). */
export const CN_PUNCTUATION =
  '！？｡。＂＃＄％＆＇（）＊＋，－／：；＜＝＞＠［＼］＾＿｀｛｜｝～｟｠｢｣､、〃》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟〰〾〿–—‘’‛“”„‟…‧﹏.';

const EN_PUNCT = new Uint8Array(128);
for (const ch of ASCII_PUNCTUATION) EN_PUNCT[ch.charCodeAt(0)] = 1;

const ZH_PUNCT = new Set<number>();
for (const ch of ASCII_PUNCTUATION + CN_PUNCTUATION) ZH_PUNCT.add(ch.charCodeAt(0));

function removeAsciiPunctuation(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 && EN_PUNCT[c] === 1) {
      out += s.slice(last, i);
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

function isWordAt(s: string, i: number): boolean {
  return i < s.length && isPyWord(s.codePointAt(i)!);
}

/** `re.sub(r"\b(a|an|the)\b", " ", s)` with Python's Unicode `\b`. */
export function removeArticles(s: string): string {
  let out = '';
  let last = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x61 && c !== 0x74) continue; // 'a' | 't'
    // \b before a word character: the previous code point is not a word character
    if (i > 0 && isPyWord(cpBefore(s, i))) continue;
    let len = 0;
    if (c === 0x61) {
      if (!isWordAt(s, i + 1)) len = 1; // "a" then \b
      else if (s.charCodeAt(i + 1) === 0x6e && !isWordAt(s, i + 2)) len = 2; // "an" then \b
    } else if (s.charCodeAt(i + 1) === 0x68 && s.charCodeAt(i + 2) === 0x65 && !isWordAt(s, i + 3)) {
      len = 3; // "the" then \b
    }
    if (len > 0) {
      out += s.slice(last, i) + ' ';
      last = i + len;
      i += len - 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/** metrics.py `normalize_answer`: lower, drop ASCII punctuation, articles -> ' ', collapse whitespace. */
export function normalizeAnswer(s: string): string {
  return pySplit(removeArticles(removeAsciiPunctuation(pyLower(s)))).join(' ');
}

/** metrics.py `normalize_zh_answer`: lower, drop ASCII + Chinese punctuation, drop all whitespace. */
export function normalizeZhAnswer(s: string): string {
  const low = pyLower(s);
  let out = '';
  let last = 0;
  for (let i = 0; i < low.length; i++) {
    const c = low.charCodeAt(i);
    // whitespace and the punctuation set are all in the BMP: code units suffice
    if (ZH_PUNCT.has(c) || isPySpace(c)) {
      out += low.slice(last, i);
      last = i + 1;
    }
  }
  return last === 0 ? low : out + low.slice(last);
}
