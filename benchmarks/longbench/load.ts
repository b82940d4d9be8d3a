import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetError, InputError } from '../../src/errors.js';
import { dataHome, readManifest } from '../../src/assets.js';
import { sha256File } from '../../src/hash.js';
import { checkInput } from '../../src/input.js';
import { readJsonl } from '../../src/jsonl.js';
import type { SuiteItem } from '../../src/suite.js';
import { extractZip } from '../../src/zip.js';
import { checkDataRecord, checkScorable, type DataRecord, type Target } from './records.js';

export const SAMPLE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sample');

export function dataFileName(dataset: string, variant: 'v1' | 'e'): string {
  return variant === 'e' ? `${dataset}_e.jsonl` : `${dataset}.jsonl`;
}

/** Finds the folder holding the official data files: --data (folder or data.zip), else the registered copy. */
export interface DataLocation {
  dir: string;
  /** Hashes recorded when the copy was registered; files are checked against them before use. */
  recorded?: Record<string, { sha256: string }>;
}

const DATA_HINT = "--data takes LongBench's data folder or its data.zip";

export async function resolveDataDir(suite: string, data: string | undefined): Promise<DataLocation> {
  if (data) {
    const path = resolve(data);
    if (checkInput(path, 'file or folder', DATA_HINT) === 'file') {
      // Extract once per archive content; later runs reuse the folder.
      const digest = (await sha256File(path)).slice(0, 16);
      const dest = join(dataHome(), suite, `extracted-${digest}`);
      if (!existsSync(join(dest, '.complete'))) {
        const names = await extractZip(path, dest, (name) => name.endsWith('.jsonl'), DATA_HINT);
        if (names.length === 0) {
          rmSync(dest, { recursive: true, force: true });
          throw new InputError(path, undefined, undefined, `the archive holds no .jsonl data files; ${DATA_HINT}`);
        }
        writeFileSync(join(dest, '.complete'), path);
      }
      return { dir: dest };
    }
    return { dir: hasJsonl(join(path, 'data')) ? join(path, 'data') : path };
  }
  const manifest = readManifest('longbench');
  if (manifest.data && existsSync(manifest.data.path)) return { dir: manifest.data.path, recorded: manifest.data.files };
  if (manifest.data) {
    // Registered in place by an older evalh, and since moved or deleted.
    throw new AssetError(
      `the registered LongBench data folder ${manifest.data.path} is gone (moved or deleted?). Fix: \`evalh data add longbench <data folder or data.zip>\` ` +
        '(evalh now keeps its own copy) or `evalh data pull longbench`',
    );
  }
  throw new AssetError(
    `LongBench data not found. Fix: \`evalh data pull longbench\` (downloads data.zip from the dataset page), ` +
      `\`evalh data add longbench <data.zip or data folder>\`, or pass --data <folder|data.zip>; ` +
      `to try evalh without the data, add --sample`,
  );
}

function hasJsonl(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).some((f) => f.endsWith('.jsonl'));
}

/** A data file's dataset: qasper.jsonl and LongBench-E's qasper_e.jsonl are both qasper. */
export function datasetOfDataFile(name: string): string {
  return name.replace(/\.jsonl$/, '').replace(/_e$/, '');
}

/** Checks every record of one data file (the fields, and what its dataset's metric needs); returns the count read. */
export async function checkDataFile(dataset: string, file: string, limit?: number): Promise<number> {
  let count = 0;
  for await (const { line, value } of readJsonl(file)) {
    const rec = checkDataRecord(value, file, line);
    checkScorable(dataset, rec.answers, rec.all_classes ?? null, file, line);
    count++;
    if (limit !== undefined && count >= limit) break;
  }
  if (count === 0) throw new InputError(file, undefined, undefined, 'no records in this file');
  return count;
}

export interface DatasetFile {
  dataset: string;
  file: string;
  sha256: string;
  count: number;
}

/**
 * Validates every record of every file before anything is written (bad input must leave
 * the store untouched), and returns counts and hashes for totals and the fingerprint.
 */
export async function checkFiles(
  files: { dataset: string; file: string }[],
  limit: number | undefined,
  recorded?: DataLocation['recorded'],
): Promise<DatasetFile[]> {
  const out: DatasetFile[] = [];
  for (const { dataset, file } of files) {
    if (!existsSync(file)) {
      throw new AssetError(`${file}: missing data file for dataset ${dataset} (is the data folder complete?)`);
    }
    const count = await checkDataFile(dataset, file, limit);
    const digest = await sha256File(file);
    const pinned = recorded?.[file]?.sha256;
    if (pinned && pinned !== digest) {
      throw new AssetError(`${file} changed since it was registered (sha256 ${digest.slice(0, 12)}…, recorded ${pinned.slice(0, 12)}…); run \`evalh data add longbench <path>\` again`);
    }
    out.push({ dataset, file, sha256: digest, count });
  }
  return out;
}

/** Streams items: one record alive per pending request, never a whole dataset. */
export async function* streamItems(files: DatasetFile[], limit: number | undefined): AsyncGenerator<SuiteItem> {
  for (const f of files) {
    let seq = 0;
    for await (const { value } of readJsonl(f.file)) {
      if (limit !== undefined && seq >= limit) break;
      const record = value as DataRecord;
      const target: Target & { _id?: string } = {
        answers: record.answers,
        all_classes: record.all_classes ?? null,
        length: record.length ?? null,
      };
      if (record._id !== undefined) target._id = record._id;
      yield { id: `${f.dataset}/${seq}`, dataset: f.dataset, seq, target, reference: record.answers[0] ?? '', record };
      seq++;
    }
  }
}
