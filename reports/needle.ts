import type { NeedleAggregates, NeedleTarget } from '../benchmarks/needle/aggregate.js';
import { parseLength } from '../benchmarks/needle/grid.js';
import type { CollectHooks, ReportData, RunInfo } from './collect.js';
import { breakable, fmtInt, html, type Html } from './html.js';
import { runColor, runLetter, type ChartSpec, type SuiteView } from './view.js';

// Needle in a haystack: the view long-context papers use — a heatmap with the context length
// across (x), the needle's depth down (y, 0% = the start of the text at the top), each cell
// coloured by its score (red 0 → yellow 50 → green 100) with the value printed in it. Drawn
// as an HTML table with inline colours, so it reads without JavaScript and prints as is.

/** RdYlGn end and middle colours (ColorBrewer), interpolated linearly in RGB. */
const STOPS: [number, [number, number, number]][] = [
  [0, [215, 48, 39]],
  [50, [254, 224, 139]],
  [100, [26, 152, 80]],
];

/** The cell colour of a score 0..100. */
export function heatColor(score: number): string {
  const v = Math.min(100, Math.max(0, score));
  const [[x0, a], [x1, b]] = v <= 50 ? [STOPS[0]!, STOPS[1]!] : [STOPS[1]!, STOPS[2]!];
  const t = (v - x0) / (x1 - x0);
  const c = a.map((ai, i) => Math.round(ai + (b[i]! - ai) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Dark text on the light middle of the scale, white on its dark ends. */
const inkFor = (score: number) => (score < 22 || score > 82 ? '#fff' : '#1a1a1a');

const fmtPct = (v: number | undefined) => (v === undefined ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(1));

export const needleCollect: CollectHooks = {
  entry(target) {
    const t = target as NeedleTarget;
    return { ref: [t.value], len: t.length, src: `${t.city} @ ${t.depth}%`, x: { depth: t.depth, repeat: t.repeat, city: t.city } };
  },
};

export function needleView(data: ReportData): SuiteView {
  const runs = data.runs;
  const multi = runs.length > 1;
  const aggs = runs.map((r) => (r.summary.aggregates ?? { lengths: [], grid: {}, byDepth: {}, overall: null }) as unknown as NeedleAggregates);
  const lengths = [...new Set(runs.flatMap((r, i) => [...(aggs[i]!.lengths ?? []), ...Object.keys(r.summary.scores)]))].sort((a, b) => parseLength(a) - parseLength(b));
  const depths = [...new Set(aggs.flatMap((a) => Object.values(a.grid).flatMap((row) => Object.keys(row))))].sort((a, b) => Number(a) - Number(b));
  const counts = new Map<string, number>();
  for (const it of data.items) counts.set(it.d, (counts.get(it.d) ?? 0) + 1);

  const headline = html`<div class="${multi ? 'headline runs' : 'headline'}">${runs.map(
    (r, i) => html`<div class="big" data-run="${i}"><div class="big-label">${multi ? runTag(r, i) : 'Overall'}</div>
      <div class="big-value"${i === 0 ? html` id="headline-score"` : ''}>${fmtPct(aggs[i]!.overall ?? undefined)}</div>
      <div class="big-sub">% of ${fmtInt(data.items.length)} needles found · ${lengths.length} lengths × ${depths.length} depths</div></div>`,
  )}</div>`;

  const heatmaps = html`<h3>Length × depth</h3>
    <p class="note">Each cell: % of its items whose answer contains the needle's number. Columns: context length in tokens; rows: where the needle sits (0% = start of the text).</p>
    ${legend()}
    <div class="heatmaps">${runs.map((r, i) => heatmap(r, i, aggs[i]!, lengths, depths, multi))}</div>`;

  const byLength = html`<div class="table-wrap"><table class="num bydataset" id="needle-by-length">
    <thead><tr><th class="text">Length</th><th>Tokens</th><th>Items</th>${runs.map((r, i) => html`<th title="${r.name}">${multi ? runTag(r, i, true) : 'Score'}</th>`)}</tr></thead>
    <tbody>${lengths.map(
      (l) => html`<tr data-row="${l}"><td class="text ds">${l}</td><td class="muted">${fmtInt(parseLength(l))}</td><td class="muted">${fmtInt(counts.get(l) ?? 0)}</td>${runs.map(
        (r, i) => html`<td data-run="${i}" data-length="${l}">${fmtPct((r.summary.scores as Record<string, number>)[l])}</td>`,
      )}</tr>`,
    )}
    <tr class="total" data-row="overall"><th class="text" colspan="2">All</th><td class="muted">${fmtInt(data.items.length)}</td>${runs.map(
      (_, i) => html`<td data-run="${i}" data-length="all">${fmtPct(aggs[i]!.overall ?? undefined)}</td>`,
    )}</tr></tbody></table></div>`;

  const charts: ChartSpec[] = [
    {
      id: 'chart-needle-length',
      title: 'By context length',
      kind: 'bar',
      labels: lengths,
      series: runs.map((r, i) => ({ label: `${runLetter(i)} · ${r.name}`, data: lengths.map((l) => num((r.summary.scores as Record<string, number>)[l])), color: runColor(i) })),
      yTitle: '% found',
      valueLabels: lengths.length * runs.length <= 12,
      height: 300,
      beside: true,
    },
    {
      id: 'chart-needle-depth',
      title: 'By depth',
      kind: 'bar',
      labels: depths.map((d) => `${d}%`),
      series: runs.map((r, i) => ({ label: `${runLetter(i)} · ${r.name}`, data: depths.map((d) => num(aggs[i]!.byDepth[d])), color: runColor(i) })),
      yTitle: '% found',
      height: 300,
      wide: true,
    },
  ];

  return {
    headline,
    scoresNote:
      'An item scores 1 when the answer contains the needle\'s 7-digit number as a whole number (digit-group separators ignored); cells, lengths and depths show the % of their items that did. The haystack and the needles are generated by evalh from the seed in the fingerprint.',
    tables: heatmaps,
    mainTable: byLength,
    charts,
    groupName: 'Depth',
    groups: depths.map((d) => `${d}%`),
    groupOf: (it) => `${String((it.x as { depth?: number } | undefined)?.depth ?? '')}%`,
  };
}

function heatmap(r: RunInfo, i: number, agg: NeedleAggregates, lengths: string[], depths: string[], multi: boolean): Html {
  const scores = r.summary.scores as Record<string, number>;
  const cell = (v: number | undefined, attrs: { length: string; depth: string }) =>
    v === undefined
      ? html`<td class="hm-cell hm-empty" data-length="${attrs.length}" data-depth="${attrs.depth}" title="no items">—</td>`
      : html`<td class="hm-cell" data-length="${attrs.length}" data-depth="${attrs.depth}" data-score="${String(v)}" style="${`background:${heatColor(v)};color:${inkFor(v)}`}" title="${`${attrs.length} tokens, depth ${attrs.depth}%: ${fmtPct(v)}% found`}">${fmtPct(v)}</td>`;
  return html`<figure class="heatmap-fig">${multi ? html`<figcaption>${runTag(r, i)}</figcaption>` : ''}
    <div class="table-wrap"><table class="heatmap" id="${`needle-heatmap-${i}`}" data-run="${i}">
      <thead><tr><th class="hm-corner">depth ↓ · length →</th>${lengths.map((l) => html`<th class="hm-len">${l}</th>`)}<th class="hm-all">all</th></tr></thead>
      <tbody>${depths.map(
        (d) => html`<tr><th class="hm-depth">${d}%</th>${lengths.map((l) => cell(agg.grid[l]?.[d], { length: l, depth: d }))}${cell(agg.byDepth[d], { length: 'all', depth: d })}</tr>`,
      )}
      <tr class="hm-total"><th class="hm-depth">all</th>${lengths.map((l) => cell(scores[l], { length: l, depth: 'all' }))}${cell(agg.overall ?? undefined, { length: 'all', depth: 'all' })}</tr></tbody>
    </table></div></figure>`;
}

function legend(): Html {
  const stops = [0, 25, 50, 75, 100];
  return html`<div class="hm-legend" id="needle-legend"><span class="muted">0%</span><span class="hm-scale" style="${`background:linear-gradient(to right, ${stops.map((s) => `${heatColor(s)} ${s}%`).join(', ')})`}"></span><span class="muted">100% found</span></div>`;
}

function runTag(r: RunInfo, i: number, short = false): Html {
  return html`<span class="runtag" title="${r.name}"><span class="swatch" style="background:${runColor(i)}"></span><b>${runLetter(i)}</b>${short ? '' : html` ${breakable(r.name)}`}</span>`;
}

function num(x: number | undefined): number | null {
  return x === undefined || Number.isNaN(x) ? null : x;
}
