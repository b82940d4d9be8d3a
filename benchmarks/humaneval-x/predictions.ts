import { basename, join, resolve } from 'node:path';
import { InputError } from '../../src/errors.js';
import { sha256File } from '../../src/hash.js';
import { checkInput, listFolder } from '../../src/input.js';
import type { ImportedPrediction, ReadPredictions } from '../../src/suite.js';
import { itemId, languageOfTask, type Language } from './languages.js';
import { SAMPLE_DIR, findLanguageFile, findProblem, loadProblems, readJsonLines, registeredFiles, type ProblemFile } from './load.js';
import { checkSample, type Target } from './records.js';

// The official evaluation input: JSON Lines of {task_id, generation} (more fields may ride
// along), any number of samples per task — the i-th line of a task is its sample i — and
// any mix of languages. A folder is read as the official script reads one: every
// *generation*.jsonl file in it, in name order.

/** Sample problems have ids like "Python/S0", so they can never be mistaken for the benchmark's. */
export function isSampleTask(taskId: string): boolean {
  return /^[A-Za-z]+\/S\d+$/.test(taskId);
}

const HINT = 'give a samples file of {task_id, generation} lines or a folder of *generation*.jsonl files';

export async function readSamples(path: string): Promise<ReadPredictions> {
  const root = resolve(path);
  const inputs =
    checkInput(root, 'file or folder', HINT) === 'folder'
      ? listFolder(root)
          .filter((f) => f.includes('generation') && /\.jsonl(\.gz)?$/.test(f))
          .sort()
          .map((f) => join(root, f))
      : [root];
  if (inputs.length === 0) throw new InputError(root, undefined, undefined, 'no *generation*.jsonl sample files in this folder');

  const lines: { taskId: string; lang: Language; generation: string; file: string; line: number }[] = [];
  const files: Record<string, string> = {};
  for (const file of inputs) {
    for await (const { line, value } of readJsonLines(file)) {
      const s = checkSample(value, file, line);
      const lang = languageOfTask(s.task_id);
      if (!lang) throw new InputError(file, line, 'task_id', `"${s.task_id}" is not a HumanEval-X task id (Python/, CPP/, Java/, JavaScript/ or Go/ followed by the problem number)`);
      lines.push({ taskId: s.task_id, lang, generation: s.generation, file, line });
    }
    files[basename(file)] = await sha256File(file);
  }
  if (lines.length === 0) throw new InputError(root, undefined, undefined, 'no samples');

  // The problems the samples belong to: the built-in sample's for sample ids, else the registered official files.
  const official = [...new Set(lines.filter((l) => !isSampleTask(l.taskId)).map((l) => l.lang))];
  const sample = [...new Set(lines.filter((l) => isSampleTask(l.taskId)).map((l) => l.lang))];
  const sources = new Map<string, ProblemFile>();
  if (official.length > 0) {
    const reg = await registeredFiles(official);
    for (const lang of official) sources.set(`official:${lang}`, await loadProblems(lang, reg[lang]!));
  }
  for (const lang of sample) sources.set(`sample:${lang}`, await loadProblems(lang, findLanguageFile(SAMPLE_DIR, lang)!));
  for (const pf of sources.values()) files[`problems/${pf.lang}${pf.file.startsWith(SAMPLE_DIR) ? ' (sample)' : ''}`] = pf.sha256;

  const predictions: ImportedPrediction[] = [];
  const count = new Map<string, number>();
  const tasks = new Map<string, Set<string>>(); // per problem file: the tasks sampled
  const seq = new Map<Language, number>();
  for (const l of lines) {
    const source = `${isSampleTask(l.taskId) ? 'sample' : 'official'}:${l.lang}`;
    const pf = sources.get(source)!;
    if (!findProblem(pf.src, l.taskId)) {
      throw new InputError(l.file, l.line, 'task_id', `"${l.taskId}" is not a problem of ${pf.file}`);
    }
    const k = count.get(l.taskId) ?? 0;
    count.set(l.taskId, k + 1);
    if (!tasks.has(source)) tasks.set(source, new Set());
    tasks.get(source)!.add(l.taskId);
    const s = seq.get(l.lang) ?? 0;
    seq.set(l.lang, s + 1);
    const target: Target = { task_id: l.taskId, k, src: pf.src, verbatim: true };
    const id = itemId(l.lang, l.taskId, k);
    replayed.set(id, l.generation);
    predictions.push({ item: { id, dataset: l.lang, seq: s, target }, output: l.generation });
  }
  // Each language's full set is the problem file its samples were checked against (164 problems officially).
  const parts = [...tasks].map(([source, ids]) => {
    const pf = sources.get(source)!;
    return { name: source.startsWith('sample:') ? `${pf.lang} (sample)` : pf.lang, have: ids.size, of: pf.problems.length };
  });
  return { predictions, files, coverage: { unit: 'problems', parts, source: 'the problem files the samples were checked against' } };
}

// Generations read from a sample file in this process, by item id: `run --runner replay`
// scores them with the targets of open(), which do not say they came from a file, and an
// official generation is already cleaned (cleaning it twice can cut a Python body short).
const replayed = new Map<string, string>();

export function isReplayedGeneration(id: string, output: string): boolean {
  return replayed.get(id) === output;
}
