import { summarizeRun } from '../src/run.js';
import type { ItemRow, RunRow, Store } from '../src/store.js';
import type { Suite, Summary } from '../src/suite.js';
import { accountingOf, showsLongContext, type Accounting } from '../src/long-context/accounting.js';
import { coverageOf, type CoverageSummary } from '../src/coverage.js';

// Reads everything a report shows from the store, once, into plain JSON-ready objects.
// Item rows are stored in a compact shape (short keys, absent fields omitted) because a
// report embeds all of them: 10,000 items must stay a few megabytes and parse in
// milliseconds in the browser.

export interface RunHealth {
  /** Items in the store for this run (done + failed). */
  total: number;
  done: number;
  /** Done items the environment could not score (part of `done`, not scored). */
  notEvaluable: number;
  error: number;
  /** Failed items per error kind (timeout, http_500, no_prediction, ...). */
  errorKinds: Record<string, number>;
  /** Items whose prompt was cut to fit the input budget. */
  truncated: number;
  /** Done items whose output is the empty string (scored, usually 0). */
  empty: number;
  /** Items that needed more than one attempt. */
  retried: number;
  promptTokens: number;
  completionTokens: number;
  latencyMedianMs: number | null;
  latencyP95Ms: number | null;
  /** Prompt lengths, cuts, items not sent and context-limit refusals, with the budget used. */
  longContext: Accounting;
}

export interface RunInfo {
  name: string;
  suite: string;
  suiteTitle: string;
  status: string;
  fingerprint: string;
  fingerprintParts: Record<string, unknown>;
  runner: Record<string, unknown>;
  /** The run's settings without the parts shown on their own (runner, fingerprint parts, labels). */
  settings: Record<string, unknown>;
  labels: string[];
  tags: Record<string, string>;
  /** The numeric `step` tag, when the run has one. */
  step: number | null;
  evalhVersion: string;
  createdAt: string;
  startedAt: string;
  finishedAt: string | null;
  summary: Summary;
  health: RunHealth;
  /** What an import covers of the suite's full set (null for runs and older imports). */
  coverage: CoverageSummary | null;
}

/** One run's result for one item. Keys are short on purpose (see above). */
export interface ItemResult {
  /** status (skipped: not sent, over the input budget under --truncate skip) */
  st: 'done' | 'error' | 'skipped';
  /** score 0..1 (done items) */
  sc?: number;
  /** output */
  o?: string;
  /** finish reason */
  fr?: string;
  /** error message and kind */
  e?: string;
  ek?: string;
  /** prompt, completion and truncated tokens */
  pt?: number;
  ct?: number;
  tt?: number;
  /** latency in ms */
  ms?: number;
  /** attempts */
  a: number;
  /** request hash (the prompt itself is not stored) */
  h?: string;
  /** suite-specific detail from the item's stored `scores` (see CollectHooks.result) */
  x?: Record<string, unknown>;
  /** texts cut to MAX_FIELD_CHARS in this report: where (o, e, x.log, x.turns.3.content, …) and their full length */
  cut?: Cut[];
}

/** A text cut short in the report: its path in the result or entry, and its full length in characters. */
export interface Cut {
  f: string;
  n: number;
}

export interface ItemEntry {
  /** dataset */
  d: string;
  /** item id */
  id: string;
  /** reference answers */
  ref: string[];
  /** the classes of a classification dataset */
  cls?: string[];
  /** the record's length field (LongBench-E buckets) */
  len?: number;
  /** the record's own id in the data file */
  src?: string;
  /** suite-specific fields from the stored target (see CollectHooks.entry) */
  x?: Record<string, unknown>;
  /** texts of the reference side cut short (see ItemResult.cut) */
  cut?: Cut[];
  /** one entry per run, in the order of the runs; null = not in that run */
  r: (ItemResult | null)[];
}

/**
 * What a suite's report needs from its items beyond the common fields. Without hooks an
 * item keeps only the common fields (LongBench's reference answers, classes, length).
 */
export interface CollectHooks {
  /** The reference side of an item from its stored target, instead of the default reading. */
  entry?: (target: unknown) => Pick<ItemEntry, 'ref'> & Partial<Pick<ItemEntry, 'cls' | 'len' | 'src' | 'x'>>;
  /** Extra detail of one run's result for an item (from its per-item `scores`), kept as `x`. */
  result?: (row: ItemRow) => Record<string, unknown> | undefined;
}

export interface ReportData {
  suite: string;
  suiteTitle: string;
  /** Whether the suite cuts or measures prompts: only then does the report show truncation. */
  longContext: boolean;
  runs: RunInfo[];
  /** Datasets in the suite's official order (the ones any run has). */
  datasets: string[];
  items: ItemEntry[];
}

export function collectReport(store: Store, runs: RunRow[], suite: Suite, hooks: CollectHooks = {}): ReportData {
  const entryOf = hooks.entry ?? reference;
  const items = new Map<string, ItemEntry>();
  const seqOf = new Map<string, number>();
  const infos: RunInfo[] = [];
  runs.forEach((run, index) => {
    const health = emptyHealth();
    const latencies: number[] = [];
    for (const row of store.items(run.id)) {
      countItem(health, row, latencies);
      let entry = items.get(row.itemId);
      if (!entry) {
        entry = { d: row.dataset, id: row.itemId, ...entryOf(row.target), r: runs.map(() => null) };
        const cut = capTexts(entry as unknown as Record<string, unknown>, ['ref', 'x']);
        if (cut.length) entry.cut = cut;
        items.set(row.itemId, entry);
        seqOf.set(row.itemId, row.seq);
      }
      const res = result(row);
      const extra = hooks.result?.(row);
      if (extra) res.x = extra;
      const cut = capTexts(res as unknown as Record<string, unknown>, ['o', 'e', 'x']);
      if (cut.length) res.cut = cut;
      entry.r[index] = res;
    }
    health.longContext = accountingOf(run, store.items(run.id));
    latencies.sort((a, b) => a - b);
    health.latencyMedianMs = quantile(latencies, 0.5);
    health.latencyP95Ms = quantile(latencies, 0.95);
    infos.push(runInfo(run, suite, summarizeRun(store, run, suite), health));
  });

  const order = new Map(suite.datasets.map((d, i) => [d, i]));
  const rank = (d: string) => order.get(d) ?? suite.datasets.length;
  const entries = [...items.values()];
  entries.sort((a, b) => rank(a.d) - rank(b.d) || a.d.localeCompare(b.d) || seqOf.get(a.id)! - seqOf.get(b.id)! || a.id.localeCompare(b.id));
  const datasets = [...new Set(entries.map((e) => e.d))];
  for (const info of infos) for (const d of Object.keys(info.summary.scores)) if (!datasets.includes(d)) datasets.push(d);
  datasets.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return { suite: suite.name, suiteTitle: suite.title, longContext: showsLongContext(suite), runs: infos, datasets, items: entries };
}

function runInfo(run: RunRow, suite: Suite, summary: Summary, health: RunHealth): RunInfo {
  const { fingerprintParts, runner, labels, suite: _suite, ...rest } = run.settings as Record<string, unknown>;
  const stepTag = run.tags.step;
  const step = stepTag !== undefined && stepTag.trim() !== '' && Number.isFinite(Number(stepTag)) ? Number(stepTag) : null;
  return {
    name: run.name,
    suite: run.suite,
    suiteTitle: suite.title,
    status: run.status,
    fingerprint: run.fingerprint,
    fingerprintParts: isRecord(fingerprintParts) ? fingerprintParts : {},
    runner: isRecord(runner) ? runner : {},
    settings: rest,
    labels: Array.isArray(labels) ? labels.map(String) : [],
    tags: run.tags,
    step,
    evalhVersion: run.evalhVersion,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    summary,
    health,
    coverage: coverageOf(run.settings) ?? null,
  };
}

function emptyHealth(): RunHealth {
  return {
    total: 0,
    done: 0,
    notEvaluable: 0,
    error: 0,
    errorKinds: {},
    truncated: 0,
    empty: 0,
    retried: 0,
    promptTokens: 0,
    completionTokens: 0,
    latencyMedianMs: null,
    latencyP95Ms: null,
    longContext: undefined as unknown as Accounting, // filled once the run's items are read
  };
}

function countItem(h: RunHealth, row: ItemRow, latencies: number[]): void {
  h.total++;
  if (row.status === 'done') {
    h.done++;
    if (row.errorKind === 'not_evaluable') h.notEvaluable++;
    if (row.output === '') h.empty++;
    if (row.latencyMs !== undefined) latencies.push(row.latencyMs);
  } else if (row.status === 'error') {
    h.error++;
    const kind = row.errorKind ?? 'error';
    h.errorKinds[kind] = (h.errorKinds[kind] ?? 0) + 1;
  }
  if ((row.truncatedTokens ?? 0) > 0) h.truncated++;
  if (row.attempts > 1) h.retried++;
  h.promptTokens += row.promptTokens ?? 0;
  h.completionTokens += row.completionTokens ?? 0;
}

function result(row: ItemRow): ItemResult {
  const r: ItemResult = { st: row.status, a: row.attempts };
  if (row.score !== undefined) r.sc = row.score;
  if (row.output !== undefined) r.o = row.output;
  if (row.finishReason !== undefined) r.fr = row.finishReason;
  if (row.error !== undefined) r.e = row.error;
  if (row.errorKind !== undefined) r.ek = row.errorKind;
  if (row.promptTokens !== undefined) r.pt = row.promptTokens;
  if (row.completionTokens !== undefined) r.ct = row.completionTokens;
  if (row.truncatedTokens !== undefined) r.tt = row.truncatedTokens;
  if (row.latencyMs !== undefined) r.ms = Math.round(row.latencyMs * 10) / 10;
  if (row.requestHash !== undefined) r.h = row.requestHash;
  return r;
}

/** The reference side of an item, from its stored target (LongBench: answers, all_classes, length, _id). */
function reference(target: unknown): Pick<ItemEntry, 'ref' | 'cls' | 'len' | 'src'> {
  if (!isRecord(target)) return { ref: target === undefined || target === null ? [] : [String(target)] };
  const out: Pick<ItemEntry, 'ref' | 'cls' | 'len' | 'src'> = { ref: [] };
  if (Array.isArray(target.answers)) out.ref = target.answers.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
  else out.ref = [JSON.stringify(target)];
  if (Array.isArray(target.all_classes)) out.cls = target.all_classes.map(String);
  if (typeof target.length === 'number') out.len = target.length;
  if (typeof target._id === 'string') out.src = target._id;
  return out;
}

/**
 * The most characters of one text a report embeds (64 Ki): an output, error, execution log,
 * program, judgment or transcript turn longer than this is cut, and the item says so and
 * where the whole text is (`evalh show <run> --item <id>`). One 50 MB prediction would
 * otherwise make a report nobody can open.
 */
export const MAX_FIELD_CHARS = 65_536;

/** Cuts every string under `keys` of `obj` (deeply, in place) to MAX_FIELD_CHARS; returns what it cut. */
export function capTexts(obj: Record<string, unknown>, keys: string[]): Cut[] {
  const cuts: Cut[] = [];
  const walk = (v: unknown, path: string, set: (x: string) => void): void => {
    if (typeof v === 'string') {
      if (v.length > MAX_FIELD_CHARS) {
        // Never split a surrogate pair: the page would show a broken character.
        const end = /[\uD800-\uDBFF]/.test(v[MAX_FIELD_CHARS - 1]!) ? MAX_FIELD_CHARS - 1 : MAX_FIELD_CHARS;
        set(v.slice(0, end));
        cuts.push({ f: path, n: v.length });
      }
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}.${i}`, (s) => (v[i] = s)));
    } else if (isRecord(v)) {
      for (const k of Object.keys(v)) walk(v[k], `${path}.${k}`, (s) => (v[k] = s));
    }
  };
  for (const k of keys) walk(obj[k], k, (s) => (obj[k] = s));
  return cuts;
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
