// AlignBench's eight first-level categories (the suite's datasets) and the two groups the
// official show_result.py averages them into.

export type Group = '中文推理' | '中文语言';

export interface CategorySpec {
  name: string;
  english: string;
  group: Group;
  /** Questions in the official release (v1.0 and v1.1 alike). */
  items: number;
}

/** In the order of the official leaderboard: reasoning first, then the six language categories. */
export const CATEGORIES: readonly CategorySpec[] = [
  { name: '数学计算', english: 'Mathematics', group: '中文推理', items: 112 },
  { name: '逻辑推理', english: 'Logical reasoning', group: '中文推理', items: 92 },
  { name: '基本任务', english: 'Fundamental language ability', group: '中文语言', items: 68 },
  { name: '中文理解', english: 'Advanced Chinese understanding', group: '中文语言', items: 58 },
  { name: '综合问答', english: 'Open-ended questions', group: '中文语言', items: 38 },
  { name: '文本写作', english: 'Writing', group: '中文语言', items: 75 },
  { name: '角色扮演', english: 'Role play', group: '中文语言', items: 116 },
  { name: '专业能力', english: 'Professional knowledge', group: '中文语言', items: 124 },
];

export const CATEGORY_NAMES: readonly string[] = CATEGORIES.map((c) => c.name);

/** show_result.py's CATEGORIES: the members of each group, in its order. */
export const GROUPS: Readonly<Record<Group, readonly string[]>> = {
  中文语言: ['基本任务', '中文理解', '综合问答', '文本写作', '角色扮演', '专业能力'],
  中文推理: ['数学计算', '逻辑推理'],
};

export const OVERALL = '总分';

export function categorySpec(name: string): CategorySpec | undefined {
  return CATEGORIES.find((c) => c.name === name);
}

/**
 * show_result.py's column order: the categories sorted as Python sorts strings (by code
 * point), then 中文推理, 中文语言, 总分.
 */
export const SHOW_RESULT_ORDER: readonly string[] = [
  ...[...CATEGORY_NAMES].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  '中文推理',
  '中文语言',
  OVERALL,
];
