import type { AssetSpec } from '../../src/assets.js';

// LongBench v2's own files, pinned to THUDM/LongBench at commit 2e00731 (v2 lives at the top
// level of the repository: prompts/*.txt and config/*.json). Sizes and hashes are those of the
// git blobs; the templates have no trailing newline and the CoT ones contain U+2019, so they
// are read as bytes and never re-encoded or trimmed.
const COMMIT = '2e00731f8d0bff23dc4325161044d0ed8af94c1e';
const raw = (path: string) => `https://raw.githubusercontent.com/THUDM/LongBench/${COMMIT}/${path}`;

const prompt = (file: string, sha256: string, size: number): AssetSpec => ({
  name: `prompts/${file}`,
  url: raw(`prompts/${file}`),
  sha256,
  size,
  // A checkout of the repository, evalh's shared copy (…/longbench/v2), or a flat folder.
  paths: [`prompts/${file}`, `v2/prompts/${file}`, `longbench/v2/prompts/${file}`, file],
});

const config = (file: string, sha256: string, size: number): AssetSpec => ({
  name: `config/${file}`,
  url: raw(`config/${file}`),
  sha256,
  size,
  // Not LongBench/config/: that is v1's model2maxlen.json (other budgets); the hash tells them apart anyway.
  paths: [`config/${file}`, `v2/${file}`, `longbench/v2/${file}`, file],
});

export const PROMPT_0SHOT = prompt('0shot.txt', '68a162252bc9ff71d5d7abca3d69bb31aac3c35f832d657a2866f2018b8a6950', 262);
export const PROMPT_COT = prompt('0shot_cot.txt', '6cc33d92fd8f611662b756c1f10f302c541ca005b58c46d5f3188ac3a939bfe8', 212);
export const PROMPT_COT_ANS = prompt('0shot_cot_ans.txt', '85ec59df4ac0e27aabbc619a7ca5cf3ae1787dd5a76cf51a18944eb52c91955f', 383);
export const MODEL2MAXLEN = config('model2maxlen.json', 'c37ec6e5d77e68e4cf6280183c6e68e885852ced6904e049ed75d3e73fc61ebe', 601);
/** pred.py's model name → HF repository: lets `--model THUDM/glm-4-9b-chat` find its budget too. */
export const MODEL2PATH = config('model2path.json', '6f32ce08903891eab85e8865d1c9620d70f02b0a6d086554e83d77c191adb0f9', 713);

export const V2_ASSETS: readonly AssetSpec[] = [PROMPT_0SHOT, PROMPT_COT, PROMPT_COT_ANS, MODEL2MAXLEN, MODEL2PATH];

/**
 * The 503 questions: data.json on the dataset page (pred.py's commented-out alternative to
 * load_dataset). The page publishes no checksum we can pin ahead of time, so evalh records the
 * file's sha256 when it is pulled or added and verifies against that record afterwards.
 */
export const DATA_JSON_URL = 'https://huggingface.co/datasets/THUDM/LongBench-v2/resolve/main/data.json';
