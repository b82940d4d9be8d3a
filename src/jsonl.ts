import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError } from './errors.js';

export interface JsonlLine {
  line: number; // 1-based
  value: unknown;
}

/**
 * Streams a JSONL file one parsed record at a time, so a 90 MB data file never sits in
 * memory whole. Blank lines are skipped (the official files end with one); anything
 * else that is not JSON is an InputError naming file and line.
 */
export async function* readJsonl(file: string): AsyncGenerator<JsonlLine> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new InputError(file, line, undefined, `not valid JSON (${(e as Error).message})`);
      }
      yield { line, value };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(file, undefined, undefined, 'file not found');
    throw e;
  } finally {
    lines.close();
    stream.destroy();
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
