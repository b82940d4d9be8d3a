import { UsageError } from '../../src/errors.js';
import type { ItemScore, OpenOptions, PreparedRequest, ScoreContext, Suite, SuiteSource } from '../../src/suite.js';
import { summarize, UNPARSEABLE, type AlignScoredItem } from './aggregate.js';
import { CATEGORY_NAMES } from './categories.js';
import { loadConfigs, temperatureOf, type JudgingConfigs } from './configs.js';
import { describeDimensions, fillTemplate, loadJudgeTemplate, TEMPLATE_ENV, type JudgeTemplate } from './judge-prompt.js';
import { loadItems, presetOf, resolveDataFile } from './load.js';
import { parseJudgment } from './parse.js';
import { readPredictionFile } from './predictions.js';
import type { DataRecord, Target } from './records.js';
import { renderSummary } from './table.js';

// AlignBench (THUDM/AlignBench): 683 Chinese questions in eight first-level categories,
// answered by the model and scored 1–10 by a judge model against a reference answer.
//
// Datasets are the eight categories (`--datasets 数学计算,逻辑推理`; `--limit N` = first N of
// each); the version is `--preset v1.1` (default) or `v1.0`. An item's stored `score` is on
// the judge's own scale, not 0..1: the 1–10 overall judge.py reads from the judgment, or -1
// when it cannot be read (the official means count those -1s; see aggregate.ts). The
// per-item `scores` keep the raw judgment, its parsed rating dict, whether it parsed, and
// whether it came from the judge cache.

/** Bumped whenever parsing or aggregation changes, so old runs are not mixed with new ones. */
const SCORER_VERSION = 'alignbench-judge.py-post_process-1';
/**
 * The answer budget. get_answers.py leaves it to each model's API class (its do_nothing
 * example uses 1024); evalh gives every answer 2048 tokens, enough for the long math and
 * writing answers, and records it in the fingerprint.
 */
export const MAX_TOKENS = 2048;
/** judge.py sends no max_tokens (the API default); evalh asks for 2048, far above a judgment's length. */
export const JUDGE_MAX_TOKENS = 2048;

export interface State {
  configs: JudgingConfigs;
  template: JudgeTemplate;
}

let state: State | undefined;

export const alignbench: Suite = {
  name: 'alignbench',
  presets: 'v1.1 (default), v1.0',
  title: 'AlignBench (Chinese alignment, judged by a model)',
  datasets: CATEGORY_NAMES,
  needsJudge: true,
  // Item scores are the judge's 1–10 (or -1): already points.
  pointsPerScore: 1,
  // get_answers.py asks again when the answer comes back empty (up to three tries in all).
  retryEmpty: 2,

  async open(opts: OpenOptions): Promise<SuiteSource> {
    const categories = opts.datasets && opts.datasets.length > 0 ? opts.datasets : [...CATEGORY_NAMES];
    for (const c of categories) {
      if (!CATEGORY_NAMES.includes(c)) {
        throw new UsageError(`unknown alignbench category "${c}"; known: ${CATEGORY_NAMES.join(', ')} (versions are chosen with --preset v1.0|v1.1)`);
      }
    }
    const preset = presetOf(opts.preset);
    const data = await resolveDataFile(preset, opts.sample, opts.data);
    const configs = loadConfigs(opts.sample, data.dir);
    const { items, counts } = await loadItems(data, configs, categories, opts.limit);
    const template = loadJudgeTemplate();
    state = { configs, template };

    const labels: string[] = [];
    if (opts.sample) labels.push('sample, not the official benchmark');
    if (configs.source === 'evalh-sample') labels.push('evalh sample judging configs (official config/*.json not registered)');
    if (!opts.sample && !data.official) labels.push(`data ${data.where} is not the official AlignBench ${preset} release (sha256 ${data.sha256.slice(0, 12)}…)`);
    labels.push(
      template.source === 'evalh'
        ? `judge prompt: evalh's own Chinese wording of the official structure, not judge.py's text (set ${TEMPLATE_ENV} to a template file to use another)`
        : `judge prompt: template ${template.path} (sha256 ${template.sha256.slice(0, 12)}…)`,
    );

    return {
      datasets: categories,
      total: items.length,
      labels,
      fingerprint: {
        suite: 'alignbench',
        scorer: SCORER_VERSION,
        preset,
        sample: opts.sample,
        data: data.sha256,
        configs: configs.source === 'official' ? 'official' : configs.hashes,
        judgePrompt: template.source === 'evalh' ? `evalh:${template.sha256.slice(0, 16)}` : `file:${template.sha256}`,
        maxTokens: MAX_TOKENS,
        judgeMaxTokens: JUDGE_MAX_TOKENS,
      },
      settings: {
        preset,
        data: data.where,
        officialData: data.official,
        categories,
        perCategory: counts,
        limit: opts.limit ?? null,
        configs: configs.source,
        judgePrompt: template.source === 'evalh' ? 'evalh' : template.path,
        maxTokens: MAX_TOKENS,
      },
      async *items() {
        yield* items;
      },
      itemIds: () => items.map((it) => it.id),
    };
  },

  async prepare(item): Promise<PreparedRequest> {
    if (!state) throw new Error('prepare() before open()');
    const rec = item.record as DataRecord;
    // get_answers.py: the question alone as one user message, temperature by first-level category.
    return { request: { kind: 'chat', prompt: rec.question, maxTokens: MAX_TOKENS, temperature: temperatureOf(state.configs, rec.category) } };
  },

  async score(item, output, ctx?: ScoreContext): Promise<ItemScore> {
    const t = item.target as Target;
    if (!ctx?.judge) {
      // `evalh import` of judge.py's output: the judgment is already there.
      if (t.judgment === undefined) {
        throw new UsageError(
          'alignbench answers are scored by a judge model: `evalh import alignbench` reads judge.py judgment files; ' +
            'to judge an answer file, run `evalh run alignbench --runner replay --predictions <answers.jsonl> --judge-endpoint URL --judge-model ID`',
        );
      }
      return fromJudgment(t.judgment, false);
    }
    if (!state) throw new Error('score() before open()');
    const prompt = judgePrompt(state, t, output);
    // A judge that keeps failing throws (after its retries): the answer is kept, never scored.
    // A judgment judge.py's parser cannot read (-1) still counts as -1 here, but is never taken
    // from or kept in the judge cache: the next run asks the judge again.
    const j = await ctx.judge.judge(
      { kind: 'chat', prompt, maxTokens: JUDGE_MAX_TOKENS, temperature: 0 },
      (text) => parseJudgment(text).overall !== UNPARSEABLE,
      fullMarks(t.dimensions),
    );
    return fromJudgment(j.text, j.cached);
  },

  summarize(items, datasets, _notEvaluable, failed) {
    return summarize(items as AlignScoredItem[], datasets, failed);
  },

  renderSummary,

  readPredictions(path) {
    return readPredictionFile(path);
  },
};

/**
 * The judgment a perfect answer gets, in the rating-dict format the judge prompt asks for
 * (and judge.py parses): what the reference judge says of a gold answer.
 */
export function fullMarks(dimensions: readonly string[]): string {
  return `{${[...dimensions, '综合得分'].map((d) => `'${d}': 10`).join(', ')}}`;
}

/** judge.py's prompt_construct with evalh's (or the user's) template; an empty answer is judged as "None". */
export function judgePrompt(s: State, t: Target, answer: string): string {
  return fillTemplate(s.template.parts, {
    category: t.category,
    dimensions: describeDimensions(t.dimensions, s.configs.definitions),
    question: t.question,
    reference: t.reference,
    answer: answer === '' ? 'None' : answer,
  });
}

function fromJudgment(text: string, cached: boolean): ItemScore {
  const { rating, overall } = parseJudgment(text);
  return { score: overall, scores: { overall, dimensions: rating, judgment: text, parsed: overall !== -1, judgeCached: cached } };
}
