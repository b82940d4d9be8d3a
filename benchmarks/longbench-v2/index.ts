import { loadAsset } from '../../src/assets.js';
import { UsageError } from '../../src/errors.js';
import { sha256 } from '../../src/hash.js';
import { pyStrip } from '../../src/metrics/pystr.js';
import type { ConversationResult, Dialogue, OpenOptions, PreparedRequest, RequestContext, Suite, SuiteItem, SuiteSource } from '../../src/suite.js';
import { renderV2, summarizeV2 } from './aggregate.js';
import { extractAnswer } from './answer.js';
import { MODEL2MAXLEN, MODEL2PATH } from './assets.js';
import { ASSET_SUITE, DATASET, resolveDataFile, streamItems } from './load.js';
import { readResultFile } from './predictions.js';
import { COT_MAX_TOKENS, MAX_TOKENS, MODES, TEMPERATURE, buildRequest, fillCotAnswer, fillTemplate, loadTemplates, type Mode, type Templates } from './prompt.js';
import type { Choice, DataRecord, Target } from './records.js';

// LongBench v2: 503 long-context four-choice questions, accuracy overall / by difficulty /
// by length (pred.py + result.py of THUDM/LongBench at 2e00731). `--preset cot` runs
// pred.py's --cot: two model calls per item, driven by converse().

// Bumped whenever extraction or aggregation changes, so old runs are not mixed with new ones.
const METRIC_VERSION = 'longbench-v2-1';

interface State {
  mode: Mode;
  templates: Templates;
  /** The request context of the run (tokenizer, budget): the CoT second pass is truncated too. */
  ctx?: RequestContext;
}

let state: State | undefined;

function modeOf(preset: string | undefined): Mode {
  const m = preset ?? 'plain';
  if (!(MODES as readonly string[]).includes(m)) {
    throw new UsageError(`unknown longbench-v2 preset "${m}"; known: plain (0shot.txt, the default) and cot (0shot_cot.txt, then 0shot_cot_ans.txt)`);
  }
  return m as Mode;
}

/** The gold turn for the reference runner's first CoT call: any reasoning will do; the second call answers. */
function referenceReasoning(answer: Choice): string {
  return `The document supports choice (${answer}).`;
}

/**
 * The first prompt holds the whole document (up to 120,000 tokens): the transcript names its
 * template and hash instead of storing it; the CoT second prompt has no document and is kept.
 */
function firstTurn(first: PreparedRequest, template: string): Record<string, unknown> {
  return {
    role: 'user',
    template,
    maxTokens: first.request.maxTokens,
    promptSha256: sha256(first.request.prompt),
    ...(first.promptTokens !== undefined ? { promptTokens: first.promptTokens } : {}),
    ...(first.truncatedTokens ? { truncatedTokens: first.truncatedTokens } : {}),
  };
}

export const longbenchV2: Suite = {
  name: 'longbench-v2',
  presets: 'plain (default), cot',
  title: 'LongBench v2 (503 long-context multiple-choice questions)',
  datasets: [DATASET],
  truncates: true,
  maxCalls: 2,

  async open(opts: OpenOptions): Promise<SuiteSource> {
    const mode = modeOf(opts.preset);
    if (opts.datasets && opts.datasets.some((d) => d !== DATASET)) {
      throw new UsageError(`longbench-v2 has one dataset, "${DATASET}" (difficulty and length are groups of its items, not datasets)`);
    }
    if (opts.sample && opts.data) throw new UsageError('--sample and --data exclude each other');
    // The user's data is checked first (its errors are theirs to fix), then the assets.
    const data = await resolveDataFile(opts.sample, opts.data, opts.limit);
    const templates = loadTemplates(ASSET_SUITE, opts.sample);
    state = { mode, templates };
    const labels = opts.sample ? ['sample, not the official benchmark'] : [];
    if (templates.source === 'evalh-sample') labels.push('evalh sample prompts (official prompts/*.txt not registered)');
    const used = mode === 'cot' ? [templates.cot, templates.cotAnswer] : [templates.zeroShot];
    return {
      datasets: [DATASET],
      total: data.ids.length,
      labels,
      fingerprint: {
        suite: 'longbench-v2',
        metrics: METRIC_VERSION,
        sample: opts.sample,
        mode,
        prompts: templates.source === 'official' ? `official:${sha256(JSON.stringify(used))}` : 'evalh-sample',
        generation: { temperature: TEMPERATURE, maxTokens: MAX_TOKENS, ...(mode === 'cot' ? { cotMaxTokens: COT_MAX_TOKENS } : {}) },
        data: data.sha256,
      },
      settings: { data: data.where, datasets: [DATASET], limit: opts.limit ?? null, prompts: templates.source, mode },
      items: () => streamItems(data),
      itemIds: () => data.ids,
    };
  },

  async prepare(item: SuiteItem, ctx: RequestContext): Promise<PreparedRequest> {
    if (!state) throw new Error('prepare() before open()');
    state.ctx = ctx;
    const rec = item.record as DataRecord;
    const cot = state.mode === 'cot';
    return buildRequest(fillTemplate(cot ? state.templates.cot : state.templates.zeroShot, rec), cot ? COT_MAX_TOKENS : MAX_TOKENS, ctx);
  },

  /**
   * Plain: one call. CoT: the first pass's stripped answer goes into 0shot_cot_ans.txt for a
   * second call. A call that fails for good throws: the item is recorded as failed, never scored
   * (pred.py would skip it silently). An empty answer from a working server is the model's
   * answer and scores 0; pred.py cannot tell it from a failure (query_llm returns '' for both)
   * and skips it too — the one place evalh's accuracy can differ, and `show` counts empty outputs.
   */
  async converse(item: SuiteItem, first: PreparedRequest, model: Dialogue): Promise<ConversationResult> {
    if (!state) throw new Error('converse() before open()');
    const rec = item.record as DataRecord;
    const target = item.target as Target;
    if (state.mode === 'plain') {
      const gen = await model.ask({ request: first.request, reference: item.reference });
      return {
        text: gen.text,
        transcript: [firstTurn(first, '0shot.txt'), { role: 'assistant', content: gen.text, finishReason: gen.finishReason ?? null }],
        ...(gen.finishReason !== undefined ? { finishReason: gen.finishReason } : {}),
        ...(gen.promptTokens !== undefined ? { promptTokens: gen.promptTokens } : {}),
        ...(gen.completionTokens !== undefined ? { completionTokens: gen.completionTokens } : {}),
      };
    }
    const reasoning = await model.ask({ request: first.request, reference: referenceReasoning(target.answer) });
    const second = await buildRequest(fillCotAnswer(state.templates.cotAnswer, rec, reasoning.text), MAX_TOKENS, state.ctx ?? { needsPrompt: false });
    const answer = await model.ask({ request: second.request, reference: item.reference });
    const sum = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : a + b);
    const completionTokens = sum(reasoning.completionTokens, answer.completionTokens);
    return {
      text: answer.text,
      transcript: [
        firstTurn(first, '0shot_cot.txt'),
        { role: 'assistant', content: reasoning.text, finishReason: reasoning.finishReason ?? null },
        { role: 'user', template: '0shot_cot_ans.txt', maxTokens: second.request.maxTokens, content: second.request.prompt },
        { role: 'assistant', content: answer.text, finishReason: answer.finishReason ?? null },
      ],
      ...(answer.finishReason !== undefined ? { finishReason: answer.finishReason } : {}),
      ...(reasoning.promptTokens !== undefined ? { promptTokens: reasoning.promptTokens } : {}),
      ...(completionTokens !== undefined ? { completionTokens } : {}),
    };
  },

  score(item, output) {
    const t = item.target as Target & { judge?: boolean; pred?: Choice | null };
    // Imported results carry pred.py's own verdict, which result.py counts as it is.
    if (typeof t.judge === 'boolean') return { score: t.judge ? 1 : 0, scores: { pred: t.pred ?? null } };
    const pred = extractAnswer(pyStrip(output)); // pred.py strips the response before extracting
    return { score: pred === t.answer ? 1 : 0, scores: { pred } };
  },

  summarize(items, _datasets, _notEvaluable, failed) {
    return summarizeV2(items, failed?.length ?? 0);
  },

  renderSummary(summary) {
    return renderV2(summary);
  },

  readPredictions(path) {
    return readResultFile(path);
  },

  officialMaxLength(model) {
    const maxlen = loadAsset(ASSET_SUITE, MODEL2MAXLEN);
    if (!maxlen) return undefined;
    const table = JSON.parse(maxlen.toString('utf8')) as Record<string, number>;
    if (table[model] !== undefined) return table[model];
    // The server's model id is often the HF path pred.py maps its model names to.
    const paths = loadAsset(ASSET_SUITE, MODEL2PATH);
    if (!paths) return undefined;
    const name = Object.entries(JSON.parse(paths.toString('utf8')) as Record<string, string>).find(([, p]) => p === model)?.[0];
    return name === undefined ? undefined : table[name];
  },
};
