import { loadAsset, requireAsset } from '../../src/assets.js';
import { UsageError } from '../../src/errors.js';
import { pyStrip } from '../../src/metrics/pystr.js';
import { truncateMiddle } from '../../src/tokenizers/truncate.js';
import type { ModelRequest } from '../../runners/types.js';
import type { PreparedRequest, RequestContext } from '../../src/suite.js';
import { PROMPT_0SHOT, PROMPT_COT, PROMPT_COT_ANS } from './assets.js';
import type { DataRecord } from './records.js';

// pred.py, step by step: fill the template by sequential plain replaces, middle-truncate the
// filled prompt to the model's budget (one decode of the joined ids), send it as one user
// message at temperature 0.1. CoT: the first pass may write 1024 tokens; its stripped answer
// goes into 0shot_cot_ans.txt for a second call of 128 tokens.

export type Mode = 'plain' | 'cot';
export const MODES: readonly Mode[] = ['plain', 'cot'];
export const TEMPERATURE = 0.1;
export const MAX_TOKENS = 128;
export const COT_MAX_TOKENS = 1024;

export interface Templates {
  /** 'official' (the pinned prompts/*.txt) or 'evalh-sample' (the sample's own wording). */
  source: 'official' | 'evalh-sample';
  zeroShot: string;
  cot: string;
  cotAnswer: string;
}

// The built-in sample must run with no download, so it carries templates of its own, written
// for evalh with the official placeholders; they are used only when the official files are
// not registered, and the run records which set it used.
const SAMPLE_TEMPLATES: Omit<Templates, 'source'> = {
  zeroShot:
    'Read the document and answer the multiple-choice question.\n\n<text>\n$DOC$\n</text>\n\nQuestion: $Q$\n(A) $C_A$\n(B) $C_B$\n(C) $C_C$\n(D) $C_D$\n\n' +
    'Reply in the form "The correct answer is (X)".',
  cot: 'Read the document and think about the multiple-choice question.\n\n<text>\n$DOC$\n</text>\n\nQuestion: $Q$\n(A) $C_A$\n(B) $C_B$\n(C) $C_C$\n(D) $C_D$\n\nReasoning:',
  cotAnswer:
    'Question: $Q$\n(A) $C_A$\n(B) $C_B$\n(C) $C_C$\n(D) $C_D$\n\nReasoning: $COT$\n\nReply with the single best choice in the form "The correct answer is (X)".',
};

export function loadTemplates(suite: string, sample: boolean): Templates {
  const specs = [PROMPT_0SHOT, PROMPT_COT, PROMPT_COT_ANS];
  const files = specs.map((s) => loadAsset(suite, s));
  if (files.every((f) => f !== undefined)) {
    // Bytes as pinned: no trailing newline to strip, and U+2019 must stay what it is.
    const [zeroShot, cot, cotAnswer] = files.map((f) => f!.toString('utf8')) as [string, string, string];
    return { source: 'official', zeroShot, cot, cotAnswer };
  }
  if (!sample) requireAsset(suite, specs[files.findIndex((f) => f === undefined)]!); // throws, naming the fix
  return { source: 'evalh-sample', ...SAMPLE_TEMPLATES };
}

/** Python's str.replace: every occurrence, and no `$&`-style patterns in the replacement (hence the function). */
function replaceAll(s: string, from: string, to: string): string {
  return s.replaceAll(from, () => to);
}

/**
 * pred.py's chain of replaces, in its order: $DOC$ first, so a "$Q$" or "$C_A$" inside the
 * document is replaced too, exactly as the official script does.
 */
export function fillTemplate(template: string, rec: Pick<DataRecord, 'context' | 'question' | 'choice_A' | 'choice_B' | 'choice_C' | 'choice_D'>): string {
  let p = replaceAll(template, '$DOC$', pyStrip(rec.context));
  p = replaceAll(p, '$Q$', pyStrip(rec.question));
  p = replaceAll(p, '$C_A$', pyStrip(rec.choice_A));
  p = replaceAll(p, '$C_B$', pyStrip(rec.choice_B));
  p = replaceAll(p, '$C_C$', pyStrip(rec.choice_C));
  p = replaceAll(p, '$C_D$', pyStrip(rec.choice_D));
  return p;
}

/** The CoT second pass: the same fill, then $COT$ replaced last by the stripped first response. */
export function fillCotAnswer(template: string, rec: DataRecord, firstResponse: string): string {
  return replaceAll(fillTemplate(template, rec), '$COT$', pyStrip(firstResponse));
}

/** query_llm's truncation (every call goes through it, the CoT second pass too). */
export async function buildRequest(prompt: string, maxTokens: number, ctx: RequestContext): Promise<PreparedRequest> {
  let promptTokens: number | undefined;
  let truncatedTokens: number | undefined;
  if (ctx.needsPrompt) {
    if (!ctx.tokenizer || ctx.maxLength === undefined) {
      throw new UsageError('LongBench v2 truncates long prompts with the model tokenizer: pass --tokenizer and --max-length');
    }
    const cut = await truncateMiddle(ctx.tokenizer, prompt, ctx.maxLength, 'v2');
    prompt = cut.text;
    promptTokens = cut.promptTokens;
    truncatedTokens = cut.truncatedTokens;
  }
  const request: ModelRequest = { kind: 'chat', prompt, maxTokens, temperature: TEMPERATURE };
  return {
    request,
    ...(promptTokens !== undefined ? { promptTokens } : {}),
    ...(truncatedTokens !== undefined ? { truncatedTokens } : {}),
  };
}
