// One entry point: turn what the user gave (--tokenizer) into a Tokenizer.
//
//   <file>           tokenizer.json (HF) or a tiktoken-style rank file, told apart by content
//   <directory>      a model directory holding one of them (GLM-4: tokenizer.model)
//   tiktoken:<name>  a tiktoken built-in encoding (o200k_base for GPT models in LongBench v2)
//   server           the model server's own tokenize/detokenize (needs opts.server)

import { open, readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { fileKind } from '../files.js';
import { checkInput, ioProblem } from '../input.js';
import { loadHfTokenizer, type HfTokenizerOptions } from './hf.js';
import { connectServerTokenizer, type ServerTokenizerOptions } from './server.js';
import { BUILTIN_ENCODINGS, loadTiktokenEncoding, loadTiktokenFile, looksLikeRankFile, type TiktokenFileOptions } from './tiktoken-file.js';
import type { Tokenizer } from './types.js';
import { isPlainObject } from './util.js';

export interface LoadTokenizerOptions {
  /**
   * Parse special-token strings found in the text as special tokens (transformers does).
   * Default false: data text is always ordinary text.
   */
  specialTokensInText?: boolean;
  /** HF tokenizer.json only. */
  hf?: Omit<HfTokenizerOptions, 'specialTokensInText'>;
  /** Rank files only (defaults: GLM-4's pattern, special tokens and [gMASK]<sop> prefix). */
  tiktoken?: Omit<TiktokenFileOptions, 'specialTokensInText'>;
  /** Required for spec "server". */
  server?: Omit<ServerTokenizerOptions, 'specialTokensInText'>;
}

export type TokenizerFileKind = 'hf-json' | 'tiktoken-ranks';

export async function loadTokenizer(spec: string, opts: LoadTokenizerOptions = {}): Promise<Tokenizer> {
  if (typeof spec !== 'string' || spec.trim() === '') throw new UsageError('--tokenizer: empty value');
  const specialTokensInText = opts.specialTokensInText ?? false;
  if (spec === 'server') {
    if (!opts.server) throw new UsageError('--tokenizer server: needs --endpoint (the model server to ask)');
    return connectServerTokenizer({ ...opts.server, specialTokensInText });
  }
  if (spec.startsWith('tiktoken:')) {
    const name = spec.slice('tiktoken:'.length);
    if (!BUILTIN_ENCODINGS.includes(name)) {
      throw new UsageError(`--tokenizer ${spec}: unknown tiktoken encoding (known: ${BUILTIN_ENCODINGS.join(', ')})`);
    }
    if (specialTokensInText) throw new UsageError(`--tokenizer ${spec}: built-in encodings always encode text as ordinary text`);
    return loadTiktokenEncoding(name, { longPieceBytes: opts.tiktoken?.longPieceBytes });
  }

  const given = checkInput(spec, 'file or folder', '--tokenizer takes a tokenizer.json, a tiktoken rank file, a model folder holding one, tiktoken:<name> or server');
  const file = given === 'folder' ? await pickFileInDirectory(spec) : spec;
  const kind = await detectTokenizerFile(file);
  return kind === 'hf-json'
    ? loadHfTokenizer(file, { ...opts.hf, specialTokensInText })
    : loadTiktokenFile(file, { ...opts.tiktoken, specialTokensInText });
}

/** Tells a tokenizer.json from a tiktoken rank file by content; InputError for anything else. */
export async function detectTokenizerFile(file: string): Promise<TokenizerFileKind> {
  let head: Buffer;
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new InputError(file, undefined, undefined, ioProblem(e));
  }
  if (head.length === 0) throw new InputError(file, undefined, undefined, 'empty file: not a tokenizer');
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const first = text.trimStart()[0];
  if (first === '{') return 'hf-json';
  if (looksLikeRankFile(text)) return 'tiktoken-ranks';
  // Ill-formed UTF-8 (ignoring a character cut by the 4 KiB window) or NUL bytes: binary.
  if (head.includes(0) || head.subarray(0, Math.max(0, head.length - 4)).toString('utf8').includes('\uFFFD')) {
    throw new InputError(
      file,
      undefined,
      undefined,
      'binary file (a SentencePiece model?): not supported. Use the tokenizer.json from the same model repository, ' +
        'or --tokenizer server to use the model server\'s tokenizer',
    );
  }
  throw new InputError(
    file,
    1,
    undefined,
    'neither an HF tokenizer.json (a JSON object) nor a tiktoken rank file (lines "<base64 token> <rank>")',
  );
}

/**
 * The tokenizer file of a model directory. transformers' AutoTokenizer uses the slow GLM-4
 * tokenizer (tokenizer.model) when tokenizer_config.json names ChatGLM4Tokenizer, whatever else is
 * there; otherwise tokenizer.json wins, then a tiktoken-style tokenizer.model or *.tiktoken file.
 */
async function pickFileInDirectory(dir: string): Promise<string> {
  const has = (name: string) => fileKind(join(dir, name)) === 'file';
  const cfgClass = await configTokenizerClass(join(dir, 'tokenizer_config.json'));
  if (cfgClass === 'ChatGLM4Tokenizer' && has('tokenizer.model')) return join(dir, 'tokenizer.model');
  if (has('tokenizer.json')) return join(dir, 'tokenizer.json');
  if (has('tokenizer.model')) return join(dir, 'tokenizer.model');
  const tiktokenFiles = (await readdir(dir)).filter((n) => n.endsWith('.tiktoken')).sort();
  if (tiktokenFiles.length === 1) return join(dir, tiktokenFiles[0]!);
  if (tiktokenFiles.length > 1) {
    throw new InputError(dir, undefined, undefined, `several *.tiktoken files (${tiktokenFiles.join(', ')}): name the one to use`);
  }
  throw new InputError(dir, undefined, undefined, 'no tokenizer.json, tokenizer.model or *.tiktoken file in this directory');
}

async function configTokenizerClass(configFile: string): Promise<string | undefined> {
  if (!existsSync(configFile)) return undefined;
  try {
    const v: unknown = JSON.parse((await readFile(configFile, 'utf8')).replace(/^\uFEFF/, ''));
    return isPlainObject(v) && typeof v['tokenizer_class'] === 'string' ? v['tokenizer_class'] : undefined;
  } catch {
    return undefined; // reported with its line when the loader reads it
  }
}
