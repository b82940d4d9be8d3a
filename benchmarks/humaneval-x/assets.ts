import type { AssetSpec } from '../../src/assets.js';
import type { Language } from './languages.js';

// The official problem files, pinned to THUDM/CodeGeeX at commit 2838420 (CodeGeeX2's
// copies of python, cpp, java and go are byte-identical; its JavaScript file differs in
// JavaScript/112 and /155 and is not the default — pass it with --data to use it).
const COMMIT = '2838420b7b4492cf3d16bce5320e26e65960c9e2';

const file = (lang: Language, sha256: string, size: number): AssetSpec => {
  const name = `humaneval_${lang}.jsonl.gz`;
  const official = `codegeex/benchmark/humaneval-x/${lang}/data/${name}`;
  return {
    name: `data/${name}`,
    url: `https://raw.githubusercontent.com/THUDM/CodeGeeX/${COMMIT}/${official}`,
    sha256,
    size,
    // A CodeGeeX checkout, its benchmark folder, a per-language layout, or a flat folder.
    paths: [official, `humaneval-x/${lang}/data/${name}`, `${lang}/data/${name}`, `data/${name}`, name],
  };
};

export const DATA_ASSETS: Record<Language, AssetSpec> = {
  python: file('python', '5752fb122efddb0e9b47c77907ae6ce9a15aac4dea14e44c46032c831e6b987a', 53055),
  cpp: file('cpp', 'dcf2e280a1e91bbc3c5f90edb41397e8a9ac1ccc9f5d2b70082f0b0fbfb6dbb0', 50995),
  java: file('java', '276f36db2eb7aeb864f36a19a2f4e1bb2460fb6e22ff100f0b5bedabe3799967', 55950),
  js: file('js', 'fe5d467f2c1a027b3f6f18d3729aca01f6458c1de2e2d1292a019c5aa9bed424', 52009),
  go: file('go', '09126ef64ac68f87296c5f3781186aedc5dec799b114d9df99d6de4a715a7830', 56743),
};

/** For `evalh data pull|add|status humaneval-x`: every official file, verified by sha256. */
export const HUMANEVAL_X_ASSETS: readonly AssetSpec[] = Object.values(DATA_ASSETS);
