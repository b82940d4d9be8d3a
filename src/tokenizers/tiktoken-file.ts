// Tokenizers run by the `tiktoken` WASM package: tiktoken-style rank files such as GLM-4's
// `tokenizer.model` (lines `<base64 token> <rank>`), and tiktoken's built-in encodings
// (LongBench v2 uses o200k_base for GPT models).
//
// Why WASM and not a JS port: GLM-4's split pattern starts with `(?i:...)`, which JS RegExp on
// Node 20 rejects; the WASM core (Rust fancy-regex, as in Python tiktoken) accepts it, and it
// is the same BPE code Python's tiktoken runs.
//
// The WASM core panics ("unreachable") on a malformed rank file, on a byte it has no token
// for, and on decoding an unknown id — and a panic can leave the instance unusable. So
// everything is validated here first, with errors that name the file and line.

import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { decodeText, ioProblem, readTextFile } from '../input.js';
import { dirname, join } from 'node:path';
import { Tiktoken, get_encoding } from 'tiktoken';
import { InputError, UsageError } from '../errors.js';
import { fingerprintOf, sha256 } from '../hash.js';
import { LONG_PIECE_BYTES, LongPieceEncoder } from './long-pieces.js';
import type { DecodeOptions, EncodeOptions, Tokenizer } from './types.js';
import { checkIds, decodeUtf8Lossy, isPlainObject, parseJsonWithLine, decodeAroundSpecials } from './util.js';

/** GLM-4's pre-tokenizer split pattern (tokenization_chatglm.py, THUDM/glm-4-9b-chat). */
export const GLM4_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** o200k_base's split pattern (as in the tiktoken package's encoders/o200k_base.json). */
export const O200K_PATTERN =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
  "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
  "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** Patterns whose pieces are runs of one character class (see long-pieces.ts). GLM-4's is cl100k_base's. */
const RUN_PATTERNS = new Set([GLM4_PATTERN, O200K_PATTERN]);

/** GLM-4's special tokens, in id order: the first gets id = number of ranks, the next +1, ... */
export const GLM4_SPECIAL_TOKENS: readonly string[] = Object.freeze([
  '<|endoftext|>',
  '[MASK]',
  '[gMASK]',
  '[sMASK]',
  '<sop>',
  '<eop>',
  '<|system|>',
  '<|user|>',
  '<|assistant|>',
  '<|observation|>',
  '<|begin_of_image|>',
  '<|end_of_image|>',
  '<|begin_of_video|>',
  '<|end_of_video|>',
]);

/** What GLM-4's `encode` puts before the text when special tokens are added. */
export const GLM4_PREFIX_TOKENS: readonly string[] = Object.freeze(['[gMASK]', '<sop>']);

export interface TiktokenFileOptions {
  /** Split pattern (Rust regex / fancy-regex syntax). Default: GLM-4's. */
  pattern?: string;
  /** Special tokens appended after the last rank, in id order. Default: GLM-4's 14. */
  specialTokens?: readonly string[];
  /** Special tokens put before the text by `encode` with addSpecialTokens. Default `[gMASK]`, `<sop>`. */
  prefixTokens?: readonly string[];
  /**
   * Parse special-token strings that occur in the text as special tokens. Default false: text is
   * always encoded as ordinary text, so data cannot inject `<|user|>` & co. (Note: transformers'
   * GLM-4 tokenizer does parse them — set true to reproduce that.)
   */
  specialTokensInText?: boolean;
  /**
   * tokenizer_config.json to cross-check the special-token ids against (its added_tokens_decoder).
   * Default: the one next to the rank file, if any; null: no check.
   */
  configFile?: string | null;
  /**
   * Pieces of at least this many bytes are merged in JS (O(n log n)) instead of by the WASM
   * core (O(n²)); false: WASM only. Default 4096. Only for GLM-4's/cl100k's/o200k's pattern.
   */
  longPieceBytes?: number | false;
}

export interface ParsedRankFile {
  /** The rank file re-serialized canonically (`<base64> <rank>\n` per entry), for the WASM core. */
  bfe: string;
  /** Number of entries (Python: `len(mergeable_ranks)`); GLM-4's first special id. */
  count: number;
  maxRank: number;
  /** ranks[r] === 1 when r is a rank. */
  isRank: Uint8Array;
}

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RANK_LINE = /^[A-Za-z0-9+/]+={0,2}[ \t]+\d+$/;

/** True when the text looks like a tiktoken rank file (its first non-empty line is `<base64> <rank>`). */
export function looksLikeRankFile(head: string): boolean {
  for (const raw of head.split('\n')) {
    const line = raw.trim();
    if (line) return RANK_LINE.test(line);
  }
  return false;
}

/** Parses and validates a rank file; throws InputError naming the file and line. */
export function parseRankFile(text: string, file: string): ParsedRankFile {
  const lines = text.split('\n');
  const seen = new Map<string, number>(); // token bytes (latin1) -> line
  const rankLine = new Map<number, number>();
  const single = new Uint8Array(256);
  const out: string[] = [];
  let maxRank = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const lineNo = i + 1;
    const parts = line.split(/\s+/);
    if (parts.length !== 2) {
      throw new InputError(file, lineNo, undefined, `expected "<base64 token> <rank>", got ${JSON.stringify(line.slice(0, 60))}`);
    }
    const [b64, rankText] = parts as [string, string];
    if (!B64.test(b64)) throw new InputError(file, lineNo, 'token', `not valid base64: ${JSON.stringify(b64.slice(0, 60))}`);
    if (!/^\d+$/.test(rankText)) throw new InputError(file, lineNo, 'rank', `not a non-negative integer: ${JSON.stringify(rankText)}`);
    const rank = Number(rankText);
    if (!Number.isSafeInteger(rank) || rank >= 2 ** 32 - 1) throw new InputError(file, lineNo, 'rank', `rank ${rankText} is too large`);
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length === 0) throw new InputError(file, lineNo, 'token', 'empty token');
    const key = bytes.toString('latin1');
    const dupTok = seen.get(key);
    if (dupTok !== undefined) throw new InputError(file, lineNo, 'token', `token ${b64} already appears on line ${dupTok}`);
    const dupRank = rankLine.get(rank);
    if (dupRank !== undefined) throw new InputError(file, lineNo, 'rank', `rank ${rank} already used on line ${dupRank}`);
    seen.set(key, lineNo);
    rankLine.set(rank, lineNo);
    if (bytes.length === 1) single[bytes[0]!] = 1;
    if (rank > maxRank) maxRank = rank;
    out.push(`${bytes.toString('base64')} ${rank}`);
  }
  if (out.length === 0) throw new InputError(file, undefined, undefined, 'no "<base64 token> <rank>" lines: not a tiktoken rank file');
  const missing: string[] = [];
  for (let b = 0; b < 256; b++) if (!single[b]) missing.push(`0x${b.toString(16).padStart(2, '0')}`);
  if (missing.length) {
    throw new InputError(
      file,
      undefined,
      undefined,
      `no token for the single byte(s) ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ` and ${missing.length - 8} more` : ''}: ` +
        'a byte-level rank file needs all 256, or text containing them cannot be encoded',
    );
  }
  const isRank = new Uint8Array(maxRank + 1);
  for (const r of rankLine.keys()) isRank[r] = 1;
  return { bfe: out.join('\n') + '\n', count: out.length, maxRank, isRank };
}

interface TiktokenParts {
  id: string;
  enc: Tiktoken;
  isRank: (id: number) => boolean;
  special: Map<number, string>;
  prefixIds: number[];
  specialTokensInText: boolean;
  long?: LongPieceEncoder;
}

/** A tokenizer running on the tiktoken WASM core. */
export class TiktokenTokenizer implements Tokenizer {
  readonly id: string;
  /** Special token ids and their text. */
  readonly specialTokens: ReadonlyMap<number, string>;
  /** Ids `encode` puts first when adding special tokens. */
  readonly prefixIds: readonly number[];
  private enc: Tiktoken | null;
  private readonly isRank: (id: number) => boolean;
  private readonly specialTokensInText: boolean;
  private readonly long: LongPieceEncoder | undefined;

  constructor(parts: TiktokenParts) {
    this.id = parts.id;
    this.enc = parts.enc;
    this.isRank = parts.isRank;
    this.specialTokens = parts.special;
    this.prefixIds = Object.freeze([...parts.prefixIds]);
    this.specialTokensInText = parts.specialTokensInText;
    this.long = parts.long;
  }

  private live(): Tiktoken {
    if (!this.enc) throw new UsageError(`tokenizer ${this.id} was closed`);
    return this.enc;
  }

  async encode(text: string, opts: EncodeOptions = {}): Promise<number[]> {
    const enc = this.live();
    // encode_ordinary = Python's encode(text, disallowed_special=()): special-token strings are plain text.
    let ids: number[];
    if (this.specialTokensInText) ids = Array.from(enc.encode(text, 'all', []));
    else if (this.long?.mayHaveLongPiece(text)) ids = this.long.encode(text, (chunk) => enc.encode_ordinary(chunk));
    else ids = Array.from(enc.encode_ordinary(text));
    return (opts.addSpecialTokens ?? true) && this.prefixIds.length ? [...this.prefixIds, ...ids] : ids;
  }

  /**
   * Bytes of consecutive ordinary tokens are joined and decoded as one UTF-8 string with U+FFFD
   * replacement (GLM-4's convert_tokens_to_string, Python tiktoken's decode). A special token
   * ends such a run and is rendered as its text (no spaces added), or dropped with
   * skipSpecialTokens — so with skipping, the whole id list is one byte string.
   */
  async decode(ids: number[], opts: DecodeOptions = {}): Promise<string> {
    const enc = this.live();
    checkIds(ids, this.id, (id) => this.isRank(id) || this.specialTokens.has(id));
    return decodeAroundSpecials(ids, this.specialTokens, opts.skipSpecialTokens ?? false, (run) =>
      decodeUtf8Lossy(enc.decode(Uint32Array.from(run))),
    );
  }

  /** token bytes (latin1) -> rank for ranks 0..count-1, read back from the WASM core (for long pieces). */
  rankTable(count: number): Map<string, number> {
    const enc = this.live();
    const ranks = new Map<string, number>();
    for (let r = 0; r < count; r++) ranks.set(Buffer.from(enc.decode_single_token_bytes(r)).toString('latin1'), r);
    return ranks;
  }

  close(): void {
    this.enc?.free();
    this.enc = null;
  }
}

function newTiktoken(bfe: string, special: Record<string, number>, pattern: string, what: string): Tiktoken {
  try {
    return new Tiktoken(bfe, special, pattern);
  } catch (e) {
    throw new UsageError(`${what}: the tiktoken core rejected it (${(e as Error).message}); check the split pattern`);
  }
}

/** Loads a tiktoken-style rank file (GLM-4 conventions unless options say otherwise). */
export async function loadTiktokenFile(file: string, opts: TiktokenFileOptions = {}): Promise<TiktokenTokenizer> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (e) {
    throw new InputError(file, undefined, undefined, ioProblem(e));
  }
  const parsed = parseRankFile(decodeText(raw, file), file);
  const pattern = opts.pattern ?? GLM4_PATTERN;
  const specialTokens = opts.specialTokens ?? GLM4_SPECIAL_TOKENS;
  const prefixTokens = opts.prefixTokens ?? GLM4_PREFIX_TOKENS;
  const specialTokensInText = opts.specialTokensInText ?? false;

  const special = new Map<number, string>();
  const specialIds: Record<string, number> = {};
  specialTokens.forEach((content, i) => {
    const id = parsed.count + i; // Python: enumerate(special_tokens, start=len(mergeable_ranks))
    if (!content) throw new UsageError('special tokens must be non-empty strings');
    if (specialIds[content] !== undefined) throw new UsageError(`special token ${JSON.stringify(content)} is listed twice`);
    if (id <= parsed.maxRank && parsed.isRank[id]) {
      throw new InputError(
        file,
        undefined,
        undefined,
        `ranks are not consecutive from 0: special token ${JSON.stringify(content)} would get id ${id}, which is already a rank`,
      );
    }
    special.set(id, content);
    specialIds[content] = id;
  });
  const prefixIds = prefixTokens.map((t) => {
    const id = specialIds[t];
    if (id === undefined) throw new UsageError(`prefix token ${JSON.stringify(t)} is not one of the special tokens`);
    return id;
  });

  const configFile = opts.configFile === undefined ? join(dirname(file), 'tokenizer_config.json') : opts.configFile;
  if (configFile && existsSync(configFile)) await crossCheckConfig(configFile, specialIds);

  const enc = newTiktoken(parsed.bfe, specialIds, pattern, `${file}`);
  const defaults =
    pattern === GLM4_PATTERN &&
    sameList(specialTokens, GLM4_SPECIAL_TOKENS) &&
    sameList(prefixTokens, GLM4_PREFIX_TOKENS) &&
    !specialTokensInText;
  const id =
    `tiktoken-file:${sha256(raw)}` +
    (defaults ? '' : `;cfg:${fingerprintOf({ pattern, specialTokens, prefixTokens, specialTokensInText })}`);
  const { isRank, maxRank } = parsed;
  const bfe = parsed.bfe;
  return new TiktokenTokenizer({
    id,
    enc,
    isRank: (i) => i >= 0 && i <= maxRank && isRank[i] === 1,
    special,
    prefixIds,
    specialTokensInText,
    long: longPieces(pattern, () => ranksFromBfe(bfe), opts.longPieceBytes),
  });
}

function longPieces(pattern: string, ranks: () => Map<string, number>, bytes: number | false | undefined): LongPieceEncoder | undefined {
  if (bytes === false || !RUN_PATTERNS.has(pattern)) return undefined;
  if (bytes !== undefined && !(Number.isInteger(bytes) && bytes > 0)) throw new UsageError('longPieceBytes must be a positive integer or false');
  return LongPieceEncoder.create(pattern, ranks, bytes ?? LONG_PIECE_BYTES);
}

/** token bytes (latin1) -> rank, from a canonical rank file. */
function ranksFromBfe(bfe: string): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const line of bfe.split('\n')) {
    if (!line) continue;
    const sp = line.indexOf(' ');
    ranks.set(Buffer.from(line.slice(0, sp), 'base64').toString('latin1'), Number(line.slice(sp + 1)));
  }
  return ranks;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A tokenizer_config.json next to the rank file must agree with the special-token ids we derive. */
async function crossCheckConfig(configFile: string, specialIds: Record<string, number>): Promise<void> {
  const parsed = parseJsonWithLine(readTextFile(configFile));
  if (!('value' in parsed)) throw new InputError(configFile, parsed.line, undefined, parsed.error);
  if (!isPlainObject(parsed.value)) throw new InputError(configFile, undefined, undefined, 'expected a JSON object');
  const decoder = parsed.value['added_tokens_decoder'];
  if (decoder === undefined) return;
  if (!isPlainObject(decoder)) throw new InputError(configFile, undefined, 'added_tokens_decoder', 'expected an object');
  for (const [idText, entry] of Object.entries(decoder)) {
    const content = isPlainObject(entry) ? entry['content'] : undefined;
    if (typeof content !== 'string') continue;
    const ours = specialIds[content];
    if (ours !== undefined && String(ours) !== idText) {
      throw new InputError(
        configFile,
        undefined,
        `added_tokens_decoder.${idText}`,
        `${JSON.stringify(content)} has id ${idText} there, but ${ours} by the rank file's convention ` +
          '(special tokens numbered from the number of ranks); this rank file and config do not belong together',
      );
    }
  }
}

/** tiktoken's built-in encodings evalh supports (ranks are 0..count-1 in both). */
const BUILTIN: Record<string, { ranks: number; pattern: string; specials: string[] }> = {
  o200k_base: { ranks: 199998, pattern: O200K_PATTERN, specials: ['<|endoftext|>', '<|endofprompt|>'] },
  cl100k_base: {
    ranks: 100256,
    pattern: GLM4_PATTERN,
    specials: ['<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|endofprompt|>'],
  },
};

export const BUILTIN_ENCODINGS: readonly string[] = Object.freeze(Object.keys(BUILTIN));

/**
 * One of tiktoken's built-in encodings (data inside the npm package; no network). Encoding is
 * ordinary (Python `encode(text, disallowed_special=())`, as LongBench v2 does for GPT models)
 * and adds no special tokens.
 */
export function loadTiktokenEncoding(name: string, opts: Pick<TiktokenFileOptions, 'longPieceBytes'> = {}): TiktokenTokenizer {
  const spec = BUILTIN[name];
  if (!spec) throw new UsageError(`unknown tiktoken encoding "${name}" (known: ${BUILTIN_ENCODINGS.join(', ')})`);
  const enc = get_encoding(name as 'o200k_base');
  const special = new Map<number, string>();
  for (const s of spec.specials) {
    const ids = enc.encode(s, 'all', []);
    if (ids.length !== 1 || ids[0]! < spec.ranks) {
      enc.free();
      throw new Error(`tiktoken ${name}: special token ${s} is not where expected (tiktoken package changed?)`);
    }
    special.set(ids[0]!, s);
  }
  const tok: TiktokenTokenizer = new TiktokenTokenizer({
    id: `tiktoken:${name}`,
    enc,
    isRank: (i) => i >= 0 && i < spec.ranks,
    special,
    prefixIds: [],
    specialTokensInText: false,
    long: longPieces(spec.pattern, () => tok.rankTable(spec.ranks), opts.longPieceBytes),
  });
  return tok;
}
