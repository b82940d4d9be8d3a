import { countTokens, type SimRequest } from './sim-server.js';

// A scripted "model" for the needle suite's tests.

export const NEEDLE = /The special magic number for ([A-Za-z]+) is (\d{7})\./;
const QUESTION = /What is the special magic number for ([A-Za-z]+) mentioned/;

/** Reads only the first `window` tokens (code points) of its prompt: needles further in are missed, so the heatmap is not uniform. */
export function windowModel(window: number) {
  return (req: SimRequest): string => {
    const m = NEEDLE.exec(req.prompt);
    const q = QUESTION.exec(req.prompt);
    if (!m || !q || q[1] !== m[1]) return 'There is no such number in the text.';
    const end = countTokens(req.prompt.slice(0, m.index + m[0].length));
    return end <= window ? `The special magic number for ${m[1]} is ${m[2]}.` : 'I could not find it.';
  };
}
