import { closeSync, createWriteStream, mkdirSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import yauzl from 'yauzl';
import { InputError } from './errors.js';
import { checkInput } from './input.js';

// yauzl streams entries without loading the archive: the LongBench data.zip is large.

/**
 * Extracts the entries whose base name passes `keep` into `dest` (flattened); returns their
 * names. They are written into a folder beside `dest` that is renamed to it only when the
 * whole archive has been read: a broken archive leaves nothing behind.
 */
export async function extractZip(zipPath: string, dest: string, keep: (name: string) => boolean, hint?: string): Promise<string[]> {
  checkInput(zipPath, 'file', hint);
  const magic = Buffer.alloc(4);
  const fd = openSync(zipPath, 'r');
  const n = readSync(fd, magic, 0, 4, 0);
  closeSync(fd);
  // PK\3\4 opens an archive with entries, PK\5\6 an empty one.
  if (n < 4 || magic.toString('latin1', 0, 2) !== 'PK' || (magic[2] !== 3 && magic[2] !== 5)) {
    throw new InputError(zipPath, undefined, undefined, n === 0 ? `is empty, not a zip archive${hint ? `; ${hint}` : ''}` : `is not a zip archive${hint ? `; ${hint}` : ''}`);
  }
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false });
  } catch (e) {
    throw new InputError(zipPath, undefined, undefined, `not a readable zip archive (${(e as Error).message})`);
  }
  const part = `${dest}.part-${process.pid}`;
  rmSync(part, { recursive: true, force: true });
  mkdirSync(part, { recursive: true });
  const written: string[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const name = basename(entry.fileName);
      if (entry.fileName.endsWith('/') || !keep(name)) continue;
      const input = await zip.openReadStreamPromise(entry);
      await new Promise<void>((res, rej) => {
        const out = createWriteStream(join(part, name));
        input.on('error', rej);
        out.on('error', rej);
        out.on('finish', () => res());
        input.pipe(out);
      });
      written.push(name);
    }
    rmSync(dest, { recursive: true, force: true });
    renameSync(part, dest);
  } catch (e) {
    rmSync(part, { recursive: true, force: true });
    if (e instanceof InputError) throw e;
    throw new InputError(zipPath, undefined, undefined, `broken zip archive (${(e as Error).message})`);
  } finally {
    zip.close();
  }
  return written;
}
