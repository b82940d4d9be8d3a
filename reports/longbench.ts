import { CATEGORIES, DATASETS, LONGBENCH_E_BUCKETS, type DatasetSpec } from '../benchmarks/longbench/datasets.js';
import { lengthBucket } from '../src/metrics/index.js';
import type { ReportData, RunInfo } from './collect.js';
import { breakable, deltaClass, fmtDelta, fmtInt, fmtScore, html, type Html } from './html.js';
import { PALETTE, runColor, runLetter, type ChartSeries, type ChartSpec, type SuiteView } from './view.js';

// LongBench v1 and LongBench-E in their official layouts: v1's 21 dataset columns grouped
// by task category (the order of the paper's tables), LongBench-E's datasets by length
// bucket. Dataset scores are eval.py's; category and overall averages are evalh's.

type V1Aggregates = { categories?: Record<string, number>; overall?: number };
type EAggregates = { overall?: Record<string, number> };

const categoryColor = (c: string) => PALETTE[CATEGORIES.indexOf(c as never) % PALETTE.length] ?? PALETTE[0]!;
const BUCKET_COLORS = ['#76b7b2', '#4e79a7', '#2b3f63'];

export function longbenchView(data: ReportData): SuiteView {
  const runs = data.runs;
  const multi = runs.length > 1;
  const scores = runs.map((r) => r.summary.scores as Record<string, number>);
  const aggs = runs.map((r) => (r.summary.aggregates ?? {}) as V1Aggregates);
  const datasets = presentDatasets(data, scores);
  const cats = CATEGORIES.filter((c) => datasets.some((d) => d.category === c));
  const counts = itemCounts(data);

  // Headline: the overall average big, the categories beside it (or one tile per run).
  const headline = multi
    ? html`<div class="headline runs">${runs.map(
        (r, i) => html`<div class="big" data-run="${i}">
          <div class="big-label">${runTag(r, i)}</div>
          <div class="big-value">${fmtScore(aggs[i]!.overall)}</div>
          <div class="big-sub">${i === 0 ? 'overall (baseline)' : html`overall · <span class="${deltaClass(diff(aggs[i]!.overall, aggs[0]!.overall))}">${fmtDelta(diff(aggs[i]!.overall, aggs[0]!.overall))}</span> vs A`}${r.step !== null ? ` · step ${r.step}` : ''}</div>
        </div>`,
      )}</div>`
    : html`<div class="headline">
        <div class="big"><div class="big-label">Overall</div><div class="big-value" id="headline-score">${fmtScore(aggs[0]!.overall)}</div>
          <div class="big-sub">average of ${datasets.length} dataset scores</div></div>
        <div class="tiles">${cats.map(
          (c) => html`<div class="tile"><div class="tile-label"><span class="swatch" style="background:${categoryColor(c)}"></span>${c}</div>
            <div class="tile-value">${fmtScore(aggs[0]!.categories?.[c])}</div></div>`,
        )}</div>
      </div>`;

  // The official 21-column table: one row per run.
  const official = html`<h3>LongBench layout</h3>
    <div class="table-wrap"><table class="num official" id="scores-official">
      <thead>
        <tr><th rowspan="2" class="rowhead text">${multi ? 'Run' : ''}</th>${cats.map(
          (c) => html`<th colspan="${datasets.filter((d) => d.category === c).length}" class="cat gstart">${c}</th>`,
        )}<th rowspan="2" class="gstart">Avg</th></tr>
        <tr>${datasets.map((d, j) => html`<th class="${groupStart(datasets, j) ? 'gstart dscol' : 'dscol'}" title="${d.name}"><span>${d.name}</span></th>`)}</tr>
      </thead>
      <tbody>${runs.map(
        (r, i) => html`<tr><th class="rowhead text">${multi ? runTag(r, i) : 'Score'}</th>${datasets.map(
          (d, j) => html`<td class="${groupStart(datasets, j) ? 'gstart' : ''}" data-run="${i}" data-dataset="${d.name}">${fmtScore(scores[i]![d.name])}</td>`,
        )}<td class="gstart strong" data-run="${i}" data-dataset="overall">${fmtScore(aggs[i]!.overall)}</td></tr>`,
      )}</tbody>
    </table></div>`;

  // Dataset rows × run columns (Δ vs the first run), category averages as group rows.
  const valueCells = (value: (i: number) => number | undefined, key: string): Html[] =>
    runs.map((_, i) => {
      const v = value(i);
      const cell = html`<td data-run="${i}" data-key="${key}">${fmtScore(v)}</td>`;
      if (i === 0) return cell;
      const dv = diff(v, value(0));
      return html`${cell}<td class="${deltaClass(dv)}" data-delta="${i}">${fmtDelta(dv)}</td>`;
    });
  const byDataset = html`<h3>By dataset${multi ? ' (Δ vs A)' : ''}</h3>
    <div class="table-wrap"><table class="num bydataset" id="scores-by-dataset">
      <thead><tr><th class="text">Dataset</th><th class="text">Metric</th><th>Items</th>${runs.map((r, i) =>
        multi ? html`<th class="runcol" title="${r.name}">${runTag(r, i)}</th>${i > 0 ? html`<th>Δ</th>` : ''}` : html`<th>Score</th>`,
      )}</tr></thead>
      <tbody>${cats.map(
        (c) => html`<tr class="group" data-row="${c}"><th class="text" colspan="3"><span class="swatch" style="background:${categoryColor(c)}"></span>${c} <span class="muted">average</span></th>${valueCells((i) => aggs[i]!.categories?.[c], c)}</tr>
          ${datasets
            .filter((d) => d.category === c)
            .map(
              (d) => html`<tr data-row="${d.name}"><td class="text ds">${d.name}</td><td class="text muted">${d.metric}</td><td class="muted">${fmtInt(counts.get(d.name) ?? 0)}</td>${valueCells((i) => scores[i]![d.name], d.name)}</tr>`,
            )}`,
      )}
        <tr class="total" data-row="overall"><th class="text" colspan="2">Overall <span class="muted">average of ${datasets.length} datasets</span></th><td class="muted">${fmtInt(sum(counts))}</td>${valueCells((i) => aggs[i]!.overall, 'overall')}</tr>
      </tbody>
    </table></div>`;

  const charts: ChartSpec[] = [
    {
      id: 'chart-categories',
      title: 'Category averages',
      kind: 'bar',
      labels: [...cats],
      series: multi
        ? runs.map((r, i) => ({ label: `${runLetter(i)} · ${r.name}`, data: cats.map((c) => num(aggs[i]!.categories?.[c])), color: runColor(i) }))
        : [{ label: runs[0]!.name, data: cats.map((c) => num(aggs[0]!.categories?.[c])), color: PALETTE[0]!, colors: cats.map(categoryColor) }],
      yTitle: 'score',
      valueLabels: true,
      height: 320,
      beside: true,
    },
    {
      id: 'chart-datasets',
      title: multi ? 'Per dataset, runs side by side' : 'Per dataset',
      kind: 'bar',
      labels: datasets.map((d) => d.name),
      series: multi
        ? runs.map((r, i) => ({ label: `${runLetter(i)} · ${r.name}`, data: datasets.map((d) => num(scores[i]![d.name])), color: runColor(i) }))
        : [{ label: runs[0]!.name, data: datasets.map((d) => num(scores[0]![d.name])), color: PALETTE[0]!, colors: datasets.map((d) => categoryColor(d.category)) }],
      ...(multi ? {} : { legendItems: cats.map((c) => ({ label: c, color: categoryColor(c) })) }),
      yTitle: 'score',
      height: 320,
      wide: datasets.length * runs.length > 12,
      // One run: beside the table, under the category chart; several: full width below.
      beside: !multi,
    },
  ];
  const steps = stepChart(runs, [
    { label: 'Overall', value: (i) => aggs[i]!.overall, color: '#222', strong: true },
    ...cats.map((c) => ({ label: c, value: (i: number) => aggs[i]!.categories?.[c], color: categoryColor(c) })),
  ]);
  if (steps) charts.push(steps);
  return {
    headline,
    scoresNote:
      "Dataset scores (0–100) are computed as LongBench's eval.py does. Category averages and the overall average are evalh's means of the dataset scores.",
    tables: official,
    mainTable: byDataset,
    charts,
  };
}

export function longbenchEView(data: ReportData): SuiteView {
  const runs = data.runs;
  const multi = runs.length > 1;
  const buckets = [...LONGBENCH_E_BUCKETS];
  const scores = runs.map((r) => r.summary.scores as Record<string, Record<string, number>>);
  const aggs = runs.map((r) => (r.summary.aggregates ?? {}) as EAggregates);
  const datasets = presentDatasets(data, scores);
  const cats = CATEGORIES.filter((c) => datasets.some((d) => d.category === c));
  const counts = itemCounts(data);
  const bucketCounts = new Map<string, number>();
  for (const it of data.items) {
    const k = `${it.d}\u0000${lengthBucket(it.len ?? 0)}`;
    bucketCounts.set(k, (bucketCounts.get(k) ?? 0) + 1);
  }

  const headline = multi
    ? html`<div class="table-wrap"><table class="num headline-table" id="headline-buckets">
        <thead><tr><th class="text">Average by length</th>${buckets.map((b) => html`<th>${b}</th>`)}</tr></thead>
        <tbody>${runs.map(
          (r, i) => html`<tr><th class="text">${runTag(r, i)}</th>${buckets.map((b) => {
            const v = aggs[i]!.overall?.[b];
            const dv = i === 0 ? undefined : diff(v, aggs[0]!.overall?.[b]);
            return html`<td data-run="${i}" data-bucket="${b}"><span class="hv">${fmtScore(v)}</span>${i > 0 ? html` <span class="${deltaClass(dv)}">${fmtDelta(dv)}</span>` : ''}</td>`;
          })}</tr>`,
        )}</tbody></table></div>`
    : html`<div class="headline">${buckets.map(
        (b, j) => html`<div class="big" data-bucket="${b}"><div class="big-label"><span class="swatch" style="background:${BUCKET_COLORS[j]}"></span>${b} tokens</div>
          <div class="big-value">${fmtScore(aggs[0]!.overall?.[b])}</div><div class="big-sub">average over datasets</div></div>`,
      )}</div>`;

  const span = runs.length * 2 - 1;
  const cellsFor = (value: (i: number) => number | undefined, key: string, bucket: string, first: boolean): Html[] =>
    runs.map((_, i) => {
      const v = value(i);
      const cls = first && i === 0 ? 'gstart' : '';
      const cell = html`<td class="${cls}" data-run="${i}" data-key="${key}" data-bucket="${bucket}">${fmtScore(v)}</td>`;
      if (i === 0) return cell;
      const dv = diff(v, value(0));
      return html`${cell}<td class="${deltaClass(dv)}">${fmtDelta(dv)}</td>`;
    });
  const table = html`<h3>LongBench-E layout: dataset × input length</h3>
    <div class="table-wrap"><table class="num bydataset" id="scores-e">
      <thead>${
        multi
          ? html`<tr><th rowspan="2" class="text">Dataset</th><th rowspan="2" class="text">Metric</th><th rowspan="2">Items</th>${buckets.map(
              (b) => html`<th colspan="${span}" class="gstart cat">${b}</th>`,
            )}</tr>
            <tr>${buckets.map((_b) => runs.map((r, i) => html`<th class="${i === 0 ? 'gstart' : ''}" title="${r.name}">${runTag(r, i, true)}</th>${i > 0 ? html`<th>Δ</th>` : ''}`))}</tr>`
          : html`<tr><th class="text">Dataset</th><th class="text">Metric</th><th>Items</th>${buckets.map((b) => html`<th class="gstart">${b}</th>`)}</tr>`
      }</thead>
      <tbody>${cats.map(
        (c) => html`<tr class="group"><th class="text" colspan="${3 + buckets.length * span}"><span class="swatch" style="background:${categoryColor(c)}"></span>${c}</th></tr>
          ${datasets
            .filter((d) => d.category === c)
            .map(
              (d) => html`<tr data-row="${d.name}"><td class="text ds">${d.name}</td><td class="text muted">${d.metric}</td><td class="muted" title="${buckets.map((b) => `${b}: ${bucketCounts.get(`${d.name}\u0000${b}`) ?? 0}`).join(', ')}">${fmtInt(counts.get(d.name) ?? 0)}</td>${buckets.map((b) =>
                cellsFor((i) => scores[i]![d.name]?.[b], d.name, b, true),
              )}</tr>`,
            )}`,
      )}
        <tr class="total" data-row="overall"><th class="text" colspan="2">Average <span class="muted">over datasets, empty buckets skipped</span></th><td class="muted">${fmtInt(sum(counts))}</td>${buckets.map((b) =>
          cellsFor((i) => aggs[i]!.overall?.[b], 'overall', b, true),
        )}</tr>
      </tbody>
    </table></div>`;

  const charts: ChartSpec[] = [
    {
      id: 'chart-buckets',
      title: 'Average by input length',
      kind: 'bar',
      labels: buckets.map((b) => `${b} tokens`),
      series: multi
        ? runs.map((r, i) => ({ label: `${runLetter(i)} · ${r.name}`, data: buckets.map((b) => num(aggs[i]!.overall?.[b])), color: runColor(i) }))
        : [{ label: runs[0]!.name, data: buckets.map((b) => num(aggs[0]!.overall?.[b])), color: PALETTE[0]!, colors: BUCKET_COLORS }],
      yTitle: 'score',
      valueLabels: true,
      height: 320,
      beside: true,
    },
  ];
  if (multi) {
    buckets.forEach((b, j) =>
      charts.push({
        id: `chart-e-datasets-${j}`,
        title: `Per dataset, ${b} tokens`,
        kind: 'bar',
        labels: datasets.map((d) => d.name),
        series: runs.map((r, i) => ({ label: `${runLetter(i)} · ${r.name}`, data: datasets.map((d) => num(scores[i]![d.name]?.[b])), color: runColor(i) })),
        yTitle: 'score',
        height: 280,
        wide: true,
      }),
    );
  } else {
    charts.push({
      id: 'chart-e-datasets',
      title: 'Per dataset, by input length',
      kind: 'bar',
      labels: datasets.map((d) => d.name),
      series: buckets.map((b, j) => ({ label: `${b} tokens`, data: datasets.map((d) => num(scores[0]![d.name]?.[b])), color: BUCKET_COLORS[j]! })),
      yTitle: 'score',
      height: 300,
      wide: true,
    });
  }
  const steps = stepChart(
    runs,
    buckets.map((b, j) => ({ label: `${b} tokens`, value: (i: number) => aggs[i]!.overall?.[b], color: BUCKET_COLORS[j]! })),
  );
  if (steps) charts.push(steps);

  return {
    headline,
    scoresNote:
      "Scores (0–100) per dataset and input-length bucket are computed as LongBench's eval.py does for LongBench-E (a bucket with no items is empty, shown as —). The averages are evalh's means over datasets.",
    tables: html``,
    mainTable: table,
    charts,
    groupName: 'Length',
    groups: buckets,
    groupOf: (it) => lengthBucket(it.len ?? 0),
  };
}

/** Score vs checkpoint: the runs that carry a numeric `step` tag, ordered by step. */
function stepChart(
  runs: RunInfo[],
  lines: { label: string; value: (run: number) => number | undefined; color: string; strong?: boolean }[],
): ChartSpec | undefined {
  const stepped = runs.map((r, i) => ({ r, i })).filter(({ r }) => r.step !== null);
  if (stepped.length < 2) return undefined;
  stepped.sort((a, b) => a.r.step! - b.r.step! || a.i - b.i);
  const pointNames: Record<string, string> = {};
  for (const { r, i } of stepped) {
    const k = String(r.step);
    pointNames[k] = pointNames[k] ? `${pointNames[k]}, ${runLetter(i)} · ${r.name}` : `${runLetter(i)} · ${r.name}`;
  }
  const left = runs.length - stepped.length;
  const series: ChartSeries[] = lines.map((l) => ({
    label: l.label,
    data: stepped.map(({ r, i }) => ({ x: r.step!, y: num(l.value(i)) })),
    color: l.color,
    ...(l.strong ? { strong: true } : {}),
  }));
  return {
    id: 'chart-steps',
    title: 'Score by checkpoint step',
    note: left > 0 ? `${left} run(s) without a numeric step tag are not shown.` : undefined,
    kind: 'line',
    series,
    xTitle: 'step',
    yTitle: 'score',
    pointNames,
    height: 320,
    wide: true,
  };
}

/** The suite's datasets that any run scored, in official order (plus any the store has and the table does not). */
function presentDatasets(data: ReportData, scores: Record<string, unknown>[]): DatasetSpec[] {
  const present = new Set([...data.datasets, ...scores.flatMap((s) => Object.keys(s))]);
  return DATASETS.filter((d) => present.has(d.name) && scores.some((s) => d.name in s));
}

function itemCounts(data: ReportData): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of data.items) m.set(it.d, (m.get(it.d) ?? 0) + 1);
  return m;
}

function runTag(r: RunInfo, i: number, short = false): Html {
  return html`<span class="runtag" title="${r.name}"><span class="swatch" style="background:${runColor(i)}"></span><b>${runLetter(i)}</b>${short ? '' : html` ${breakable(r.name)}`}</span>`;
}

function groupStart(ds: DatasetSpec[], j: number): boolean {
  return j === 0 || ds[j - 1]!.category !== ds[j]!.category;
}

function diff(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) ? undefined : a - b;
}

function num(x: number | undefined): number | null {
  return x === undefined || Number.isNaN(x) ? null : x;
}

function sum(m: Map<string, number>): number {
  let s = 0;
  for (const v of m.values()) s += v;
  return s;
}
