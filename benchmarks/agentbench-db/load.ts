import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAsset, requireAsset } from '../../src/assets.js';
import { sha256 } from '../../src/hash.js';
import { InputError, UsageError } from '../../src/errors.js';
import { checkInput, decodeText, readInputBytes } from '../../src/input.js';
import { DB_ASSETS, ASSET_SUITE } from './assets.js';
import type { Cell, DbRecord } from './records.js';

// Data: `--data <folder>` (an AgentBench checkout's data/dbbench, its parent, or any folder
// with <dataset>.jsonl), `--data <file.jsonl>`, the registered official files
// (`evalh data pull|add agentbench`), or `--sample`: evalh's own items in the official record
// format (sample/standard.jsonl), not the benchmark.

const SAMPLE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sample');
/** The sample has one dataset: a few items of each task group, like a tiny standard set. */
export const SAMPLE_DATASET = 'standard';

export interface DataFile {
  dataset: string;
  path: string;
  sha256: string;
  official: boolean;
  bytes: Buffer;
}

export function resolveData(dataset: string, data?: string, sample = false): DataFile {
  if (sample) {
    if (dataset !== SAMPLE_DATASET) throw new UsageError(`the agentbench-db sample has one dataset, "${SAMPLE_DATASET}"; drop --datasets ${dataset} or pass --data`);
    const path = join(SAMPLE_DIR, `${SAMPLE_DATASET}.jsonl`);
    const bytes = readFileSync(path);
    return { dataset, path, sha256: sha256(bytes), official: false, bytes };
  }
  const spec = DB_ASSETS[dataset];
  if (data === undefined) {
    if (!spec) throw new UsageError(`no official agentbench-db dataset "${dataset}" (known: ${Object.keys(DB_ASSETS).join(', ')}); pass --data FILE for others`);
    const bytes = requireAsset(ASSET_SUITE, spec);
    return { dataset, path: `${ASSET_SUITE}:${spec.name}`, sha256: spec.sha256, official: true, bytes };
  }
  let file = data;
  if (checkInput(data, 'file or folder', '--data takes an AgentBench checkout, its data/dbbench folder or a <dataset>.jsonl file') === 'folder') {
    const candidates = [join(data, `${dataset}.jsonl`), join(data, 'dbbench', `${dataset}.jsonl`), join(data, 'data', 'dbbench', `${dataset}.jsonl`)];
    const found = candidates.find((c) => existsSync(c));
    if (!found) throw new UsageError(`${data}: no ${dataset}.jsonl (looked in ${candidates.join(', ')})`);
    file = found;
  }
  const bytes = readInputBytes(file);
  const hash = sha256(bytes);
  return { dataset, path: file, sha256: hash, official: spec !== undefined && hash === spec.sha256, bytes };
}

/** The dataset name a --data file stands for: standard.jsonl → standard. */
export function datasetOfFile(path: string): string {
  return basename(path).replace(/\.jsonl$/, '');
}

export function registered(dataset: string): boolean {
  const spec = DB_ASSETS[dataset];
  return spec !== undefined && loadAsset(ASSET_SUITE, spec) !== undefined;
}

const NUM = '\u0000evalh-num:';

/**
 * JSON.parse, but numbers keep the text they were written with: the official loader
 * (Python json) keeps 2.0 a float and 2 an int, and the table holds str(value) of each.
 */
export function parseKeepingNumbers(line: string): unknown {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      out += line.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(line.slice(i, i + 400));
    if ((ch === '-' || (ch >= '0' && ch <= '9')) && m) {
      out += JSON.stringify(NUM + m[0]);
      i += m[0].length;
      continue;
    }
    out += ch;
    i++;
  }
  return JSON.parse(out);
}

function restoreNumbers(v: unknown): unknown {
  if (typeof v === 'string' && v.startsWith(NUM)) return Number(v.slice(NUM.length));
  if (Array.isArray(v)) return v.map(restoreNumbers);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, restoreNumbers(x)]));
  return v;
}

function cellOf(v: unknown): Cell | undefined {
  if (typeof v === 'string') return v.startsWith(NUM) ? { num: v.slice(NUM.length) } : v;
  if (v === null || typeof v === 'boolean') return v;
  return undefined;
}

export function readRecords(file: DataFile): DbRecord[] {
  const text = decodeText(file.bytes, file.path);
  const records: DbRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = (field: string | undefined, problem: string) => new InputError(file.path, i + 1, field, problem);
    let raw: unknown;
    try {
      raw = parseKeepingNumbers(line);
    } catch (e) {
      throw where(undefined, `not valid JSON (${(e as Error).message})`);
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw where(undefined, 'expected a JSON object');
    const r = raw as Record<string, unknown>;
    const str = (field: string): string => {
      const v = restoreNumbers(r[field]);
      if (typeof v !== 'string') throw where(field, 'expected a string');
      return v;
    };
    const type = restoreNumbers(r.type);
    if (!Array.isArray(type) || typeof type[0] !== 'string') throw where('type', 'expected a list holding the task type, e.g. ["INSERT"]');
    const label = restoreNumbers(r.label);
    if (!Array.isArray(label)) throw where('label', 'expected a list');
    const table = r.table as Record<string, unknown> | undefined;
    if (!table || typeof table !== 'object') throw where('table', 'expected an object with table_name and table_info');
    const tableName = restoreNumbers(table.table_name);
    if (typeof tableName !== 'string') throw where('table.table_name', 'expected a string');
    const info = table.table_info as Record<string, unknown> | undefined;
    const columns = info?.columns;
    if (!Array.isArray(columns) || columns.length === 0) throw where('table.table_info.columns', 'expected a non-empty list of {name, type}');
    const names = columns.map((c, k) => {
      const n = restoreNumbers((c as Record<string, unknown> | null)?.name);
      if (typeof n !== 'string') throw where(`table.table_info.columns[${k}].name`, 'expected a string');
      return n;
    });
    const rows = info?.rows;
    if (!Array.isArray(rows)) throw where('table.table_info.rows', 'expected a list of rows');
    const cells = rows.map((row, k) => {
      if (!Array.isArray(row)) throw where(`table.table_info.rows[${k}]`, 'expected a list of cells');
      return row.map((c, j) => {
        const cell = cellOf(c);
        if (cell === undefined) throw where(`table.table_info.rows[${k}][${j}]`, 'expected a string, number, boolean or null');
        return cell;
      });
    });
    const t = type[0] as string;
    let answerMd5: string | undefined;
    if (t === 'INSERT' || t === 'UPDATE' || t === 'DELETE') {
      const md5 = restoreNumbers(r.answer_md5);
      if (typeof md5 !== 'string') throw where('answer_md5', `expected a string ("[('<md5>',)]") for a ${t} item`);
      answerMd5 = md5;
    }
    records.push({
      description: str('description'),
      addDescription: str('add_description'),
      tableName,
      columns: names,
      rows: cells,
      type: t,
      label: label.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))),
      ...(answerMd5 !== undefined ? { answerMd5 } : {}),
    });
  });
  return records;
}
