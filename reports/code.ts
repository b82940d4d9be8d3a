import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractGeneration } from '../benchmarks/humaneval-x/clean.js';
import { LANGUAGE_NAMES, type Language } from '../benchmarks/humaneval-x/languages.js';
import { SAMPLE_DIR } from '../benchmarks/humaneval-x/load.js';
import { assembleProgram } from '../benchmarks/humaneval-x/program.js';
import type { Problem } from '../benchmarks/humaneval-x/records.js';
import { pyRound } from '../src/metrics/pyround.js';
import type { ItemRow } from '../src/store.js';
import type { CollectHooks, ReportData, RunInfo } from './collect.js';
import { breakable, deltaClass, fmtDelta, fmtInt, html, raw, scriptJson, type Html } from './html.js';
import { runColor, runLetter, type ChartSpec, type SuiteView } from './view.js';

// The code suites (HumanEval-X, NaturalCodeBench): pass@k per language / split, runs side
// by side with Δ; the samples that could not be evaluated here (never counted as failures
// in the headline); and per item the outcome, the phase, the model's code, the program that
// was run where it can be rebuilt cheaply, and the compiler/runtime log (drawn by the page
// script, client/app.js, "code" mode, from the `x` fields below).
//
// HumanEval-X's assembled program is not stored. The report rebuilds it with the suite's
// own assembleProgram for problems of the built-in sample (found by the file hash the item
// carries); for the official data it says it was rebuilt at scoring time, not stored.

export interface CodeClientView {
  kind: 'code';
  suite: 'humaneval-x' | 'ncb';
  /** The dataset column's name: Language or Split. */
  datasetName: string;
}

// ---------------------------------------------------------------- collecting

let sampleProblems: Map<string, Map<string, Problem>> | undefined;

/** The built-in sample's problems by file hash (the `src` of a target), read once. */
function sampleIndex(): Map<string, Map<string, Problem>> {
  if (sampleProblems) return sampleProblems;
  const out = new Map<string, Map<string, Problem>>();
  for (const lang of LANGUAGE_NAMES) {
    const file = join(SAMPLE_DIR, `humaneval_${lang}.jsonl`);
    if (!existsSync(file)) continue;
    try {
      const bytes = readFileSync(file);
      const src = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      const m = new Map<string, Problem>();
      for (const line of bytes.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        const p = JSON.parse(line) as Problem;
        m.set(p.task_id, p);
      }
      out.set(src, m);
    } catch {
      // an unreadable sample file only means no rebuilt programs
    }
  }
  return (sampleProblems = out);
}

/**
 * Item: `src` = task_id, `x` = { k: sample index }. Result `x` = { ne: not-evaluable reason,
 * p: passed, ph: phase, ec: exit code, to: timed out, log, ex: extraction, prog: the
 * assembled program (built-in sample only) }.
 */
export const humanevalxCollect: CollectHooks = {
  entry(target) {
    const t = isRecord(target) ? target : {};
    return {
      ref: [],
      ...(typeof t.task_id === 'string' ? { src: t.task_id } : {}),
      x: { k: typeof t.k === 'number' ? t.k : 0 },
    };
  },
  result(row: ItemRow) {
    const x: Record<string, unknown> = {};
    if (row.errorKind === 'not_evaluable') x.ne = row.error ?? '';
    const s = row.scores;
    if (isRecord(s)) {
      if (typeof s.passed === 'boolean') x.p = s.passed;
      if (typeof s.phase === 'string') x.ph = s.phase;
      if (typeof s.exitCode === 'number') x.ec = s.exitCode;
      if (typeof s.timedOut === 'boolean') x.to = s.timedOut;
      if (typeof s.log === 'string') x.log = s.log;
      if (typeof s.extraction === 'string') x.ex = s.extraction;
    }
    const t = isRecord(row.target) ? row.target : {};
    if (typeof row.output === 'string' && typeof t.src === 'string' && typeof t.task_id === 'string') {
      const problem = sampleIndex().get(t.src)?.get(t.task_id);
      if (problem) {
        try {
          const lang = row.dataset as Language;
          const verbatim = t.verbatim === true || x.ex === 'verbatim';
          x.prog = assembleProgram(lang, problem, extractGeneration(row.output, lang, verbatim).generation).source;
        } catch {
          // not rebuilt: the page says so
        }
      }
    }
    return Object.keys(x).length ? x : undefined;
  },
};

/** Item: `src` = the problem's _id, `x` = { k }. Result `x` = { ne, oc: outcome, fl: the failure behind not_evaluable, log, code, tests }. */
export const ncbCollect: CollectHooks = {
  entry(target) {
    const t = isRecord(target) ? target : {};
    return {
      ref: [],
      ...(typeof t._id === 'number' || typeof t._id === 'string' ? { src: String(t._id) } : {}),
      x: { k: typeof t.k === 'number' ? t.k : 0 },
    };
  },
  result(row: ItemRow) {
    const x: Record<string, unknown> = {};
    if (row.errorKind === 'not_evaluable') x.ne = row.error ?? '';
    const s = row.scores;
    if (isRecord(s)) {
      if (typeof s.outcome === 'string') x.oc = s.outcome;
      if (typeof s.failure === 'string') x.fl = s.failure;
      if (typeof s.log === 'string') x.log = s.log;
      if (typeof s.code === 'string') x.code = s.code;
      if (s.tests !== undefined) x.tests = s.tests;
    }
    return Object.keys(x).length ? x : undefined;
  },
};

// ---------------------------------------------------------------- HumanEval-X

type KScores = Record<string, Record<string, number>>;

export function humanevalxView(data: ReportData): SuiteView {
  const runs = data.runs;
  const multi = runs.length > 1;
  const scores = runs.map((r) => (r.summary.scores ?? {}) as unknown as KScores);
  const aggs = runs.map((r) => (r.summary.aggregates ?? {}) as Record<string, unknown>);
  const langs = LANGUAGE_NAMES.filter((l) => scores.some((s) => s[l]) || data.datasets.includes(l)) as string[];
  for (const d of data.datasets) if (d !== 'overall' && !langs.includes(d)) langs.push(d);
  const ks = [...new Set(scores.flatMap((s) => Object.values(s).flatMap((v) => Object.keys(v ?? {}))))].sort((a, b) => kNum(a) - kNum(b));
  const rows = [...langs, 'overall'];

  const head = html`<tr><th rowspan="2" class="text">Language</th>${runs.map(
    (r, i) => html`<th colspan="${ks.length * (i > 0 ? 2 : 1) + 2}" class="gstart">${runTag(r, i, multi)}</th>`,
  )}</tr><tr>${runs.map(
    (_, i) => html`${ks.map((k, j) => html`<th class="${j === 0 ? 'gstart' : ''}">${k}</th>${i > 0 ? html`<th>Δ</th>` : ''}`)}<th title="samples passed / samples evaluated">Passed</th><th title="samples that could not be evaluated here (left out of n)">Not eval.</th>`,
  )}</tr>`;
  const body = rows.map(
    (lang) => html`<tr data-row="${lang}" class="${lang === 'overall' ? 'total' : ''}"><td class="text ds">${lang}</td>${runs.map((_, i) => {
      const cells = ks.map((k, j) => {
        const v = scores[i]![lang]?.[k];
        const dv = i > 0 ? diff(v, scores[0]![lang]?.[k]) : undefined;
        return html`<td class="${j === 0 ? 'gstart' : ''}" data-run="${i}" data-key="${lang}" data-k="${k}">${fmt2(v)}</td>${i > 0 ? html`<td class="${deltaClass(dv)}" data-delta="${i}">${fmtDelta(dv)}</td>` : ''}`;
      });
      const passed = num(aggs[i]!, 'passed', lang);
      const samples = num(aggs[i]!, 'samples', lang);
      const ne = neCount(aggs[i]!, lang);
      return html`${cells}<td class="muted" data-passed="${i}">${lang === 'overall' ? sumCell(aggs[i]!, langs) : passed === undefined ? '—' : `${fmtInt(passed)} / ${fmtInt(samples ?? 0)}`}</td><td class="${ne ? 'warn' : 'muted'}" data-ne="${i}">${fmtInt(ne)}</td>`;
    })}</tr>`,
  );
  const mainTable = html`<h3>pass@k per language${multi ? ' (Δ vs A)' : ''}</h3>
    <div class="table-wrap"><table class="num bydataset code-table" id="scores-passk"><thead>${head}</thead><tbody>${body}</tbody></table></div>
    ${notEvaluableList(runs, aggs, (a) => a.notEvaluable)}${clientView({ kind: 'code', suite: 'humaneval-x', datasetName: 'Language' })}`;

  const headline = headlineOf(runs, (i) => scores[i]!.overall?.['pass@1'], 'overall pass@1', fmt2);
  const charts: ChartSpec[] = [
    {
      id: 'chart-passk',
      title: multi ? 'pass@1 per language, runs side by side (%)' : 'pass@1 per language (%)',
      kind: 'bar',
      labels: rows,
      series: runs.map((r, i) => ({ label: `${runLetter(i)} · ${r.name}`, data: rows.map((l) => scores[i]![l]?.['pass@1'] ?? null), color: runColor(i) })),
      yTitle: 'pass@1 (%)',
      scale: { min: 0, max: 100 },
      valueLabels: rows.length * runs.length <= 14,
      height: 300,
      beside: true,
    },
  ];
  return {
    headline,
    scoresNote:
      'pass@k as HumanEval-X’s evaluation.py computes it: per problem n samples and c passed, the unbiased estimator averaged over problems, in percent (two decimals). ' +
      'overall is evalh’s: the mean of the languages. Samples that could not be evaluated here (a missing toolchain, a sandbox failure) are left out of n, never counted as failures.',
    tables: html``,
    mainTable,
    charts,
  };
}

// ---------------------------------------------------------------- NaturalCodeBench

export function ncbView(data: ReportData): SuiteView {
  const runs = data.runs;
  const multi = runs.length > 1;
  const scores = runs.map((r) => (r.summary.scores ?? {}) as Record<string, number>);
  const aggs = runs.map((r) => (r.summary.aggregates ?? {}) as Record<string, unknown>);
  const all = (i: number) => (isRecord(aggs[i]!.allItems) ? (aggs[i]!.allItems as Record<string, number>) : {});
  const splits = [...data.datasets.filter((d) => d !== 'overall')];
  for (const s of scores) for (const k of Object.keys(s)) if (k !== 'overall' && !splits.includes(k)) splits.push(k);
  const rows = [...splits, 'overall'];

  const head = html`<tr><th rowspan="2" class="text">Split</th>${runs.map(
    (r, i) => html`<th colspan="${i > 0 ? 5 : 4}" class="gstart">${runTag(r, i, multi)}</th>`,
  )}</tr><tr>${runs.map(
    (_, i) => html`<th class="gstart">pass@1</th>${i > 0 ? html`<th>Δ</th>` : ''}<th title="the official-style figure over every answer, the not-evaluable ones counted as failures">All items</th><th>Passed / evaluated</th><th>Not eval.</th>`,
  )}</tr>`;
  const body = rows.map(
    (d) => html`<tr data-row="${d}" class="${d === 'overall' ? 'total' : ''}"><td class="text ds">${d}</td>${runs.map((_, i) => {
      const v = scores[i]![d];
      const dv = i > 0 ? diff(v, scores[0]![d]) : undefined;
      const byCount = isRecord(aggs[i]!.counts) ? (aggs[i]!.counts as Record<string, Record<string, number>>) : {};
      const c =
        d === 'overall'
          ? splits.some((sp) => byCount[sp])
            ? { passed: splits.reduce((n, sp) => n + (byCount[sp]?.passed ?? 0), 0), evaluated: splits.reduce((n, sp) => n + (byCount[sp]?.evaluated ?? 0), 0) }
            : undefined
          : byCount[d];
      const ne = d === 'overall' ? splits.reduce((n, s) => n + neCount(aggs[i]!, s), 0) : neCount(aggs[i]!, d);
      return html`<td class="gstart" data-run="${i}" data-key="${d}" data-col="pass1">${fmt1(v)}</td>${i > 0 ? html`<td class="${deltaClass(dv)}" data-delta="${i}">${fmtDelta(dv)}</td>` : ''}<td class="excl" data-run="${i}" data-key="${d}" data-col="all">${fmt1(all(i)[d])}</td><td class="muted">${c ? `${fmtInt(c.passed ?? 0)} / ${fmtInt(c.evaluated ?? 0)}` : '—'}</td><td class="${ne ? 'warn' : 'muted'}" data-ne="${i}">${fmtInt(ne)}</td>`;
    })}</tr>`,
  );

  // Error shares: per split its two classes (Python: syntax/runtime, Java: compile/execution).
  const errs = (i: number) => (isRecord(aggs[i]!.errors) ? (aggs[i]!.errors as Record<string, Record<string, number>>) : {});
  const errRows = splits.flatMap((d) => {
    const classes = [...new Set(runs.flatMap((_, i) => Object.keys(errs(i)[d] ?? {})))];
    return classes.map(
      (c) => html`<tr data-row="${d}" data-class="${c}"><td class="text ds">${d}</td><td class="text">${c.replace(/_/g, ' ')}</td>${runs.map((_, i) => {
        const v = errs(i)[d]?.[c];
        const dv = i > 0 ? diff(v, errs(0)[d]?.[c]) : undefined;
        return html`<td data-run="${i}" data-err="${c}">${fmt1(v)}</td>${i > 0 ? html`<td class="${deltaClass(dv)}">${fmtDelta(dv)}</td>` : ''}`;
      })}</tr>`,
    );
  });
  const errTable = html`<h3>Error shares <span class="muted">(% of the evaluated answers)</span></h3>
    <div class="table-wrap"><table class="num bydataset code-table" id="ncb-errors"><thead><tr><th class="text">Split</th><th class="text">Error class</th>${runs.map(
      (r, i) => html`<th>${runTag(r, i, false)}</th>${i > 0 ? html`<th>Δ</th>` : ''}`,
    )}</tr></thead><tbody>${errRows.length ? errRows : html`<tr><td class="muted text" colspan="${2 + runs.length * 2}">No error shares recorded.</td></tr>`}</tbody></table></div>`;

  const mainTable = html`<h3>pass@1 per split${multi ? ' (Δ vs A)' : ''}</h3>
    <div class="table-wrap"><table class="num bydataset code-table" id="scores-ncb"><thead>${head}</thead><tbody>${body}</tbody></table></div>
    ${errTable}${notEvaluableList(runs, aggs, (a) => a.notEvaluable)}${clientView({ kind: 'code', suite: 'ncb', datasetName: 'Split' })}`;

  const charts: ChartSpec[] = [
    {
      id: 'chart-ncb',
      title: multi ? 'pass@1 per split, runs side by side (%)' : 'pass@1 per split (%)',
      kind: 'bar',
      labels: rows,
      series: runs.map((r, i) => ({ label: `${runLetter(i)} · ${r.name}`, data: rows.map((d) => scores[i]![d] ?? null), color: runColor(i) })),
      yTitle: 'pass@1 (%)',
      scale: { min: 0, max: 100 },
      valueLabels: rows.length * runs.length <= 14,
      height: 300,
      beside: true,
    },
  ];
  return {
    headline: headlineOf(runs, (i) => scores[i]!.overall, 'overall pass@1', fmt1, (i) => all(i).overall),
    scoresNote:
      'pass@1 as NaturalCodeBench’s execution.py computes it, one decimal, over the answers that could be evaluated here (the not-evaluable ones are left out). ' +
      '“All items” is the official-style figure over every answer, the not-evaluable ones counted as failures: a lower bound of the official figure. overall is evalh’s: the mean of the splits.',
    tables: html``,
    mainTable,
    charts,
  };
}

// ---------------------------------------------------------------- shared

function headlineOf(runs: RunInfo[], value: (i: number) => number | undefined, label: string, f: (x: number | undefined) => string, second?: (i: number) => number | undefined): Html {
  return html`<div class="headline runs">${runs.map((r, i) => {
    const dv = i > 0 ? diff(value(i), value(0)) : undefined;
    return html`<div class="big" data-run="${i}"><div class="big-label">${runTag(r, i, true)}</div><div class="big-value"${i === 0 ? raw(' id="headline-score"') : ''}>${f(value(i))}</div>
      <div class="big-sub">${label}${i > 0 ? html` · <span class="${deltaClass(dv)}">${fmtDelta(dv)}</span> vs A` : ''}${second ? html` · all items ${f(second(i))}` : ''}</div></div>`;
  })}</div>`;
}

/** Not-evaluable samples per dataset and reason, per run. */
function notEvaluableList(runs: RunInfo[], aggs: Record<string, unknown>[], pick: (a: Record<string, unknown>) => unknown): Html {
  const blocks = runs.map((r, i) => {
    const ne = pick(aggs[i]!);
    if (!isRecord(ne) || Object.keys(ne).length === 0) return html``;
    return html`<div class="code-ne" data-run="${i}"><b>${runs.length > 1 ? html`${runLetter(i)}: ` : ''}Not evaluable here</b> <span class="muted">(left out of pass@k, never counted as failures)</span><ul>${Object.entries(ne).map(([d, v]) => {
      const e = isRecord(v) ? v : {};
      const reasons = isRecord(e.reasons) ? Object.entries(e.reasons) : [];
      return html`<li><span class="ds">${d}</span>: ${fmtInt(Number(e.samples ?? 0))} sample(s)<ul>${reasons.map(([reason, n]) => html`<li class="ne-reason">${fmtInt(Number(n))} × <code>${reason}</code></li>`)}</ul></li>`;
    })}</ul></div>`;
  });
  return html`${blocks}`;
}

function neCount(agg: Record<string, unknown>, d: string): number {
  const ne = agg.notEvaluable;
  if (!isRecord(ne)) return 0;
  if (d === 'overall') return Object.values(ne).reduce<number>((n, v) => n + (isRecord(v) ? Number(v.samples ?? 0) : 0), 0);
  const e = ne[d];
  return isRecord(e) ? Number(e.samples ?? 0) : 0;
}

function num(agg: Record<string, unknown>, key: string, d: string): number | undefined {
  const m = agg[key];
  return isRecord(m) && typeof m[d] === 'number' ? (m[d] as number) : undefined;
}

function sumCell(agg: Record<string, unknown>, langs: string[]): string {
  const p = langs.reduce((n, l) => n + (num(agg, 'passed', l) ?? 0), 0);
  const s = langs.reduce((n, l) => n + (num(agg, 'samples', l) ?? 0), 0);
  return s ? `${fmtInt(p)} / ${fmtInt(s)}` : '—';
}

function clientView(view: CodeClientView): Html {
  return raw(`<script type="application/json" id="evalh-view">${scriptJson(view)}</script>`);
}

function runTag(r: RunInfo, i: number, withName: boolean): Html {
  return html`<span class="runtag" title="${r.name}"><span class="swatch" style="background:${runColor(i)}"></span><b>${runLetter(i)}</b>${withName ? html` ${breakable(r.name)}` : ''}</span>`;
}

function kNum(k: string): number {
  return Number(k.replace(/^pass@/, '')) || 0;
}

function fmt2(x: number | undefined): string {
  return x === undefined || x === null || Number.isNaN(x) ? '—' : pyRound(x, 2).toFixed(2);
}

function fmt1(x: number | undefined): string {
  return x === undefined || x === null || Number.isNaN(x) ? '—' : pyRound(x, 1).toFixed(1);
}

function diff(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) ? undefined : a - b;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
