import { resolve } from 'node:path';
import { typed } from '../argv.js';
import { UsageError } from '../errors.js';
import { pyRound } from '../metrics/pyround.js';
import { log } from '../progress.js';
import { fingerprintDiff } from '../run.js';
import { DEFAULT_B, bootstrapMeans, percentileInterval, rngFor, stratifiedMean } from '../stats/index.js';
import { diffDataset, diffOverall, headline, pairItems, scoreUnit, type Changed, type DatasetPair, type RunItem } from '../stats/paired.js';
import type { RunRow, Store } from '../store.js';
import type { Suite } from '../suite.js';
import { getSuite } from '../suites.js';
import { table } from '../table.js';
import { someRuns, withStore } from './list.js';

export interface CompareArgs {
  runs: string[];
  seed: number;
  db: string;
  json: boolean;
}

// ---- shared with the gate: reading runs ----

/** Reads an existing store; comparing never creates one. */
export function readStore<T>(db: string, f: (s: Store) => T): T {
  return withStore(resolve(db), f);
}

export function checkSeed(seed: number): void {
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, not ${typed('--seed', seed)}`);
}

export function findRun(store: Store, name: string): RunRow {
  const run = store.findRun(name);
  if (run) return run;
  const names = store.listRuns().map((r) => r.name);
  throw new UsageError(`no run named "${name}"; ${someRuns(names, 20)}`);
}

export function runItems(store: Store, run: RunRow): RunItem[] {
  const unit = scoreUnit(getSuite(run.suite));
  const out: RunItem[] = [];
  for (const it of store.items(run.id)) {
    out.push({ id: it.itemId, dataset: it.dataset, seq: it.seq, target: it.target, ...(it.status === 'done' && it.score !== undefined ? { score: it.score * unit } : {}) });
  }
  return out;
}

/**
 * Differences in the score-relevant settings other than the model: the runner key is the
 * model. An import's `files` are hashes of the prediction files, i.e. of the model's
 * outputs, so between two imports they differ whenever the model does and say nothing.
 */
export function fingerprintWarning(a: RunRow, b: RunRow): string | undefined {
  if (a.fingerprint === b.fingerprint) return undefined;
  const pa = a.settings.fingerprintParts as Record<string, unknown> | undefined;
  const pb = b.settings.fingerprintParts as Record<string, unknown> | undefined;
  if (!pa || !pb) return `runs "${a.name}" and "${b.name}" have different fingerprints and no recorded settings to tell why`;
  const imported = (p: Record<string, unknown>) => (p.runner as { runner?: string } | undefined)?.runner === 'import';
  const both = imported(pa) && imported(pb);
  const keys = fingerprintDiff(pa, pb).filter((k) => k !== 'runner' && !(both && k === 'files'));
  if (keys.length === 0) return undefined;
  return `runs "${a.name}" and "${b.name}" differ in more than the model (${keys.join(', ')}): the differences below are not the model's alone`;
}

export function statusWarning(run: RunRow): string | undefined {
  return run.status === 'completed' ? undefined : `run "${run.name}" is ${run.status}: only its finished items are compared`;
}

// ---- compare ----

const r2 = (x: number) => pyRound(x, 2);
const ci2 = (ci: [number, number]): [number, number] => [r2(ci[0]), r2(ci[1])];
const p6 = (p: number) => Number(p.toPrecision(6));

function leftOutOf(pairs: DatasetPair[]) {
  const t = { only_a: 0, only_b: 0, failed_a: 0, failed_b: 0 };
  for (const p of pairs) {
    t.only_a += p.leftOut.onlyA;
    t.only_b += p.leftOut.onlyB;
    t.failed_a += p.leftOut.failedA;
    t.failed_b += p.leftOut.failedB;
  }
  return t;
}

/** One run alone: its scores over all its scored items, with percentile CIs. */
function runSummary(suite: Suite, run: RunRow, items: RunItem[], seed: number) {
  const pairs = pairItems(items, items, suite.datasets).filter((p) => p.ids.length > 0);
  const h = headline(suite, pairs, 'a');
  const reps = pairs.map((p) => bootstrapMeans(p.a.map((x) => 100 * x), DEFAULT_B, rngFor(seed, `${run.name}\0${p.dataset}`)));
  const scores: Record<string, { score: number; ci: [number, number] }> = {};
  pairs.forEach((p, i) => (scores[p.dataset] = { score: h.datasets[p.dataset]!, ci: ci2(percentileInterval(reps[i]!)) }));
  const overall = { score: h.overall, ci: reps.length ? ci2(percentileInterval(stratifiedMean(reps))) : ([NaN, NaN] as [number, number]) };
  const failed = items.filter((it) => it.score === undefined).length;
  return { name: run.name, status: run.status, fingerprint: run.fingerprint, tags: run.tags, items: { scored: items.length - failed, failed }, scores, overall };
}

type LeftOutCounts = ReturnType<typeof leftOutOf>;

interface DatasetEntry {
  a: number;
  b: number;
  /** b − a in points. */
  diff: number;
  ci: [number, number];
  mcnemar_p?: number;
  binary: boolean;
  shared: number;
  left_out: LeftOutCounts;
  flipped: { regressed: string[]; improved: string[] };
  changed?: Changed[];
}

function comparison(suite: Suite, a: RunRow, b: RunRow, ia: RunItem[], ib: RunItem[], seed: number, warnings: string[]) {
  const pairs = pairItems(ia, ib, suite.datasets);
  const shared = pairs.filter((p) => p.ids.length > 0);
  for (const p of pairs.filter((q) => q.ids.length === 0)) {
    warnings.push(`${a.name} vs ${b.name}: dataset ${p.dataset} has no items scored in both runs; left out`);
  }
  const sa = headline(suite, shared, 'a');
  const sb = headline(suite, shared, 'b');
  const diffs = shared.map((p) => diffDataset(p, rngFor(seed, `${a.name}\0${b.name}\0${p.dataset}`)));
  const datasets: Record<string, DatasetEntry> = {};
  diffs.forEach((d, i) => {
    const p = shared[i]!;
    datasets[d.dataset] = {
      a: sa.datasets[d.dataset]!,
      b: sb.datasets[d.dataset]!,
      diff: r2(sb.datasets[d.dataset]! - sa.datasets[d.dataset]!),
      ci: ci2(d.ci),
      ...(d.mcnemarP !== undefined ? { mcnemar_p: p6(d.mcnemarP) } : {}),
      binary: d.binary,
      shared: d.n,
      left_out: leftOutOf([p]),
      flipped: { regressed: d.regressed, improved: d.improved },
      ...(d.binary ? {} : { changed: d.changed }),
    };
  });
  const o = diffOverall(diffs);
  const leftOut = leftOutOf(pairs);
  const n = diffs.reduce((s, d) => s + d.n, 0);
  const overall = {
    a: sa.overall,
    b: sb.overall,
    diff: r2(sb.overall - sa.overall),
    ci: ci2(o.ci),
    shared: n,
    left_out: leftOut,
    regressed: diffs.reduce((s, d) => s + d.regressed.length, 0),
    improved: diffs.reduce((s, d) => s + d.improved.length, 0),
  };
  return { a: a.name, b: b.name, datasets, overall, ...(pairs.length > shared.length ? { no_shared: pairs.filter((p) => !p.ids.length).map((p) => p.dataset) } : {}) };
}

type Comparison = ReturnType<typeof comparison>;
type RunDoc = ReturnType<typeof runSummary>;

/** Orders a checkpoint series by its step tag (numerically when every step is a number). */
function byStep(runs: RunRow[], warnings: string[]): { runs: RunRow[]; stepped: boolean } {
  if (runs.length <= 2) return { runs, stepped: false };
  const missing = runs.filter((r) => r.tags.step === undefined);
  if (missing.length === runs.length) return { runs, stepped: false };
  if (missing.length > 0) {
    warnings.push(`no step tag on ${missing.map((r) => r.name).join(', ')}: runs kept in the order given, no trend`);
    return { runs, stepped: false };
  }
  const numeric = runs.every((r) => r.tags.step!.trim() !== '' && Number.isFinite(Number(r.tags.step)));
  const key = (r: RunRow) => r.tags.step!;
  const sorted = [...runs].sort((x, y) => (numeric ? Number(key(x)) - Number(key(y)) : key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  return { runs: sorted, stepped: true };
}

export async function compareCommand(args: CompareArgs): Promise<void> {
  if (args.runs.length < 2) throw new UsageError('compare needs at least two runs');
  checkSeed(args.seed);
  const doc = readStore(args.db, (store) => {
    const warnings: string[] = [];
    const found = args.runs.map((n) => findRun(store, n));
    const suites = [...new Set(found.map((r) => r.suite))];
    if (suites.length > 1) throw new UsageError(`runs of different suites cannot be compared: ${found.map((r) => `${r.name} (${r.suite})`).join(', ')}`);
    const suite = getSuite(suites[0]!);
    const { runs, stepped } = byStep(found, warnings);
    for (const r of runs) {
      const w = statusWarning(r);
      if (w) warnings.push(w);
    }
    const items = runs.map((r) => runItems(store, r));
    const comparisons: Comparison[] = [];
    for (let i = 1; i < runs.length; i++) {
      const w = fingerprintWarning(runs[0]!, runs[i]!);
      if (w) warnings.push(w);
      comparisons.push(comparison(suite, runs[0]!, runs[i]!, items[0]!, items[i]!, args.seed, warnings));
    }
    const runDocs = runs.map((r, i) => runSummary(suite, r, items[i]!, args.seed));
    return { suite: suite.name, seed: args.seed, bootstrap: DEFAULT_B, runs: runDocs, comparisons, ...(stepped ? { trend: trend(runDocs) } : {}), warnings };
  });
  for (const w of doc.warnings) log(`evalh: warning: ${w}`);
  if (args.json) process.stdout.write(`${JSON.stringify(doc)}\n`);
  else process.stdout.write(render(doc));
}

function trend(runs: RunDoc[]) {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.scores)))];
  return {
    steps: runs.map((r) => r.tags.step!),
    runs: runs.map((r) => r.name),
    datasets: Object.fromEntries(names.map((d) => [d, runs.map((r) => r.scores[d]?.score ?? null)])),
    overall: runs.map((r) => r.overall.score),
  };
}

// ---- human output ----

const f2 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(2));
const signed = (x: number) => (x > 0 ? `+${x.toFixed(2)}` : x.toFixed(2));
const interval = (ci: [number, number]) => `[${signed(ci[0])}, ${signed(ci[1])}]`;
export const fmtP = (p: number) => (p < 1e-4 ? '<0.0001' : p.toPrecision(2));
const SHOW = 10;

function render(doc: { suite: string; seed: number; runs: RunDoc[]; comparisons: Comparison[]; trend?: ReturnType<typeof trend> }): string {
  const out: string[] = [];
  out.push(`${doc.suite}: all scored items of each run, 95% percentile bootstrap CI of the overall score`);
  out.push(
    table(
      ['Run', 'Status', 'Scored', 'Failed', 'Tags', 'Overall', '95% CI'],
      doc.runs.map((r) => [r.name, r.status, String(r.items.scored), String(r.items.failed), Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(' '), f2(r.overall.score), `[${f2(r.overall.ci[0])}, ${f2(r.overall.ci[1])}]`]),
    ),
  );
  for (const c of doc.comparisons) {
    out.push('', `${c.b} vs ${c.a}: Δ = B − A in points over the items scored in both; 95% paired-bootstrap CI (B=${DEFAULT_B}, seed ${doc.seed})`);
    const rows = Object.entries(c.datasets).map(([d, x]) => [
      d, f2(x.a), f2(x.b), signed(x.diff), interval(x.ci), x.mcnemar_p === undefined ? '-' : fmtP(x.mcnemar_p),
      String(x.shared), String(x.flipped.regressed.length), String(x.flipped.improved.length),
    ]);
    const o = c.overall;
    rows.push(['overall', f2(o.a), f2(o.b), signed(o.diff), interval(o.ci), '-', String(o.shared), String(o.regressed), String(o.improved)]);
    out.push(table(['Dataset', 'A', 'B', 'Δ', '95% CI', 'McNemar p', 'Shared', 'Worse', 'Better'], rows));
    const lo = o.left_out;
    if (lo.only_a + lo.only_b + lo.failed_a + lo.failed_b > 0) {
      out.push(`left out: ${lo.only_a} only in ${c.a}, ${lo.only_b} only in ${c.b}, ${lo.failed_a} failed in ${c.a}, ${lo.failed_b} failed in ${c.b}`);
    }
    if (c.no_shared) out.push(`no shared items: ${c.no_shared.join(', ')}`);
    for (const [d, x] of Object.entries(c.datasets)) {
      // pass/fail: the ids; other metrics: each item's scores, largest changes first
      const moved = (m: Changed) => `${m.id} ${m.a.toFixed(2)}→${m.b.toFixed(2)}`;
      const worse = x.changed ? x.changed.filter((m) => m.b < m.a).map(moved) : x.flipped.regressed;
      const better = x.changed ? x.changed.filter((m) => m.b > m.a).reverse().map(moved) : x.flipped.improved;
      const list = (xs: string[]) => xs.slice(0, SHOW).join(', ') + (xs.length > SHOW ? `, … ${xs.length - SHOW} more (--json lists all)` : '');
      if (worse.length) out.push(`  ${d} worse (${worse.length}): ${list(worse)}`);
      if (better.length) out.push(`  ${d} better (${better.length}): ${list(better)}`);
    }
  }
  if (doc.trend) {
    const t = doc.trend;
    out.push('', 'trend by step tag (each run\'s scores over all its scored items)');
    const rows = Object.entries(t.datasets).map(([d, xs]) => [d, ...xs.map((x) => f2(x ?? undefined))]);
    rows.push(['overall', ...t.overall.map((x) => f2(x))]);
    out.push(table(['Dataset', ...t.steps.map((s) => `step ${s}`)], rows));
  }
  return `${out.join('\n')}\n`;
}
