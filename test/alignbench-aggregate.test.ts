import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { npMean, showResult, summarize, type AlignAggregates, type AlignScoredItem } from '../benchmarks/alignbench/aggregate.js';
import { CATEGORIES } from '../benchmarks/alignbench/categories.js';
import { alignbench } from '../benchmarks/alignbench/index.js';
import { pyRound } from '../src/metrics/pyround.js';
import { ROOT } from './helpers/cli.js';

const ALL = CATEGORIES.map((c) => c.name);
const item = (dataset: string, score: number, dimensions?: Record<string, number>): AlignScoredItem => ({
  dataset,
  target: {},
  score,
  ...(dimensions ? { scores: { overall: score, dimensions } } : {}),
});
const r2 = (x: number | undefined) => pyRound(x!, 2).toFixed(2);

/** n integer scores (1..10) adding up to `total`, as even as possible. */
function spread(n: number, total: number): number[] {
  const base = Math.floor(total / n);
  const up = total - base * n;
  return Array.from({ length: n }, (_, i) => (i < up ? base + 1 : base));
}

function python(mode: string, args: string[], input?: string): string | undefined {
  const py = spawnSync('python3', [join(ROOT, 'test/fixtures/alignbench/official_reference.py'), mode, ...args], { input, encoding: 'utf8' });
  if (py.error || py.status !== 0) {
    console.warn(`SKIPPED the Python cross-check: python3 with numpy is not available (${py.error?.message ?? py.stderr.trim().split('\n').pop()})`);
    return undefined;
  }
  return py.stdout;
}

describe('show_result.py aggregation', () => {
  it('reproduces the published GPT-4o v1.1 总分 8.38 (and 语言 8.32) from the published category means', () => {
    // README of THUDM/AlignBench at 5b79d4a, leaderboard "gpt-4-0613 的评测结果（2024.06更新）",
    // row GPT-4o: 总分 8.38 | 推理 8.44: 数学 8.62, 逻辑 8.25 | 语言 8.32: 基本 8.25, 中文理解 7.97,
    // 综合问答 8.79, 文本写作 7.95, 角色扮演 8.35, 专业能力 8.62.
    const published: Record<string, number> = { 数学计算: 8.62, 逻辑推理: 8.25, 基本任务: 8.25, 中文理解: 7.97, 综合问答: 8.79, 文本写作: 7.95, 角色扮演: 8.35, 专业能力: 8.62 };
    const s = showResult(new Map(Object.entries(published).map(([c, m]) => [c, [m]])), ALL);
    expect(r2(s['总分'])).toBe('8.38');
    expect(r2(s['中文语言'])).toBe('8.32');
    // The published 推理 8.44 came from the unrounded category means: from the rounded ones
    // (8.62 + 8.25) / 2 is 8.434999… in float64, which rounds (as Python's round and
    // pandas' display do) to 8.43. show_result.py itself rounds nothing.
    expect(s['中文推理']).toBe(8.434999999999999);
    expect(r2(s['中文推理'])).toBe('8.43');
    expect(s['总分']).toBe((s['中文推理']! + s['中文语言']!) / 2);
  });

  it('a derived per-item set with the official item counts gives every published GPT-4o number, -1 failures included', () => {
    // Not GPT-4o's real judgments (they are not published): score lists made up so that each
    // category mean rounds to the published value. 数学计算 and 逻辑推理 hold one decimal score
    // each (judge.py's text fallback yields those) because integer sums cannot reach 推理 8.44
    // without an exact tie; several categories hold a -1 (unparseable) that the official mean
    // counts.
    const lists: Record<string, number[]> = {
      数学计算: [-1, 7.5, ...spread(110, 959)], // sum 965.5 over 112 → 8.6205
      逻辑推理: [7.4, ...spread(91, 752)], // sum 759.4 over 92 → 8.2543
      基本任务: [-1, ...spread(67, 562)], // 561 / 68 → 8.25
      中文理解: spread(58, 462), // 7.9655
      综合问答: [-1, -1, ...spread(36, 336)], // 334 / 38 → 8.7895
      文本写作: spread(75, 596), // 7.9467
      角色扮演: [-1, ...spread(115, 970)], // 969 / 116 → 8.3534
      专业能力: spread(124, 1069), // 8.6210
    };
    for (const c of CATEGORIES) expect(lists[c.name]).toHaveLength(c.items);
    const items = Object.entries(lists).flatMap(([c, xs]) => xs.map((x) => item(c, x)));
    const summary = summarize(items, ALL);
    const s = summary.scores as Record<string, number>;
    expect(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, r2(v)]))).toEqual({
      中文推理: '8.44',
      中文语言: '8.32',
      总分: '8.38',
      数学计算: '8.62',
      逻辑推理: '8.25',
      基本任务: '8.25',
      中文理解: '7.97',
      综合问答: '8.79',
      文本写作: '7.95',
      角色扮演: '8.35',
      专业能力: '8.62',
    });
    // show_result.py's column order: categories sorted by code point, then the groups.
    expect(Object.keys(s)).toEqual(['专业能力', '中文理解', '基本任务', '数学计算', '文本写作', '综合问答', '角色扮演', '逻辑推理', '中文推理', '中文语言', '总分']);
    const agg = summary.aggregates as unknown as AlignAggregates;
    expect(agg.unparseable.count).toBe(5);
    expect(agg.unparseable.total).toBe(683);
    expect(agg.unparseable.byCategory).toMatchObject({ 数学计算: 1, 基本任务: 1, 综合问答: 2, 角色扮演: 1, 中文理解: 0 });
    expect(agg.warning).toBeUndefined(); // 0.7% ≤ 5%
    // Without the -1s every affected category mean rises.
    expect(agg.excludingUnparseable['数学计算']).toBeCloseTo(966.5 / 111, 12);
    expect(agg.excludingUnparseable['综合问答']).toBeCloseTo(336 / 36, 12);
    expect(agg.excludingUnparseable['总分']!).toBeGreaterThan(s['总分']!);
    const text = alignbench.renderSummary(summary);
    for (const v of ['8.38', '8.44', '8.32', '8.62', '7.97']) expect(text).toContain(v);
    expect(text).toMatch(/unparseable judgments: 5 of 683 \(0\.7%\)/);
  });

  it('counts -1 in the category mean, leaves it out of the "excluding" numbers, and warns above 5%', () => {
    const items = [
      ...[8, -1, 6].map((x) => item('数学计算', x)),
      ...[7, 7].map((x) => item('逻辑推理', x)),
      ...['基本任务', '中文理解', '综合问答', '文本写作', '角色扮演', '专业能力'].map((c) => item(c, 6)),
    ];
    const summary = summarize(items, ALL);
    const s = summary.scores as Record<string, number>;
    expect(s['数学计算']).toBe(13 / 3);
    expect(s['中文推理']).toBe((13 / 3 + 7) / 2);
    expect(s['中文语言']).toBe(6);
    expect(s['总分']).toBe(((13 / 3 + 7) / 2 + 6) / 2);
    const agg = summary.aggregates as unknown as AlignAggregates;
    expect(agg.excludingUnparseable['数学计算']).toBe(7);
    expect(agg.excludingUnparseable['总分']).toBe(((7 + 7) / 2 + 6) / 2);
    expect(agg.unparseable).toMatchObject({ count: 1, total: 11 });
    expect(agg.warning).toMatch(/1 of 11 judgments \(9\.1%\) could not be parsed, more than 5%/);
    expect(alignbench.renderSummary(summary)).toMatch(/WARNING: 1 of 11 judgments/);
  });

  it('exactly 5% unparseable is not flagged; a category with only failures is left out of the excluding numbers', () => {
    const items = [item('数学计算', -1), ...Array.from({ length: 19 }, () => item('逻辑推理', 5))];
    const summary = summarize(items, ALL);
    const agg = summary.aggregates as unknown as AlignAggregates;
    expect(agg.unparseable.share).toBe(0.05);
    expect(agg.warning).toBeUndefined();
    expect(summary.scores).toEqual({ 数学计算: -1, 逻辑推理: 5, 中文推理: 2 }); // no language categories: no 中文语言, no 总分
    expect(agg.excludingUnparseable).toEqual({ 逻辑推理: 5 });
  });

  it('per-dimension means as dimension_calculate.py: -1 judgments skipped, comma keys left out', () => {
    const items = [
      item('数学计算', 8, { 事实正确性: 9, 满足用户需求: 8, 综合得分: 8 }),
      item('数学计算', 6, { 事实正确性: 6, 满足用户需求: 5, 综合得分: 6 }),
      item('逻辑推理', -1, { 事实正确性: 1 }),
      item('逻辑推理', 7, { "事实正确性': '较好', '综合得分": 7 }),
    ];
    const agg = summarize(items, ALL).aggregates as unknown as AlignAggregates;
    expect(agg.dimensions).toEqual({ 事实正确性: { mean: 7.5, n: 2 }, 满足用户需求: { mean: 6.5, n: 2 }, 综合得分: { mean: 7, n: 2 } });
    expect(summarize([item('数学计算', 8)], ALL).aggregates!.dimensions).toBeNull();
  });

  it('np.mean bit for bit (pairwise summation), checked against numpy when present', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const lists = [1, 2, 7, 8, 9, 15, 16, 17, 100, 127, 128, 129, 256, 300, 683].map((n) =>
      Array.from({ length: n }, () => (rnd() < 0.5 ? Math.floor(rnd() * 10) + 1 : Math.round(rnd() * 1000) / 100)),
    );
    // Order matters for non-integers: the plain left-to-right sum differs for some of these.
    const naive = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(lists.some((xs) => naive(xs) !== npMean(xs))).toBe(true);
    const out = python('mean', [], JSON.stringify(lists));
    if (out === undefined) return;
    expect(lists.map(npMean)).toEqual(JSON.parse(out));
  });
});
