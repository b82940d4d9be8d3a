import type { AssetSpec } from '../../src/assets.js';

// AlignBench's own files in THUDM/AlignBench, pinned by commit. v1.0's data file was deleted
// upstream after v1.1 appeared, so it is pinned to the last commit that has it; v1.1 and the
// judging configs are pinned to the v1.1 release commit. Sizes and hashes are those of the
// git blobs (byte-identical copies).
const V10_COMMIT = '73253112edc3a8c25ac0b2006f2f4024cc02724b';
const V11_COMMIT = '5b79d4a84e566db26e755c719935c62a0e1b0527';
const raw = (commit: string, path: string) => `https://raw.githubusercontent.com/THUDM/AlignBench/${commit}/${path}`;

const dataFile = (commit: string, file: string, sha256: string, size: number): AssetSpec => ({
  name: `data/${file}`,
  url: raw(commit, `data/${file}`),
  sha256,
  size,
  // A checkout of the repository, its data folder, or a flat copy.
  paths: [`data/${file}`, file, `AlignBench/data/${file}`],
});

const config = (file: string, sha256: string, size: number): AssetSpec => ({
  name: `config/${file}`,
  url: raw(V11_COMMIT, `config/${file}`),
  sha256,
  size,
  paths: [`config/${file}`, file, `AlignBench/config/${file}`],
});

export const DATA_V10 = dataFile(V10_COMMIT, 'data_release.jsonl', '14a008e7851b536e64211f32dacffc90f45dcc176585a0e249ee0ebc94e9109c', 855342);
export const DATA_V11 = dataFile(V11_COMMIT, 'data_v1.1_release.jsonl', '6ad5cdb2d552d2557aca18d0dcabaf19ff59fd18bef98eef880296c0478bbd11', 968763);

/** The data file of each version (`--preset v1.0|v1.1`). */
export const DATA_BY_PRESET: Readonly<Record<string, AssetSpec>> = { 'v1.0': DATA_V10, 'v1.1': DATA_V11 };

// The four configs judge.py and get_answers.py read. The repository's other two files in
// config/ are not used by either script (first2second_mapping.json) or hold only the
// judge's API address and an empty key (multi-dimension.json), so they are not pinned.
export const TEMPERATURE = config('temperature.json', 'a45c353ca21bf925796d51ee8ec527b4fcf1d1e80c3a934133f8ccdf235c97b3', 202);
export const DIMENSION_SET = config('dimension_set.json', '1024f71c275855896c5980032df0e79a7709be3e10817a539c61f4eb57fd515b', 417);
export const DIMENSION_DEFINITION = config('dimension_definition.json', '0a41c759fc9e55437476b38a9e3803425698693c736d74e318b4448616d80988', 1535);
export const SUBCATEGORY_MAPPING = config('subcategory_question_mapping.json', '429f97d7044a27f329bbdd02ee162b6b3010118389621f71c07bdaaa54f668d2', 1484);

export const CONFIG_ASSETS: readonly AssetSpec[] = [TEMPERATURE, DIMENSION_SET, DIMENSION_DEFINITION, SUBCATEGORY_MAPPING];

/** For `evalh data pull|add|status alignbench`: every pinned file, verified by sha256. */
export const ALIGNBENCH_ASSETS: readonly AssetSpec[] = [DATA_V11, DATA_V10, ...CONFIG_ASSETS];
