// Hugging Face `tokenizer.json` tokenizers, run by @huggingface/tokenizers (pure JS).
//
// The library does the model work (normalizers, pre-tokenizers including Oniguruma-style
// `(?i:...)` split patterns, byte-level BPE, post-processor templates, decoders). Three things
// are done here on top of it, because its own Tokenizer class does them differently from what
// evalh needs:
//  - Special-token text in data is NOT parsed as special tokens (the library, like
//    transformers, always splits them out). The text is encoded by a library instance whose
//    added tokens exclude the special ones; the template's prefix/suffix ids are computed once.
//    Non-special added tokens are still matched, as in transformers: they are vocabulary.
//  - Decoding: ordinary ids between special tokens are decoded as one run (so a UTF-8
//    character split across tokens decodes whole, and a cut one becomes U+FFFD exactly as
//    Rust's from_utf8_lossy does); special tokens are rendered as their text, or with
//    skipSpecialTokens removed first, so that all the rest is one run (as in transformers).
//  - clean_up_tokenization_spaces comes from tokenizer_config.json (default false; the
//    library would default to true and rewrite " ." to "." in decoded text).

import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { decodeText, ioProblem } from '../input.js';
import { dirname, join } from 'node:path';
import * as hfLib from '@huggingface/tokenizers';
import { InputError, UsageError } from '../errors.js';
import { sha256 } from '../hash.js';
import { checker } from '../validate.js';
import type { DecodeOptions, EncodeOptions, Tokenizer } from './types.js';
import { checkIds, cleanUpTokenization, isPlainObject, parseJsonWithLine, decodeAroundSpecials } from './util.js';

export interface HfTokenizerOptions {
  /**
   * Parse special-token strings that occur in the text as special tokens, as transformers does.
   * Default false: text is always ordinary text (no special-token injection from data).
   */
  specialTokensInText?: boolean;
  /** Override tokenizer_config.json's clean_up_tokenization_spaces (default there: false). */
  cleanUpTokenizationSpaces?: boolean;
  /** tokenizer_config.json to read. Default: the one next to tokenizer.json, if any; null: none. */
  configFile?: string | null;
}

// The package's .d.ts files use extensionless relative re-exports that NodeNext resolution does
// not follow (its classes come out as `any`), so the part evalh uses is typed here.
interface HfLibTokenizer {
  encode(text: string, opts: { add_special_tokens: boolean }): { ids: (number | undefined)[] };
  decode(ids: number[], opts: { skip_special_tokens: boolean; clean_up_tokenization_spaces: boolean }): string;
  id_to_token(id: number): string | undefined;
  token_to_id(token: string): number | undefined;
  post_processor: { post_process(tokens: string[], pair: null, addSpecialTokens: boolean): { tokens: string[] } } | null;
}
const HfLibTokenizer = (hfLib as unknown as { Tokenizer: new (tokenizerJson: object, config: object) => HfLibTokenizer }).Tokenizer;

interface AddedTokenJson {
  id: number;
  content: string;
  special?: boolean;
  [k: string]: unknown;
}

interface TokenizerJson {
  model: Record<string, unknown>;
  added_tokens?: AddedTokenJson[];
  [k: string]: unknown;
}

const checkTokenizerJson = checker<TokenizerJson>({
  type: 'object',
  required: ['model'],
  properties: {
    model: { type: 'object' },
    added_tokens: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'content'],
        properties: {
          id: { type: 'integer', minimum: 0 },
          content: { type: 'string', minLength: 1 },
          special: { type: 'boolean' },
        },
      },
    },
  },
});

/** Marks where the text goes in the post-processor's output. */
const SENTINEL = '\u0000evalh:sequence\u0000';

/** The token names in tokenizer_config.json that transformers treats as special. */
const CONFIG_SPECIAL_KEYS = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'];

export class HfTokenizer implements Tokenizer {
  readonly id: string;
  /** Special token ids and their text (skipped by decode with skipSpecialTokens). */
  readonly specialTokens: ReadonlyMap<number, string>;
  /** What encode adds around the text with addSpecialTokens (from the post-processor). */
  readonly prefixIds: readonly number[];
  readonly suffixIds: readonly number[];
  private readonly plain: HfLibTokenizer;
  private full: HfLibTokenizer | null = null;

  constructor(
    id: string,
    plain: HfLibTokenizer,
    special: Map<number, string>,
    prefixIds: number[],
    suffixIds: number[],
    private readonly makeFull: () => HfLibTokenizer,
    private readonly specialTokensInText: boolean,
    private readonly cleanUp: boolean,
  ) {
    this.id = id;
    this.plain = plain;
    this.specialTokens = special;
    this.prefixIds = Object.freeze([...prefixIds]);
    this.suffixIds = Object.freeze([...suffixIds]);
  }

  async encode(text: string, opts: EncodeOptions = {}): Promise<number[]> {
    const add = opts.addSpecialTokens ?? true;
    let ids: (number | undefined)[];
    if (this.specialTokensInText) {
      this.full ??= this.makeFull();
      ids = this.full.encode(text, { add_special_tokens: add }).ids;
    } else {
      const body = this.plain.encode(text, { add_special_tokens: false }).ids;
      ids = add ? [...this.prefixIds, ...body, ...this.suffixIds] : body;
    }
    // The library maps a token it has no id for to `undefined` (no unk token): never pass that on.
    if (ids.some((x) => x === undefined)) {
      throw new UsageError(`tokenizer ${this.id} produced a token that has no id (no unk token in the model?)`);
    }
    return ids as number[];
  }

  async decode(ids: number[], opts: DecodeOptions = {}): Promise<string> {
    checkIds(ids, this.id, (id) => this.specialTokens.has(id) || this.plain.id_to_token(id) !== undefined);
    const out = decodeAroundSpecials(ids, this.specialTokens, opts.skipSpecialTokens ?? false, (run) =>
      this.plain.decode(run, { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
    );
    return this.cleanUp ? cleanUpTokenization(out) : out;
  }
}

/** Loads `tokenizer.json` (and the tokenizer_config.json next to it, if any). */
export async function loadHfTokenizer(file: string, opts: HfTokenizerOptions = {}): Promise<HfTokenizer> {
  const raw = await readOrThrow(file);
  const json = parseOrThrow(decodeText(raw, file), file);
  const configFile = opts.configFile === undefined ? join(dirname(file), 'tokenizer_config.json') : opts.configFile;
  let config: Record<string, unknown> | undefined;
  let configSha: string | undefined;
  if (configFile && existsSync(configFile)) {
    const c = await readOrThrow(configFile);
    const v = parseOrThrow(decodeText(c, configFile), configFile);
    if (!isPlainObject(v)) throw new InputError(configFile, undefined, undefined, 'expected a JSON object');
    config = v;
    configSha = sha256(c);
  }
  return createHfTokenizer(json, { ...opts, file, sha256: sha256(raw), config, configFile: configFile ?? undefined, configSha });
}

export interface CreateHfOptions extends Omit<HfTokenizerOptions, 'configFile'> {
  /** Named in errors. */
  file: string;
  sha256: string;
  /** Parsed tokenizer_config.json, if any. */
  config?: Record<string, unknown>;
  configFile?: string;
  configSha?: string;
}

/** Builds the tokenizer from an already-parsed tokenizer.json. */
export function createHfTokenizer(json: unknown, opts: CreateHfOptions): HfTokenizer {
  const { file } = opts;
  const tj = checkTokenizerJson(json, file);
  const config = opts.config ?? {};
  const added = tj.added_tokens ?? [];
  const specialTokensInText = opts.specialTokensInText ?? false;
  const cfgCleanUp = config['clean_up_tokenization_spaces'];
  const cleanUp = opts.cleanUpTokenizationSpaces ?? (typeof cfgCleanUp === 'boolean' ? cfgCleanUp : false);

  // Special = flagged special in tokenizer.json, or named as special in tokenizer_config.json.
  const specialContents = new Set(added.filter((t) => t.special === true).map((t) => t.content));
  const contentOf = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : isPlainObject(v) && typeof v['content'] === 'string' ? v['content'] : undefined;
  for (const key of CONFIG_SPECIAL_KEYS) {
    const c = contentOf(config[key]);
    if (c) specialContents.add(c);
  }
  const extra = config['additional_special_tokens'];
  if (Array.isArray(extra)) for (const v of extra) {
    const c = contentOf(v);
    if (c) specialContents.add(c);
  }
  const configAdded = config['added_tokens_decoder'];
  if (isPlainObject(configAdded)) for (const v of Object.values(configAdded)) {
    if (isPlainObject(v) && v['special'] === true && typeof v['content'] === 'string') specialContents.add(v['content']);
  }

  // The four component keys must be present for the library (null = none).
  const base = { normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, ...tj };
  // clean-up is applied here, once, after joining; remove_space and do_lowercase_and_remove_accent
  // are slow-tokenizer settings that transformers' fast (tokenizer.json) path does not apply.
  const libConfig = {
    ...config,
    clean_up_tokenization_spaces: false,
    additional_special_tokens: [],
    remove_space: false,
    do_lowercase_and_remove_accent: false,
  };
  const build = (addedTokens: AddedTokenJson[]): HfLibTokenizer => {
    try {
      return new HfLibTokenizer({ ...base, added_tokens: addedTokens }, libConfig);
    } catch (e) {
      throw new InputError(file, undefined, undefined, `@huggingface/tokenizers cannot load it: ${(e as Error).message}`);
    }
  };
  const plain = build(added.filter((t) => !specialContents.has(t.content)));

  const addedByContent = new Map(added.map((t) => [t.content, t.id] as const));
  const special = new Map<number, string>();
  for (const content of specialContents) {
    const id = addedByContent.get(content) ?? plain.token_to_id(content);
    if (id !== undefined) special.set(id, content);
  }

  // Prefix/suffix: run the post-processor on a sentinel sequence. Ids come from the template's
  // own special_tokens map where it has one (the Rust library uses those), else the vocabulary.
  const templateIds = collectTemplateIds(tj['post_processor']);
  const idsOf = (token: string): number[] => {
    const fromTemplate = templateIds.get(token);
    if (fromTemplate) return fromTemplate;
    const id = addedByContent.get(token) ?? plain.token_to_id(token);
    if (id === undefined) {
      throw new InputError(file, undefined, 'post_processor', `adds the token ${JSON.stringify(token)}, which has no id in the vocabulary`);
    }
    return [id];
  };
  let prefixIds: number[] = [];
  let suffixIds: number[] = [];
  if (plain.post_processor) {
    let tokens: string[];
    try {
      tokens = plain.post_processor.post_process([SENTINEL], null, true).tokens;
    } catch (e) {
      throw new InputError(file, undefined, 'post_processor', `cannot be applied: ${(e as Error).message}`);
    }
    const at = tokens.indexOf(SENTINEL);
    if (at < 0 || tokens.lastIndexOf(SENTINEL) !== at) {
      throw new InputError(file, undefined, 'post_processor', 'its single-sequence template does not contain the sequence exactly once');
    }
    prefixIds = tokens.slice(0, at).flatMap(idsOf);
    suffixIds = tokens.slice(at + 1).flatMap(idsOf);
  }

  const idParts = [`hf:${opts.sha256}`];
  if (opts.configSha) idParts.push(`config:${opts.configSha.slice(0, 16)}`);
  if (cleanUp) idParts.push('cleanup');
  if (specialTokensInText) idParts.push('special-in-text');
  return new HfTokenizer(idParts.join(';'), plain, special, prefixIds, suffixIds, () => build(added), specialTokensInText, cleanUp);
}

/** token -> ids from TemplateProcessing special_tokens and Bert/Roberta cls/sep, anywhere in the post-processor tree. */
function collectTemplateIds(pp: unknown, out = new Map<string, number[]>()): Map<string, number[]> {
  if (!isPlainObject(pp)) return out;
  if (pp['type'] === 'TemplateProcessing' && isPlainObject(pp['special_tokens'])) {
    for (const [key, v] of Object.entries(pp['special_tokens'])) {
      const ids = isPlainObject(v) ? v['ids'] : undefined;
      if (Array.isArray(ids) && ids.length > 0 && ids.every((x) => Number.isInteger(x))) out.set(key, ids as number[]);
    }
  } else if (pp['type'] === 'BertProcessing' || pp['type'] === 'RobertaProcessing') {
    for (const k of ['cls', 'sep']) {
      const pair = pp[k];
      if (Array.isArray(pair) && typeof pair[0] === 'string' && Number.isInteger(pair[1])) out.set(pair[0], [pair[1] as number]);
    }
  } else if (pp['type'] === 'Sequence' && Array.isArray(pp['processors'])) {
    for (const p of pp['processors']) collectTemplateIds(p, out);
  }
  return out;
}

async function readOrThrow(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new InputError(file, undefined, undefined, ioProblem(e));
  }
}

function parseOrThrow(text: string, file: string): unknown {
  const r = parseJsonWithLine(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if ('value' in r) return r.value;
  throw new InputError(file, r.line, undefined, r.error);
}
