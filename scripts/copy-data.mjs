// tsc copies no data files; the runtime reads a few (jieba tables, built-in samples) next to
// the compiled modules, so mirror every non-TypeScript file of the source folders into dist/.
import { cpSync, existsSync } from 'node:fs';

const folders = ['src', 'benchmarks', 'runners', 'reports'];
for (const folder of folders) {
  if (!existsSync(folder)) continue;
  cpSync(folder, `dist/${folder}`, {
    recursive: true,
    filter: (path) => !path.endsWith('.ts'),
  });
}
