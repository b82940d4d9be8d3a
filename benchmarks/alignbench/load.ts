import { join, resolve } from 'node:path';
import { findInCopy, loadAsset, suiteHome } from '../../src/assets.js';
import { AssetError, InputError, UsageError } from '../../src/errors.js';
import { sha256File } from '../../src/hash.js';
import { checkInput } from '../../src/input.js';
import { readJsonl } from '../../src/jsonl.js';
import type { SuiteItem } from '../../src/suite.js';
import { DATA_BY_PRESET } from './assets.js';
import { ASSET_SUITE, SAMPLE_DIR, dimensionsOf, type JudgingConfigs } from './configs.js';
import { checkDataRecord, type DataRecord, type Target } from './records.js';

export const PRESETS = ['v1.1', 'v1.0'] as const;
export const DEFAULT_PRESET = 'v1.1';
export const SAMPLE_FILE = join(SAMPLE_DIR, 'sample.jsonl');

export interface DataFile {
  file: string;
  /** Where it came from, for the run settings. */
  where: string;
  /** The --data folder, where the judging configs may also be found. */
  dir?: string;
  sha256: string;
  /** True when the file is the pinned official release of the preset. */
  official: boolean;
}

export function presetOf(name: string | undefined): string {
  const p = name ?? DEFAULT_PRESET;
  if (!(PRESETS as readonly string[]).includes(p)) {
    throw new UsageError(`unknown alignbench preset "${p}"; known: v1.1 (data_v1.1_release.jsonl, the default) and v1.0 (data_release.jsonl)`);
  }
  return p;
}

/** The question file: the sample, --data (a file, or a folder holding the preset's file), or the registered official copy. */
export async function resolveDataFile(preset: string, sample: boolean, data: string | undefined): Promise<DataFile> {
  const spec = DATA_BY_PRESET[preset]!;
  if (sample) return { file: SAMPLE_FILE, where: 'built-in sample', sha256: await sha256File(SAMPLE_FILE), official: false };
  if (data) {
    const path = resolve(data);
    let file = path;
    let dir: string | undefined;
    if (checkInput(path, 'file or folder', '--data takes an AlignBench checkout, its data folder or a question file') === 'folder') {
      dir = path;
      const found = findInCopy(path, spec);
      if (!found) {
        throw new InputError(path, undefined, undefined, `no ${spec.name.replace(/^data\//, '')} here (looked for ${spec.paths.join(', ')}); --preset ${preset} reads that file`);
      }
      file = found;
    }
    const digest = await sha256File(file);
    return { file, where: file, ...(dir ? { dir } : {}), sha256: digest, official: digest === spec.sha256 };
  }
  const bytes = loadAsset(ASSET_SUITE, spec); // verifies the registered copy against the pinned hash
  if (!bytes) {
    throw new AssetError(
      `AlignBench ${preset} data (${spec.name}) is not registered. Fix: \`evalh data pull alignbench\` (downloads ${spec.url}), ` +
        `\`evalh data add alignbench <AlignBench checkout or copy>\`, or pass --data <folder|file>; to try evalh without the data, add --sample`,
    );
  }
  const file = join(suiteHome(ASSET_SUITE), spec.name);
  return { file, where: file, sha256: spec.sha256, official: true };
}

export interface LoadedItems {
  items: SuiteItem[];
  counts: Record<string, number>;
}

/**
 * Reads and checks every record before anything runs (a bad file must leave the store
 * untouched): the official fields, a known category, a unique question_id, and a
 * subcategory the configs give a dimension set for (judge.py would crash on it).
 */
export async function loadItems(data: DataFile, configs: JudgingConfigs, categories: readonly string[], limit: number | undefined): Promise<LoadedItems> {
  const wanted = new Set(categories);
  const seen = new Map<number, number>();
  const perCategory = new Map<string, SuiteItem[]>(categories.map((c) => [c, []]));
  for await (const { line, value } of readJsonl(data.file)) {
    const rec: DataRecord = checkDataRecord(value, data.file, line);
    const first = seen.get(rec.question_id);
    if (first !== undefined) throw new InputError(data.file, line, 'question_id', `${rec.question_id} appears twice (first at line ${first})`);
    seen.set(rec.question_id, line);
    const dimensions = dimensionsOf(configs, rec.subcategory);
    if (!dimensions) {
      throw new InputError(
        data.file,
        line,
        'subcategory',
        `"${rec.subcategory}" has no dimension set in the ${configs.source === 'official' ? 'official' : 'sample'} configs (subcategory_question_mapping.json → dimension_set.json)`,
      );
    }
    if (!wanted.has(rec.category)) continue;
    const list = perCategory.get(rec.category)!;
    if (limit !== undefined && list.length >= limit) continue;
    const target: Target = {
      question_id: rec.question_id,
      category: rec.category,
      subcategory: rec.subcategory,
      question: rec.question,
      reference: rec.reference,
      dimensions,
    };
    list.push({ id: `${rec.category}/${rec.question_id}`, dataset: rec.category, seq: list.length, target, reference: rec.reference, record: rec });
  }
  const items = categories.flatMap((c) => perCategory.get(c)!);
  if (items.length === 0) throw new InputError(data.file, undefined, undefined, `no questions of ${categories.join(', ')} in this file`);
  return { items, counts: Object.fromEntries(categories.map((c) => [c, perCategory.get(c)!.length])) };
}
