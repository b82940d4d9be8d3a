import type { AssetSpec } from '../../src/assets.js';
import { SPLITS } from './splits.js';

// The official files, pinned to THUDM/NaturalCodeBench at commit 268e850: the problems
// (problems/ncb_<lang>_<nl>.jsonl; data/<lang>_<nl>/ in older checkouts and in the
// evaluation image) and the reference answers (results/reference/). The per-problem
// input_files the evaluator also copies were never published: see environment.ts.
const COMMIT = '268e85044a44e434ac3681b269f6531abbf1a291';
const raw = (path: string) => `https://raw.githubusercontent.com/THUDM/NaturalCodeBench/${COMMIT}/${path}`;

const PINNED: Record<string, { problems: [string, number]; reference: [string, number] }> = {
  python_en: {
    problems: ['ebbd3887bebc0e2dd949d3b4eaa2b8e905c7346f42fcafd5cdba89d0d938a808', 350137],
    reference: ['d7cfe49b291780074fa24cea5823d53022a2adb61cd06c8422a6a6e1c676a6d6', 56505],
  },
  python_zh: {
    problems: ['2c5327ad1a978099df211b1b2b99b8803005a8bb821245823c351ac3f774a7a4', 338933],
    // byte-identical to the English one upstream
    reference: ['d7cfe49b291780074fa24cea5823d53022a2adb61cd06c8422a6a6e1c676a6d6', 56505],
  },
  java_en: {
    problems: ['9f20840efb9df455f90205de5c2ecb25a463b81dd32decb3d1964e71c7ccbd5a', 388806],
    reference: ['1973eef89a43a286d06841a9b83f34ca4249b0aebf4ce1ff46cae5c2fc9e500f', 105005],
  },
  java_zh: {
    problems: ['8df729e2645adf87660b6a922308158b8082e27377456c427350ed0d21608e9d', 377294],
    reference: ['3733e3bac72f97c06b209e6ba09f4b2673ba724d7af153575599d9aa247f2b7e', 105004],
  },
};

export interface SplitAssets {
  problems: AssetSpec;
  reference: AssetSpec;
}

export const SPLIT_ASSETS: Record<string, SplitAssets> = Object.fromEntries(
  SPLITS.map((s) => {
    const pin = PINNED[s.name]!;
    const problems: AssetSpec = {
      name: `problems/${s.problems}`,
      url: raw(`problems/${s.problems}`),
      sha256: pin.problems[0],
      size: pin.problems[1],
      // a checkout, the old data/ layout (also the evaluation image's /NaturalCodeBench/data), a flat folder
      paths: [`problems/${s.problems}`, `data/${s.name}/${s.problems}`, `${s.name}/${s.problems}`, s.problems],
    };
    const reference: AssetSpec = {
      name: `reference/${s.reference}`,
      url: raw(`results/reference/${s.reference}`),
      sha256: pin.reference[0],
      size: pin.reference[1],
      paths: [`results/reference/${s.reference}`, `reference/${s.reference}`, s.reference],
    };
    return [s.name, { problems, reference }];
  }),
);

/** For `evalh data pull|add|status ncb`: the 4 problems files and the 4 reference files, verified by sha256. */
export const NCB_ASSETS: readonly AssetSpec[] = SPLITS.flatMap((s) => [SPLIT_ASSETS[s.name]!.problems, SPLIT_ASSETS[s.name]!.reference]);
