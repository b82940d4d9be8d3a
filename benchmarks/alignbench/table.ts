import { pyRound } from '../../src/metrics/pyround.js';
import type { Summary } from '../../src/suite.js';
import { table } from '../../src/table.js';
import type { AlignAggregates } from './aggregate.js';
import { CATEGORIES, GROUPS, OVERALL, type Group } from './categories.js';

// The official leaderboard's layout, one row per column of it: 中文推理 (数学计算, 逻辑推理,
// 推理总分), 中文语言 (six categories, 语言总分), then 总分. Two decimals, as the leaderboard
// shows them (Python's rounding of the exact value).

export function renderSummary(summary: Summary): string {
  const scores = summary.scores as Record<string, number>;
  const agg = (summary.aggregates ?? {}) as Partial<AlignAggregates>;
  const excl = agg.excludingUnparseable ?? {};
  const bad = agg.unparseable?.byCategory ?? {};
  const rows: string[][] = [];
  const groupRow = (g: Group, label: string) => {
    const members = CATEGORIES.filter((c) => c.group === g && (c.name in scores || c.name in bad));
    for (const c of members) rows.push([g, c.name, c.english, fmt(scores[c.name]), fmt(excl[c.name]), String(bad[c.name] ?? '')]);
    if (members.length > 0) rows.push([g, label, `${g === '中文推理' ? 'Reasoning' : 'Language'} (mean of ${GROUPS[g].length})`, fmt(scores[g]), fmt(excl[g]), '']);
  };
  groupRow('中文推理', '推理总分');
  groupRow('中文语言', '语言总分');
  rows.push([OVERALL, '', 'Overall (推理 + 语言) / 2', fmt(scores[OVERALL]), fmt(excl[OVERALL]), String(agg.unparseable?.count ?? '')]);
  const out = [table(['Group', 'Category', 'English', 'Score', 'Excl. unparseable', 'Unparseable'], rows)];
  const judged = agg.unparseable?.total ?? 0;
  if (agg.unparseable && judged > 0) {
    const u = agg.unparseable;
    out.push(
      `unparseable judgments: ${u.count} of ${u.total} (${(100 * u.share).toFixed(1)}%), counted as -1 in Score as show_result.py counts them; scale 1–10`,
    );
  }
  // Items that failed have no judgment at all: say so, rather than "0 of 0" when every one failed.
  const why = [
    agg.notJudged?.judgeFailed ? `${agg.notJudged.judgeFailed} item(s) failed to be judged` : '',
    agg.notJudged?.noAnswer ? `${agg.notJudged.noAnswer} item(s) got no answer to judge` : '',
  ].filter(Boolean);
  if (judged === 0) out.push(`no judgments${why.length > 0 ? `: ${why.join(', ')} (not scored)` : ''}`);
  else if (why.length > 0) out.push(`not judged: ${why.join(', ')} (not scored; run the same command again to retry them)`);
  if (agg.warning) out.push(`WARNING: ${agg.warning}`);
  if (agg.dimensions && Object.keys(agg.dimensions).length > 0) {
    out.push('', table(['Dimension', 'Mean', 'Judgments'], Object.entries(agg.dimensions).map(([d, m]) => [d, fmt(m.mean), String(m.n)])));
  }
  return out.join('\n');
}

function fmt(x: number | undefined): string {
  if (x === undefined) return '-';
  if (Number.isNaN(x)) return 'NaN';
  return pyRound(x, 2).toFixed(2);
}
