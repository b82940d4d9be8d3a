import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findInCopy, installAsset, readManifest, suiteHome, writeManifest } from '../../src/assets.js';
import { AssetError, InputError, UsageError } from '../../src/errors.js';
import { sha256, sha256File } from '../../src/hash.js';
import { checkInput } from '../../src/input.js';
import { readJsonl } from '../../src/jsonl.js';
import { DATA_ASSETS } from './assets.js';
import { LANGUAGES, languageSpec, type Language } from './languages.js';
import { checkProblemFor, type Problem } from './records.js';

export const SUITE = 'humaneval-x';
export const SAMPLE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sample');

// Official files are .jsonl.gz; the shared reader gunzips them.
export { readJsonl as readJsonLines };

/** A language's problem file inside a folder: humaneval_<lang>.jsonl(.gz), also in the CodeGeeX layout <lang>/data/. */
export function findLanguageFile(dir: string, lang: Language): string | undefined {
  const spec = languageSpec(lang)!;
  for (const sub of ['', join(lang, 'data'), join('humaneval-x', lang, 'data')]) {
    for (const name of spec.files) {
      const f = join(dir, sub, name);
      if (existsSync(f) && statSync(f).isFile()) return f;
    }
  }
  return undefined;
}

export interface DataLocation {
  kind: 'sample' | 'data' | 'registered';
  /** Shown in the run's settings. */
  where: string;
  files: Partial<Record<Language, string>>;
}

/**
 * Where the problem files come from: the built-in sample, --data <folder>, or the copy
 * registered with `evalh data add|pull humaneval-x` (official files, verified by sha256).
 */
export async function resolveData(opts: { sample: boolean; data?: string }, langs: readonly Language[]): Promise<DataLocation> {
  if (opts.sample) return { kind: 'sample', where: 'built-in sample', files: Object.fromEntries(langs.map((l) => [l, findLanguageFile(SAMPLE_DIR, l)!])) };
  if (opts.data) {
    const dir = resolve(opts.data);
    checkInput(dir, 'folder', '--data takes a folder holding humaneval_<lang>.jsonl.gz files');
    const files: DataLocation['files'] = {};
    for (const l of langs) {
      const f = findLanguageFile(dir, l);
      if (!f) throw new AssetError(`${dir}: no problem file for ${l} (looked for ${languageSpec(l)!.files.join(', ')}, also under ${l}/data/)`);
      files[l] = f;
    }
    return { kind: 'data', where: dir, files };
  }
  return { kind: 'registered', where: suiteHome(SUITE), files: await registeredFiles(langs) };
}

/** The registered official files, each verified against its pinned sha256 before use. */
export async function registeredFiles(langs: readonly Language[]): Promise<DataLocation['files']> {
  const manifest = readManifest(SUITE);
  const files: DataLocation['files'] = {};
  const missing: Language[] = [];
  for (const l of langs) {
    const spec = DATA_ASSETS[l];
    const file = join(suiteHome(SUITE), spec.name);
    if (!manifest.assets[spec.name] || !existsSync(file)) {
      missing.push(l);
      continue;
    }
    const got = await sha256File(file);
    if (got !== spec.sha256) {
      throw new AssetError(`${file} does not verify (sha256 ${got.slice(0, 12)}…, pinned ${spec.sha256.slice(0, 12)}…); run \`evalh data pull ${SUITE}\` to fetch the official file again`);
    }
    files[l] = file;
  }
  if (missing.length > 0) {
    throw new AssetError(
      `HumanEval-X problem files not found for ${missing.join(', ')}. Fix: \`evalh data pull ${SUITE}\` (downloads the official files), ` +
        `\`evalh data add ${SUITE} <folder with humaneval_<lang>.jsonl.gz>\`, or pass --data <folder>; to try evalh without the data, add --sample`,
    );
  }
  return files;
}

/**
 * `evalh data add humaneval-x <path>`: finds the official files in a local copy (a folder of
 * humaneval_<lang>.jsonl.gz, a CodeGeeX checkout), verifies each against its pinned sha256
 * and copies it into the data directory. Nothing is registered if any file found fails to
 * verify. Returns the languages registered.
 */
export function registerData(path: string): Language[] {
  const root = resolve(path);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${root}: not a folder (expected one holding humaneval_<lang>.jsonl.gz files)`);
  const manifest = readManifest(SUITE);
  const found: { lang: Language; file: string }[] = [];
  for (const l of LANGUAGES) {
    const file = findInCopy(root, DATA_ASSETS[l.name]);
    if (file) found.push({ lang: l.name, file });
  }
  if (found.length === 0) throw new UsageError(`${root}: no HumanEval-X problem files found (looked for ${DATA_ASSETS.python.paths.join(', ')} and the same for cpp, java, js, go)`);
  const bytes = found.map((f) => readFileSync(f.file));
  found.forEach((f, i) => {
    // Verify all before installing any.
    const got = sha256(bytes[i]!);
    const spec = DATA_ASSETS[f.lang];
    if (got !== spec.sha256) {
      throw new AssetError(`${f.file}: sha256 ${got} does not match the pinned official ${spec.name} (${spec.sha256}); nothing registered (use --data <folder> to run other problem files)`);
    }
  });
  found.forEach((f, i) => installAsset(SUITE, DATA_ASSETS[f.lang], bytes[i]!, f.file, manifest));
  writeManifest(SUITE, manifest);
  return found.map((f) => f.lang);
}

export interface ProblemFile {
  lang: Language;
  file: string;
  /** First 16 hex digits of the file's sha256: the key items carry to find their problem again. */
  src: string;
  sha256: string;
  problems: Problem[];
}

/**
 * Reads and validates a language's problems (all of them are checked before anything runs:
 * bad input must leave the store untouched), keeping the first `limit` in file order.
 * The files are small (164 problems, ~50 KB gzipped), so they are held in memory.
 */
export async function loadProblems(lang: Language, file: string, limit?: number): Promise<ProblemFile> {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for await (const { line, value } of readJsonl(file)) {
    const p = checkProblemFor(lang, value, file, line);
    if (seen.has(p.task_id)) throw new InputError(file, line, 'task_id', `duplicate task_id "${p.task_id}"`);
    seen.add(p.task_id);
    if (limit === undefined || problems.length < limit) problems.push(p);
  }
  if (problems.length === 0) throw new InputError(file, undefined, undefined, 'no problems in this file');
  const digest = await sha256File(file);
  const pf: ProblemFile = { lang, file, src: digest.slice(0, 16), sha256: digest, problems };
  rememberProblems(pf);
  return pf;
}

// Problems by source file hash, then task_id: the scorer's way back from a small target to
// the prompt and test it runs (see records.ts Target). Filled by open() and readPredictions().
const known = new Map<string, Map<string, Problem>>();

export function rememberProblems(pf: ProblemFile): void {
  let m = known.get(pf.src);
  if (!m) known.set(pf.src, (m = new Map()));
  for (const p of pf.problems) m.set(p.task_id, p);
}

export function findProblem(src: string, taskId: string): Problem | undefined {
  return known.get(src)?.get(taskId);
}
