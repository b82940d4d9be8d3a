import { createReadStream } from 'node:fs';
import { InputError } from './errors.js';
import { textChunks } from './input.js';

export interface JsonlLine {
  line: number; // 1-based
  value: unknown;
}

/**
 * Streams a JSONL file one parsed record at a time, so a 90 MB data file never sits in
 * memory whole (textChunks checks the path, gunzips a `.gz` file and drops a BOM). Blank
 * lines are skipped (the official files end with one); anything else that is not JSON is an
 * InputError naming file and line.
 */
export async function* readJsonl(file: string, hint?: string): AsyncGenerator<JsonlLine> {
  let line = 0;
  let rest = '';
  const parse = (text: string): JsonlLine | undefined => {
    line++;
    if (text.trim() === '') return undefined;
    try {
      return { line, value: JSON.parse(text) as unknown };
    } catch (e) {
      throw new InputError(file, line, undefined, `not valid JSON (${(e as Error).message})`);
    }
  };
  for await (const chunk of textChunks(file, hint)) {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      const text = rest + chunk.slice(start, nl);
      rest = '';
      start = nl + 1;
      const rec = parse(text);
      if (rec) yield rec;
    }
    rest += chunk.slice(start);
  }
  if (rest !== '') {
    const rec = parse(rest);
    if (rec) yield rec;
  }
}

/** Counts the non-blank lines of a file without parsing them (for totals and progress). */
export async function countJsonl(file: string): Promise<number> {
  let n = 0;
  let prev = 10;
  let nonBlank = false;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === 10) {
        if (nonBlank) n++;
        nonBlank = false;
      } else if (c !== 13 && c !== 32 && c !== 9) nonBlank = true;
      prev = c;
    }
  }
  if (nonBlank && prev !== 10) n++;
  return n;
}
