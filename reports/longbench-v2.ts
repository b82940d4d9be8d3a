import { GROUPS, type Group } from '../benchmarks/longbench-v2/aggregate.js';
import type { ReportData } from './collect.js';
import { deltaClass, fmtDelta, fmtInt, html } from './html.js';
import { PALETTE, runColor, runLetter, type ChartSpec, type SuiteView } from './view.js';

// LongBench v2 in result.txt's layout: one row per run, accuracy overall / easy / hard /
// short / medium / long (one decimal, as result.py rounds), plus the items each number is
// over and the failed items it leaves out (the official pred.py drops them without a word).

const LABELS: Record<Group, string> = { overall: 'Overall', easy: 'Easy', hard: 'Hard', short: 'Short', medium: 'Medium', long: 'Long' };
type V2Aggregates = { counts?: Partial<Record<Group, number>>; failed?: number };

/** result.py's one-decimal number; an empty group shows as a dash. */
const fmt1 = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(1));

export function longbenchV2View(data: ReportData): SuiteView {
  const runs = data.runs;
  const multi = runs.length > 1;
  const scores = runs.map((r) => r.summary.scores as Partial<Record<Group, number>>);
  const aggs = runs.map((r) => (r.summary.aggregates ?? {}) as V2Aggregates);
  const failed = (i: number) => aggs[i]!.failed ?? runs[i]!.health.error;

  const headline = html`<div class="headline${multi ? ' runs' : ''}">${runs.map(
    (r, i) => html`<div class="big" data-run="${i}">
      <div class="big-label">${multi ? html`<span class="swatch" style="background:${runColor(i)}"></span><b>${runLetter(i)}</b> ${r.name}` : 'Overall accuracy'}</div>
      <div class="big-value"${i === 0 ? html` id="headline-score"` : ''}>${fmt1(scores[i]!.overall)}</div>
      <div class="big-sub">over ${fmtInt(aggs[i]!.counts?.overall ?? 0)} items${failed(i) > 0 ? html` · <b>${fmtInt(failed(i))} failed, not counted</b>` : ''}</div>
    </div>`,
  )}</div>`;

  const table = html`<div class="table-wrap"><table class="num official" id="scores-longbench-v2">
    <thead><tr><th class="text">${multi ? 'Run' : 'Model'}</th>${GROUPS.map((g) => html`<th>${LABELS[g]}</th>`)}<th>Items</th><th>Failed</th></tr></thead>
    <tbody>${runs.map(
      (r, i) => html`<tr data-run="${i}"><th class="text" title="${r.name}">${multi ? html`<b>${runLetter(i)}</b> ` : ''}${r.name}</th>${GROUPS.map((g) => {
        const v = scores[i]![g];
        const base = scores[0]![g];
        const dv = i === 0 || v === undefined || base === undefined ? undefined : v - base;
        return html`<td data-key="${g}">${fmt1(v)}${dv !== undefined ? html` <span class="${deltaClass(dv)}">${fmtDelta(dv)}</span>` : ''}</td>`;
      })}<td class="muted">${fmtInt(aggs[i]!.counts?.overall ?? 0)}</td><td class="${failed(i) > 0 ? 'bad' : 'muted'}" data-key="failed">${fmtInt(failed(i))}</td></tr>`,
    )}</tbody>
  </table></div>`;

  const charts: ChartSpec[] = [
    {
      id: 'chart-v2-groups',
      title: 'Accuracy by difficulty and length',
      kind: 'bar',
      labels: GROUPS.map((g) => LABELS[g]),
      series: runs.map((r, i) => ({
        label: multi ? `${runLetter(i)} · ${r.name}` : r.name,
        data: GROUPS.map((g) => {
          const v = scores[i]![g];
          return v === undefined || Number.isNaN(v) ? null : v;
        }),
        color: multi ? runColor(i) : PALETTE[0]!,
      })),
      yTitle: 'accuracy (%)',
      valueLabels: !multi,
      height: 300,
      beside: true,
    },
  ];

  return {
    headline,
    scoresNote:
      'Accuracy (%) as LongBench v2\'s result.py computes it: round(100·correct/n, 1), half to even. Items whose model calls failed for good are ' +
      'shown as failed and are not in these numbers (the official pred.py drops them silently).',
    tables: html``,
    mainTable: table,
    charts,
  };
}
