import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { InputError } from './errors.js';

export interface JsonlLine {
  line: number; // 1-based
  value: unknown;
}

/**
 * Streams a JSONL file one parsed record at a time, so a 90 MB data file never sits in
 * memory whole; a `.gz` file (HumanEval-X's official .jsonl.gz) is gunzipped on the way.
 * Blank lines are skipped (the official files end with one); anything else that is not
 * JSON is an InputError naming file and line.
 */
export async function* readJsonl(file: string): AsyncGenerator<JsonlLine> {
  if (!existsSync(file)) throw new InputError(file, undefined, undefined, 'file not found');
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const gunzip = file.endsWith('.gz') ? createGunzip() : undefined;
  let failed: Error | undefined;
  gunzip?.on('error', (e) => (failed = e));
  const input = (gunzip ? raw.pipe(gunzip) : raw).setEncoding('utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
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
    if (failed) throw failed;
  } catch (e) {
    if (e instanceof InputError) throw e;
    if (gunzip && (failed || (e as NodeJS.ErrnoException).code?.startsWith('Z_'))) {
      throw new InputError(file, line || undefined, undefined, `not a readable gzip file (${(failed ?? (e as Error)).message})`);
    }
    throw e;
  } finally {
    lines.close();
    gunzip?.destroy();
    raw.destroy();
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
