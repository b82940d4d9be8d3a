import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findInCopy, loadAsset, suiteHome } from '../../src/assets.js';
import { builtinFor } from '../../src/agent/os-compare.js';
import type { OsEvaluation, OsTask, Script } from '../../src/agent/os-task.js';
import { AssetError, InputError, UsageError } from '../../src/errors.js';
import { sha256 } from '../../src/hash.js';
import { checkInput, decodeText, readInputBytes } from '../../src/input.js';
import { ASSET_SUITE, OS_FILES, type OsProblemFile } from './assets.js';

/** One problem file to load: an official one (pinned) or a user's. */
export interface ProblemSource {
  rel: string;
  dataset: 'dev' | 'test';
  group: string;
  path: string;
  /** Its bytes match the official file of the same name. */
  official: boolean;
  sha256: string;
  text: string;
}

export interface OsRecord {
  /** Undefined when the item is not evaluable here. */
  task?: OsTask;
  /** "not evaluable here: <script>" */
  notEvaluable?: string;
}

export interface OsTarget {
  file: string;
  group: string;
  index: number;
}

export interface LoadedItem {
  id: string;
  dataset: 'dev' | 'test';
  target: OsTarget;
  record: OsRecord;
}

/** evalh's own problems in the official format (not the benchmark): one dev.json. */
const SAMPLE_FILE = join(dirname(fileURLToPath(import.meta.url)), 'sample', 'dev.json');

/**
 * Where the problems come from: --sample (evalh's own dev.json), --data <folder> (an AgentBench checkout, a folder holding
 * os_interaction/data/ or the data folder itself) or --data <file.json|.jsonl> (one problem file,
 * dataset "dev" when it is called dev.json, else "test"), or the files registered with
 * `evalh data pull|add agentbench` (verified against their pinned sha256).
 */
const DATA_HINT = '--data takes an AgentBench checkout, its os_interaction/data folder or one .json/.jsonl problem file';

export function resolveSources(opts: { sample: boolean; data?: string; datasetsGiven?: boolean }, datasets: string[]): { where: string; sources: ProblemSource[] } {
  if (opts.sample) {
    if (opts.datasetsGiven && !datasets.includes('dev')) throw new UsageError(`the agentbench-os sample has one dataset, "dev"; drop --datasets ${datasets.join(',')} or pass --data`);
    return { where: 'built-in sample', sources: [source(SAMPLE_FILE, 'dev.json', 'dev', 'dev')] };
  }
  const wanted = OS_FILES.filter((f) => datasets.includes(f.dataset));
  if (opts.data) {
    const path = resolve(opts.data);
    if (checkInput(path, 'file or folder', DATA_HINT) === 'file') {
      const name = basename(path);
      if (!/\.jsonl?$/.test(name)) throw new InputError(path, undefined, undefined, DATA_HINT);
      // an official file keeps its place (dataset, folder) wherever it lies
      const bytes = readInputBytes(path);
      const known = OS_FILES.find((f) => f.asset.sha256 === sha256(bytes));
      const dataset = known?.dataset ?? (name === 'dev.json' ? 'dev' : 'test');
      if (opts.datasetsGiven && !datasets.includes(dataset)) throw new UsageError(`${path} holds ${dataset} items, but --datasets selects ${datasets.join(', ')}`);
      return { where: path, sources: [known ? source(path, known.rel, known.dataset, known.group, known) : source(path, name, dataset, name.replace(/\.jsonl?$/, ''))] };
    }
    const sources: ProblemSource[] = [];
    const missing: string[] = [];
    for (const f of wanted) {
      const file = findInCopy(path, f.asset);
      if (file) sources.push(source(file, f.rel, f.dataset, f.group, f));
      else missing.push(f.rel);
    }
    if (missing.length > 0) throw new AssetError(`${path}: no ${missing.join(', ')} (looked for ${wanted[0]!.asset.paths.map((p) => p.replace(wanted[0]!.rel, '<file>')).join(', ')})`);
    return { where: path, sources };
  }
  const sources: ProblemSource[] = [];
  const missing: string[] = [];
  for (const f of wanted) {
    const bytes = loadAsset(ASSET_SUITE, f.asset); // a registered file that no longer verifies is an error
    if (!bytes) {
      missing.push(f.rel);
      continue;
    }
    const file = join(suiteHome(ASSET_SUITE), f.asset.name);
    sources.push({ rel: f.rel, dataset: f.dataset, group: f.group, path: file, official: true, sha256: f.asset.sha256, text: decodeText(bytes, file) });
  }
  if (missing.length > 0) {
    throw new AssetError(
      `AgentBench OS-interaction problems not registered (${missing.length} files, e.g. ${missing[0]}). Fix: \`evalh data pull agentbench\`, ` +
        '`evalh data add agentbench <AgentBench checkout>`, or pass --data <folder or problem .json file>',
    );
  }
  return { where: suiteHome(ASSET_SUITE), sources };
}

function source(path: string, rel: string, dataset: 'dev' | 'test', group: string, official?: OsProblemFile): ProblemSource {
  const bytes = readInputBytes(path);
  const hash = sha256(bytes);
  return { rel, dataset, group, path, official: official !== undefined && official.asset.sha256 === hash, sha256: hash, text: decodeText(bytes, path) };
}

/** Items of one problem file, in file order; malformed items are errors naming file and field. */
export function loadItems(src: ProblemSource): LoadedItem[] {
  let raw: unknown;
  if (src.path.endsWith('.jsonl')) {
    raw = src.text
      .split('\n')
      .map((line, i) => [line, i] as const)
      .filter(([line]) => line.trim() !== '')
      .map(([line, i]) => {
        try {
          return JSON.parse(line) as unknown;
        } catch (e) {
          throw new InputError(src.path, i + 1, undefined, `not JSON: ${(e as Error).message}`);
        }
      });
  } else {
    try {
      raw = JSON.parse(src.text);
    } catch (e) {
      throw new InputError(src.path, undefined, undefined, `not JSON: ${(e as Error).message}`);
    }
  }
  const list = Array.isArray(raw) ? raw : raw !== null && typeof raw === 'object' ? [raw] : undefined;
  if (!list) throw new InputError(src.path, undefined, undefined, 'expected a problem object or a list of them');
  const stem = src.rel.replace(/\.jsonl?$/, '').replace(/\//g, '-');
  return list.map((item, index) => ({
    id: src.dataset === 'dev' && src.rel === 'dev.json' ? `dev-${pad(index)}` : `${src.dataset}-${stem}-${pad(index)}`,
    dataset: src.dataset,
    target: { file: src.rel, group: src.group, index },
    record: parseItem(item, `${src.path}`, index),
  }));
}

const pad = (n: number): string => String(n).padStart(5, '0');

class Missing extends Error {}

/** AgentBench's _load_configs for one item; a script evalh cannot provide makes the item not evaluable. */
export function parseItem(item: unknown, file: string, index: number): OsRecord {
  const field = (name: string): string => `[${index}].${name}`;
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new InputError(file, undefined, `[${index}]`, 'expected a problem object');
  const o = item as Record<string, unknown>;
  if (typeof o.description !== 'string') throw new InputError(file, undefined, field('description'), 'expected a string');
  const ev = o.evaluation as Record<string, unknown> | undefined;
  if (!ev || typeof ev !== 'object' || Array.isArray(ev)) throw new InputError(file, undefined, field('evaluation'), 'expected an object with "match" or "check"');
  try {
    const script = (s: unknown, name: string): Script | null => loadScript(s, file, field(name));
    // a create that is not an object (one dev item has a list) has no init upstream: `"init" in list` is False
    let init: Script[] = [];
    const create = o.create;
    if (create && typeof create === 'object' && !Array.isArray(create) && 'init' in create) {
      const raw = (create as Record<string, unknown>).init;
      init = (Array.isArray(raw) ? raw : [raw]).map((s, i) => script(s, `create.init[${i}]`)).filter((s): s is Script => s !== null);
    }
    if (init.some((s) => s.kind === 'builtin')) throw new Missing('a check comparator used as init script');
    let start: string | undefined;
    if ('start' in o) {
      const s = script(o.start, 'start');
      if (s && s.kind !== 'code') throw new Missing('a check comparator used as start');
      start = s?.code;
    }
    let evaluation: OsEvaluation;
    if ('match' in ev) {
      const m = ev.match;
      if (typeof m === 'string') evaluation = { kind: 'match', answer: m, strip: true };
      else if (m && typeof m === 'object' && (typeof (m as Record<string, unknown>).answer === 'string' || typeof (m as Record<string, unknown>).regex === 'string')) {
        const mm = m as Record<string, unknown>;
        evaluation = { kind: 'match', ...(typeof mm.answer === 'string' ? { answer: mm.answer } : { regex: mm.regex as string }), strip: mm.strip === true };
      } else throw new InputError(file, undefined, field('evaluation.match'), 'expected a string or {answer|regex, strip}');
    } else if ('check' in ev) {
      const list = Array.isArray(ev.check) ? ev.check : [ev.check];
      const scripts = list.map((s, i) => script(s, `evaluation.check[${i}]`));
      let example: Script | undefined;
      if ('example' in ev) {
        try {
          example = script(ev.example, 'evaluation.example') ?? undefined;
        } catch (e) {
          // an example nobody runs for the score may be missing (the reference runner then has no gold)
          if (!(e instanceof Missing) || scripts.includes(null)) throw e;
        }
      }
      if (scripts.includes(null) && !example) throw new InputError(file, undefined, field('evaluation.example'), 'a null check entry needs an example script');
      evaluation = { kind: 'check', scripts, ...(example ? { example } : {}) };
    } else throw new InputError(file, undefined, field('evaluation'), 'expected "match" or "check"');
    return { task: { description: o.description, init, ...(start !== undefined ? { start } : {}), evaluation } };
  } catch (e) {
    if (e instanceof Missing) return { notEvaluable: `not evaluable here: ${e.message}` };
    throw e;
  }
}

/** load_script: a string is bash code; {code|file, language}; a file evalh does not carry makes the item not evaluable. */
function loadScript(s: unknown, file: string, field: string): Script | null {
  if (s === null || s === undefined) return null;
  if (typeof s === 'string') return { kind: 'code', language: 'bash', code: s };
  if (typeof s !== 'object' || Array.isArray(s)) throw new InputError(file, undefined, field, 'expected a script: a string or {code|file, language}');
  const o = s as Record<string, unknown>;
  const language = o.language === undefined ? 'bash' : o.language;
  if (typeof o.file === 'string') {
    const builtin = builtinFor(o.file);
    if (builtin) return { kind: 'builtin', name: builtin };
    throw new Missing(o.file);
  }
  if (typeof o.code !== 'string') throw new InputError(file, undefined, field, 'a script object needs "code" or "file"');
  if (language !== 'bash' && language !== 'python') throw new Missing(`${String(language)} scripts`);
  return { kind: 'code', language, code: o.code };
}
