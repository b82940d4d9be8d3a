import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATE_ENV } from '../benchmarks/alignbench/judge-prompt.js';
import { cliEnv, json, runCli, tempDir } from './helpers/cli.js';
import { faultSchedule, startSimServer, type Fault, type SimRequest, type SimServer } from './helpers/sim-server.js';
import {
  DOUBLE_QUOTED,
  EMPTY_ANSWER,
  MULTI_LINE,
  SAMPLE,
  expectedScore,
  exportJudgments,
  itemRows,
  showResultByHand,
  simAnswer,
  simJudge,
} from './fixtures/alignbench/sims.js';

// The built CLI against two simulated OpenAI-compatible servers on loopback: one plays the
// model, one the judge, both with injected faults. One story, in order: a run where the
// judge keeps failing for one item, the same command again once the judge is healthy, the
// same command a third time, a new run with the same model and judge (all judgments from the
// cache), a rejudge with another judge, a user judge template, an export as judge.py's
// judgment file that `evalh import` and a replay read back.

type RunDoc = {
  run: string;
  status: string;
  scores: Record<string, number>;
  items: { done: number; error: number; total?: number };
  unparseable: { count: number; total: number };
  excludingUnparseable: Record<string, number>;
  dimensions: Record<string, { mean: number; n: number }> | null;
  warning?: string;
  labels?: string[];
};

const BROKEN = '秦始皇'; // the judge answers 500 for this item while `judgeBroken` is set
const SAMPLE_TEMPERATURE: Record<string, number> = { 数学计算: 0.1, 逻辑推理: 0.1, 专业能力: 0.1, 中文理解: 0.1, 基本任务: 0.1, 角色扮演: 0.7, 文本写作: 0.7, 综合问答: 0.7 };

/** Counts faults per prompt, so that "requests − faults" is the number of answers a prompt got. */
function counted(faults: (req: SimRequest, attempt: number) => Fault | undefined) {
  const byPrompt = new Map<string, number>();
  const fn = (req: SimRequest, attempt: number) => {
    const f = faults(req, attempt);
    if (f) byPrompt.set(req.prompt, (byPrompt.get(req.prompt) ?? 0) + 1);
    return f;
  };
  return { fn, byPrompt };
}

function requestsByPrompt(s: SimServer): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of s.requests) if (r.path === '/v1/chat/completions') m.set(r.prompt, (m.get(r.prompt) ?? 0) + 1);
  return m;
}
const chatCount = (s: SimServer) => s.requests.filter((r) => r.path === '/v1/chat/completions').length;

const STATUS_FAULTS: Fault[] = [
  { kind: 'status', status: 500 },
  { kind: 'status', status: 502 },
  { kind: 'status', status: 503 },
  { kind: 'status', status: 429, retryAfter: '0' },
  { kind: 'garbage' },
];
// Transport faults go to the judge only: the model's endpoint pool takes a lone endpoint out
// after three transport failures in a row and fails requests until a health check (2 s)
// brings it back, which would turn this test's fast retries into errors.
const TRANSPORT_FAULTS: Fault[] = [{ kind: 'reset' }, { kind: 'truncated' }];

describe('evalh run alignbench with a simulated model and judge', () => {
  let model: SimServer;
  let judge: SimServer;
  let other: SimServer;
  let judgeBroken = true;
  const modelFaults = counted(faultSchedule({ seed: 11, rate: 0.5, kinds: STATUS_FAULTS }));
  // The judge also sends empty replies, which the Judge retries as failures.
  const judgeSchedule = faultSchedule({ seed: 12, rate: 0.5, kinds: [...STATUS_FAULTS, ...TRANSPORT_FAULTS, { kind: 'empty' }] });
  const judgeFaults = counted((req, attempt) => (judgeBroken && req.prompt.includes(BROKEN) ? { kind: 'status', status: 500 } : judgeSchedule(req, attempt)));
  const cwd = tempDir('evalh-alignbench-');
  const env = cliEnv(join(cwd, 'data-home'), { EVALH_BACKOFF_BASE_MS: '2' });
  const db = join(cwd, 'results.db');

  beforeAll(async () => {
    model = await startSimServer({ respond: simAnswer, faults: modelFaults.fn, latencyMs: 2 });
    judge = await startSimServer({ respond: simJudge, faults: judgeFaults.fn, latencyMs: 2 });
    other = await startSimServer({ respond: simJudge });
  });
  afterAll(async () => {
    await Promise.all([model?.close(), judge?.close(), other?.close()]);
  });

  const runArgs = (name: string) => [
    'run', 'alignbench', '--sample', '--endpoint', model.url, '--model', 'sim-model',
    '--judge-endpoint', judge.url, '--judge-model', 'judge-a', '--judge-concurrency', '3',
    '--concurrency', '6', '--retries', '4', '--error-budget', '0.5', '--name', name, '--json',
  ];

  const all = (judgeName: 'judge-a' | 'judge-b' = 'judge-a', except?: string) => {
    const by: Record<string, number[]> = {};
    for (const r of SAMPLE) if (!except || !r.question.includes(except)) (by[r.category] ??= []).push(expectedScore(r.question, judgeName));
    return showResultByHand(by);
  };

  it('1. every item judged exactly once through faults on both servers; a judge that keeps failing leaves an error with the answer kept', async () => {
    const r = await runCli(runArgs('r1'), { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<RunDoc>(r);
    expect(doc.status).toBe('completed');
    expect(doc.items, JSON.stringify(itemRows(db, 'r1').filter((x) => x.status !== 'done'))).toMatchObject({ done: 23, error: 1, total: 24 });
    expect(r.stderr).toMatch(/1 item\(s\) failed permanently/);
    expect(doc.labels).toContain('sample, not the official benchmark');
    expect(doc.labels!.some((l) => /evalh's own Chinese wording/.test(l))).toBe(true);

    // The model: one successful answer per question, whatever faults came first.
    expect(modelFaults.byPrompt.size).toBeGreaterThan(3);
    const asked = requestsByPrompt(model);
    expect(asked.size).toBe(24);
    // An answer that stays empty is asked for three times in all (as get_answers.py does).
    for (const rec of SAMPLE) {
      const expected = rec.question.includes(EMPTY_ANSWER) ? 3 : 1;
      expect((asked.get(rec.question) ?? 0) - (modelFaults.byPrompt.get(rec.question) ?? 0), rec.question).toBe(expected);
    }
    // One user message, the question verbatim; temperature by category; 2048 tokens.
    for (const q of model.requests.filter((x) => x.path === '/v1/chat/completions')) {
      const rec = SAMPLE.find((s) => s.question === q.prompt)!;
      expect(q.body.messages).toEqual([{ role: 'user', content: rec.question }]);
      expect(q.body.temperature).toBe(SAMPLE_TEMPERATURE[rec.category]);
      expect(q.body.max_tokens).toBe(2048);
    }

    // The judge: one successful judgment per item; the broken one only failures (5 attempts).
    expect(judgeFaults.byPrompt.size).toBeGreaterThan(3);
    const judged = requestsByPrompt(judge);
    expect(judged.size).toBe(24);
    for (const [prompt, n] of judged) {
      const faults = judgeFaults.byPrompt.get(prompt) ?? 0;
      if (prompt.includes(BROKEN)) expect([n, faults]).toEqual([5, 5]);
      else expect(n - faults).toBe(1);
    }
    for (const q of judge.requests.filter((x) => x.path === '/v1/chat/completions')) {
      expect(q.body.temperature).toBe(0);
      expect(q.body.max_tokens).toBe(2048);
      expect(q.body.messages).toHaveLength(1);
      expect(q.model).toBe('judge-a');
    }
    // An empty answer is judged as the text "None".
    const emptyPrompt = [...judged.keys()].find((p) => p.includes(EMPTY_ANSWER))!;
    expect(emptyPrompt).toContain('[助手的答案开始]\nNone\n[助手的答案结束]');
    // The sample's own configs give the dimension list.
    expect(emptyPrompt).toMatch(/本题的回答类型为中文理解.*\n1\. 事实正确性: .+\n2\. 满足用户需求: .+\n3\. 清晰度: .+\n4\. 完备性: .+\n/);

    const rows = itemRows(db, 'r1');
    const broken = rows.find((x) => x.target.question && String(x.target.question).includes(BROKEN))!;
    expect(broken).toMatchObject({ status: 'error', score: null });
    expect(broken.error_kind).toMatch(/^scoring_/);
    expect(broken.output).toMatch(/^模拟回答（质量\d+）/); // the answer is kept
    // Parsed scores and the stored judgment.
    const dq = rows.find((x) => String(x.target.question).includes(DOUBLE_QUOTED))!;
    expect(dq).toMatchObject({ status: 'done', score: -1 });
    expect(dq.scores).toMatchObject({ overall: -1, parsed: false, dimensions: {}, judgeCached: false });
    expect(String(dq.scores!.judgment)).toContain('"综合得分"');
    const ml = rows.find((x) => String(x.target.question).includes(MULTI_LINE))!;
    expect(ml.scores).toMatchObject({ parsed: true, dimensions: {} });
    expect(ml.score).toBe(expectedScore(String(ml.target.question)));
    const one = rows.find((x) => x.status === 'done' && x.score! > 0 && !String(x.target.question).includes(MULTI_LINE))!;
    expect(one.scores).toMatchObject({ overall: one.score, parsed: true, dimensions: { 满足用户需求: one.score, 综合得分: one.score } });

    expect(doc.scores).toEqual(all('judge-a', BROKEN));
    expect(doc.unparseable).toMatchObject({ count: 1, total: 23 });
    expect(doc.warning).toBeUndefined(); // 1 of 23 = 4.3%
  });

  it('2. the same command with a healthy judge judges only the failed item and does not ask the model again', async () => {
    judgeBroken = false;
    const modelBefore = chatCount(model);
    const judgeBefore = chatCount(judge);
    const r = await runCli(runArgs('r1'), { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<RunDoc>(r);
    expect(doc.items).toMatchObject({ done: 24, error: 0 });
    expect(chatCount(model)).toBe(modelBefore);
    expect(chatCount(judge)).toBe(judgeBefore + 1);
    expect(judge.requests.at(-1)!.prompt).toContain(BROKEN);
    expect(doc.scores).toEqual(all());
    if (doc.dimensions === null) {
      console.warn('NOTE: per-dimension means are null: the store does not pass item scores to summarize() yet (ScoredItem.scores wiring)');
    } else {
      // dimension_calculate.py: the 22 judgments with a parsed one-line dict (not the -1, not the multi-line one).
      const rated = SAMPLE.filter((x) => !x.question.includes(DOUBLE_QUOTED) && !x.question.includes(MULTI_LINE)).map((x) => expectedScore(x.question));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(doc.dimensions).toEqual({
        事实正确性: { mean: mean(rated.map((q) => Math.min(10, q + 1))), n: 22 },
        满足用户需求: { mean: mean(rated), n: 22 },
        综合得分: { mean: mean(rated), n: 22 },
      });
    }
  });

  it('3. running it again makes no model and no judge calls', async () => {
    const before = [chatCount(model), chatCount(judge)];
    const r = await runCli(runArgs('r1'), { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect([chatCount(model), chatCount(judge)]).toEqual(before);
    expect(json<RunDoc>(r).scores).toEqual(all());
    expect(r.stderr).toMatch(/24 of 24 items already done/);
  });

  it('4. a new run with the same model and judge takes every judgment from the cache', async () => {
    const [m0, j0] = [chatCount(model), chatCount(judge)];
    const r = await runCli(runArgs('r1-again'), { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(chatCount(model)).toBe(m0 + 24 + 2); // the empty answer is asked for twice more
    // The one judgment judge.py's parser cannot read is never reused: the judge is asked again.
    expect(chatCount(judge)).toBe(j0 + 1);
    expect(r.stderr).toMatch(/^23 judgment\(s\) from the judge cache/m);
    expect(json<RunDoc>(r).scores).toEqual(all());
    const rows = itemRows(db, 'r1-again');
    expect(rows.filter((row) => (row.scores as { judgeCached?: boolean }).judgeCached === true)).toHaveLength(23);
  });

  it('5. rejudge: a new run with the same answers, judged by another judge; the model is not asked', async () => {
    const m0 = chatCount(model);
    const r = await runCli(['rejudge', 'r1', '--judge-endpoint', other.url, '--judge-model', 'judge-b', '--json'], { cwd, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<RunDoc>(r);
    expect(doc.run).toBe('r1-judged-by-judge-b');
    expect(doc.items).toMatchObject({ done: 24, error: 0 });
    expect(chatCount(model)).toBe(m0);
    expect(chatCount(other)).toBe(24);
    expect(other.requests.filter((q) => q.path === '/v1/chat/completions').every((q) => q.model === 'judge-b')).toBe(true);
    expect(doc.scores).toEqual(all('judge-b'));
    const before = new Map(itemRows(db, 'r1').map((x) => [x.item_id, x.output]));
    const after = itemRows(db, 'r1-judged-by-judge-b');
    expect(after).toHaveLength(24);
    for (const x of after) expect(x.output).toBe(before.get(x.item_id));
  });

  it(`6. ${TEMPLATE_ENV}: the user's template replaces evalh's wording (a new fingerprint, labelled)`, async () => {
    const tpl = join(cwd, 'official-judge.txt');
    writeFileSync(tpl, "类型：{category}\n{dimensions}问题：{question}\n参考：{reference}\n回答：{answer}\n格式：{{'综合得分': 分数}}\n");
    const tenv = { ...env, [TEMPLATE_ENV]: tpl };
    const same = await runCli(runArgs('r1'), { cwd, env: tenv });
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/differs in: judgePrompt/);
    const j0 = chatCount(judge);
    const r = await runCli([...runArgs('r1-template'), '--datasets', '数学计算'], { cwd, env: tenv });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<RunDoc>(r);
    expect(doc.labels!.some((l) => l.startsWith(`judge prompt: template ${tpl}`))).toBe(true);
    const prompts = judge.requests.filter((q) => q.path === '/v1/chat/completions').slice(j0).map((q) => q.prompt);
    expect(new Set(prompts).size).toBe(3);
    const rec = SAMPLE.find((x) => x.question_id === 1)!;
    expect(prompts).toContain(
      `类型：数学计算\n1. 事实正确性: 回答里的信息和数据是否准确，有没有事实性错误。\n2. 满足用户需求: 回答是否切中用户的提问目的，是否完整地回应了用户的要求。\n` +
        `3. 逻辑连贯性: 回答的推理过程是否前后一致、环环相扣，没有自相矛盾。\n4. 完备性: 回答是否给出了足够的信息和细节，有没有遗漏关键的方面。\n` +
        `问题：${rec.question}\n参考：${rec.reference}\n回答：${simAnswer({ prompt: rec.question } as SimRequest)}\n格式：{'综合得分': 分数}\n`,
    );
  });

  it('7. the run exported as judge.py output: import gives the same numbers, replay re-judges from the cache', async () => {
    const file = join(cwd, 'judgment', 'sim-model.jsonl');
    (await import('node:fs')).mkdirSync(join(cwd, 'judgment'), { recursive: true });
    exportJudgments(db, 'r1', file);
    const run = json<RunDoc>(await runCli(['show', 'r1', '--json'], { cwd, env }));
    const imp = await runCli(['import', 'alignbench', file, '--name', 'r1-imported', '--json'], { cwd, env });
    expect(imp.code, imp.stderr).toBe(0);
    const idoc = json<RunDoc>(imp);
    expect(idoc.scores).toEqual(run.scores);
    expect(idoc.excludingUnparseable).toEqual(run.excludingUnparseable);
    expect(idoc.unparseable).toEqual(run.unparseable);

    const j0 = chatCount(judge);
    const replay = await runCli(
      ['run', 'alignbench', '--sample', '--runner', 'replay', '--predictions', file, '--judge-endpoint', judge.url, '--judge-model', 'judge-a', '--name', 'r1-replayed', '--json'],
      { cwd, env },
    );
    expect(replay.code, replay.stderr).toBe(0);
    expect(json<RunDoc>(replay).scores).toEqual(run.scores);
    expect(chatCount(judge)).toBe(j0 + 1); // the unparseable judgment, asked again

    const show = await runCli(['show', 'r1'], { cwd, env });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/中文推理\s+推理总分/);
    expect(show.stdout).toMatch(/总分\s+Overall/);
    expect(show.stdout).toMatch(/unparseable judgments: 1 of 24/);
    expect(existsSync(db)).toBe(true);
  });
});
