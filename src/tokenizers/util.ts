// Small helpers shared by the tokenizer back ends.

import { UsageError } from '../errors.js';

/**
 * UTF-8 bytes to string with U+FFFD for ill-formed sequences. The WHATWG decoder replaces each
 * maximal ill-formed subpart with one U+FFFD, exactly as Python's `bytes.decode('utf-8',
 * errors='replace')` (what GLM-4's tokenizer and tiktoken's `decode` use) and Rust's
 * `String::from_utf8_lossy` (HF tokenizers' ByteLevel decoder) do. A BOM is kept, not eaten.
 */
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export function decodeUtf8Lossy(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** transformers' `clean_up_tokenization` (applied after decode when clean_up_tokenization_spaces is on). */
export function cleanUpTokenization(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

/** Throws a UsageError unless every id is an integer that `isValid` accepts. */
export function checkIds(ids: readonly number[], tokenizerId: string, isValid: (id: number) => boolean): void {
  if (!Array.isArray(ids)) throw new UsageError(`decode: expected an array of token ids (tokenizer ${tokenizerId})`);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || !isValid(id)) {
      throw new UsageError(
        `decode: token id ${String(id)} at position ${i} is not in the vocabulary of tokenizer ${tokenizerId}` +
          ' (ids from a different tokenizer?)',
      );
    }
  }
}

/** 1-based line of a character offset in a text. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** JSON.parse that reports the line of a syntax error (V8 reports "at position N"). */
export function parseJsonWithLine(text: string): { value: unknown } | { error: string; line: number | undefined } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    return { error: `not valid JSON: ${msg}`, line: m ? lineAt(text, Number(m[1])) : undefined };
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Decodes runs of ordinary ids with `decodeRun` and renders each special id as its text, or
 * drops it with `skip`: a special token ends a run, so bytes never join across one.
 */
export function decodeAroundSpecials(
  ids: readonly number[],
  specials: ReadonlyMap<number, string>,
  skip: boolean,
  decodeRun: (run: number[]) => string,
): string {
  let out = '';
  let run: number[] = [];
  for (const id of ids) {
    const special = specials.get(id);
    if (special === undefined) run.push(id);
    else if (!skip) {
      if (run.length) out += decodeRun(run);
      run = [];
      out += special;
    }
  }
  if (run.length) out += decodeRun(run);
  return out;
}
