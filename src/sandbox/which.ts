import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** Resolves an executable: a path containing '/' is checked as is, a bare name is looked up in `searchPath`. */
export function which(name: string, searchPath: string | undefined = process.env.PATH): string | null {
  const candidates = name.includes('/') ? [path.resolve(name)] : (searchPath ?? '').split(':').filter(Boolean).map((dir) => path.join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
