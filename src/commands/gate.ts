import { fileKind, writeFileAtomic } from '../files.js';
import { readTextFile } from '../input.js';
import { dirname, resolve } from 'node:path';
import { typed } from '../argv.js';
import { InputError, RunFailedError, UsageError } from '../errors.js';
import { pyRound } from '../metrics/pyround.js';
import { log } from '../progress.js';
import { dropTest, overallDropTest, type DropTest } from '../stats/drop.js';
import { diffDataset, diffOverall, headline, pairItems } from '../stats/paired.js';
import { DEFAULT_POWER, rngFor } from '../stats/index.js';
import type { RunRow, Store } from '../store.js';
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
  mde: number;
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
  const power = `n=${n}, MDE=${t.mde.toFixed(2)} points at α=${alpha}, power ${DEFAULT_POWER}`;
  let note: string | undefined;
  if (fail) note = `drop ${drop.toFixed(2)} > ${maxDrop} points and significant (${pIs(t.p)} ≤ α=${alpha})`;
  else if (drop > maxDrop) note = `drop ${drop.toFixed(2)} > ${maxDrop} points but not significant (${power})`;
  else if (t.mde > maxDrop) note = `too few items to detect a drop of ${maxDrop} points (${power})`;
  else if (drop > 0 && significant) note = `significant drop (${pIs(t.p)}) within the allowed ${maxDrop} points`;
  return {
    name, n, baseline: base, candidate: cand, delta, ci: [r2(ci[0]), r2(ci[1])],
    p: Number(t.p.toPrecision(6)), mde: r2(t.mde), max_drop: maxDrop, alpha, verdict: fail ? 'FAIL' : 'PASS', ...(note ? { note } : {}),
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
    for (const w of [statusWarning(base), statusWarning(cand), fingerprintWarning(base, cand)]) if (w) warnings.push(w);

    const pairs = pairItems(runItems(store, base), runItems(store, cand), suite.datasets);
    const shared = pairs.filter((p) => p.ids.length > 0);
    if (shared.length === 0) throw new UsageError(`runs "${base.name}" and "${cand.name}" have no items scored in both`);
    for (const p of pairs) {
      const l = p.leftOut;
      if (p.ids.length === 0) warnings.push(`dataset ${p.dataset}: no items scored in both runs; not checked`);
      else if (l.onlyA + l.onlyB + l.failedA + l.failedB > 0) {
        warnings.push(`dataset ${p.dataset}: left out ${l.onlyA} only in the baseline, ${l.onlyB} only in the candidate, ${l.failedA} failed in the baseline, ${l.failedB} failed in the candidate`);
      }
    }
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
    return summary(base, cand, args, [...checks.map((c) => c.check), overall], warnings);
  });
  for (const w of doc.warnings) log(`evalh: warning: ${w}`);
  process.stdout.write(args.json ? `${JSON.stringify(doc)}\n` : markdown(doc));
  if (args.junit !== undefined) {
    // Written whole or not at all: a CI step never reads half a file.
    writeFileAtomic(resolve(args.junit), junit(doc), '--junit');
  }
  if (!doc.passed) throw new RunFailedError(`gate failed: ${doc.failed.join(', ')} dropped significantly by more than allowed`);
}

function summary(base: RunRow, cand: RunRow, args: GateArgs, checks: Check[], warnings: string[]) {
  const failed = checks.filter((c) => c.verdict === 'FAIL').map((c) => c.name);
  return {
    suite: cand.suite,
    baseline: base.name,
    ...(base.name !== args.baseline ? { baseline_from: args.baseline } : {}),
    candidate: cand.name,
    passed: failed.length === 0,
    failed,
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
  const head = doc.passed
    ? `### ✅ evalh gate passed: ${md(doc.candidate)} vs baseline ${md(doc.baseline)}${from} (${doc.suite})`
    : `### ❌ evalh gate failed (${doc.failed.map(md).join(', ')}): ${md(doc.candidate)} vs baseline ${md(doc.baseline)}${from} (${doc.suite})`;
  const rows = doc.checks.map((c) => {
    const name = c.name === 'overall' ? '**overall**' : md(c.name);
    return `| ${name} | ${c.baseline.toFixed(2)} | ${c.candidate.toFixed(2)} | ${signed(c.delta)} | [${signed(c.ci[0])}, ${signed(c.ci[1])}] | ${fmtP(c.p)} | ${c.mde.toFixed(2)} | ${c.verdict === 'FAIL' ? '❌ FAIL' : '✅ PASS'} |`;
  });
  const notes = doc.checks.filter((c) => c.note).map((c) => `- ${md(c.name)}: ${md(c.note!)}`);
  const lines = [
    head,
    '',
    '| dataset | baseline | candidate | Δ | 95% CI | p | MDE | verdict |',
    '|---|---:|---:|---:|---|---:|---:|---|',
    ...rows,
    '',
    'Δ = candidate − baseline in points over the items scored in both runs (95% paired-bootstrap CI). ' +
      'p = one-sided paired test of a drop. MDE = smallest drop detectable at α with power 0.8. ' +
      'FAIL = drop larger than the allowed one AND significant.',
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
  const cases = doc.checks.map((c) => {
    const detail = `baseline ${c.baseline.toFixed(2)}, candidate ${c.candidate.toFixed(2)}, delta ${signed(c.delta)} [${signed(c.ci[0])}, ${signed(c.ci[1])}], ${pIs(c.p)}, MDE=${c.mde.toFixed(2)}, n=${c.n}, max-drop ${c.max_drop}, alpha ${c.alpha}`;
    const body = c.verdict === 'FAIL'
      ? `\n    <failure type="regression" message="${xml(c.note ?? 'regression')}">${xml(detail)}</failure>\n  `
      : `\n    <system-out>${xml(c.note ? `${c.note}; ${detail}` : detail)}</system-out>\n  `;
    return `  <testcase classname="${cls}" name="${xml(c.name)}">${body}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="${xml(`evalh gate ${doc.suite}: ${doc.candidate} vs ${doc.baseline}`)}" tests="${doc.checks.length}" failures="${doc.failed.length}" errors="0" skipped="0">`,
    ...cases,
    '</testsuite>',
    '',
  ].join('\n');
}
