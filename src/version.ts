import { readFileSync } from 'node:fs';

// Read once from package.json so the version stored with every run is the one installed.
export const evalhVersion: string = (() => {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      /* try the next layout (dist/src vs src) */
    }
  }
  return '0.0.0';
})();
