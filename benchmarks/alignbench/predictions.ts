import { basename, join, resolve } from 'node:path';
import { InputError } from '../../src/errors.js';
import { canonicalJson, sha256File } from '../../src/hash.js';
import { checkInput, listFolder } from '../../src/input.js';
import { readJsonl } from '../../src/jsonl.js';
import type { ImportedPrediction, ReadPredictions } from '../../src/suite.js';
import { parseJudgment } from './parse.js';
import { checkAnswerRecord, type AnswerRecord, type Target } from './records.js';

/**
 * Reads one model's official output file: judge.py's judgment file (data/judgment/<model>.jsonl:
 * each answer line plus judgment, rating, score) for `evalh import`, or get_answers.py's answer
 * file (data/model_answer/<model>.jsonl) for `--runner replay`. A folder holding exactly one
 * .jsonl file is read as that file.
 *
 * Judgments are parsed again with the official parser and must agree with the file's own
 * `score` (and `rating`, when present): show_result.py reads `score`, so a file whose scores
 * were not made by judge.py's parser would give numbers evalh cannot vouch for. A question
 * judged twice (judge.py appends, so a second judging run doubles lines) is refused too:
 * show_result.py would count it twice.
 */
/** AlignBench's questions, in v1 and v1.1 alike (question_id 1..683); one judge.py file covers them all. */
export const ALIGNBENCH_QUESTIONS = 683;

export async function readPredictionFile(path: string): Promise<ReadPredictions> {
  const file = onlyFile(resolve(path));
  const predictions: ImportedPrediction[] = [];
  const seen = new Map<number, number>();
  const seq = new Map<string, number>();
  const models = new Set<string>();
  let judged: boolean | undefined;
  for await (const { line, value } of readJsonl(file)) {
    const rec: AnswerRecord = checkAnswerRecord(value, file, line);
    const first = seen.get(rec.question_id);
    if (first !== undefined) {
      throw new InputError(file, line, 'question_id', `${rec.question_id} appears again (first at line ${first}); show_result.py would count it twice — keep one line per question`);
    }
    seen.set(rec.question_id, line);
    if (rec.model_id !== undefined) models.add(rec.model_id);
    if (models.size > 1) throw new InputError(file, line, 'model_id', `a second model (${[...models].join(', ')}); import one model's file at a time`);
    const hasJudgment = rec.judgment !== undefined;
    if (judged === undefined) judged = hasJudgment;
    if (hasJudgment !== judged) {
      throw new InputError(file, line, 'judgment', judged ? 'missing here while earlier lines have one (a judgment file has it on every line)' : 'present here while earlier lines have none');
    }
    const target: Target = {
      question_id: rec.question_id,
      category: rec.category,
      subcategory: rec.subcategory ?? '',
      question: rec.question ?? '',
      reference: rec.reference ?? '',
      dimensions: rec.dimensions ?? [],
    };
    if (hasJudgment) {
      if (rec.score === undefined) throw new InputError(file, line, 'score', "must have required property 'score' (judge.py writes it with the judgment)");
      const parsed = parseJudgment(rec.judgment!);
      if (parsed.overall !== rec.score) {
        throw new InputError(
          file,
          line,
          'score',
          `${rec.score} differs from the official parser's reading of "judgment" (${parsed.overall}); this file was not scored by judge.py's post_process`,
        );
      }
      if (rec.rating !== undefined && canonicalJson(rec.rating) !== canonicalJson(parsed.rating)) {
        throw new InputError(file, line, 'rating', `${JSON.stringify(rec.rating)} differs from the official parser's reading of "judgment" (${JSON.stringify(parsed.rating)})`);
      }
      target.judgment = rec.judgment!;
    }
    const n = seq.get(rec.category) ?? 0;
    seq.set(rec.category, n + 1);
    // judge.py formats a missing answer (None) as "None"; evalh stores it as the empty answer it was.
    predictions.push({ item: { id: `${rec.category}/${rec.question_id}`, dataset: rec.category, seq: n, target }, output: rec.answer ?? '' });
  }
  if (predictions.length === 0) throw new InputError(file, undefined, undefined, 'no answers in this file');
  return {
    predictions,
    files: { [basename(file)]: await sha256File(file) },
    // One file is one model's answers to the whole question set: it is compared with all of it, not category by category.
    coverage: { unit: 'questions', parts: [{ name: 'alignbench', have: seen.size, of: ALIGNBENCH_QUESTIONS }], source: "AlignBench's 683 questions" },
  };
}

function onlyFile(path: string): string {
  const hint = "give a judge.py judgment file (data/judgment/<model>.jsonl) or a get_answers.py answer file";
  if (checkInput(path, 'file or folder', hint) === 'file') return path;
  const files = listFolder(path).filter((f) => f.endsWith('.jsonl')).sort();
  if (files.length !== 1) {
    throw new InputError(
      path,
      undefined,
      undefined,
      files.length === 0
        ? `no .jsonl file here; ${hint.replace(/^give/, 'pass')}`
        : `${files.length} .jsonl files here (${files.slice(0, 4).join(', ')}${files.length > 4 ? ', …' : ''}); pass one model's file`,
    );
  }
  return join(path, files[0]!);
}
