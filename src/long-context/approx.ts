// Token counts without a tokenizer: characters / 4, the usual rule of thumb for English text
// and BPE tokenizers. Only for what must be sized when no tokenizer is available (the needle
// suite's context lengths under the reference runner, or a server with no tokenize endpoint);
// a run that used it is labelled as approximate.

export const APPROX_CHARS_PER_TOKEN = 4;
export const APPROX_MEASURE_ID = `approx:${APPROX_CHARS_PER_TOKEN}-chars-per-token`;
export const APPROX_LABEL = `context lengths approximate: no tokenizer, ~${APPROX_CHARS_PER_TOKEN} characters per token`;

export function approxTokens(text: string): number {
  return Math.ceil(text.length / APPROX_CHARS_PER_TOKEN);
}
