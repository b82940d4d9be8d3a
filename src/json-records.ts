import { InputError } from './errors.js';
import { textChunks } from './input.js';
import { readJsonl, type JsonlLine } from './jsonl.js';

/**
 * Streams the records of a file that is either one JSON array of records (LongBench v2's
 * data.json, ~465 MB: too big to JSON.parse whole) or JSONL; decided by its first
 * non-blank character. Each record comes with the line it starts on, for error messages.
 */
export async function* readJsonRecords(file: string, hint?: string): AsyncGenerator<JsonlLine> {
  if ((await firstChar(file, hint)) === '[') {
    yield* readJsonArray(file, hint);
    return;
  }
  try {
    yield* readJsonl(file, hint);
  } catch (e) {
    // A pretty-printed object (or anything else) fails on its first line: say what the file may hold.
    if (e instanceof InputError && e.line === 1 && e.problem.startsWith('not valid JSON')) {
      throw new InputError(file, 1, undefined, `${e.problem}; expected a JSON array of records, or one JSON record per line`);
    }
    throw e;
  }
}

async function firstChar(file: string, hint?: string): Promise<string | undefined> {
  for await (const chunk of textChunks(file, hint)) {
    const m = /\S/.exec(chunk);
    if (m) return m[0];
  }
  return undefined;
}

/**
 * A small hand-written splitter (no streaming JSON parser is among the dependencies): it
 * tracks strings, escapes and nesting depth to cut the top-level array into element texts,
 * and JSON.parse does the real parsing of each element.
 */
const STRING_STOP = /["\\]/g;

async function* readJsonArray(file: string, hint?: string): AsyncGenerator<JsonlLine> {
  let line = 1;
  let depth = 0; // 1 = directly inside the top-level array
  let inString = false;
  let escaped = false;
  let closed = false;
  let current: string[] | undefined; // pieces of the element being read
  let startLine = 0;
  let pieceStart = 0;
  const fail = (problem: string): never => {
    throw new InputError(file, line, undefined, problem);
  };
  const finish = (text: string) => {
    try {
      return { line: startLine, value: JSON.parse(text) as unknown };
    } catch (e) {
      throw new InputError(file, startLine, undefined, `not valid JSON (${(e as Error).message})`);
    }
  };
  for await (const s of textChunks(file, hint)) {
    pieceStart = 0;
    for (let i = 0; i < s.length; i++) {
      if (inString) {
        // Contexts are most of the file: jump to the next quote or backslash natively. (A
        // JSON string holds no raw newline, so no line is skipped.)
        if (escaped) {
          escaped = false;
          continue;
        }
        STRING_STOP.lastIndex = i;
        const m = STRING_STOP.exec(s);
        if (!m) break;
        i = m.index;
        if (s[i] === '\\') escaped = true;
        else inString = false;
        continue;
      }
      const c = s[i]!;
      if (c === '\n') line++;
      if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
      if (closed) fail(`unexpected "${c}" after the closing ] of the top-level array`);
      if (depth === 0) {
        if (c !== '[') fail('expected a JSON array of records');
        depth = 1;
        continue;
      }
      if (depth === 1) {
        if (c === ',' || c === ']') {
          if (current) {
            current.push(s.slice(pieceStart, i));
            yield finish(current.join(''));
            current = undefined;
          } else if (c === ',') fail('empty element in the array');
          if (c === ']') closed = true;
          continue;
        }
        if (!current) {
          current = [];
          pieceStart = i;
          startLine = line;
        }
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
    }
    if (current) current.push(s.slice(pieceStart));
  }
  if (current) throw new InputError(file, startLine, undefined, 'the record that starts here is not closed: the file ends inside it (cut short?)');
  if (!closed) fail(depth === 0 ? 'no JSON in this file' : 'the array is not closed (file cut short?)');
}
