import type { Choice } from './records.js';

// pred.py's extract_answer: drop every "*" (markdown bold), then the first
// "The correct answer is (X)", else the first "The correct answer is X", else no answer.
// Case-sensitive, as re.search without flags is.
export function extractAnswer(response: string): Choice | null {
  const text = response.split('*').join('');
  const paren = /The correct answer is \(([A-D])\)/.exec(text);
  if (paren) return paren[1] as Choice;
  const bare = /The correct answer is ([A-D])/.exec(text);
  return bare ? (bare[1] as Choice) : null;
}
