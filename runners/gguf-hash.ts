import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';

// A model file is hashed once per process: the sha256 pins the run fingerprint, and a
// multi-gigabyte GGUF takes seconds to read. Keyed by path, size and mtime so a file
// replaced in place is hashed again.
const cache = new Map<string, { size: number; mtimeMs: number; sha256: Promise<string> }>();

export async function fileSha256(path: string): Promise<string> {
  const abs = resolve(path);
  const st = await stat(abs);
  const hit = cache.get(abs);
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.sha256;
  const sha256 = new Promise<string>((res, rej) => {
    const hash = createHash('sha256');
    createReadStream(abs, { highWaterMark: 4 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', rej)
      .on('end', () => res(hash.digest('hex')));
  });
  cache.set(abs, { size: st.size, mtimeMs: st.mtimeMs, sha256 });
  sha256.catch(() => cache.delete(abs));
  return sha256;
}
