import { existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadItems } from '../benchmarks/agentbench-os/load.js';
import type { OsTask } from '../src/agent/os-task.js';
import { cliEnv, finished, json, runCli, SHARED, startCli, tempDir } from './helpers/cli.js';
import { startSimServer, type SimRequest, type SimServer } from './helpers/sim-server.js';
import { canvasInk, launchBrowser, openReport } from './helpers/browser.js';

// Whole runs of the dev set through the CLI: the OpenAI runner against the simulated server with
// scripted agents (correct and wrong), the reference runner, and kill -9 of evalh mid-episode.

const AB = join(SHARED, 'data/agentbench');
const DEV = loadItems({ rel: 'dev.json', dataset: 'dev', group: 'dev', path: join(AB, 'os_interaction/data/dev.json'), official: true, sha256: '', text: readFileSync(join(AB, 'os_interaction/data/dev.json'), 'utf8') });
const EVALUABLE = DEV.filter((i) => i.record.task).map((i) => i.id);
// size-match.py parses "4.0K" (du -sh's answer) with int() and fails for every answer: upstream's
// own example cannot pass this item, in Docker as here
const UNPASSABLE = ['dev-00008'];
const HOSTILE = '</script><img src=x onerror=alert(1)>';
const START = 'Now, I will start a new problem in a new OS. My problem is:\n\n';

const bash = (code: string) => `Think: Let me look.\n\nAct: bash\n\n\`\`\`bash\n${code}\n\`\`\``;

function conversation(req: SimRequest): { description: string; turn: number; lastOutput: string } {
  const msgs = req.body.messages as { role: string; content: string }[];
  const start = msgs.findIndex((m) => m.role === 'user' && m.content.startsWith(START));
  const description = msgs[start]!.content.slice(START.length);
  const turn = msgs.slice(start).filter((m) => m.role === 'assistant').length;
  const last = msgs[msgs.length - 1]!.content;
  return { description, turn, lastOutput: last.startsWith('The output of the OS:\n\n') ? last.slice('The output of the OS:\n\n'.length) : '' };
}

/** A competent scripted agent: solves every dev item the way a person would, through the shell. */
function correctAgent(req: SimRequest): string {
  const { description, turn, lastOutput } = conversation(req);
  // the two questions asked twice with different daemons: find the daemon's code first
  if (/find out the interval|what is the file/.test(description)) {
    if (turn === 0) return bash("cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n' | grep -o 'open(\"[^\"]*\"\\|sleep([0-9]*)'");
    if (/interval/.test(description)) return `Think: found it.\n\nAct: answer(${/sleep\((\d+)\)/.exec(lastOutput)![1]})`;
    return `Think: found it.\n\nAct: answer(${/open\("([^"]*)"/.exec(lastOutput)![1]!.split('/').pop()})`;
  }
  const item = DEV.find((i) => i.record.task?.description === description)!;
  const task = item.record.task as OsTask;
  const ev = task.evaluation;
  if (ev.kind === 'match') return `Think: I know.\n\nAct: answer(${ev.answer})`;
  const example = ev.example!;
  if (example.kind !== 'code') throw new Error('no example');
  if (turn === 0) return bash(`${example.language === 'bash' ? 'bash' : 'python3'} -c "$(cat <<'SOLUTION'\n${example.code}\nSOLUTION\n)"`);
  return ev.scripts.includes(null) ? `Think: that is it.\n\nAct: answer(${lastOutput.trim()})` : 'Think: done.\n\nAct: finish';
}

/** Wrong answers, plus outputs without an action for the questions about hidden files. */
function wrongAgent(req: SimRequest): string {
  const { description } = conversation(req);
  // text that must stay text in the report
  if (/directories are in the root dir/.test(description)) return `Think: ${HOSTILE}\n\nAct: answer(${HOSTILE})`;
  if (/hidden files/.test(description)) return 'I am not sure what to do.';
  return 'Think: guess.\n\nAct: answer(definitely-wrong)';
}

interface RunDoc {
  status: string;
  items: Record<string, number>;
  scores: Record<string, number>;
  statuses: Record<string, number>;
  labels?: string[];
}

function itemRows(db: string, run: string) {
  const d = new Database(db, { readonly: true });
  try {
    return d
      .prepare('select i.item_id id, i.status, i.score, i.error_kind kind, i.error, i.transcript from items i join runs r on r.id = i.run_id where r.name = ? order by i.seq')
      .all(run) as { id: string; status: string; score: number | null; kind: string | null; error: string | null; transcript: string | null }[];
  } finally {
    d.close();
  }
}

describe('agentbench-os dev set end to end', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let good: SimServer;
  let bad: SimServer;
  beforeAll(async () => {
    dir = tempDir('evalh-abos-');
    env = cliEnv(join(dir, 'data'));
    good = await startSimServer({ respond: correctAgent, latencyMs: 2 });
    bad = await startSimServer({ respond: wrongAgent, latencyMs: 2 });
  });
  afterAll(async () => {
    await Promise.all([good?.close(), bad?.close()]);
  });
  const args = (name: string, endpoint: string[]) => ['run', 'agentbench-os', '--data', AB, '--datasets', 'dev', ...endpoint, '--name', name, '--json', '--db', join(dir, 'r.db'), '--concurrency', '2'];

  test('scripted correct answers score 1 (except the item upstream cannot pass), transcripts stored', async () => {
    const r = await runCli(args('good', ['--endpoint', good.url, '--model', 'sim-model']), { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<RunDoc>(r);
    expect(doc.items).toMatchObject({ done: 26, total: 26 });
    const rows = itemRows(join(dir, 'r.db'), 'good');
    const passed = rows.filter((x) => x.score === 1).map((x) => x.id);
    expect(passed).toEqual(EVALUABLE.filter((id) => !UNPASSABLE.includes(id)));
    expect(rows.filter((x) => x.kind === 'not_evaluable').map((x) => x.error)).toEqual(['not evaluable here: check/0.sh', 'not evaluable here: check/0.sh', 'not evaluable here: init/stock-log.sh']);
    expect(doc.statuses).toEqual({ completed: 23 });
    expect(doc.scores.dev).toBeCloseTo((22 / 23) * 100, 2);
    expect(doc.labels!.some((l) => /host root read-only/.test(l))).toBe(true);
    const t = JSON.parse(rows[0]!.transcript!);
    expect(t.status).toBe('completed');
    expect(t.turns[t.turns.length - 1]).toEqual({ role: 'assistant', content: 'Think: found it.\n\nAct: answer(1)' });
    expect(t.turns[t.turns.length - 2].content).toMatch(/^The output of the OS:\n\n.*sleep\(1\)/s);
  });

  test('scripted wrong answers score 0; outputs without an action end as invalid actions', async () => {
    const r = await runCli(args('bad', ['--endpoint', bad.url, '--model', 'sim-model']), { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<RunDoc>(r);
    const rows = itemRows(join(dir, 'r.db'), 'bad');
    expect(rows.filter((x) => x.score !== null && x.score > 0)).toEqual([]);
    expect(doc.scores.dev).toBe(0);
    const hidden = DEV.filter((i) => /hidden files/.test(i.record.task?.description ?? '')).length;
    expect(hidden).toBeGreaterThan(0);
    expect(doc.statuses).toEqual({ completed: 23 - hidden, invalid_action: hidden });
    const show = await runCli(['show', 'bad', '--db', join(dir, 'r.db')], { cwd: dir, env });
    expect(show.stdout).toMatch(new RegExp(`episodes: completed ${23 - hidden}, invalid_action ${hidden}`));
    // The counts agree with the table: not-evaluable items are done but not scored (it said "26 scored" beside "0/23").
    expect(doc.items).toMatchObject({ done: 26, notEvaluable: 3, error: 0 });
    expect(show.stdout).toMatch(/^items: 23 scored, 3 not evaluable here \(done, not scored\), 0 failed \(not scored\)$/m);
    expect(show.stdout).toMatch(/^dev\s+0\.00\s+0\/23\s+\(\+3 not evaluable\)$/m);
    // The run's title comes first; an agent suite has no long-context block.
    expect(show.stdout.split('\n')[0]).toMatch(/^run bad \(agentbench-os, completed\)/);
    expect(show.stdout).not.toMatch(/long context|truncate/);
  });

  test('report: success rates, status counts, each episode as a conversation (hostile text stays text)', async () => {
    const out = join(dir, 'report.html');
    const r = await runCli(['report', 'good', 'bad', '--db', join(dir, 'r.db'), '-o', out], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const browser = await launchBrowser();
    try {
      const rep = await openReport(browser, out);
      const page = rep.page;
      expect(rep.problems).toEqual([]);
      expect(rep.blocked).toEqual([]);
      expect(await page.$eval('#headline-score', (e) => e.textContent)).toBe(((22 / 23) * 100).toFixed(2));
      const statuses = await page.$$eval('#agentbench-statuses tbody tr', (rows) => rows.map((row) => [...row.querySelectorAll('td[data-status]')].map((c) => `${(c as HTMLElement).dataset.status}=${c.textContent}`).join(' ')));
      expect(statuses[0]).toBe('completed=23 invalid_action=0 invalid_format=0 turn_limit=0 context_limit=0 task_error=0');
      expect(statuses[1]).toMatch(/^completed=2\d invalid_action=[1-9]/);
      expect(await canvasInk(page, '#chart-agentbench-status')).toBeGreaterThan(1000);
      // open the first item: both runs' episodes, turn by turn
      await page.click('#items-body tr.item-row[data-id="dev-00000"]');
      const turns = await page.$$eval('.run-card .episode', (eps) => eps.map((e) => [...e.querySelectorAll('li.turn')].map((t) => t.querySelector('.who')!.textContent + ': ' + t.querySelector('pre.output')!.textContent)));
      expect(turns[0]![0]).toMatch(/^Task: Now, I will start a new problem in a new OS\. My problem is:/);
      expect(turns[0]![turns[0]!.length - 1]).toBe('Agent: Think: found it.\n\nAct: answer(1)');
      expect(turns[1]![1]).toBe('Agent: Think: guess.\n\nAct: answer(definitely-wrong)');
      await page.click('#items-body tr.item-row[data-id="dev-00010"]');
      expect(await page.content()).not.toContain('<img src="x"');
      const texts = await page.$$eval('li.turn pre.output', (ts) => ts.map((t) => t.textContent!));
      expect(texts.filter((t) => t.includes(HOSTILE)), texts.join('\n---\n').slice(0, 3000)).toHaveLength(1);
      expect(rep.problems).toEqual([]);
      await rep.close();
    } finally {
      await browser.close();
    }
  });

  test('--runner reference: gold turns (expected answers; examples run in the shell)', async () => {
    const r = await runCli(args('ref', ['--runner', 'reference']), { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const rows = itemRows(join(dir, 'r.db'), 'ref');
    // the duplicated daemon questions are match items: the reference answers their expected string
    expect(rows.filter((x) => x.score === 1).map((x) => x.id)).toEqual(EVALUABLE.filter((id) => !UNPASSABLE.includes(id)));
  });
});

/** Host pids of processes whose command line contains `needle`. */
function processesWith(needle: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${name}/status`, 'utf8');
      if (cmd.includes(needle) && !/^State:\s+Z/m.test(state)) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), or undefined once the process is gone. */
function startTime(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[19];
  } catch {
    return undefined;
  }
}

function nsOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').slice(0, 200);
  } catch {
    return '(gone)';
  }
}

function inNamespaceOf(pid: number): number[] {
  const ns = nsOf(pid);
  if (ns === undefined) return [];
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return readlinkSync(`/proc/${n}/ns/pid`) === ns && !/^State:\s+Z/m.test(readFileSync(`/proc/${n}/status`, 'utf8'));
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('kill -9 of evalh mid-episode: no sandbox process survives; the next start removes the left upper directory', async () => {
  const dir = tempDir('evalh-abos-kill-');
  const env = cliEnv(join(dir, 'data'));
  // the model never answers: evalh sits in the first model call with the sandbox up (daemon started)
  const hang = await startSimServer({ latencyMs: 600_000 });
  try {
    const child = startCli(['run', 'agentbench-os', '--data', AB, '--datasets', 'dev', '--limit', '1', '--endpoint', hang.url, '--model', 'sim-model', '--db', join(dir, 'k.db'), '--timeout', '600'], { cwd: dir, env });
    const done = finished(child);
    const tag = `evalh-os-${child.pid}-`;
    const mine = readlinkSync('/proc/self/ns/pid');
    let bwrap: number[] = [];
    let inside: number[] = [];
    // wait for the sandbox (bwrap's command line names the state directory) and the item's daemon in it
    for (let i = 0; i < 300; i++) {
      await new Promise((r) => setTimeout(r, 100));
      bwrap = processesWith(tag);
      // (processes come and go meanwhile: a vanished one reads as undefined / '(gone)')
      const init = bwrap.find((p) => nsOf(p) !== undefined && nsOf(p) !== mine);
      inside = init !== undefined ? inNamespaceOf(init) : [];
      if (inside.some((p) => cmdline(p).includes('succeed'))) break;
    }
    expect(bwrap.length).toBeGreaterThan(0);
    expect(inside.length).toBeGreaterThanOrEqual(5); // init, keeper, script, bash, the daemon
    const nsenters = processesWith('nsenter').filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--target='));
    // A pid with its start time: under a full test run pids are reused quickly, and a new
    // process that got one of these numbers is not a survivor.
    const watched = [...inside, ...bwrap, ...nsenters].map((p) => ({ pid: p, started: startTime(p) }));
    child.kill('SIGKILL');
    await done;
    let left: string[] = [];
    for (let i = 0; i < 100; i++) {
      left = watched.filter((w) => w.started !== undefined && startTime(w.pid) === w.started && !isZombie(w.pid)).map((w) => `${w.pid}: ${cmdline(w.pid)}`);
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(left).toEqual([]);
    expect(readdirSync('/tmp').filter((n) => n.startsWith(tag))).toHaveLength(1);
    // the next evalh removes the state directory the killed one left
    const ref = await runCli(['run', 'agentbench-os', '--data', AB, '--datasets', 'dev', '--limit', '1', '--runner', 'reference', '--db', join(dir, 'k2.db')], { cwd: dir, env });
    expect(ref.code, ref.stderr).toBe(0);
    expect(readdirSync('/tmp').filter((n) => n.startsWith(tag))).toEqual([]);
  } finally {
    await hang.close();
  }
});

describe('agentbench-os built-in sample (no data registered, no download)', () => {
  const sampleRun = (dir: string, model: string[]) =>
    runCli(['run', 'agentbench-os', '--sample', ...model, '--name', 'sample', '--json', '--db', join(dir, 'r.db')], { cwd: dir, env: cliEnv(join(dir, 'data')) });

  test('the reference runner solves every problem (match, integer-match, string-match, a check script); run, show and report say it is the sample', async () => {
    const dir = tempDir('evalh-abos-sample-');
    const env = cliEnv(join(dir, 'data'));
    const r = await sampleRun(dir, ['--runner', 'reference']);
    expect(r.code, r.stderr).toBe(0);
    const doc = json<RunDoc>(r);
    expect(doc.labels![0]).toBe('sample, not the official benchmark');
    expect(doc.labels!.some((l) => /not the official release/.test(l))).toBe(false);
    expect(r.stderr).toContain('note: sample, not the official benchmark');
    expect(doc.scores).toEqual({ dev: 100 });
    expect(doc.items).toMatchObject({ done: 4, error: 0, total: 4 });
    expect(doc.statuses).toEqual({ completed: 4 });
    const steps = itemRows(join(dir, 'r.db'), 'sample').map((x) => JSON.parse(x.transcript!).evaluation.detail as { kind: string; steps?: { script: string }[] });
    expect(steps.map((d) => [d.kind, ...(d.steps ?? []).map((s) => s.script)])).toEqual([
      ['match'],
      ['check', 'example', 'integer-match (evalh)'],
      ['check', 'example', 'string-match (evalh)'],
      ['check', 'bash check'],
    ]);
    const show = await runCli(['show', 'sample', '--db', join(dir, 'r.db')], { cwd: dir, env });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/run sample \(agentbench-os, completed\) — sample, not the official benchmark/);
    expect(show.stdout).toMatch(/dev\s+100\.00\s+4\/4/);
    const html = join(dir, 'sample.html');
    const rep = await runCli(['report', 'sample', '--db', join(dir, 'r.db'), '-o', html], { cwd: dir, env });
    expect(rep.code, rep.stderr).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('sample, not the official benchmark');
  });

  test('wrong answers and no work score 0 on every problem: the checks of the sample are real', async () => {
    const dir = tempDir('evalh-abos-sample-bad-');
    const wrong = await startSimServer({ respond: () => 'Think: guess.\n\nAct: answer(7)', latencyMs: 2 });
    try {
      const r = await sampleRun(dir, ['--endpoint', wrong.url, '--model', 'sim-model']);
      expect(r.code, r.stderr).toBe(0);
      expect(json<RunDoc>(r).scores).toEqual({ dev: 0 });
      expect(itemRows(join(dir, 'r.db'), 'sample').map((x) => x.score)).toEqual([0, 0, 0, 0]);
    } finally {
      await wrong.close();
    }
  });

  test('--datasets test with --sample is exit 2 with one line, nothing written', async () => {
    const dir = tempDir('evalh-abos-sample-ds-');
    const r = await runCli(['run', 'agentbench-os', '--sample', '--datasets', 'test', '--runner', 'reference', '--db', join(dir, 'r.db')], { cwd: dir, env: cliEnv(join(dir, 'data')) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('evalh: the agentbench-os sample has one dataset, "dev"; drop --datasets test or pass --data\n');
    expect(existsSync(join(dir, 'r.db'))).toBe(false);
  });
});

describe('agentbench-os data', () => {
  test('data add agentbench registers the pinned OS files; a run then needs no --data', async () => {
    const dir = tempDir('evalh-abos-data-');
    const env = cliEnv(join(dir, 'data'));
    const add = await runCli(['data', 'add', 'agentbench', AB], { cwd: dir, env });
    expect(add.code, add.stderr).toBe(0);
    expect(existsSync(join(dir, 'data/agentbench/os_interaction/data/7/bootstrap.json'))).toBe(true);
    const r = await runCli(['run', 'agentbench-os', '--datasets', 'dev', '--limit', '3', '--runner', 'reference', '--json', '--db', join(dir, 'r.db')], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ items: Record<string, number> }>(r).items).toMatchObject({ done: 3, total: 3 });
  });

  test('--data <one problem file>; a broken file is exit 2 naming file and field, nothing written', async () => {
    const dir = tempDir('evalh-abos-file-');
    const env = cliEnv(join(dir, 'data'));
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify([{ description: 'Say hi.', evaluation: { match: 'hi' } }, { description: 'Count.', evaluation: { check: [null, { language: 'python', file: 'check/integer-match.py' }], example: 'echo 3' } }]));
    const r = await runCli(['run', 'agentbench-os', '--data', file, '--runner', 'reference', '--json', '--db', join(dir, 'r.db')], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<{ scores: Record<string, number>; labels: string[] }>(r);
    expect(doc.scores.test).toBe(100);
    expect(doc.labels).toContain('problem files that are not the official release: mine.json');
    writeFileSync(file, JSON.stringify([{ description: 'ok', evaluation: { match: 'x' } }, { description: 7, evaluation: { match: 'x' } }]));
    const bad = await runCli(['run', 'agentbench-os', '--data', file, '--runner', 'reference', '--db', join(dir, 'bad.db')], { cwd: dir, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${file}, field "[1].description": expected a string`);
    expect(existsSync(join(dir, 'bad.db'))).toBe(false);
  });
});
