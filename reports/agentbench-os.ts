import type { ItemRow } from '../src/store.js';
import type { CollectHooks, ReportData, RunInfo } from './collect.js';
import { breakable, deltaClass, fmtDelta, fmtInt, html, raw, scriptJson, type Html } from './html.js';
import { runColor, runLetter, type ChartSpec, type SuiteView } from './view.js';

// AgentBench OS interaction: success rate per dataset and test folder, episode status counts
// per run, the items evalh could not evaluate (missing upstream scripts), and per item the
// whole episode as a conversation (drawn by client/app.js's episode(), as for every agent
// suite, from the result's `x.turns`).

/** Turns of the opening that every episode shares (instruction + one-shot example): not repeated per item. */
const SHARED_TURNS = 6;

export const AGENTBENCH_STATUSES = ['completed', 'invalid_action', 'invalid_format', 'turn_limit', 'context_limit'] as const;

/**
 * Result `x` = { status, turns: the episode after the shared opening, omitted: how many opening
 * turns were left out, answer, reason: why it ended, evaluation: detail, ne: not-evaluable reason }.
 */
export const agentbenchOsCollect: CollectHooks = {
  entry(target) {
    const t = isRecord(target) ? target : {};
    return { ref: [], ...(typeof t.file === 'string' ? { src: `${t.file} #${String(t.index)}` } : {}), x: { g: t.group } };
  },
  result(row: ItemRow) {
    const x: Record<string, unknown> = {};
    if (row.errorKind === 'not_evaluable') x.ne = row.error ?? '';
    const t = row.transcript;
    if (isRecord(t)) {
      if (typeof t.status === 'string') x.status = t.status;
      if (Array.isArray(t.turns)) {
        x.turns = (t.turns as { role: string; content: string }[]).slice(SHARED_TURNS);
        x.omitted = SHARED_TURNS;
      }
      if (t.answer !== undefined && t.answer !== null) x.answer = t.answer;
      if (typeof t.reason === 'string') x.reason = t.reason;
      if (isRecord(t.evaluation) && t.evaluation.detail !== undefined) x.evaluation = JSON.stringify(t.evaluation.detail, null, 1);
    }
    return Object.keys(x).length > 0 ? x : undefined;
  },
};

interface Rate {
  success_rate: number | null;
  passed: number;
  evaluated: number;
  not_evaluable: number;
}

export function agentbenchOsView(data: ReportData): SuiteView {
  const runs = data.runs;
  const multi = runs.length > 1;
  const aggs = runs.map((r) => (r.summary.aggregates ?? {}) as Record<string, unknown>);
  const rateOf = (i: number, kind: 'datasets' | 'groups', key: string): Rate | undefined => {
    const m = aggs[i]![kind];
    return isRecord(m) && isRecord(m[key]) ? (m[key] as unknown as Rate) : undefined;
  };
  const overall = (i: number): Rate | undefined => (isRecord(aggs[i]!.overall) ? (aggs[i]!.overall as unknown as Rate) : undefined);
  const rows = [...data.datasets, ...(data.datasets.length > 1 ? ['overall'] : [])];
  const rateRow = (label: string, pick: (i: number) => Rate | undefined): Html =>
    html`<tr data-row="${label}"><td class="text ds">${label}</td>${runs.map((_, i) => {
      const r = pick(i);
      const v = r?.success_rate ?? undefined;
      const base = pick(0)?.success_rate ?? undefined;
      const dv = i > 0 && v !== undefined && base !== undefined ? v - base : undefined;
      return html`<td data-run="${i}">${fmt2(v)}</td>${i > 0 ? html`<td class="${deltaClass(dv)}">${fmtDelta(dv)}</td>` : ''}<td class="muted">${r ? `${fmtInt(r.passed)} / ${fmtInt(r.evaluated)}` : '—'}</td><td class="${r?.not_evaluable ? 'warn' : 'muted'}">${fmtInt(r?.not_evaluable ?? 0)}</td>`;
    })}</tr>`;
  const head = html`<tr><th class="text">Dataset</th>${runs.map((r, i) => html`<th>${runTag(r, i)}</th>${i > 0 ? html`<th>Δ</th>` : ''}<th>passed</th><th>not evaluable</th>`)}</tr>`;
  const mainTable = html`<h3>Success rate (%)${multi ? ' (Δ vs A)' : ''}</h3>
    <div class="table-wrap"><table class="num bydataset" id="scores-agentbench"><thead>${head}</thead><tbody>${rows.map((d) => rateRow(d, (i) => (d === 'overall' ? overall(i) : rateOf(i, 'datasets', d))))}</tbody></table></div>`;
  const groups = [...new Set(aggs.flatMap((a) => (isRecord(a.groups) ? Object.keys(a.groups) : [])))].filter((g) => g !== 'dev');
  const folders =
    groups.length > 0
      ? html`<h3>Test folders (AgentBench's data/os_interaction/data/1..7)</h3><div class="table-wrap"><table class="num bydataset" id="scores-agentbench-groups"><thead>${head}</thead><tbody>${groups.map((g) => rateRow(g, (i) => rateOf(i, 'groups', g)))}</tbody></table></div>`
      : html``;
  const statuses = AGENTBENCH_STATUSES.filter((s) => aggs.some((a) => isRecord(a.statuses) && typeof a.statuses[s] === 'number'));
  const charts: ChartSpec[] = [
    {
      id: 'chart-agentbench-status',
      title: 'Episodes by status',
      kind: 'bar',
      labels: statuses.map((s) => s.replace('_', ' ')),
      series: runs.map((r, i) => ({ label: `${runLetter(i)} · ${r.name}`, data: statuses.map((s) => count(aggs[i]!, s)), color: runColor(i) })),
      scale: {},
      valueLabels: statuses.length * runs.length <= 12,
      height: 260,
    },
  ];
  const headline = html`<div class="headline runs">${runs.map((r, i) => {
    const v = overall(i)?.success_rate ?? undefined;
    const base = overall(0)?.success_rate ?? undefined;
    const dv = i > 0 && v !== undefined && base !== undefined ? v - base : undefined;
    return html`<div class="big" data-run="${i}"><div class="big-label">${runTag(r, i, true)}</div><div class="big-value"${i === 0 ? raw(' id="headline-score"') : ''}>${fmt2(v)}</div>
      <div class="big-sub">success rate (%)${i > 0 ? html` · <span class="${deltaClass(dv)}">${fmtDelta(dv)}</span> vs A` : ''}</div></div>`;
  })}</div>`;
  return {
    headline,
    scoresNote: 'Success rate = passed / evaluated episodes; items whose upstream scripts are not published are left out and listed. Open an item to read its episode.',
    mainTable: html`${mainTable}${folders}${statusTable(runs, aggs)}${notEvaluableList(runs, aggs)}${raw(`<script type="application/json" id="evalh-view">${scriptJson({ kind: 'agent' })}</script>`)}`,
    tables: html``,
    charts,
  };
}

function statusTable(runs: RunInfo[], aggs: Record<string, unknown>[]): Html {
  const errors = runs.map((r) => r.health.errorKinds.task_error ?? 0);
  const cols = [...AGENTBENCH_STATUSES];
  return html`<h3>Episodes by status</h3><div class="table-wrap"><table class="num" id="agentbench-statuses"><thead><tr><th class="text">Run</th>${cols.map((s) => html`<th>${s.replace('_', ' ')}</th>`)}<th>task error</th></tr></thead>
    <tbody>${runs.map((r, i) => html`<tr data-run="${i}"><td class="text">${runTag(r, i, true)}</td>${cols.map((s) => html`<td data-status="${s}">${fmtInt(count(aggs[i]!, s))}</td>`)}<td class="${errors[i] ? 'warn' : ''}" data-status="task_error">${fmtInt(errors[i]!)}</td></tr>`)}</tbody></table></div>
    <p class="muted">Non-completed episodes score 0; a task error is the environment's failure and is never scored.</p>`;
}

function notEvaluableList(runs: RunInfo[], aggs: Record<string, unknown>[]): Html {
  return html`${runs.map((r, i) => {
    const ne = aggs[i]!.not_evaluable;
    if (!isRecord(ne) || Object.keys(ne).length === 0) return html``;
    return html`<div class="code-ne" data-run="${i}"><b>${runs.length > 1 ? html`${runLetter(i)}: ` : ''}Not evaluable here</b> <span class="muted">(left out of the success rate, never counted as failures)</span><ul>${Object.entries(ne).map(([reason, n]) => html`<li>${fmtInt(Number(n))} × ${reason}</li>`)}</ul></div>`;
  })}`;
}

function count(agg: Record<string, unknown>, status: string): number {
  return isRecord(agg.statuses) && typeof agg.statuses[status] === 'number' ? (agg.statuses[status] as number) : 0;
}

function runTag(r: RunInfo, i: number, withName = false): Html {
  return html`<span class="runtag" title="${r.name}"><span class="swatch" style="background:${runColor(i)}"></span><b>${runLetter(i)}</b>${withName ? html` ${breakable(r.name)}` : ''}</span>`;
}

function fmt2(x: number | undefined | null): string {
  return x === undefined || x === null || Number.isNaN(x) ? '—' : x.toFixed(2);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
