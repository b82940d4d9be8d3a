// tsc copies no data files; the runtime reads a few (jieba tables, built-in samples) next to
// the compiled modules, so mirror every non-TypeScript file of the source folders into dist/.
import { chmodSync, cpSync, existsSync } from 'node:fs';

const folders = ['src', 'benchmarks', 'runners', 'reports'];
for (const folder of folders) {
  if (!existsSync(folder)) continue;
  cpSync(folder, `dist/${folder}`, {
    recursive: true,
    filter: (path) => !path.endsWith('.ts'),
  });
}

// The package's bin: `npx evalh` in a checkout runs this file directly, so it must be
// executable (tsc writes 0644).
if (existsSync('dist/src/cli.js')) chmodSync('dist/src/cli.js', 0o755);
