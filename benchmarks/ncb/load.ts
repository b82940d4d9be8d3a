import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findInCopy, installAsset, loadAsset, readManifest, suiteHome, writeManifest, type AssetSpec } from '../../src/assets.js';
import { AssetError, InputError, UsageError } from '../../src/errors.js';
import { sha256, sha256File } from '../../src/hash.js';
import { checkInput } from '../../src/input.js';
import { readJsonl } from '../../src/jsonl.js';
import { NCB_ASSETS, SPLIT_ASSETS } from './assets.js';
import { answerId, checkAnswer, checkProblemFor, type ProblemRecord } from './records.js';
import { SPLITS, isSampleId, splitSpec, type SplitSpec } from './splits.js';

export const SUITE = 'ncb';
export const SAMPLE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sample');

export interface SplitFiles {
  split: SplitSpec;
  problems: string;
  /** The reference answers, when present (the reference runner falls back to each problem's reference_solution). */
  reference?: string;
}

export interface DataLocation {
  kind: 'sample' | 'data' | 'registered';
  /** Shown in the run's settings. */
  where: string;
  files: SplitFiles[];
}

/**
 * Where the problems come from: the built-in sample, --data <folder> (an NCB checkout, the
 * evaluation image's data/ folder, or a folder with problems/ and reference/), or the copy
 * registered with `evalh data add|pull ncb` (verified against the pinned sha256).
 */
export function resolveData(opts: { sample: boolean; data?: string }, splits: readonly SplitSpec[]): DataLocation {
  if (opts.sample) {
    return { kind: 'sample', where: 'built-in sample', files: splits.map((s) => findSplitFiles(SAMPLE_DIR, s)!) };
  }
  if (opts.data) {
    const dir = resolve(opts.data);
    checkInput(dir, 'folder', '--data takes an NCB checkout or a folder holding problems/ncb_<lang>_<nl>.jsonl');
    const files: SplitFiles[] = [];
    for (const s of splits) {
      const f = findSplitFiles(dir, s);
      if (!f) throw new AssetError(`${dir}: no problems file for ${s.name} (looked for ${SPLIT_ASSETS[s.name]!.problems.paths.join(', ')})`);
      files.push(f);
    }
    return { kind: 'data', where: dir, files };
  }
  return { kind: 'registered', where: suiteHome(SUITE), files: registeredFiles(splits) };
}

export function findSplitFiles(dir: string, s: SplitSpec): SplitFiles | undefined {
  const a = SPLIT_ASSETS[s.name]!;
  const problems = findInCopy(dir, a.problems);
  if (!problems) return undefined;
  const reference = findInCopy(dir, a.reference);
  return { split: s, problems, ...(reference ? { reference } : {}) };
}

/** The registered official files, each verified against its pinned sha256 before use. */
export function registeredFiles(splits: readonly SplitSpec[]): SplitFiles[] {
  const out: SplitFiles[] = [];
  const missing: string[] = [];
  for (const s of splits) {
    const a = SPLIT_ASSETS[s.name]!;
    if (!verified(a.problems)) {
      missing.push(s.name);
      continue;
    }
    out.push({ split: s, problems: assetPath(a.problems), ...(verified(a.reference) ? { reference: assetPath(a.reference) } : {}) });
  }
  if (missing.length > 0) {
    throw new AssetError(
      `NaturalCodeBench problems not found for ${missing.join(', ')}. Fix: \`evalh data pull ncb\` (downloads the official files), ` +
        `\`evalh data add ncb <NaturalCodeBench checkout or folder with problems/>\`, or pass --data <folder>; to try evalh without the data, add --sample`,
    );
  }
  return out;
}

function assetPath(spec: AssetSpec): string {
  return join(suiteHome(SUITE), spec.name);
}

/** loadAsset verifies the hash (and throws on a changed file); undefined when not registered. */
function verified(spec: AssetSpec): boolean {
  return loadAsset(SUITE, spec) !== undefined;
}

/**
 * `evalh data add ncb <path>`: finds the official files in a local copy (a checkout, the
 * image's data/ folder, a folder with problems/ and reference/), verifies each against its
 * pinned sha256 and copies it into the data directory. Nothing is registered if any file
 * found fails to verify. Returns the asset names registered.
 */
export function registerData(path: string): string[] {
  const root = resolve(path);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${root}: not a folder (expected a NaturalCodeBench checkout or a folder holding problems/ncb_<lang>_<nl>.jsonl)`);
  const found = NCB_ASSETS.map((spec) => ({ spec, file: findInCopy(root, spec) })).filter((f): f is { spec: AssetSpec; file: string } => f.file !== undefined);
  if (found.length === 0) throw new UsageError(`${root}: no NaturalCodeBench files found (looked for ${SPLIT_ASSETS.python_en!.problems.paths.join(', ')} and the like)`);
  const bytes = found.map((f) => readFileSync(f.file));
  found.forEach((f, i) => {
    const got = sha256(bytes[i]!);
    if (got !== f.spec.sha256) {
      throw new AssetError(`${f.file}: sha256 ${got} does not match the pinned official ${f.spec.name} (${f.spec.sha256}); nothing registered (use --data <folder> to run other problem files)`);
    }
  });
  const manifest = readManifest(SUITE);
  found.forEach((f, i) => installAsset(SUITE, f.spec, bytes[i]!, f.file, manifest));
  writeManifest(SUITE, manifest);
  return found.map((f) => f.spec.name);
}

export interface LoadedSplit {
  split: SplitSpec;
  file: string;
  sha256: string;
  /** Whether the file is the pinned official release. */
  official: boolean;
  problems: ProblemRecord[];
  /** Reference answers by problem id. */
  references: Map<number, string>;
  referenceSource: 'reference file' | 'reference_solution' | 'none';
}

/**
 * Reads and validates a split's problems (all checked before anything runs: bad input
 * must leave the store untouched) and its reference answers; keeps the first `limit`
 * problems in file order. The files are small (70 problems, ~350 KB).
 */
export async function loadSplit(f: SplitFiles, limit?: number): Promise<LoadedSplit> {
  const problems: ProblemRecord[] = [];
  const seen = new Set<number>();
  for await (const { line, value } of readJsonl(f.problems)) {
    const p = checkProblemFor(f.split.lang, value, f.problems, line);
    if (seen.has(p._id)) throw new InputError(f.problems, line, '_id', `duplicate _id ${p._id}`);
    seen.add(p._id);
    if (limit === undefined || problems.length < limit) problems.push(p);
  }
  if (problems.length === 0) throw new InputError(f.problems, undefined, undefined, 'no problems in this file');
  const references = new Map<number, string>();
  let referenceSource: LoadedSplit['referenceSource'] = 'none';
  if (f.reference) {
    for await (const { line, value } of readJsonl(f.reference)) {
      const a = checkAnswer(value, f.reference, line);
      const id = answerId(a);
      if (!seen.has(id)) throw new InputError(f.reference, line, '_id', `${id} is not a problem of ${f.problems}`);
      if (!references.has(id)) references.set(id, a.response ?? '');
    }
    referenceSource = 'reference file';
  } else if (problems.every((p) => typeof p.reference_solution === 'string')) {
    for (const p of problems) references.set(p._id, p.reference_solution!);
    referenceSource = 'reference_solution';
  }
  const digest = await sha256File(f.problems);
  return {
    split: f.split,
    file: f.problems,
    sha256: digest,
    official: digest === SPLIT_ASSETS[f.split.name]!.problems.sha256,
    problems,
    references,
    referenceSource,
  };
}

/** The problems an answer file refers to: the sample's for sample ids, else the registered official ones. */
export async function problemsFor(split: string, ids: readonly number[]): Promise<LoadedSplit> {
  const s = splitSpec(split)!;
  const sample = ids.length > 0 && ids.every(isSampleId);
  const files = sample ? findSplitFiles(SAMPLE_DIR, s)! : registeredFiles([s])[0]!;
  return loadSplit(files);
}

export { SPLITS };
