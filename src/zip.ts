import { createWriteStream, mkdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import yauzl from 'yauzl';
import { InputError } from './errors.js';

// yauzl streams entries without loading the archive: the LongBench data.zip is large.

/** Extracts the entries whose base name passes `keep` into `dest` (flattened); returns their names. */
export async function extractZip(zipPath: string, dest: string, keep: (name: string) => boolean): Promise<string[]> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false });
  } catch (e) {
    throw new InputError(zipPath, undefined, undefined, `not a readable zip archive (${(e as Error).message})`);
  }
  mkdirSync(dest, { recursive: true });
  const written: string[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const name = basename(entry.fileName);
      if (entry.fileName.endsWith('/') || !keep(name)) continue;
      const target = join(dest, name);
      const input = await zip.openReadStreamPromise(entry);
      await new Promise<void>((res, rej) => {
        const out = createWriteStream(`${target}.part`);
        input.on('error', rej);
        out.on('error', rej);
        out.on('finish', () => res());
        input.pipe(out);
      });
      renameSync(`${target}.part`, target);
      written.push(name);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(zipPath, undefined, undefined, `broken zip archive (${(e as Error).message})`);
  } finally {
    zip.close();
  }
  return written;
}
