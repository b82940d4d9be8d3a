import { fileKind, writeFileAtomic } from '../files.js';
import { readTextFile } from '../input.js';
import { dirname, resolve } from 'node:path';
import { typed } from '../argv.js';
import { InputError, RunFailedError, UsageError } from '../errors.js';
import { pyRound } from '../metrics/pyround.js';
import { log } from '../progress.js';
import { dropTest, overallDropTest, type DropTest } from '../stats/drop.js';
import { diffDataset, diffOverall, headline, pairItems, type DatasetPair, type RunItem } from '../stats/paired.js';
import { DEFAULT_POWER, rngFor } from '../stats/index.js';
import type { RunRow, RunStatus, Store } from '../store.js';
import { allSuites, getSuite } from '../suites.js';
import { lineAt, parseJsonWithLine } from '../tokenizers/util.js';
import { checker } from '../validate.js';
import { checkSeed, findRun, fingerprintWarning, fmtP, readStore, runItems, statusWarning } from './compare.js';
import { someRuns } from './list.js';

export interface GateArgs {
  baseline: string;
  candidate: string;
  maxDrop: number;
  alpha: number;
  config?: string;
  junit?: string;
  seed: number;
  allowPartial: boolean;
  db: string;
  json: boolean;
}

export interface Check {
  name: string;
  n: number;
  baseline: number;
  candidate: number;
  /** candidate − baseline, points. */
  delta: number;
  ci: [number, number];
  p: number;
  /** Minimum detectable drop, points; null when no drop on these items can be significant. */
  mde: number | null;
  /** False when no drop on these items could reach α (mde is null). */
  detectable: boolean;
  max_drop: number;
  alpha: number;
  verdict: 'PASS' | 'FAIL';
  note?: string;
}

const r2 = (x: number) => pyRound(x, 2);
const pIs = (p: number) => (p < 1e-4 ? 'p<0.0001' : `p=${fmtP(p)}`);

/** A run name, else a tag: K=V (latest run with it) or K (latest run having K), of the candidate's suite. */
export function resolveBaseline(store: Store, spec: string, candidate: RunRow): RunRow {
  const named = store.findRun(spec);
  if (named) return named;
  const eq = spec.indexOf('=');
  const key = eq >= 0 ? spec.slice(0, eq) : spec;
  const value = eq >= 0 ? spec.slice(eq + 1) : undefined;
  const all = store.listRuns();
  const hits = all.filter(
    (r) => r.suite === candidate.suite && r.id !== candidate.id && Object.hasOwn(r.tags, key) && (value === undefined || r.tags[key] === value),
  );
  if (hits.length > 0) return hits[hits.length - 1]!;
  const tags = [...new Set(all.filter((r) => r.suite === candidate.suite).flatMap((r) => Object.entries(r.tags).map(([k, v]) => `${k}=${v}`)))];
  throw new UsageError(
    `baseline "${spec}" is neither a run nor a tag of another ${candidate.suite} run; ` +
      `${someRuns(all.map((r) => r.name), 20)}; tags: ${tags.join(', ') || '(none)'}`,
  );
}

function verdict(name: string, n: number, base: number, cand: number, ci: [number, number], t: DropTest, maxDrop: number, alpha: number): Check {
  const delta = r2(cand - base);
  const drop = -delta;
  const significant = t.p <= alpha;
  const fail = drop > maxDrop && significant;
  const power = t.mde === null ? undetectable(n, t, alpha) : `n=${n}, MDE=${t.mde.toFixed(2)} points at α=${alpha}, power ${DEFAULT_POWER}`;
  let note: string | undefined;
  if (fail) note = `drop ${drop.toFixed(2)} > ${maxDrop} points and significant (${pIs(t.p)} ≤ α=${alpha})`;
  else if (drop > maxDrop) note = `drop ${drop.toFixed(2)} > ${maxDrop} points but not significant (${power})`;
  else if (t.mde === null) note = `too few items to detect any drop (${power})`;
  else if (t.mde > maxDrop) note = `too few items to detect a drop of ${maxDrop} points (${power})`;
  else if (drop > 0 && significant) note = `significant drop (${pIs(t.p)}) within the allowed ${maxDrop} points`;
  return {
    name, n, baseline: base, candidate: cand, delta, ci: [r2(ci[0]), r2(ci[1])],
    p: Number(t.p.toPrecision(6)), mde: t.mde === null ? null : r2(t.mde), detectable: t.mde !== null,
    max_drop: maxDrop, alpha, verdict: fail ? 'FAIL' : 'PASS', ...(note ? { note } : {}),
  };
}

/** Why no drop can be significant, starting "undetectable with n=N". */
function undetectable(n: number, t: DropTest, alpha: number): string {
  if (!Number.isFinite(t.needed)) return `undetectable with n=${n}: the test cannot give a p-value as small as α=${alpha}`;
  const few = t.droppable < n ? `; the baseline scored above 0 on only ${t.droppable} of them` : '';
  return `undetectable with n=${n}: at α=${alpha} a drop is significant only when at least ${t.needed} items drop${few}`;
}

const mdeText = (c: Check) => (c.mde === null ? `undetectable with n=${c.n}` : c.mde.toFixed(2));

// ---- coverage: the candidate must have scored every item the baseline scored ----

export interface Coverage {
  verdict: 'PASS' | 'FAIL';
  /** The candidate is completed and scored every item the baseline scored. */
  complete: boolean;
  allow_partial: boolean;
  candidate_status: RunStatus;
  /** Items the baseline scored; of them, scored by the candidate too, absent from it, failed (or unscored) in it. */
  baseline_scored: number;
  shared: number;
  missing: number;
  failed: number;
  /** Datasets with no item scored in both runs. */
  not_checked: string[];
  datasets: number;
  note: string;
}

/**
 * A gate judges only the items both runs scored, so an interrupted or partial candidate would
 * pass on whatever it happened to finish: it fails unless --allow-partial says to judge that.
 */
function coverageOf(cand: RunRow, baseItems: RunItem[], candItems: RunItem[], pairs: DatasetPair[], allowPartial: boolean): Coverage {
  const byId = new Map(candItems.map((it) => [it.id, it]));
  const scored = baseItems.filter((it) => it.score !== undefined);
  const missing = scored.filter((it) => !byId.has(it.id)).length;
  const failed = scored.filter((it) => byId.get(it.id)?.score === undefined).length - missing;
  const notChecked = pairs.filter((p) => p.ids.length === 0).map((p) => p.dataset);
  const complete = cand.status === 'completed' && missing + failed === 0;
  const shared = scored.length - missing - failed;
  const parts = [
    ...(cand.status === 'completed' ? [] : [`candidate "${cand.name}" is ${cand.status}, not completed`]),
    `${cand.status === 'completed' ? `candidate "${cand.name}"` : 'it'} scored ${shared} of the ${scored.length} items the baseline scored (${missing} missing, ${failed} failed)`,
    ...(notChecked.length ? [`${notChecked.length} of ${pairs.length} datasets not checked`] : []),
  ];
  const verdict = complete || allowPartial ? 'PASS' : 'FAIL';
  const note = complete
    ? `candidate "${cand.name}" is completed and scored all ${scored.length} items the baseline scored`
    : verdict === 'FAIL'
      ? `${parts.join('; ')}: a partial candidate fails the gate; resume or re-run it, or pass --allow-partial to judge the shared items only`
      : `${parts.join('; ')}: partial candidate, judged on the ${shared} shared items only (--allow-partial)`;
  return {
    verdict, complete, allow_partial: allowPartial, candidate_status: cand.status,
    baseline_scored: scored.length, shared, missing, failed, not_checked: notChecked, datasets: pairs.length, note,
  };
}

// ---- thresholds: flags, then a config file's default, suite, dataset (most specific wins) ----

interface Thresholds {
  maxDrop?: number;
  alpha?: number;
}

export interface GateConfig {
  default?: Thresholds;
  suites?: Record<string, Thresholds & { overall?: Thresholds; datasets?: Record<string, Thresholds> }>;
}

const thresholds = {
  type: 'object',
  properties: { maxDrop: { type: 'number', minimum: 0 }, alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 } },
  additionalProperties: false,
};
const checkConfig = checker<GateConfig>({
  type: 'object',
  properties: {
    default: thresholds,
    suites: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: { ...thresholds.properties, overall: thresholds, datasets: { type: 'object', additionalProperties: thresholds } },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
});

/** Schema first, then names the schema cannot know: a misspelt suite or dataset is an error, not a silent default. */
function loadConfig(file: string | undefined): GateConfig | undefined {
  if (file === undefined) return undefined;
  const path = resolve(file);
  const text = readTextFile(path, '--config takes a JSON file of thresholds');
  const parsed = parseJsonWithLine(text);
  if ('error' in parsed) throw new InputError(path, parsed.line, undefined, parsed.error);
  if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    throw new InputError(path, undefined, undefined, `expected a JSON object ({"default": {...}, "suites": {...}}), not ${Array.isArray(parsed.value) ? 'an array' : parsed.value === null ? 'null' : `a ${typeof parsed.value}`}`);
  }
  // The line of a field is where its name first appears: good enough to find a typo.
  const lineOf = (field: string) => {
    const at = text.indexOf(JSON.stringify(field.split('.').pop()));
    return at >= 0 ? lineAt(text, at) : undefined;
  };
  let config: GateConfig;
  try {
    config = checkConfig(parsed.value, path);
  } catch (e) {
    if (!(e instanceof InputError) || e.field === undefined) throw e;
    const problem = e.message.slice(`${path}, field "${e.field}": `.length);
    throw new InputError(path, lineOf(e.field), e.field, problem);
  }
  const suites = allSuites();
  for (const [name, s] of Object.entries(config.suites ?? {})) {
    const suite = suites.find((x) => x.name === name);
    if (!suite) throw new InputError(path, lineOf(name), `suites.${name}`, `unknown suite; known: ${suites.map((x) => x.name).join(', ')}`);
    for (const d of Object.keys(s.datasets ?? {})) {
      const field = `suites.${name}.datasets.${d}`;
      if (!suite.datasets.includes(d)) throw new InputError(path, lineOf(field), field, `not a ${name} dataset; known: ${suite.datasets.join(', ')}`);
    }
  }
  return config;
}

/** dataset undefined = the overall score. */
function thresholdsFor(config: GateConfig | undefined, suite: string, dataset: string | undefined, args: GateArgs): { maxDrop: number; alpha: number } {
  const s = config?.suites?.[suite];
  const own = dataset === undefined ? s?.overall : s?.datasets?.[dataset];
  return {
    maxDrop: own?.maxDrop ?? s?.maxDrop ?? config?.default?.maxDrop ?? args.maxDrop,
    alpha: own?.alpha ?? s?.alpha ?? config?.default?.alpha ?? args.alpha,
  };
}

function checkArgs(args: GateArgs): void {
  // yargs makes a repeated option an array: say which one, not what SQLite thinks of it.
  const given = args as unknown as Record<string, unknown>;
  for (const flag of ['baseline', 'candidate', 'max-drop', 'alpha', 'config', 'junit', 'seed', 'db']) {
    const v = given[flag];
    if (Array.isArray(v)) throw new UsageError(`--${flag} is given ${v.length} times (${v.join(', ')}); give it once`);
  }
  if (!(Number.isFinite(args.maxDrop) && args.maxDrop >= 0)) throw new UsageError(`--max-drop must be a number of points ≥ 0, not ${typed('--max-drop', args.maxDrop)}`);
  if (!(args.alpha > 0 && args.alpha < 1)) throw new UsageError(`--alpha must be between 0 and 1, not ${typed('--alpha', args.alpha)}`);
  checkSeed(args.seed);
  if (args.junit !== undefined) {
    const file = resolve(args.junit);
    if (fileKind(file) === 'directory') throw new UsageError(`--junit ${file} is a directory; give a file name (e.g. ${resolve(file, 'gate.xml')})`);
    if (fileKind(dirname(file)) !== 'directory') throw new UsageError(`--junit ${file}: no folder ${dirname(file)}`);
  }
}

export async function gateCommand(args: GateArgs): Promise<void> {
  checkArgs(args);
  const config = loadConfig(args.config);
  const doc = readStore(args.db, (store) => {
    const warnings: string[] = [];
    const cand = findRun(store, args.candidate);
    const base = resolveBaseline(store, args.baseline, cand);
    if (base.id === cand.id) throw new UsageError(`baseline and candidate are the same run "${cand.name}"`);
    if (base.suite !== cand.suite) throw new UsageError(`baseline "${base.name}" is a ${base.suite} run and candidate "${cand.name}" a ${cand.suite} run: different suites`);
    const suite = getSuite(cand.suite);
    // The candidate's status is the coverage check's business, not a warning.
    for (const w of [statusWarning(base), fingerprintWarning(base, cand)]) if (w) warnings.push(w);

    const baseItems = runItems(store, base);
    const candItems = runItems(store, cand);
    const pairs = pairItems(baseItems, candItems, suite.datasets);
    const coverage = coverageOf(cand, baseItems, candItems, pairs, args.allowPartial);
    const shared = pairs.filter((p) => p.ids.length > 0);
    // Nothing to judge: a failed coverage check still is a verdict (a candidate stopped before
    // its first item fails the gate); otherwise the two runs simply cannot be compared.
    if (shared.length === 0 && coverage.verdict === 'PASS') throw new UsageError(`runs "${base.name}" and "${cand.name}" have no items scored in both`);
    // A partial candidate's gaps are the coverage check's one line; a complete one's (the
    // baseline's failures, items only the candidate has) are worth a warning each.
    if (coverage.complete) {
      if (coverage.not_checked.length) warnings.push(`not checked, no items scored in both runs: ${coverage.not_checked.join(', ')}`);
      for (const p of shared) {
        const l = p.leftOut;
        if (l.onlyA + l.onlyB + l.failedA + l.failedB > 0) {
          warnings.push(`dataset ${p.dataset}: left out ${l.onlyA} only in the baseline, ${l.onlyB} only in the candidate, ${l.failedA} failed in the baseline, ${l.failedB} failed in the candidate`);
        }
      }
    }
    if (shared.length === 0) return summary(base, cand, args, coverage, [], warnings);
    const sb = headline(suite, shared, 'a');
    const sc = headline(suite, shared, 'b');
    const label = (d: string) => `${base.name}\0${cand.name}\0${d}`; // the same streams as compare's
    const checks = shared.map((p) => {
      const t = thresholdsFor(config, suite.name, p.dataset, args);
      const test = dropTest(p, t.alpha, rngFor(args.seed, `${label(p.dataset)}\0drop`));
      const diff = diffDataset(p, rngFor(args.seed, label(p.dataset)));
      return { diff, test, check: verdict(p.dataset, p.ids.length, sb.datasets[p.dataset]!, sc.datasets[p.dataset]!, diff.ci, test, t.maxDrop, t.alpha) };
    });
    const to = thresholdsFor(config, suite.name, undefined, args);
    const ot = overallDropTest(shared, checks.map((c) => c.test.se), to.alpha, rngFor(args.seed, label('overall\0drop')));
    const n = shared.reduce((s, p) => s + p.ids.length, 0);
    const overall = verdict('overall', n, sb.overall, sc.overall, diffOverall(checks.map((c) => c.diff)).ci, ot, to.maxDrop, to.alpha);
    return summary(base, cand, args, coverage, [...checks.map((c) => c.check), overall], warnings);
  });
  // The JUnit file first: when it cannot be written (exit 2), nothing went to stdout either.
  // Written whole or not at all: a CI step never reads half a file.
  if (args.junit !== undefined) writeFileAtomic(resolve(args.junit), junit(doc), '--junit');
  for (const w of doc.warnings) log(`evalh: warning: ${w}`);
  if (!doc.coverage.complete && doc.coverage.verdict === 'PASS') log(`evalh: warning: ${doc.coverage.note}`);
  process.stdout.write(args.json ? `${JSON.stringify(doc)}\n` : markdown(doc));
  if (!doc.passed) throw new RunFailedError(`gate failed: ${failure(doc)}`);
}

/** One line: what failed and, for coverage, how to get past it. */
function failure(doc: GateDoc): string {
  const dropped = doc.failed.filter((f) => f !== 'coverage');
  const regressions = dropped.length ? `${dropped.join(', ')} dropped significantly by more than allowed` : '';
  if (doc.coverage.verdict === 'PASS') return regressions;
  return regressions ? `${doc.coverage.note}; and ${regressions}` : doc.coverage.note;
}

function summary(base: RunRow, cand: RunRow, args: GateArgs, coverage: Coverage, checks: Check[], warnings: string[]) {
  const failed = [...(coverage.verdict === 'FAIL' ? ['coverage'] : []), ...checks.filter((c) => c.verdict === 'FAIL').map((c) => c.name)];
  return {
    suite: cand.suite,
    baseline: base.name,
    ...(base.name !== args.baseline ? { baseline_from: args.baseline } : {}),
    candidate: cand.name,
    passed: failed.length === 0,
    failed,
    coverage,
    seed: args.seed,
    checks,
    warnings,
  };
}

type GateDoc = ReturnType<typeof summary>;

// Escapes what would break a table cell or start HTML, emphasis or a link.
const md = (s: string) => s.replace(/[\\|`*<[\]]/g, (c) => `\\${c}`);
const signed = (x: number) => (x > 0 ? `+${x.toFixed(2)}` : x.toFixed(2));

function markdown(doc: GateDoc): string {
  const from = doc.baseline_from ? ` (${md(doc.baseline_from)})` : '';
  const cov = doc.coverage;
  const partial = cov.complete ? '' : ` (partial candidate: ${cov.shared} of ${cov.baseline_scored} items)`;
  const head = doc.passed
    ? `### ✅ evalh gate passed${partial}: ${md(doc.candidate)} vs baseline ${md(doc.baseline)}${from} (${doc.suite})`
    : `### ❌ evalh gate failed (${doc.failed.map(md).join(', ')}): ${md(doc.candidate)} vs baseline ${md(doc.baseline)}${from} (${doc.suite})`;
  const coverage = cov.complete
    ? `Coverage: ✅ ${md(cov.note)}.`
    : cov.verdict === 'FAIL'
      ? `Coverage: ❌ **incomplete candidate** — ${md(cov.note)}.`
      : `Coverage: ⚠️ **partial candidate** — ${md(cov.note)}.`;
  const notChecked = cov.not_checked.length ? [`Not checked (no items scored in both runs): ${cov.not_checked.map(md).join(', ')}.`] : [];
  const rows = doc.checks.map((c) => {
    const name = c.name === 'overall' ? '**overall**' : md(c.name);
    return `| ${name} | ${c.baseline.toFixed(2)} | ${c.candidate.toFixed(2)} | ${signed(c.delta)} | [${signed(c.ci[0])}, ${signed(c.ci[1])}] | ${fmtP(c.p)} | ${mdeText(c)} | ${c.verdict === 'FAIL' ? '❌ FAIL' : '✅ PASS'} |`;
  });
  const table = rows.length
    ? [
        '',
        '| dataset | baseline | candidate | Δ | 95% CI | p | MDE | verdict |',
        '|---|---:|---:|---:|---|---:|---:|---|',
        ...rows,
        '',
        'Δ = candidate − baseline in points over the items scored in both runs (95% paired-bootstrap CI). ' +
          'p = one-sided paired test of a drop. MDE = smallest drop detectable at α with power 0.8; ' +
          '"undetectable" = too few items for any drop to be significant. ' +
          'FAIL = drop larger than the allowed one AND significant.',
      ]
    : [];
  const notes = doc.checks.filter((c) => c.note).map((c) => `- ${md(c.name)}: ${md(c.note!)}`);
  const lines = [
    head,
    '',
    coverage,
    ...notChecked,
    ...table,
    ...(notes.length ? ['', ...notes] : []),
    ...(doc.warnings.length ? ['', ...doc.warnings.map((w) => `- ⚠️ ${md(w)}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** XML 1.0 forbids most control characters even as references: drop them, escape the rest. */
function xml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function junit(doc: GateDoc): string {
  const cls = xml(`evalh.gate.${doc.suite}`);
  const testcase = (name: string, body: string) => `  <testcase classname="${cls}" name="${xml(name)}">\n    ${body}\n  </testcase>`;
  // Coverage first, and always there: CI shows the same test names on every run.
  const cov = doc.coverage;
  const covDetail = `status ${cov.candidate_status}, ${cov.shared} of ${cov.baseline_scored} baseline items scored (${cov.missing} missing, ${cov.failed} failed)` +
    (cov.not_checked.length ? `; not checked: ${cov.not_checked.join(', ')}` : '');
  const cases = [
    testcase('coverage', cov.verdict === 'FAIL'
      ? `<failure type="coverage" message="${xml(cov.note)}">${xml(covDetail)}</failure>`
      : `<system-out>${xml(`${cov.note}; ${covDetail}`)}</system-out>`),
    ...doc.checks.map((c) => {
      const detail = `baseline ${c.baseline.toFixed(2)}, candidate ${c.candidate.toFixed(2)}, delta ${signed(c.delta)} [${signed(c.ci[0])}, ${signed(c.ci[1])}], ${pIs(c.p)}, MDE=${mdeText(c)}, n=${c.n}, max-drop ${c.max_drop}, alpha ${c.alpha}`;
      return testcase(c.name, c.verdict === 'FAIL'
        ? `<failure type="regression" message="${xml(c.note ?? 'regression')}">${xml(detail)}</failure>`
        : `<system-out>${xml(c.note ? `${c.note}; ${detail}` : detail)}</system-out>`);
    }),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="${xml(`evalh gate ${doc.suite}: ${doc.candidate} vs ${doc.baseline}`)}" tests="${cases.length}" failures="${doc.failed.length}" errors="0" skipped="0">`,
    ...cases,
    '</testsuite>',
    '',
  ].join('\n');
}
