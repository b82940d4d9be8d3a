import type { Generation, ModelRequest } from '../runners/types.js';
import type { Coverage } from './coverage.js';
import type { Judge } from './judge.js';
import type { TruncatePolicy } from './long-context/policy.js';
import type { Tokenizer } from './tokenizers/types.js';

// A suite adapter in three plain parts: a dataset (items), a request builder, a scorer
// with its aggregation. It never speaks HTTP and never writes SQL.

export interface SuiteItem {
  /** Unique within the run and stable across invocations (resume keys on it). */
  id: string;
  dataset: string;
  /** Position within its dataset, for stable ordering. */
  seq: number;
  /** What scoring needs (small; stored with the item). */
  target: unknown;
  /** The gold answer, for the reference runner. */
  reference: string;
  /** The raw record (may hold a long context); dropped once the request is built. */
  record: unknown;
}

export interface OpenOptions {
  datasets?: string[];
  data?: string;
  sample: boolean;
  limit?: number;
  /** A suite's named generation preset (e.g. HumanEval-X sampling for pass@10). */
  preset?: string;
  /** An existing database server for suites that need one (agentbench-db); may hold a password: never stored. */
  dbUrl?: string;
}

export interface SuiteSource {
  datasets: string[];
  total: number;
  /** Shown wherever the run shows, e.g. 'sample, not the official benchmark'. */
  labels: string[];
  /** Everything in the data and assets that changes scores: templates, budgets, file hashes. */
  fingerprint: Record<string, unknown>;
  settings: Record<string, unknown>;
  items(): AsyncIterable<SuiteItem>;
  /** Every item id, in order, without reading the data again (totals for shards). */
  itemIds(): string[];
  /** Releases what open() started (a database server, …); called once the run ends, whatever way. */
  close?(): Promise<void>;
}

export interface RequestContext {
  /** False for runners that ignore the prompt (reference, replay): no tokenizing, no truncation. */
  needsPrompt: boolean;
  tokenizer?: Tokenizer;
  /** The model's input budget in tokens (LongBench's max_length). */
  maxLength?: number;
  /** What happens to a prompt over the budget (--truncate; src/long-context/policy.ts); default middle. */
  truncate?: TruncatePolicy;
}

export interface PreparedRequest {
  request: ModelRequest;
  promptTokens?: number;
  truncatedTokens?: number;
}

/** One model call inside a multi-call item. */
export interface ModelCall {
  request: ModelRequest;
  /** What the reference runner answers to this call (the gold turn). */
  reference?: string;
}

/**
 * The model as a multi-call item sees it: each ask() has the run's per-call timeout and
 * retries; a call that fails for good throws, and the item is recorded as failed (never scored).
 */
export interface Dialogue {
  ask(call: ModelCall): Promise<Generation>;
  /** Aborted when the run stops (Ctrl-C) or the item's overall deadline passes. */
  readonly signal: AbortSignal;
}

export interface ConversationResult {
  /** The item's final answer: what score() receives and the store keeps as the output. */
  text: string;
  /** Everything said, in order, for the store and the report. */
  transcript?: unknown;
  finishReason?: string;
  promptTokens?: number;
  completionTokens?: number;
  /** The episode's own score when the environment judged it (agent tasks); else score() runs on `text`. */
  scored?: ItemScore;
}

export interface ItemScore {
  /** The item's score on the suite's scale (0..1 for most, AlignBench 1–10 or −1); null when not evaluable here. */
  score: number | null;
  scores?: Record<string, unknown>;
  /** The environment, not the model, kept this item from being scored: "<missing thing>". */
  notEvaluable?: string;
}

export interface ScoreContext {
  judge?: Judge;
}

export interface NotEvaluableItem {
  dataset: string;
  target: unknown;
  reason: string;
}

/** An item whose model call(s) failed for good: recorded, never scored. */
export interface FailedItem {
  dataset: string;
  target: unknown;
  errorKind?: string;
}

export interface ScoredItem {
  dataset: string;
  target: unknown;
  score: number;
  /** The item's detailed scores (e.g. judge dimensions), when the suite recorded any. */
  scores?: Record<string, unknown>;
}

export interface Summary {
  /** Official result.json shape: per dataset. */
  scores: Record<string, unknown>;
  /** Further aggregates (categories, overall), labelled as evalh's. */
  aggregates?: Record<string, unknown>;
}

export interface ImportedPrediction {
  item: Omit<SuiteItem, 'record' | 'reference'>;
  output: string;
}

export interface ReadPredictions {
  predictions: ImportedPrediction[];
  files: Record<string, string>;
  /**
   * How much of the suite's full set the predictions cover (src/coverage.ts): the sizes come
   * from the data the import read or the suite's registered data, else from a declared table
   * of the official sizes; absent or null where the suite cannot know (import says so).
   */
  coverage?: Coverage;
}

export interface Suite {
  readonly name: string;
  readonly title: string;
  readonly datasets: readonly string[];
  open(opts: OpenOptions): Promise<SuiteSource>;
  prepare(item: SuiteItem, ctx: RequestContext): Promise<PreparedRequest>;
  /** What `--preset` takes, for messages (e.g. "greedy, n20, n200"); a suite without it takes no preset. */
  readonly presets?: string;
  /** Suites scored by a second model need --judge-endpoint/--judge-model. */
  readonly needsJudge?: boolean;
  /** Whether long prompts are cut to the model's budget (needs a tokenizer with an endpoint). */
  readonly truncates?: boolean;
  /**
   * Builds prompts to a length in tokens (needle): uses the run's tokenizer when there is one
   * (--tokenizer, the server's, the GGUF model's), an approximation otherwise; the budget
   * (--max-length or the server's limit) is applied when known.
   */
  readonly measuresPrompts?: boolean;
  /** Points one unit of item score is worth in dataset scores: 100 for 0..1 items (default), 1 when items are already points. */
  readonly pointsPerScore?: number;
  /** Ask the model again this many times when it answers with nothing (AlignBench re-asks). */
  readonly retryEmpty?: number;
  /**
   * Items that need more than one model call (CoT second pass, agent episodes): the suite
   * drives the calls itself, starting from prepare()'s request. Without it, one call per item.
   */
  converse?(item: SuiteItem, first: PreparedRequest, model: Dialogue): Promise<ConversationResult>;
  /** Most model calls one item may make (bounds the item's overall deadline); default 1. */
  readonly maxCalls?: number;
  /** May be async (sandboxed execution, a judge model). */
  score(item: { dataset: string; target: unknown }, output: string, ctx?: ScoreContext): ItemScore | Promise<ItemScore>;
  /** `failed`: the run's failed items, for suites whose summary states them (LongBench v2); absent for imports. */
  summarize(items: ScoredItem[], datasets: string[], notEvaluable?: NotEvaluableItem[], failed?: FailedItem[]): Summary;
  /** Text table(s) in the suite's official layout. */
  renderSummary(summary: Summary): string;
  /** Reads predictions in the suite's official output layout (import, replay). */
  readPredictions(path: string): Promise<ReadPredictions>;
  /** The model input budget the official configs give a model, if they list it. */
  officialMaxLength?(model: string): number | undefined;
}
