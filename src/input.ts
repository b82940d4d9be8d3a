import { closeSync, createReadStream, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { InputError } from './errors.js';

// Every path a user gives evalh to read (data, predictions, configs, templates, tokenizers)
// goes through these checks, so a folder where a file belongs, an unreadable or binary file,
// or a UTF-8 BOM ends the same way in every suite: exit 2 with one line naming the path
// (and the line, when there is one), never a Node stack trace.

export type Expected = 'file' | 'folder' | 'file or folder';

/**
 * Checks that `path` exists, is what `expected` says and can be read; returns what it is.
 * `hint` says what the option takes, for the message ("--data takes data.json or its folder").
 */
export function checkInput(path: string, expected: Expected, hint?: string): 'file' | 'folder' {
  const fail = (why: string): never => {
    throw new InputError(path, undefined, undefined, hint ? `${why}; ${hint}` : why);
  };
  let st;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    return fail(ioProblem(e));
  }
  if (!st) return fail(`no such ${expected}`);
  const kind = st.isFile() ? 'file' : st.isDirectory() ? 'folder' : undefined;
  if (!kind) return fail(`is not a regular ${expected}`);
  if (expected === 'file' && kind === 'folder') fail('is a folder, where a file was expected');
  if (expected === 'folder' && kind === 'file') fail('is a file, where a folder was expected');
  try {
    if (kind === 'file') closeSync(openSync(path, 'r'));
    else readdirSync(path);
  } catch (e) {
    fail(ioProblem(e));
  }
  return kind;
}

/** The entries of a folder the user gave (checked first). */
export function listFolder(path: string, hint?: string): string[] {
  checkInput(path, 'folder', hint);
  return readdirSync(path);
}

/** The bytes of a file the user gave (checked first). */
export function readInputBytes(path: string, hint?: string): Buffer {
  checkInput(path, 'file', hint);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputError(path, undefined, undefined, ioProblem(e));
  }
}

/** A small text file the user gave (a config, a template, a problem file), decoded as UTF-8 without its BOM. */
export function readTextFile(path: string, hint?: string): string {
  return decodeText(readInputBytes(path, hint), path);
}

/** UTF-8 text from bytes read from `file` (named in messages): a leading BOM is dropped; binary content is refused. */
export function decodeText(bytes: Buffer, file: string): string {
  refuseNonText(bytes, file, false);
  const text = new TextInput(file);
  return text.decode(bytes) + text.end();
}

/**
 * Streams a text file as decoded string chunks, so a 465 MB data file never sits in memory
 * whole; a `.gz` file (HumanEval-X's official .jsonl.gz) is gunzipped on the way.
 */
export async function* textChunks(file: string, hint?: string): AsyncGenerator<string> {
  checkInput(file, 'file', hint);
  const gz = file.endsWith('.gz');
  refuseNonText(head(file), file, gz);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const gunzip = gz ? createGunzip() : undefined;
  raw.on('error', (e) => gunzip?.destroy(e));
  const text = new TextInput(file);
  try {
    for await (const chunk of (gunzip ? raw.pipe(gunzip) : raw) as AsyncIterable<Buffer>) {
      const s = text.decode(chunk);
      if (s) yield s;
    }
    const tail = text.end();
    if (tail) yield tail;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (gz && code?.startsWith('Z_')) throw new InputError(file, undefined, undefined, `not a readable gzip file (${(e as Error).message})`);
    throw new InputError(file, undefined, undefined, ioProblem(e));
  } finally {
    gunzip?.destroy();
    raw.destroy();
  }
}

/** What a Node file-system error means to the user. */
export function ioProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (evalh cannot read it)';
    case 'ENOENT':
      return 'no such file or folder';
    case 'ENOTDIR':
      return 'a part of this path is a file, not a folder';
    case 'EISDIR':
      return 'is a folder, where a file was expected';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return `cannot read it (${code ?? (e as Error).message})`;
  }
}

function head(file: string): Buffer {
  const buf = Buffer.alloc(8);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } catch (e) {
    throw new InputError(file, undefined, undefined, ioProblem(e));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What the first bytes of a file give away: empty, compressed, an archive, UTF-16. */
function refuseNonText(start: Buffer, file: string, gz: boolean): void {
  const why =
    start.length === 0
      ? 'is empty'
      : gz
        ? start[0] === 0x1f && start[1] === 0x8b
          ? undefined
          : 'is named .gz but is not a gzip file'
        : start[0] === 0x1f && start[1] === 0x8b
          ? 'is a gzip file, not text: gunzip it first'
          : start.subarray(0, 4).equals(ZIP)
            ? 'is a zip archive, not a text file'
            : (start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff)
              ? 'is UTF-16 text; save it as UTF-8'
              : undefined;
  if (why) throw new InputError(file, undefined, undefined, why);
}

const ZIP = Buffer.from('PK\x03\x04', 'latin1');

/** Decodes chunks of one file: UTF-8 only (a leading BOM dropped); NUL bytes or ill-formed UTF-8 are "not a text file". */
class TextInput {
  // fatal: ill-formed UTF-8 throws instead of becoming U+FFFD (which real text may hold);
  // ignoreBOM false (the default) drops a leading BOM.
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private offset = 0;
  private line = 1;

  constructor(private readonly file: string) {}

  decode(chunk: Buffer): string {
    const nul = chunk.indexOf(0);
    if (nul >= 0) this.fail(chunk, nul, 'it holds NUL bytes');
    let s: string;
    try {
      s = this.decoder.decode(chunk, { stream: true });
    } catch {
      this.fail(chunk, firstInvalidUtf8(chunk), 'invalid UTF-8');
    }
    this.offset += chunk.length;
    this.line += countNewlines(chunk, chunk.length);
    return s!;
  }

  end(): string {
    try {
      return this.decoder.decode();
    } catch {
      throw new InputError(this.file, undefined, undefined, 'is not a text file (it ends inside a UTF-8 character)');
    }
  }

  private fail(chunk: Buffer, at: number, why: string): never {
    // In the first bytes the whole file is binary (an image, an archive): its "line" means nothing.
    const line = this.offset + at < 64 ? undefined : this.line + countNewlines(chunk, at);
    throw new InputError(this.file, line, undefined, `is not a text file (${why})`);
  }
}

function countNewlines(buf: Buffer, end: number): number {
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0 && i < end; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** Index of the first byte that does not start a well-formed UTF-8 sequence (only on the failure path). */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    if (i + n >= b.length) return i; // a sequence cut by the chunk end (or by the file's end)
    for (let k = 1; k <= n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}
