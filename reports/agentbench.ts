import { GROUPS, STATUSES, type DbAggregates } from '../benchmarks/agentbench-db/aggregate.js';
import { groupOf } from '../benchmarks/agentbench-db/records.js';
import { pyRound } from '../src/metrics/pyround.js';
import type { ItemRow } from '../src/store.js';
import type { CollectHooks, ReportData, RunInfo } from './collect.js';
import { breakable, deltaClass, fmtDelta, fmtInt, html, raw, type Html } from './html.js';
import { runColor, runLetter, type ChartSpec, type SuiteView } from './view.js';

// AgentBench DB: success rate per task group (SELECT, INSERT, UPDATE) and per task type,
// the official overall (mean of the three groups), episode status counts per run, and per
// item the whole episode as a conversation (drawn by client/app.js from the result's
// `x.turns`, for any agent suite).

const GROUP_LABEL: Record<(typeof GROUPS)[number], string> = { select: 'SELECT', insert: 'INSERT', update: 'UPDATE' };
const STATUS_LABEL: Record<string, string> = {
  completed: 'completed',
  context_limit: 'context limit',
  invalid_format: 'invalid format',
  invalid_action: 'invalid action',
  turn_limit: 'turn limit',
  task_error: 'task error (environment, not scored)',
};

/**
 * Item: `ref` = the label (answers, or the gold SQL of INSERT/UPDATE), `x` = { type }. Result
 * `x` = { status, reason, setupError, rounds, turns: the episode, tableMd5/expected }.
 */
export const agentbenchCollect: CollectHooks = {
  entry(target) {
    const t = isRecord(target) ? target : {};
    return { ref: Array.isArray(t.label) ? t.label.map(String) : [], x: { type: typeof t.type === 'string' ? t.type : '' } };
  },
  result(row: ItemRow) {
    const x: Record<string, unknown> = {};
    const s = isRecord(row.scores) ? row.scores : {};
    for (const k of ['status', 'reason', 'setupError', 'rounds', 'tableMd5', 'expected'] as const) if (s[k] !== undefined) x[k] = s[k];
    if (row.errorKind === 'task_error') x.status = 'task_error';
    const t = isRecord(row.transcript) ? row.transcript : {};
    if (Array.isArray(t.turns)) x.turns = t.turns;
    return Object.keys(x).length ? x : undefined;
  },
};

export function agentbenchDbView(data: ReportData): SuiteView {
  const runs = data.runs;
  const multi = runs.length > 1;
  const scores = runs.map((r) => (r.summary.scores ?? {}) as Record<string, number | null>);
  const aggs = runs.map((r) => (r.summary.aggregates ?? {}) as unknown as Partial<DbAggregates>);
  const types = [...new Set(aggs.flatMap((a) => Object.keys(a.types ?? {})))];
  const selectTypes = types.filter((t) => groupOf(t) === 'select');

  const cell = (i: number, v: number | null | undefined, base: number | null | undefined) => {
    const dv = i > 0 && typeof v === 'number' && typeof base === 'number' ? v - base : undefined;
    return html`<td data-run="${i}">${fmt2(v)}</td>${i > 0 ? html`<td class="${deltaClass(dv)}">${fmtDelta(dv)}</td>` : ''}`;
  };
  const counts = (i: number, list: string[]) => {
    const t = aggs[i]!.types ?? {};
    const n = list.reduce((a, k) => a + (t[k]?.items ?? 0), 0);
    const c = list.reduce((a, k) => a + (t[k]?.correct ?? 0), 0);
    return html`<td class="muted">${n ? `${fmtInt(c)} / ${fmtInt(n)}` : '—'}</td>`;
  };
  const head = html`<tr><th class="text">Task type</th>${runs.map(
    (r, i) => html`<th class="gstart">${runTag(r, i, multi)}</th>${i > 0 ? html`<th>Δ</th>` : ''}<th title="correct / episodes">Correct</th>`,
  )}</tr>`;
  const row = (key: string, label: string, value: (i: number) => number | null | undefined, list: string[] | null, cls = '') =>
    html`<tr data-row="${key}" class="${cls}"><td class="text ds">${label}</td>${runs.map(
      (_, i) => html`${cell(i, value(i), value(0))}${list ? counts(i, list) : html`<td class="muted"></td>`}`,
    )}</tr>`;
  const body = [
    row('overall', 'overall (mean of SELECT, INSERT, UPDATE)', (i) => scores[i]!.overall, null, 'total'),
    ...GROUPS.map((g) => row(g, GROUP_LABEL[g], (i) => scores[i]![g], g === 'select' ? selectTypes : [g.toUpperCase()])),
    ...selectTypes.map((t) => row(`type:${t}`, `  ${t}`, (i) => aggs[i]!.types?.[t]?.accuracy, [t], 'sub')),
  ];
  const mainTable = html`<h3>Success rate per task type (%)${multi ? ' (Δ vs A)' : ''}</h3>
    <div class="table-wrap"><table class="num bydataset" id="scores-agentbench"><thead>${head}</thead><tbody>${body}</tbody></table></div>`;

  const statusCount = (r: RunInfo, i: number, s: string) => (s === 'task_error' ? (r.health.errorKinds.task_error ?? 0) : (aggs[i]!.statuses?.[s] ?? 0));
  const tables = html`<h3>Episodes by status</h3>
    <div class="table-wrap"><table class="num bydataset" id="episode-statuses"><thead><tr><th class="text">Status</th>${runs.map((r, i) => html`<th>${runTag(r, i, multi)}</th>`)}</tr></thead>
    <tbody>${STATUSES.map(
      (s) => html`<tr data-status="${s}"><td class="text ds">${STATUS_LABEL[s] ?? s}</td>${runs.map((r, i) => {
        const n = statusCount(r, i, s);
        return html`<td class="${n && s !== 'completed' ? 'warn' : ''}" data-run="${i}">${fmtInt(n)}</td>`;
      })}</tr>`,
    )}</tbody></table></div>
    ${runs.map((_, i) => {
      const o = aggs[i]!.officialStyle;
      return o && o.overall !== scores[i]!.overall
        ? html`<p class="muted" data-official="${i}">${multi ? `${runLetter(i)}: ` : ''}AgentBench v0.2 itself also credits unfinished episodes that left the right table: overall ${fmt2(o.overall)} (SELECT ${fmt2(o.select)}, INSERT ${fmt2(o.insert)}, UPDATE ${fmt2(o.update)}).</p>`
        : html``;
    })}
    ${runs.map((_, i) =>
      aggs[i]!.missingGroups?.length
        ? html`<p class="muted" data-missing="${i}">${multi ? `${runLetter(i)}: ` : ''}Overall not computed: ${aggs[i]!.missingGroups!.join(' and ')} ${aggs[i]!.missingGroups!.length > 1 ? 'have' : 'has'} no items in this run (the official overall is the mean of all three).</p>`
        : html``,
    )}
    ${runs.map((r, i) =>
      aggs[i]!.setupErrors
        ? html`<p class="muted" data-run="${i}">${multi ? `${runLetter(i)}: ` : ''}${fmtInt(aggs[i]!.setupErrors!)} item(s) whose table could not be built as the data describes it (duplicate column names, rows longer than the header); the official task runs them anyway.</p>`
        : html``,
    )}`;

  const headline = html`<div class="headline runs">${runs.map((r, i) => {
    const v = scores[i]!.overall;
    const base = scores[0]!.overall;
    const dv = i > 0 && typeof v === 'number' && typeof base === 'number' ? v - base : undefined;
    return html`<div class="big" data-run="${i}"><div class="big-label">${runTag(r, i, true)}</div><div class="big-value"${i === 0 ? raw(' id="headline-score"') : ''}>${fmt2(v)}</div>
      <div class="big-sub">${
        v === null && aggs[i]!.missingGroups?.length
          ? `overall not computed: no ${aggs[i]!.missingGroups!.join(' or ')} items`
          : html`overall success rate${i > 0 ? html` · <span class="${deltaClass(dv)}">${fmtDelta(dv)}</span> vs A` : ''}`
      }</div></div>`;
  })}</div>`;

  const labels = ['SELECT', 'INSERT', 'UPDATE', 'overall'];
  const keys = ['select', 'insert', 'update', 'overall'];
  const charts: ChartSpec[] = [
    {
      id: 'chart-agentbench',
      title: multi ? 'Success rate per task group, runs side by side (%)' : 'Success rate per task group (%)',
      kind: 'bar',
      labels,
      series: runs.map((r, i) => ({ label: `${runLetter(i)} · ${r.name}`, data: keys.map((k) => scores[i]![k] ?? null), color: runColor(i) })),
      yTitle: 'success rate (%)',
      scale: { min: 0, max: 100 },
      valueLabels: runs.length <= 3,
      height: 300,
      beside: true,
    },
  ];
  return {
    headline,
    scoresNote:
      'Success rates as AgentBench v0.2 computes them, in percent: SELECT over every question type (counting, ranking, aggregation, …), INSERT and UPDATE by the table’s md5 after the episode; overall is the mean of the three (not computed when one has no items in the run). ' +
      'Episodes that did not complete (invalid format, turn limit, context limit) score 0; episodes the environment failed are not scored. Open an item to read its whole episode.',
    tables,
    mainTable,
    charts,
    groupName: 'Type',
    groups: types,
    groupOf: (item) => String((item.x as { type?: string } | undefined)?.type ?? ''),
  };
}

function runTag(r: RunInfo, i: number, withName: boolean): Html {
  return html`<span class="runtag" title="${r.name}"><span class="swatch" style="background:${runColor(i)}"></span><b>${runLetter(i)}</b>${withName ? html` ${breakable(r.name)}` : ''}</span>`;
}

function fmt2(x: number | null | undefined): string {
  return x === undefined || x === null || Number.isNaN(x) ? '—' : pyRound(x, 2).toFixed(2);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
