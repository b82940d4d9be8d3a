import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asciiDigits, parseJudgment } from '../benchmarks/alignbench/parse.js';
import { compileTemplate, describeDimensions, EVALH_TEMPLATE, fillTemplate, loadJudgeTemplate, TEMPLATE_ENV } from '../benchmarks/alignbench/judge-prompt.js';
import { ROOT, tempDir } from './helpers/cli.js';

// Realistic judge outputs and what judge.py's post_process makes of them. Each expectation
// was worked out by hand from the official regexes; when python3 with numpy is present the
// same texts also go through a Python reference of post_process (test/fixtures/alignbench/
// official_reference.py) and must give the same result.

const EXPLAIN =
  '1. 事实正确性：助手的答案给出的计算过程和结果都正确，与参考答案一致。得分：9\n' +
  '2. 满足用户需求：回答直接给出了面积，满足了用户的需求。得分：8\n' +
  '3. 逻辑连贯性：推理步骤清晰，前后一致。得分：8\n' +
  '4. 完备性：略去了单位换算的说明，但不影响结论。得分：7\n' +
  '综合来看，助手的答案质量与参考答案相近。\n';

interface Case {
  name: string;
  text: string;
  overall: number;
  rating: Record<string, number>;
}

const CASES: Case[] = [
  {
    name: 'official one-line dict at the end',
    text: EXPLAIN + "{'事实正确性': 9, '满足用户需求': 8, '逻辑连贯性': 8, '完备性': 7, '综合得分': 8}",
    overall: 8,
    rating: { 事实正确性: 9, 满足用户需求: 8, 逻辑连贯性: 8, 完备性: 7, 综合得分: 8 },
  },
  {
    name: 'double quotes: no pairs, no fallback → -1',
    text: EXPLAIN + '{"事实正确性": 9, "满足用户需求": 8, "综合得分": 8}',
    overall: -1,
    rating: {},
  },
  {
    name: "double-quoted dict, but the explanation quotes '综合得分': 6 → the text fallback (float)",
    text: "因此我给出 '综合得分': 6 分。\n" + '{"事实正确性": 7, "综合得分": 6}',
    overall: 6,
    rating: {},
  },
  {
    name: 'multi-line dict: no one-line {…}, the text fallback reads it',
    text: EXPLAIN + "{\n'事实正确性': 9,\n'满足用户需求': 8,\n'综合得分': 8\n}",
    overall: 8,
    rating: {},
  },
  {
    name: "multi-line dict with a decimal: the fallback keeps two decimals ('7.55' → 7.55)",
    text: "{\n'事实正确性': 8,\n'综合得分': 7.555\n}",
    overall: 7.55,
    rating: {},
  },
  {
    name: "'待定': the pair does not read, the fallback finds nothing → -1",
    text: EXPLAIN + "{'事实正确性': 9, '满足用户需求': 8, '综合得分': '待定'}",
    overall: -1,
    rating: { 事实正确性: 9, 满足用户需求: 8 },
  },
  {
    name: 'decimals in the dict read as their integer part (7.5 → 7 via (\\d+))',
    text: EXPLAIN + "{'事实正确性': 8.5, '满足用户需求': 7.5, '综合得分': 7.5}",
    overall: 7,
    rating: { 事实正确性: 8, 满足用户需求: 7, 综合得分: 7 },
  },
  {
    name: "dict without 综合得分 → the first '综合得分': N anywhere in the text",
    text: "第一轮我认为 '综合得分': 5，复核后应为 '综合得分': 6。\n{'事实正确性': 7, '满足用户需求': 6}",
    overall: 5,
    rating: { 事实正确性: 7, 满足用户需求: 6 },
  },
  {
    name: 'text after the dict line',
    text: EXPLAIN + "{'事实正确性': 9, '满足用户需求': 8, '综合得分': 8}\n以上就是我的评分结果，仅供参考。",
    overall: 8,
    rating: { 事实正确性: 9, 满足用户需求: 8, 综合得分: 8 },
  },
  {
    name: 'a later brace pair on another line wins; its lack of pairs sends the overall to the fallback',
    text: "{'事实正确性': 9, '综合得分': 8}\n注：评分格式为 {维度: 分数}。",
    overall: 8,
    rating: {},
  },
  {
    name: 'several dicts on separate lines: the last one wins',
    text: "初评：{'事实正确性': 5, '综合得分': 5}\n复评后：\n{'事实正确性': 8, '综合得分': 8}",
    overall: 8,
    rating: { 事实正确性: 8, 综合得分: 8 },
  },
  {
    name: 'several dicts on one line: the match spans them, later values overwrite earlier ones',
    text: "{'事实正确性': 5, '清晰度': 6, '综合得分': 5} 修改为 {'事实正确性': 8, '综合得分': 9}",
    overall: 9,
    rating: { 事实正确性: 8, 清晰度: 6, 综合得分: 9 },
  },
  {
    name: 'a quoted string value makes the key swallow the pair (key holds a comma); overall from the fallback',
    text: "{'事实正确性': '较好', '综合得分': 6}",
    overall: 6,
    rating: { "事实正确性': '较好', '综合得分": 6 },
  },
  {
    name: 'full-width digits read as Python int() reads them',
    text: "{'事实正确性': ８, '综合得分': ７}",
    overall: 7,
    rating: { 事实正确性: 8, 综合得分: 7 },
  },
  {
    name: 'a carriage return inside the dict line (Python . matches \\r)',
    text: "{'事实正确性': 8,\r '综合得分': 7}",
    overall: 7,
    rating: { 事实正确性: 8, 综合得分: 7 },
  },
  { name: 'no range check: 15 stays 15', text: "{'事实正确性': 10, '综合得分': 15}", overall: 15, rating: { 事实正确性: 10, 综合得分: 15 } },
  { name: 'a negative number does not read', text: "{'事实正确性': 3, '综合得分': -2}", overall: -1, rating: { 事实正确性: 3 } },
  { name: 'no dict at all', text: '抱歉，我无法对这个回答进行评分。', overall: -1, rating: {} },
  { name: 'space missing after the colon does not read', text: "{'事实正确性':8, '综合得分':7}", overall: -1, rating: {} },
];

describe('judge.py post_process, ported', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const p = parseJudgment(c.text);
      expect(p.overall).toBe(c.overall);
      expect(p.rating).toEqual(c.rating);
    });
  }

  it('agrees with a Python reference of post_process on every case (skipped without python3 + numpy)', (ctx) => {
    const py = spawnSync('python3', [join(ROOT, 'test/fixtures/alignbench/official_reference.py'), 'parse'], {
      input: JSON.stringify(CASES.map((c) => c.text)),
      encoding: 'utf8',
    });
    if (py.error || py.status !== 0) {
      console.warn(`SKIPPED: python3 with numpy is not available (${py.error?.message ?? py.stderr.trim().split('\n').pop()})`);
      ctx.skip();
    }
    const ref = JSON.parse(py.stdout) as { rating: Record<string, number>; score: number }[];
    CASES.forEach((c, i) => {
      const p = parseJudgment(c.text);
      expect({ name: c.name, overall: p.overall, rating: p.rating }).toEqual({ name: c.name, overall: ref[i]!.score, rating: ref[i]!.rating });
    });
  });

  it('converts Unicode decimal digits like Python int()', () => {
    expect(asciiDigits('０１２３４５６７８９')).toBe('0123456789');
    expect(asciiDigits('٧')).toBe('7'); // Arabic-Indic seven
    expect(asciiDigits('𝟗')).toBe('9'); // U+1D7D7, the fourth of five touching digit sets
    expect(asciiDigits('7.5')).toBe('7.5');
  });
});

describe('judge prompt', () => {
  const defs = { 事实正确性: '信息是否准确。', 满足用户需求: '是否回应了需求。' };

  it("lists the dimensions as judge.py does: 'i. 维度: 定义' lines, a missing definition as None", () => {
    expect(describeDimensions(['事实正确性', '满足用户需求', '创造性'], defs)).toBe('1. 事实正确性: 信息是否准确。\n2. 满足用户需求: 是否回应了需求。\n3. 创造性: None\n');
  });

  it('the built-in template has the structure of the spec and fills in one pass', () => {
    const parts = compileTemplate(EVALH_TEMPLATE, 'builtin');
    const prompt = fillTemplate(parts, {
      category: '专业能力',
      dimensions: describeDimensions(['事实正确性'], defs),
      question: "'{answer}'.format(answer=1) 的结果？",
      reference: '参考{reference}',
      answer: '1',
    });
    expect(prompt).toContain('本题的回答类型为专业能力');
    expect(prompt).toContain('1. 事实正确性: 信息是否准确。\n');
    expect(prompt).toContain("{'事实正确性': 9, '满足用户需求': 6, ..., '综合得分': 7}");
    expect(prompt).toContain("用户的提问： '{answer}'.format(answer=1) 的结果？\n[参考答案开始]\n参考{reference}\n[参考答案结束]\n[助手的答案开始]\n1\n[助手的答案结束]\n");
    expect(prompt).toContain('参考答案本身应得8分');
  });

  it('a user template: str.format escapes, every placeholder required, unknown ones refused', () => {
    const ok = compileTemplate('{category}|{dimensions}|{question}|{reference}|{answer}|{{x}}', 't');
    expect(fillTemplate(ok, { category: 'c', dimensions: 'd', question: 'q', reference: 'r', answer: 'a' })).toBe('c|d|q|r|a|{x}');
    expect(() => compileTemplate('{category} {question} {reference} {answer}', 't.txt')).toThrow(/lacks \{dimensions\}/);
    expect(() => compileTemplate('{category} {dimensions} {question} {reference} {answer} {model}', 't.txt')).toThrow(/unknown placeholder \{model\}/);
    expect(() => compileTemplate("{category} {dimensions} {question} {reference} {answer} {'综合得分': 7}", 't.txt')).toThrow(/unknown placeholder/);
    expect(() => compileTemplate('{category} {dimensions} {question} {reference} {answer} }', 't.txt')).toThrow(/lone "\}"/);
    expect(() => compileTemplate('{category} {dimensions} {question} {reference} {answer} {', 't.txt')).toThrow(/never closed/);
  });

  it(`reads ${TEMPLATE_ENV} and names the file when it is bad`, () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const good = join(dir, 'official.txt');
    writeFileSync(good, '类型{category}\n{dimensions}问：{question}\n参考：{reference}\n答：{answer}\n');
    const t = loadJudgeTemplate({ [TEMPLATE_ENV]: good });
    expect(t.source).toBe('file');
    expect(t.path).toBe(good);
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, '{question} {answer}');
    expect(() => loadJudgeTemplate({ [TEMPLATE_ENV]: bad })).toThrow(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*lacks \\{category\\} \\{dimensions\\} \\{reference\\}`));
    expect(() => loadJudgeTemplate({ [TEMPLATE_ENV]: join(dir, 'missing.txt') })).toThrow(/missing\.txt: no such file; EVALH_ALIGNBENCH_JUDGE_TEMPLATE names the judge template file/);
    expect(() => loadJudgeTemplate({ [TEMPLATE_ENV]: dir })).toThrow(/: is a folder, where a file was expected; EVALH_ALIGNBENCH_JUDGE_TEMPLATE/);
    // A BOM (Windows editors write one) is dropped: the same template as without it.
    const bom = join(dir, 'bom.txt');
    writeFileSync(bom, `\uFEFF${readFileSync(good, 'utf8')}`);
    expect(loadJudgeTemplate({ [TEMPLATE_ENV]: bom }).parts).toEqual(t.parts);
    expect(loadJudgeTemplate({}).source).toBe('evalh');
  });
});
