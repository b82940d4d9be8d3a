import type { ModelRequest } from '../../runners/types.js';

// The prompt around the haystack. Its text is part of the fingerprint (PROMPT_VERSION).

export const PROMPT_VERSION = 'needle-prompt-1';

export function buildPrompt(haystack: string, city: string): string {
  return (
    'A special magic number is hidden in the following text. Read it carefully; you will be asked about the number afterwards.\n\n' +
    `<text>\n${haystack}\n</text>\n\n` +
    `What is the special magic number for ${city} mentioned in the text above? Answer with the number only.`
  );
}

/** Greedy; 64 tokens leave room for a sentence around the number. */
export function needleRequest(prompt: string): ModelRequest {
  return { kind: 'chat', prompt, maxTokens: 64, temperature: 0 };
}
