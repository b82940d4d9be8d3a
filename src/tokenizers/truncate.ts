// LongBench's middle truncation, exactly as the official scripts do it.
//
// v1 (LongBench/pred.py):
//     tokenized_prompt = tokenizer(prompt, truncation=False).input_ids   # with special tokens,
//                                     # except chatglm3: add_special_tokens=False
//     if len(tokenized_prompt) > max_length:
//         half = int(max_length/2)
//         prompt = tokenizer.decode(tokenized_prompt[:half], skip_special_tokens=True)
//                + tokenizer.decode(tokenized_prompt[-half:], skip_special_tokens=True)
// v2 (pred.py):
//     input_ids = tokenizer.encode(prompt)                  # HF models: with special tokens
//     if len(input_ids) > max_len:
//         input_ids = input_ids[:max_len//2] + input_ids[-max_len//2:]
//         prompt = tokenizer.decode(input_ids, skip_special_tokens=True)
//   (-max_len//2 is (-max_len)//2 in Python: for an odd budget the tail keeps one more token.)
//
// This module only computes; whether and how a truncation is reported is the caller's call.

import { UsageError } from '../errors.js';
import type { Tokenizer } from './types.js';

export type TruncationMode = 'v1' | 'v2';

export interface TruncateOptions {
  /**
   * Count (and cut within) the special tokens the tokenizer adds, e.g. GLM-4's [gMASK]<sop> or a
   * BOS. Default true: v1 pred.py for every model but chatglm3, and v2 pred.py for HF models.
   * False reproduces v1 for chatglm3 (add_special_tokens=False).
   */
  countSpecialTokens?: boolean;
  /**
   * Skip tokenizing a prompt that provably fits: byte-level BPE and SentencePiece (with byte
   * fallback) tokens each cover at least one UTF-8 byte, so a text of B bytes has at most
   * B tokens plus the few special tokens added around it. Saves a tokenizer round trip per
   * item for the many prompts far below a 128K budget; promptTokens is then unknown here
   * (the server's usage reports it). Off by default.
   */
  skipWhenBytesFit?: boolean;
}

/** Special tokens a tokenizer may add around a text (BOS, [gMASK]<sop>, a dummy prefix): a generous allowance. */
const SPECIAL_ALLOWANCE = 16;

export interface TruncateResult {
  /** The prompt to send: the input unchanged when it fits. */
  text: string;
  /** Tokens in the untruncated prompt (as counted, see countSpecialTokens); undefined when skipped. */
  promptTokens: number | undefined;
  /** Tokens cut out of the middle; 0 when the prompt fits. */
  truncatedTokens: number;
}

/** Which token positions survive: [0, head) and [tailStart, length). Pure arithmetic, exported for tests. */
export function middleCut(length: number, maxLength: number, mode: TruncationMode): { head: number; tailStart: number } {
  checkBudget(maxLength, mode);
  if (length <= maxLength) return { head: length, tailStart: length };
  if (mode === 'v1') {
    const half = Math.floor(maxLength / 2);
    return { head: half, tailStart: length - half };
  }
  // ids[:max//2] + ids[-max//2:]: head floor(max/2), tail ceil(max/2).
  return { head: Math.floor(maxLength / 2), tailStart: length - Math.ceil(maxLength / 2) };
}

export async function truncateMiddle(
  tokenizer: Tokenizer,
  text: string,
  maxLength: number,
  mode: TruncationMode,
  opts: TruncateOptions = {},
): Promise<TruncateResult> {
  checkBudget(maxLength, mode);
  if (opts.skipWhenBytesFit && Buffer.byteLength(text, 'utf8') + SPECIAL_ALLOWANCE <= maxLength) {
    return { text, promptTokens: undefined, truncatedTokens: 0 };
  }
  const ids = await tokenizer.encode(text, { addSpecialTokens: opts.countSpecialTokens ?? true });
  const promptTokens = ids.length;
  if (promptTokens <= maxLength) return { text, promptTokens, truncatedTokens: 0 };
  const { head, tailStart } = middleCut(promptTokens, maxLength, mode);
  const skip = { skipSpecialTokens: true };
  let out: string;
  if (mode === 'v1') {
    // Two separate decodes, concatenated with no separator.
    out = (await tokenizer.decode(ids.slice(0, head), skip)) + (await tokenizer.decode(ids.slice(tailStart), skip));
  } else {
    // One decode of the joined ids: bytes of a character cut at the head can join the tail's.
    out = await tokenizer.decode([...ids.slice(0, head), ...ids.slice(tailStart)], skip);
  }
  return { text: out, promptTokens, truncatedTokens: promptTokens - head - (promptTokens - tailStart) };
}

function checkBudget(maxLength: number, mode: TruncationMode): void {
  if (mode !== 'v1' && mode !== 'v2') throw new UsageError(`truncation mode must be "v1" or "v2", got ${JSON.stringify(mode)}`);
  // Below 2, pred.py's slices degenerate (v1: half = 0 and ids[-0:] is the whole list).
  if (!Number.isSafeInteger(maxLength) || maxLength < 2) {
    throw new UsageError(`truncation length must be an integer of at least 2, got ${String(maxLength)}`);
  }
}
