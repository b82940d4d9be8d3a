import { APPROX_MEASURE_ID, approxTokens } from '../../src/long-context/approx.js';
import type { Tokenizer } from '../../src/tokenizers/types.js';
import { joinSentences, type Sentence, type SentenceStream } from './haystack.js';

// Context lengths are counted in tokens of the run's tokenizer (the text of the prompt,
// without the tokenizer's special tokens or the chat template) when the run has one. Without
// one (the reference runner, or a server with no tokenize endpoint and no --tokenizer) they
// are approximated as characters / 4 (src/long-context/approx.ts), and the run says so.

export interface Measure {
  /** 'tokenizer:<id>' or 'approx:4-chars-per-token'. */
  readonly id: string;
  readonly exact: boolean;
  count(text: string): Promise<number>;
}

export function measureFor(tokenizer: Tokenizer | undefined): Measure {
  if (!tokenizer) {
    return { id: APPROX_MEASURE_ID, exact: false, count: async (text) => approxTokens(text) };
  }
  return {
    id: `tokenizer:${tokenizer.id}`,
    exact: true,
    count: async (text) => (await tokenizer.encode(text, { addSpecialTokens: false })).length,
  };
}

/**
 * The most sentences of `stream` whose joined text counts at most `budget` tokens. A
 * bracketed search (the largest count known to fit, the smallest known not to) whose next
 * guess is the token rate seen so far: two to four tokenizer calls for any length, where
 * counting sentence by sentence would make tens of thousands of calls at 1M tokens.
 */
export async function fitSentences(stream: SentenceStream, budget: number, measure: Measure): Promise<Sentence[]> {
  if (budget <= 0) return [];
  let fits = 0; // known to fit (0 always does)
  let over = Infinity; // known not to fit
  let n = Math.max(1, Math.round(budget / 14)); // a filler sentence is ~14 tokens
  let slow = 0;
  for (let round = 0; round < 60 && over - fits > 1; round++) {
    const tokens = await measure.count(joinSentences(stream.take(n)));
    const width = over - fits;
    if (tokens <= budget) fits = n;
    else over = n;
    slow = over - fits > width / 2 ? slow + 1 : 0;
    if (over - fits <= 1) break;
    // Next: where the token rate seen says the budget ends; bisect when that keeps landing
    // next to the bracket's edge.
    const estimate = Math.floor(budget / Math.max(1e-6, tokens / n));
    if (over === Infinity) n = Math.max(fits + 1, estimate > fits ? estimate : fits * 2);
    else if (slow >= 2) n = Math.floor((fits + over) / 2);
    else n = Math.min(over - 1, Math.max(fits + 1, estimate));
  }
  return stream.take(fits);
}
