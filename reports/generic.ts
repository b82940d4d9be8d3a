import type { ReportData } from './collect.js';
import { deltaClass, fmtDelta, fmtScore, html } from './html.js';
import { runColor, runLetter, type SuiteView } from './view.js';

// The fallback for a suite without its own report layout: every score the suite's
// summary reports, flattened to rows (dataset, or dataset · sub-score), runs as columns.

export function genericView(data: ReportData): SuiteView {
  const runs = data.runs;
  const flat = runs.map((r) => flatten({ ...r.summary.scores, ...(r.summary.aggregates ?? {}) }));
  const keys = [...new Set(flat.flatMap((f) => [...f.keys()]))];
  const tables = html`<div class="table-wrap"><table class="num bydataset" id="scores-generic">
    <thead><tr><th class="text">Score</th>${runs.map(
      (r, i) => html`<th title="${r.name}"><span class="runtag"><span class="swatch" style="background:${runColor(i)}"></span><b>${runLetter(i)}</b></span></th>${i > 0 ? html`<th>Δ</th>` : ''}`,
    )}</tr></thead>
    <tbody>${keys.map(
      (k) => html`<tr data-row="${k}"><td class="text ds">${k}</td>${runs.map((_, i) => {
        const v = flat[i]!.get(k);
        const base = flat[0]!.get(k);
        const dv = v === undefined || base === undefined ? undefined : v - base;
        return html`<td data-run="${i}">${fmtScore(v)}</td>${i > 0 ? html`<td class="${deltaClass(dv)}">${fmtDelta(dv)}</td>` : ''}`;
      })}</tr>`,
    )}</tbody></table></div>`;
  return { headline: html``, scoresNote: `Scores as ${data.suiteTitle} reports them.`, tables: html``, mainTable: tables, charts: [] };
}

function flatten(obj: Record<string, unknown>, prefix = '', out = new Map<string, number>()): Map<string, number> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix} · ${k}` : k;
    if (typeof v === 'number') out.set(key, v);
    else if (typeof v === 'object' && v !== null) flatten(v as Record<string, unknown>, key, out);
  }
  return out;
}
