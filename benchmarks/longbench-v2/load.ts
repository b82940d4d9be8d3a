import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifest } from '../../src/assets.js';
import { AssetError, InputError } from '../../src/errors.js';
import { sha256File } from '../../src/hash.js';
import { checkInput } from '../../src/input.js';
import { readJsonRecords } from '../../src/json-records.js';
import type { SuiteItem } from '../../src/suite.js';
import { checkDataRecord, type DataRecord, type Target } from './records.js';

export const ASSET_SUITE = 'longbench-v2';
export const DATASET = 'longbench-v2';
export const SAMPLE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sample');
export const SAMPLE_FILE = join(SAMPLE_DIR, 'data.json');

export interface DataFile {
  file: string;
  /** Where it came from, for the run settings. */
  where: string;
  sha256: string;
  /** Item ids in file order (first --limit of them). */
  ids: string[];
}

const DATA_HINT = "--data takes LongBench v2's data.json or its folder";

/** The question file: the sample, --data (data.json or a folder holding it), or the registered copy. */
export async function resolveDataFile(sample: boolean, data: string | undefined, limit: number | undefined): Promise<DataFile> {
  let file: string;
  let recorded: string | undefined;
  if (sample) file = SAMPLE_FILE;
  else if (data) {
    file = resolve(data);
    if (checkInput(file, 'file or folder', DATA_HINT) === 'folder') {
      const inside = join(file, 'data.json');
      if (!existsSync(inside)) throw new InputError(file, undefined, undefined, `no data.json in this folder; ${DATA_HINT}`);
      file = inside;
    }
  } else {
    const manifest = readManifest(ASSET_SUITE);
    const entry = manifest.data ? Object.entries(manifest.data.files)[0] : undefined;
    if (entry && !existsSync(entry[0])) {
      // Registered in place by an older evalh, and since moved or deleted.
      throw new AssetError(
        `the registered LongBench v2 data file ${entry[0]} is gone (moved or deleted?). Fix: \`evalh data add longbench-v2 <data.json>\` ` +
          '(evalh now keeps its own copy) or `evalh data pull longbench-v2`',
      );
    }
    if (!entry) {
      throw new AssetError(
        `LongBench v2 data not found. Fix: \`evalh data pull longbench-v2\` (downloads data.json from the dataset page), ` +
          `\`evalh data add longbench-v2 <data.json>\`, or pass --data <data.json>; to try evalh without the data, add --sample`,
      );
    }
    file = entry[0];
    recorded = entry[1].sha256;
  }
  const ids = await checkDataFile(file, limit);
  const digest = await sha256File(file);
  if (recorded && recorded !== digest) {
    throw new AssetError(`${file} changed since it was registered (sha256 ${digest.slice(0, 12)}…, recorded ${recorded.slice(0, 12)}…); run \`evalh data add longbench-v2 <data.json>\` again`);
  }
  return { file, where: sample ? 'built-in sample' : file, sha256: digest, ids };
}

/**
 * Reads and checks every record before anything runs (a bad file must leave the store
 * untouched, and `evalh data add` registers no file it could not run): the official fields
 * with their types and values, and a unique _id (pred.py resumes on _id, and so does evalh).
 * Returns the ids in file order (the first `limit` of them).
 */
export async function checkDataFile(file: string, limit?: number): Promise<string[]> {
  const ids: string[] = [];
  const seen = new Map<string, number>();
  for await (const { line, value } of readJsonRecords(file)) {
    const rec = checkDataRecord(value, file, line);
    const before = seen.get(rec._id);
    if (before !== undefined) throw new InputError(file, line, '_id', `duplicate _id "${rec._id}" (first at line ${before})`);
    seen.set(rec._id, line);
    if (limit === undefined || ids.length < limit) ids.push(rec._id);
  }
  if (seen.size === 0) throw new InputError(file, undefined, undefined, 'no questions in this file');
  return ids;
}

/** Streams items: one record (with its long context) alive per pending request. */
export async function* streamItems(data: DataFile): AsyncGenerator<SuiteItem> {
  let seq = 0;
  for await (const { value } of readJsonRecords(data.file)) {
    if (seq >= data.ids.length) break;
    const rec = value as DataRecord;
    const target: Target = { _id: rec._id, difficulty: rec.difficulty, length: rec.length, answer: rec.answer, domain: rec.domain, sub_domain: rec.sub_domain };
    yield { id: rec._id, dataset: DATASET, seq, target, reference: `The correct answer is (${rec.answer})`, record: rec };
    seq++;
  }
}
