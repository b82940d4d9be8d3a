import type { AlignAggregates, DimensionMean } from '../benchmarks/alignbench/aggregate.js';
import { UNPARSEABLE, UNPARSEABLE_WARN_SHARE } from '../benchmarks/alignbench/aggregate.js';
import { CATEGORIES, GROUPS, OVERALL, type CategorySpec, type Group } from '../benchmarks/alignbench/categories.js';
import { pyRound } from '../src/metrics/pyround.js';
import type { ItemRow } from '../src/store.js';
import type { CollectHooks, ItemEntry, ReportData, RunInfo } from './collect.js';
import { breakable, deltaClass, fmtDelta, fmtInt, html, scriptJson, raw, type Html } from './html.js';
import { runColor, runLetter, type ChartSpec, type SuiteView } from './view.js';

// AlignBench in its official layout: the eight categories (reasoning first, as on the
// leaderboard), then 中文推理, 中文语言 and 总分, on the judge's 1–10 scale. Beside the official
// numbers (show_result.py's, unparseable judgments counted as −1): how many judgments could
// not be parsed and the same numbers without them; per-dimension means; a radar of the
// categories; and per item the question, the answer, the reference, the judge's scores and
// its raw judgment (drawn by the page script, client/app.js, from the `x` fields below).

const GROUP_ENGLISH: Record<Group, string> = { 中文推理: 'Reasoning', 中文语言: 'Language' };

/** The dimensions of the official dimension_definition.json, in the order they are shown; others follow by name. */
const DIMENSIONS: [string, string][] = [
  ['事实正确性', 'Factual correctness'],
  ['满足用户需求', 'User satisfaction'],
  ['逻辑连贯性', 'Logical coherence'],
  ['清晰度', 'Clarity'],
  ['完备性', 'Completeness'],
  ['创造性', 'Creativity'],
  ['丰富度', 'Richness'],
  ['公平与可负责程度', 'Fairness and responsibility'],
  ['综合得分', 'Overall score'],
];
const DIMENSION_ENGLISH = new Map(DIMENSIONS);
const DIMENSION_RANK = new Map(DIMENSIONS.map(([d], i) => [d, i]));

/** What the page script reads from #evalh-view (the item table's AlignBench mode). */
export interface AlignbenchClientView {
  kind: 'alignbench';
  categories: Record<string, string>;
  dimensions: Record<string, string>;
  /** Dimension order for the per-item tables. */
  dimensionOrder: string[];
}

// ---------------------------------------------------------------- collecting

/**
 * Item fields: `ref` = [the reference answer]; `src` = question_id; `x` = { q: question,
 * sub: subcategory, dims: the question type's dimension set }. Result fields: `x` = { j: the
 * raw judgment, dm: the rating dict read from it, p: parsed, c: from the judge cache }; the
 * overall is the result's score (−1 = unparseable).
 */
export const alignbenchCollect: CollectHooks = {
  entry(target) {
    const t = isRecord(target) ? target : {};
    const x: Record<string, unknown> = {};
    if (typeof t.question === 'string') x.q = t.question;
    if (typeof t.subcategory === 'string') x.sub = t.subcategory;
    if (Array.isArray(t.dimensions)) x.dims = t.dimensions.map(String);
    return {
      ref: typeof t.reference === 'string' ? [t.reference] : [],
      ...(typeof t.question_id === 'number' || typeof t.question_id === 'string' ? { src: String(t.question_id) } : {}),
      x,
    };
  },
  result(row: ItemRow) {
    const s = row.scores;
    if (!isRecord(s)) return undefined;
    const x: Record<string, unknown> = {};
    if (typeof s.judgment === 'string') x.j = s.judgment;
    if (isRecord(s.dimensions)) x.dm = s.dimensions;
    if (typeof s.parsed === 'boolean') x.p = s.parsed;
    if (typeof s.judgeCached === 'boolean') x.c = s.judgeCached;
    return x;
  },
};

// ---------------------------------------------------------------- the view

type Scores = Record<string, number>;
type Aggs = Partial<AlignAggregates>;
/** A column of the official table: a category, a group, or the overall. */
type Column = { key: string; zh: string; en: string; kind: 'category' | 'group' | 'overall' };

export function alignbenchView(data: ReportData): SuiteView {
  const runs = data.runs;
  const multi = runs.length > 1;
  const scores = runs.map((r) => (r.summary.scores ?? {}) as Scores);
  const aggs = runs.map((r) => (r.summary.aggregates ?? {}) as Aggs);
  const present = new Set([...data.datasets, ...scores.flatMap((s) => Object.keys(s))]);
  const cats = CATEGORIES.filter((c) => present.has(c.name));
  const counts = new Map<string, number>();
  for (const it of data.items) counts.set(it.d, (counts.get(it.d) ?? 0) + 1);
  const columns: Column[] = [
    ...cats.map((c): Column => ({ key: c.name, zh: c.name, en: c.english, kind: 'category' })),
    { key: '中文推理', zh: '中文推理', en: 'Reasoning', kind: 'group' },
    { key: '中文语言', zh: '中文语言', en: 'Language', kind: 'group' },
    { key: OVERALL, zh: OVERALL, en: 'Overall', kind: 'overall' },
  ];
  const excl = (i: number) => aggs[i]!.excludingUnparseable ?? {};
  const unp = (i: number) => aggs[i]!.unparseable;

  const headline = html`${multi ? multiHeadline(runs, scores, aggs) : singleHeadline(runs[0]!, scores[0]!, aggs[0]!)}${warnings(runs, aggs)}`;

  // The leaderboard's layout: one row per run, the categories, then the two groups and the overall.
  const official = html`<h3>AlignBench layout <span class="muted">(judge score, 1–10)</span></h3>
    <div class="table-wrap"><table class="num official ab-official" id="scores-official">
      <thead>
        <tr><th rowspan="2" class="rowhead text">${multi ? 'Run' : ''}</th>${(['中文推理', '中文语言'] as Group[]).map((g) => {
          const n = cats.filter((c) => c.group === g).length;
          return n ? html`<th colspan="${n}" class="cat gstart">${g} <span class="en">${GROUP_ENGLISH[g]}</span></th>` : '';
        })}<th colspan="3" class="cat gstart">Averages</th></tr>
        <tr>${columns.map(
          (c, j) => html`<th class="${colStart(columns, j) ? 'gstart abcol' : 'abcol'}" title="${c.en}"><span class="zh">${c.zh}</span><span class="en">${c.en}</span></th>`,
        )}</tr>
      </thead>
      <tbody>${runs.map(
        (r, i) => html`<tr data-run="${i}"><th class="rowhead text">${multi ? runTag(r, i) : 'Score'}</th>${columns.map(
          (c, j) => html`<td class="${cls(colStart(columns, j) && 'gstart', c.kind === 'overall' && 'strong')}" data-run="${i}" data-key="${c.key}">${fmt(scores[i]![c.key])}</td>`,
        )}</tr>${
          i > 0
            ? html`<tr class="delta-row" data-delta-run="${i}"><th class="rowhead text"><span class="muted">Δ ${runLetter(i)} − A</span></th>${columns.map((c, j) => {
                const dv = diff(scores[i]![c.key], scores[0]![c.key]);
                return html`<td class="${cls(colStart(columns, j) && 'gstart', deltaClass(dv))}" data-delta="${i}" data-key="${c.key}">${fmtDelta(dv)}</td>`;
              })}</tr>`
            : ''
        }`,
      )}</tbody>
    </table></div>`;

  // Categories as rows (grouped as show_result.py groups them); per run the official score,
  // Δ vs A, the score without the unparseable judgments, and their count.
  const runHead = multi
    ? html`<tr><th rowspan="2" class="text">Category</th><th rowspan="2" class="text">English</th><th rowspan="2">Items</th>${runs.map(
        (r, i) => html`<th colspan="${i > 0 ? 4 : 3}" class="gstart runcol" title="${r.name}">${runTag(r, i, true)}</th>`,
      )}</tr>
      <tr>${runs.map((_, i) => html`<th class="gstart">Score</th>${i > 0 ? html`<th>Δ</th>` : ''}<th title="the same means without the unparseable judgments">Excl.</th><th title="unparseable judgments (counted as −1 in Score)">Unp.</th>`)}</tr>`
    : html`<tr><th class="text">Category</th><th class="text">English</th><th>Items</th><th class="gstart">Score</th><th>Excl. unparseable</th><th>Unparseable</th></tr>`;
  const cells = (key: string, unpCount: (i: number) => number | undefined) =>
    runs.map((_, i) => {
      const v = scores[i]![key];
      const dv = i > 0 ? diff(v, scores[0]![key]) : undefined;
      const u = unpCount(i);
      return html`<td class="gstart" data-run="${i}" data-key="${key}" data-col="score">${fmt(v)}</td>${
        i > 0 ? html`<td class="${deltaClass(dv)}" data-delta="${i}" data-key="${key}">${fmtDelta(dv)}</td>` : ''
      }<td class="excl" data-run="${i}" data-key="${key}" data-col="excl">${fmt(excl(i)[key])}</td><td class="${u ? 'warn' : 'muted'}" data-run="${i}" data-key="${key}" data-col="unparseable">${u === undefined ? '—' : fmtInt(u)}</td>`;
    });
  const groupUnp = (i: number, members: readonly string[]) => {
    const by = unp(i)?.byCategory;
    const known = by ? members.filter((c) => c in by) : [];
    return known.length ? known.reduce((n, c) => n + by![c]!, 0) : undefined;
  };
  const groupRows = (g: Group) => {
    const members = cats.filter((c) => c.group === g);
    if (members.length === 0) return html``;
    return html`<tr class="group" data-row="${g}"><th class="text">${g}</th><th class="text">${GROUP_ENGLISH[g]} <span class="muted">· mean of ${GROUPS[g].length}</span></th><td class="muted">${fmtInt(sum(members.map((c) => counts.get(c.name) ?? 0)))}</td>${cells(g, (i) =>
      groupUnp(i, GROUPS[g]),
    )}</tr>
      ${members.map(
        (c: CategorySpec) => html`<tr data-row="${c.name}"><td class="text ds">${c.name}</td><td class="text en">${c.english}</td><td class="muted">${fmtInt(counts.get(c.name) ?? 0)}</td>${cells(c.name, (i) =>
          unp(i)?.byCategory[c.name],
        )}</tr>`,
      )}`;
  };
  const byCategory = html`<h3>By category${multi ? ' (Δ vs A)' : ''}</h3>
    <div class="table-wrap"><table class="num bydataset ab-bycat" id="scores-by-category">
      <thead>${runHead}</thead>
      <tbody>${groupRows('中文推理')}${groupRows('中文语言')}
        <tr class="total" data-row="${OVERALL}"><th class="text">${OVERALL}</th><th class="text">Overall <span class="muted">· (推理 + 语言) / 2</span></th><td class="muted">${fmtInt(data.items.length)}</td>${cells(OVERALL, (i) => unp(i)?.count)}</tr>
      </tbody>
    </table></div>
    <p class="note ab-tnote">Score: show_result.py's means, an unparseable judgment counted as −1. Excl.${multi ? '' : ' unparseable'}: the same means over the parseable judgments only. ${multi ? 'Unp.' : 'Unparseable'}: judgments written in a form judge.py cannot read.</p>`;

  const notes = html`${judgeNotes(runs)}${clientView()}`;

  const tables = html`${notes}${official}`;
  const mainTable = html`${byCategory}${dimensionTable(runs, aggs)}`;

  // The radar of the eight categories (several runs overlaid), and how the item scores spread.
  const radarValues = runs.flatMap((_, i) => cats.map((c) => scores[i]![c.name])).filter((v): v is number => v !== undefined && !Number.isNaN(v));
  const charts: ChartSpec[] = [];
  if (cats.length >= 3) {
    charts.push({
      id: 'chart-radar',
      title: multi ? 'Categories, runs overlaid (1–10)' : 'Categories (judge score, 1–10)',
      kind: 'radar',
      labels: cats.map((c) => `${c.name}\n${c.english}`),
      series: runs.map((r, i) => ({ label: `${runLetter(i)} · ${r.name}`, data: cats.map((c) => num(scores[i]![c.name])), color: runColor(i) })),
      scale: { min: Math.min(0, Math.floor(Math.min(0, ...radarValues))), max: 10, step: 2 },
      height: 400,
      beside: true,
      ...(radarValues.some((v) => v < 0) ? { note: 'A category whose mean is below 0 is mostly unparseable judgments (each counts as −1).' } : {}),
    });
  }
  charts.push(distributionChart(data, runs));

  const subs: string[] = [];
  for (const it of data.items) {
    const s = subOf(it);
    if (s && !subs.includes(s)) subs.push(s);
  }

  return {
    headline,
    scoresNote:
      "Scores are the judge's 1–10 ratings averaged as AlignBench's show_result.py does: per category the mean of the item scores (an unparseable judgment counts as −1); " +
      '中文推理 = mean of 数学计算 and 逻辑推理; 中文语言 = mean of the six language categories; 总分 = (中文推理 + 中文语言) / 2. Two decimals, as the leaderboard shows them.',
    tables,
    mainTable,
    charts,
    ...(subs.length > 0 ? { groupName: 'Subcategory', groups: subs, groupOf: (it: ItemEntry) => subOf(it) ?? '' } : {}),
  };
}

function singleHeadline(r: RunInfo, s: Scores, a: Aggs): Html {
  const u = a.unparseable;
  const ex = a.excludingUnparseable ?? {};
  const judge = judgeOf(r);
  return html`<div class="headline">
    <div class="big"><div class="big-label">总分 · Overall</div><div class="big-value" id="headline-score">${fmt(s[OVERALL])}</div>
      <div class="big-sub">judge score, 1–10${judge ? html` · judged by <b>${judge}</b>` : ''}</div></div>
    <div class="tiles">
      ${(['中文推理', '中文语言'] as Group[]).map(
        (g) => html`<div class="tile" data-key="${g}"><div class="tile-label">${g} · ${GROUP_ENGLISH[g]}</div><div class="tile-value">${fmt(s[g])}</div></div>`,
      )}
      ${u ? html`<div class="${`tile ${u.share > UNPARSEABLE_WARN_SHARE ? 'bad' : u.count > 0 ? 'warn' : ''}`}" id="unparseable-tile"><div class="tile-label">Unparseable judgments</div>
        <div class="tile-value" id="unparseable-count">${fmtInt(u.count)}</div><div class="tile-sub">of ${fmtInt(u.total)} (${pct(u.share)}) · counted as −1</div></div>` : ''}
      <div class="tile" id="excl-tile"><div class="tile-label">总分 excl. unparseable</div><div class="tile-value">${fmt(ex[OVERALL])}</div><div class="tile-sub">parseable judgments only</div></div>
    </div>
  </div>`;
}

function multiHeadline(runs: RunInfo[], scores: Scores[], aggs: Aggs[]): Html {
  return html`<div class="headline runs">${runs.map((r, i) => {
    const dv = diff(scores[i]![OVERALL], scores[0]![OVERALL]);
    const u = aggs[i]!.unparseable;
    const judge = judgeOf(r);
    return html`<div class="big" data-run="${i}">
      <div class="big-label">${runTag(r, i)}</div>
      <div class="big-value">${fmt(scores[i]![OVERALL])}</div>
      <div class="big-sub">${i === 0 ? '总分 (baseline)' : html`总分 · <span class="${deltaClass(dv)}">${fmtDelta(dv)}</span> vs A`}${judge ? html` · judge <b>${judge}</b>` : ''}</div>
      ${u ? html`<div class="${u.share > UNPARSEABLE_WARN_SHARE ? 'big-sub bad-text' : 'big-sub'}" data-unparseable="${i}">${fmtInt(u.count)} of ${fmtInt(u.total)} unparseable (${pct(u.share)})</div>` : ''}
    </div>`;
  })}</div>`;
}

/** A warning per run whose share of unparseable judgments is above 5%; judge failures that left items unscored. */
function warnings(runs: RunInfo[], aggs: Aggs[]): Html {
  const multi = runs.length > 1;
  const out: Html[] = [];
  runs.forEach((r, i) => {
    const u = aggs[i]!.unparseable;
    if (!u || !(u.share > UNPARSEABLE_WARN_SHARE)) return;
    out.push(
      html`<div class="ab-alert" role="alert" data-run="${i}"><b>${multi ? html`${runLetter(i)}: ` : ''}${fmtInt(u.count)} of ${fmtInt(u.total)} judgments (${pct(u.share)}) could not be parsed</b>, more than ${pct(UNPARSEABLE_WARN_SHARE, 0)}.
        The official score counts each as −1, so it says more about the judge's format than about the model: compare with the scores excluding them, read the raw judgments (items, “Unparseable only”), or use another judge.</div>`,
    );
  });
  runs.forEach((r, i) => {
    const failed = Object.entries(r.health.errorKinds).filter(([k]) => k.startsWith('scoring_')).reduce((n, [, c]) => n + c, 0);
    if (failed === 0) return;
    out.push(
      html`<div class="ab-alert soft" role="note" data-judge-failed="${i}">${multi ? html`<b>${runLetter(i)}:</b> ` : ''}<b>${fmtInt(failed)} item(s) not scored because the judge kept failing.</b>
        The model's answers are kept; running the same command again asks the judge again (not the model). They are left out of every mean above.</div>`,
    );
  });
  return out.length ? html`<div class="ab-alerts">${out}</div>` : html``;
}

/** Which judge and which judge prompt each run used (the prompt note comes from the run's labels). */
function judgeNotes(runs: RunInfo[]): Html {
  const multi = runs.length > 1;
  const prompts = runs.map((r) => r.labels.find((l) => /^judge prompt:/i.test(l)) ?? null);
  const samePrompt = prompts.every((p) => p === prompts[0]);
  const promptText = (p: string | null) => (p === null ? 'not recorded (imported judgments?)' : p.replace(/^judge prompt:\s*/i, ''));
  const judgeLine = (r: RunInfo) => {
    const j = r.settings.judge;
    if (!isRecord(j)) return html`<span class="muted">none recorded${r.runner.runner === 'import' ? ' (judgments imported from judge.py output)' : ''}</span>`;
    return html`<b>${String(j.model ?? '?')}</b>${j.endpoint ? html` <span class="muted">at ${String(j.endpoint)}</span>` : ''}`;
  };
  return html`<dl class="ab-notes" id="judge-notes">
    <dt>Judge</dt><dd>${multi ? runs.map((r, i) => html`<span class="ab-run-judge"><b>${runLetter(i)}</b>: ${judgeLine(r)}</span>`) : judgeLine(runs[0]!)}</dd>
    <dt>Judge prompt</dt><dd id="judge-prompt-note">${
      samePrompt
        ? html`${promptText(prompts[0]!)}${multi ? html` <span class="muted">(all runs)</span>` : ''}`
        : html`${runs.map((_, i) => html`<div><b>${runLetter(i)}</b>: ${promptText(prompts[i]!)}</div>`)}<div class="warn-text">The runs used different judge prompts: compare with care.</div>`
    }</dd>
    <dt>Scale</dt><dd>1–10 per answer, from the <code>'综合得分'</code> the judge writes; a judgment judge.py cannot parse scores −1.</dd>
  </dl>`;
}

/** dimension_calculate.py's means per run. */
function dimensionTable(runs: RunInfo[], aggs: Aggs[]): Html {
  const multi = runs.length > 1;
  const dims = aggs.map((a) => a.dimensions ?? null);
  const names = [...new Set(dims.flatMap((d) => (d ? Object.keys(d) : [])))].sort(
    (a, b) => (DIMENSION_RANK.get(a) ?? 99) - (DIMENSION_RANK.get(b) ?? 99) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const head = multi
    ? html`<tr><th rowspan="2" class="text">Dimension</th><th rowspan="2" class="text">English</th>${runs.map(
        (r, i) => html`<th colspan="${i > 0 ? 3 : 2}" class="gstart" title="${r.name}">${runTag(r, i, true)}</th>`,
      )}</tr><tr>${runs.map((_, i) => html`<th class="gstart">Mean</th>${i > 0 ? html`<th>Δ</th>` : ''}<th>n</th>`)}</tr>`
    : html`<tr><th class="text">Dimension</th><th class="text">English</th><th class="gstart">Mean</th><th>Judgments</th></tr>`;
  const cell = (d: Record<string, DimensionMean> | null, name: string) => d?.[name];
  const body = names.map(
    (name) => html`<tr data-row="${name}" class="${name === '综合得分' ? 'total' : ''}"><td class="text ds">${name}</td><td class="text en">${DIMENSION_ENGLISH.get(name) ?? ''}</td>${runs.map((_, i) => {
      const m = cell(dims[i]!, name);
      const dv = i > 0 ? diff(m?.mean, cell(dims[0]!, name)?.mean) : undefined;
      return html`<td class="gstart" data-run="${i}" data-key="${name}">${fmt(m?.mean)}</td>${i > 0 ? html`<td class="${deltaClass(dv)}">${fmtDelta(dv)}</td>` : ''}<td class="muted">${m ? fmtInt(m.n) : '—'}</td>`;
    })}</tr>`,
  );
  const missing = runs.map((r, i) => (dims[i] === null ? runLetter(i) : null)).filter((x) => x !== null);
  return html`<h3>By dimension</h3>
    <div class="table-wrap"><table class="num bydataset ab-dims-table" id="dimension-means">
      <thead>${head}</thead>
      <tbody>${names.length ? body : html`<tr><td class="text muted" colspan="${2 + runs.length * 3}">No per-dimension ratings recorded.</td></tr>`}</tbody>
    </table></div>
    <p class="note ab-tnote">dimension_calculate.py's means: every numeric rating the judge wrote for a dimension, over the judgments that could be parsed (a judge may also rate dimensions outside a question's set).${
      missing.length ? ` Not available for ${missing.join(', ')} (the per-item ratings were not stored).` : ''
    }</p>`;
}

/** Items per judge score (rounded down), unparseable judgments on the left. */
function distributionChart(data: ReportData, runs: RunInfo[]): ChartSpec {
  const labels = ['unparseable', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];
  const counts = runs.map(() => labels.map(() => 0));
  let other = runs.map(() => 0);
  for (const it of data.items) {
    it.r.forEach((r, i) => {
      if (!r || r.st !== 'done' || typeof r.sc !== 'number') return;
      if (r.sc === UNPARSEABLE) counts[i]![0]!++;
      else if (r.sc >= 1 && r.sc <= 10) counts[i]![Math.floor(r.sc)]!++;
      else other[i]!++;
    });
  }
  const hasOther = other.some((n) => n > 0);
  if (!hasOther) other = [];
  const multi = runs.length > 1;
  return {
    id: 'chart-distribution',
    title: multi ? 'Item scores, runs side by side' : 'Item scores',
    note: `Judged items per score (a fractional score in its whole number's bar).${hasOther ? ' "other": scores outside 1–10, which judge.py takes as they are.' : ''}`,
    kind: 'bar',
    labels: hasOther ? [...labels, 'other'] : labels,
    series: runs.map((r, i) => ({
      label: `${runLetter(i)} · ${r.name}`,
      data: hasOther ? [...counts[i]!, other[i]!] : counts[i]!,
      color: runColor(i),
      ...(multi ? {} : { colors: (hasOther ? [...labels, 'other'] : labels).map((l) => (l === 'unparseable' || l === 'other' ? '#bab0ac' : runColor(0))) }),
    })),
    xTitle: 'judge score',
    yTitle: 'items',
    scale: { min: 0, integer: true },
    height: 280,
    wide: false,
  };
}

/** The page script's AlignBench mode and the names it shows (no data: the items are in #evalh-data). */
function clientView(): Html {
  const view: AlignbenchClientView = {
    kind: 'alignbench',
    categories: Object.fromEntries(CATEGORIES.map((c) => [c.name, c.english])),
    dimensions: Object.fromEntries(DIMENSIONS),
    dimensionOrder: DIMENSIONS.map(([d]) => d),
  };
  return raw(`<script type="application/json" id="evalh-view">${scriptJson(view)}</script>`);
}

// ---------------------------------------------------------------- helpers

function judgeOf(r: RunInfo): string | undefined {
  const j = r.settings.judge;
  return isRecord(j) && typeof j.model === 'string' ? j.model : undefined;
}

function subOf(it: ItemEntry): string | undefined {
  const s = it.x?.sub;
  return typeof s === 'string' ? s : undefined;
}

function runTag(r: RunInfo, i: number, short = false): Html {
  return html`<span class="runtag" title="${r.name}"><span class="swatch" style="background:${runColor(i)}"></span><b>${runLetter(i)}</b>${short ? '' : html` ${breakable(r.name)}`}</span>`;
}

function colStart(cols: Column[], j: number): boolean {
  if (j === 0) return true;
  const a = cols[j - 1]!;
  const b = cols[j]!;
  if (a.kind !== 'category' || b.kind !== 'category') return a.kind === 'category' && b.kind !== 'category';
  return CATEGORIES.find((c) => c.name === a.key)?.group !== CATEGORIES.find((c) => c.name === b.key)?.group;
}

/** Two decimals as the CLI's table shows them (Python's round of the exact value). */
export function fmt(x: number | undefined | null): string {
  if (x === undefined || x === null) return '—';
  if (Number.isNaN(x)) return 'NaN';
  return pyRound(x, 2).toFixed(2);
}

function pct(share: number, digits = 1): string {
  return `${(100 * share).toFixed(digits)}%`;
}

function cls(...names: (string | false | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}

function diff(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) ? undefined : a - b;
}

function num(x: number | undefined): number | null {
  return x === undefined || Number.isNaN(x) ? null : x;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
