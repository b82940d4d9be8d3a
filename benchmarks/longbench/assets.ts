import type { AssetSpec } from '../../src/assets.js';

// LongBench's own files, pinned to THUDM/LongBench at commit 2e00731 (v1 configs under
// LongBench/config/; identical to the pre-v2 top-level config/ of a0bd51e).
const COMMIT = '2e00731f8d0bff23dc4325161044d0ed8af94c1e';
const raw = (path: string) => `https://raw.githubusercontent.com/THUDM/LongBench/${COMMIT}/${path}`;

const config = (file: string, sha256: string, size: number): AssetSpec => ({
  name: `config/${file}`,
  url: raw(`LongBench/config/${file}`),
  sha256,
  size,
  paths: [`LongBench/config/${file}`, `config/${file}`, `v1/config/${file}`, `longbench/v1/config/${file}`, file],
});

export const DATASET2PROMPT = config('dataset2prompt.json', '56d22ad4f382169c2b8a11ff4c982a4a1bea096c8152b0f0b85b64686b157c30', 5437);
export const DATASET2MAXLEN = config('dataset2maxlen.json', '72966b3c0933e214591637fb085798c5e687ebff4ddaab5d99bbc31120532022', 459);
export const MODEL2MAXLEN = config('model2maxlen.json', '2405c0b85b215a504fb6a8f69c4982db7e2be2d53d177c69891cdcf0fe78f3ce', 240);

export const CONFIG_ASSETS: readonly AssetSpec[] = [DATASET2PROMPT, DATASET2MAXLEN, MODEL2MAXLEN];

/**
 * The datasets (v1 and LongBench-E together) from the dataset page. The page publishes no
 * checksum we can pin ahead of time, so evalh records the sha256 of every file when it is
 * pulled or added and verifies against that record afterwards.
 */
export const DATA_ZIP_URL = 'https://huggingface.co/datasets/THUDM/LongBench/resolve/main/data.zip';
