import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, finished, json, jsonError, runCli, startCli, tempDir } from './helpers/cli.js';
import { itemRows, simModel } from './helpers/longbench.js';
import { startSimServer, type SimServer } from './helpers/sim-server.js';
import { Workspace, hotpotqa, trec } from './fixtures/stats/runs.js';
import type { Check, Coverage } from '../src/commands/gate.js';

// evalh gate: exit 1 only for a drop both larger than allowed and significant; 0 otherwise;
// 2 (and no files written) for bad usage or input.

interface GateDoc {
  suite: string;
  baseline: string;
  baseline_from?: string;
  candidate: string;
  passed: boolean;
  failed: string[];
  coverage: Coverage;
  checks: Check[];
  warnings: string[];
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const check = (doc: GateDoc, name: string) => doc.checks.find((c) => c.name === name)!;

/** The <testcase name="…"> element of a JUnit file, whole. */
function junitCase(xml: string, name: string): string {
  const m = new RegExp(`<testcase [^>]*name="${name}">[\\s\\S]*?</testcase>`).exec(xml);
  if (!m) throw new Error(`no testcase "${name}" in:\n${xml}`);
  return m[0];
}

/** A failing command's stderr: exactly one line, "evalh: …", and no stack trace or Node warning. */
function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^evalh: /);
  expect(stderr).not.toMatch(/\n\s+at |internal error|Warning|MaxListeners/);
  return lines[0]!;
}

/**
 * A small well-formedness check (no XML library in the project): one root, tags nested and
 * closed, attributes quoted, no bare "<" or "&". Returns the element names in order.
 */
function xmlElements(text: string): string[] {
  expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = text.slice(text.indexOf('?>') + 2);
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  const stack: string[] = [];
  const names: string[] = [];
  let roots = 0;
  for (const m of body.matchAll(token)) {
    if (m[6]) throw new Error(`bare "<" at ${m.index}`);
    if (m[5] !== undefined) {
      if (entity.test(m[5])) throw new Error(`bare "&" in text at ${m.index}`);
      if (stack.length === 0 && m[5].trim() !== '') throw new Error('text outside the root');
      continue;
    }
    if (m[3] && entity.test(m[3])) throw new Error(`bare "&" in attributes at ${m.index}`);
    if (m[1]) {
      const open = stack.pop();
      if (open !== m[2]) throw new Error(`</${m[2]}> closes <${open}>`);
    } else {
      if (stack.length === 0) roots++;
      names.push(m[2]!);
      if (!m[4]) stack.push(m[2]!);
    }
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  return names;
}

describe('evalh gate', () => {
  const ws = new Workspace();
  const file = (name: string) => join(ws.dir, name);
  beforeAll(async () => {
    // 400 pass/fail items plus an F1 dataset; candidates differ from the baseline by design.
    const gold = () => 'the old red lighthouse keeper';
    await ws.importRun('base', { trec: trec(400), hotpotqa: hotpotqa(40, gold) });
    await ws.importRun('same', { trec: trec(400), hotpotqa: hotpotqa(40, gold) });
    await ws.importRun('cand<&"', { trec: trec(400, range(0, 40)), hotpotqa: hotpotqa(40, gold) }); // −10 points on trec
    await ws.importRun('slight', { trec: trec(400, range(0, 12)), hotpotqa: hotpotqa(40, gold) }); // −3 points, p = 2^-12
    await ws.importRun('base10', { trec: trec(10) });
    await ws.importRun('cand10', { trec: trec(10, [3, 7]) }); // −20 points on 10 items: not significant
  });

  it('a big, significant drop fails (exit 1) with a markdown table and a JUnit file', async () => {
    const junit = file('big.xml');
    const r = await ws.cli(['gate', '--baseline', 'base', '--candidate', 'cand<&"', '--db', ws.db, '--junit', junit]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/evalh: gate failed: trec, overall/);
    expect(r.stdout).toMatch(/^### ❌ evalh gate failed/m);
    expect(r.stdout).toContain('| dataset | baseline | candidate | Δ | 95% CI | p | MDE | verdict |');
    expect(r.stdout).toMatch(/^\| trec \| 100\.00 \| 90\.00 \| -10\.00 \| \[-\d+\.\d\d, -\d+\.\d\d\] \| <?0\.\d+ \| \d+\.\d\d \| ❌ FAIL \|$/m);
    expect(r.stdout).toMatch(/^\| hotpotqa \| 100\.00 \| 100\.00 \| 0\.00 \| \[0\.00, 0\.00\] \| 1\.0 \| .* \| ✅ PASS \|$/m);
    expect(r.stdout).toMatch(/^\| \*\*overall\*\* \|.*❌ FAIL \|$/m);
    expect(r.stdout).toContain('cand\\<&"'); // markdown-escaped run name

    const xml = readFileSync(junit, 'utf8');
    const names = xmlElements(xml);
    expect(names.filter((n) => n === 'testsuite')).toHaveLength(1);
    expect(names.filter((n) => n === 'testcase')).toHaveLength(4); // coverage, trec, hotpotqa, overall
    expect(names.filter((n) => n === 'failure')).toHaveLength(2);
    expect(xml).toContain('tests="4" failures="2"');
    expect(junitCase(xml, 'coverage')).toMatch(/<system-out>candidate &quot;cand&lt;&amp;&quot;&quot; is completed and scored all 440 items/);
    expect(xml).toContain('cand&lt;&amp;&quot;');
  });

  it('--json: one JSON document, the same verdicts', async () => {
    const r = await ws.cli(['gate', '--baseline', 'base', '--candidate', 'cand<&"', '--db', ws.db, '--json']);
    expect(r.code).toBe(1);
    const doc = json<GateDoc>(r);
    expect(doc.failed).toEqual(['trec', 'overall']);
    const t = check(doc, 'trec');
    expect([t.baseline, t.candidate, t.delta, t.n]).toEqual([100, 90, -10, 400]);
    expect(t.p / 2 ** -40).toBeCloseTo(1, 5); // one-sided exact McNemar, 40 regressions and no improvement
    expect(t.ci[1]).toBeLessThan(0);
    expect(check(doc, 'hotpotqa').verdict).toBe('PASS');
  });

  it('a big drop on too few items passes (exit 0) and states the minimum detectable effect', async () => {
    const r = await ws.cli(['gate', '--baseline', 'base10', '--candidate', 'cand10', '--db', ws.db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = json<GateDoc>(r);
    const t = check(doc, 'trec');
    expect(t.delta).toBe(-20);
    expect(t.verdict).toBe('PASS');
    expect(t.p).toBe(0.25); // P(X ≥ 2 | n = 2)
    expect(t.mde).toBeGreaterThan(20);
    expect(t.note).toMatch(/^drop 20\.00 > 1 points but not significant \(n=10, MDE=\d+\.\d\d points at α=0\.05, power 0\.8\)$/);
    const md = await ws.cli(['gate', '--baseline', 'base10', '--candidate', 'cand10', '--db', ws.db]);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^### ✅ evalh gate passed/m);
    expect(md.stdout).toContain('not significant (n=10, MDE=');
  });

  it('a small but significant drop passes (exit 0)', async () => {
    const r = await ws.cli(['gate', '--baseline', 'base', '--candidate', 'slight', '--db', ws.db, '--max-drop', '5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const t = check(json<GateDoc>(r), 'trec');
    expect(t.delta).toBe(-3);
    expect(t.p / 2 ** -12).toBeCloseTo(1, 5); // p is given to 6 significant digits
    expect(t.note).toMatch(/significant drop \(p=0\.00024\) within the allowed 5 points/);
  });

  it('thresholds from a config file, most specific first', async () => {
    const cfg = file('gate.json');
    writeFileSync(cfg, JSON.stringify({ default: { maxDrop: 5 }, suites: { longbench: { datasets: { trec: { maxDrop: 2 } }, overall: { alpha: 0.01 } } } }, null, 2));
    const r = await ws.cli(['gate', '--baseline', 'base', '--candidate', 'slight', '--db', ws.db, '--config', cfg, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const doc = json<GateDoc>(r);
    expect(doc.failed).toEqual(['trec']); // 3 > 2 on trec; overall drops 1.5 < 5
    expect([check(doc, 'trec').max_drop, check(doc, 'overall').max_drop, check(doc, 'overall').alpha]).toEqual([2, 5, 0.01]);
  });

  it('identical runs pass', async () => {
    const r = await ws.cli(['gate', '--baseline', 'base', '--candidate', 'same', '--db', ws.db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = json<GateDoc>(r);
    for (const c of doc.checks) {
      expect([c.delta, c.ci, c.p, c.verdict]).toEqual([0, [0, 0], 1, 'PASS']);
    }
  });

  it('a bad config is exit 2, names the field and line, and writes no JUnit file', async () => {
    const junit = file('never.xml');
    const cases: [string, RegExp][] = [
      ['{\n  "default": {\n    "maxdrop": 1\n  }\n}\n', /gate\.json, line 3, field "default\.maxdrop": must NOT have additional properties/],
      ['{\n  "default": { "maxDrop": 1 },\n}\n', /gate\.json, line 3: not valid JSON/],
      ['{ "suites": { "longbench": { "datasets": { "treck": { "maxDrop": 1 } } } } }', /field "suites\.longbench\.datasets\.treck": not a longbench dataset/],
      ['{ "suites": { "longbnech": {} } }', /field "suites\.longbnech": unknown suite/],
      ['{ "default": { "alpha": 1.5 } }', /field "default\.alpha": must be < 1/],
    ];
    for (const [text, message] of cases) {
      const cfg = file('gate.json');
      writeFileSync(cfg, text);
      const r = await ws.cli(['gate', '--baseline', 'base', '--candidate', 'same', '--db', ws.db, '--config', cfg, '--junit', junit]);
      expect(r.code, text).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(existsSync(junit)).toBe(false);
    }
  });

  it('bad usage is exit 2 and writes nothing', async () => {
    const junit = file('never2.xml');
    for (const args of [
      ['--baseline', 'nope', '--candidate', 'same'],
      ['--baseline', 'base', '--candidate', 'nope'],
      ['--baseline', 'base', '--candidate', 'base'],
      ['--baseline', 'base', '--candidate', 'same', '--alpha', '2'],
      ['--baseline', 'base', '--candidate', 'same', '--max-drop', '-1'],
    ]) {
      const r = await ws.cli(['gate', ...args, '--db', ws.db, '--junit', junit]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(existsSync(junit)).toBe(false);
    }
    const nodb = file('absent.db');
    expect((await ws.cli(['gate', '--baseline', 'a', '--candidate', 'b', '--db', nodb])).code).toBe(2);
    expect(existsSync(nodb)).toBe(false);
  });

  it('numeric flags quote what was typed: exit 2, one line, nothing written', async () => {
    const junit = file('never3.xml');
    for (const [flag, message] of [
      ['--max-drop', /^evalh: --max-drop must be a number of points ≥ 0, not "abc"$/],
      ['--alpha', /^evalh: --alpha must be between 0 and 1, not "abc"$/],
      ['--seed', /^evalh: --seed must be an integer, not "abc"$/],
    ] as const) {
      const r = await ws.cli(['gate', '--baseline', 'base', '--candidate', 'same', flag, 'abc', '--db', ws.db, '--junit', junit]);
      expect(r.code, flag).toBe(2);
      expect(oneLine(r.stderr)).toMatch(message);
      expect(r.stdout).toBe('');
      expect(existsSync(junit)).toBe(false);
    }
  });

  it('a repeated flag, a flag with no value or a --config folder: exit 2 with one clear message, nothing written', async () => {
    const junit = file('never4.xml');
    const cases: [string[], RegExp][] = [
      [['--baseline', 'base', '--baseline', 'same', '--candidate', 'cand<&"'], /^evalh: --baseline is given 2 times \(base, same\); give it once$/m],
      [['--baseline', 'base', '--candidate', 'same', '--max-drop'], /^evalh: Not enough arguments following: max-drop$/m],
      [['--baseline', 'base', '--candidate', 'same', '--alpha', '--json'], /^evalh: Not enough arguments following: alpha$/m],
      [['--baseline', 'base', '--candidate', 'same', '--config', ws.dir], /^evalh: .*: is a folder, where a file was expected; --config takes a JSON file of thresholds$/m],
    ];
    for (const [args, message] of cases) {
      const r = await ws.cli(['gate', ...args, '--db', ws.db, '--junit', junit]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error|Warning/);
      expect(existsSync(junit)).toBe(false);
    }
  });

  it('--junit naming a folder is exit 2: one line, nothing written, no temp file left anywhere', async () => {
    // The target's folder and its parent are this test's own, so any temp file in them is the gate's.
    const parent = file('junit-parent');
    const target = join(parent, 'gate-out');
    mkdirSync(target, { recursive: true });
    const tmps = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    const rootBefore = tmps('/');
    for (const extra of [[], ['--json']]) {
      const r = await ws.cli(['gate', '--baseline', 'base', '--candidate', 'cand<&"', '--db', ws.db, '--junit', target, ...extra]);
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toBe(`evalh: --junit ${target} is a directory; give a file name (e.g. ${join(target, 'gate.xml')})`);
      if (extra.length) expect(jsonError(r)).toEqual({ code: 2, message: `--junit ${target} is a directory; give a file name (e.g. ${join(target, 'gate.xml')})` });
      else expect(r.stdout).toBe('');
      expect(readdirSync(target)).toEqual([]);
      expect(readdirSync(parent)).toEqual(['gate-out']);
      expect(tmps(ws.dir)).toEqual([]);
      expect(tmps('/')).toEqual(rootBefore);
    }
  });
});

describe('evalh gate baseline by tag', () => {
  const ws = new Workspace();
  beforeAll(() => {
    const run = (name: string, tags: Record<string, string>, suite = 'longbench') => ws.storeRun(name, { trec: [1, 1, 1, 1] }, { tags, suite });
    run('r1', { release: 'v1' });
    run('r2', { release: 'v1' });
    run('r3', { release: 'v2' });
    run('e1', { release: 'v1' }, 'longbench-e');
    run('cand', { release: 'v3' });
  });

  it('K=V is the latest run with that tag; K alone the latest run having it, never the candidate', async () => {
    const byValue = await ws.cli(['gate', '--baseline', 'release=v1', '--candidate', 'cand', '--db', ws.db, '--json']);
    expect(byValue.code, byValue.stderr).toBe(0);
    expect(json<GateDoc>(byValue)).toMatchObject({ baseline: 'r2', baseline_from: 'release=v1', candidate: 'cand', passed: true });
    const byKey = await ws.cli(['gate', '--baseline', 'release', '--candidate', 'cand', '--db', ws.db, '--json']);
    expect(json<GateDoc>(byKey).baseline).toBe('r3');
  });

  it('an unknown tag is exit 2 listing what exists; another suite is exit 2', async () => {
    const r = await ws.cli(['gate', '--baseline', 'release=v9', '--candidate', 'cand', '--db', ws.db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('release=v1');
    expect(r.stderr).toContain('r3');
    const other = await ws.cli(['gate', '--baseline', 'e1', '--candidate', 'cand', '--db', ws.db]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('different suites');
  });
});

describe('evalh gate: the minimum detectable effect stays on the scale', () => {
  const ws = new Workspace();
  const gold = () => 'the old red lighthouse keeper';
  const partly = (i: number) => ['old', 'keeper', 'nothing at all'][i % 3]!; // F1 0.4, 0.4, 0
  const gate = (baseline: string, candidate: string, extra: string[] = []) =>
    ws.cli(['gate', '--baseline', baseline, '--candidate', candidate, '--db', ws.db, ...extra]);
  beforeAll(async () => {
    await ws.importRun('pf3', { trec: trec(3) });
    await ws.importRun('pf3-cand', { trec: trec(3, [0, 1, 2]) }); // −100 points on 3 pass/fail items
    await ws.importRun('f1-3', { hotpotqa: hotpotqa(3, gold) });
    await ws.importRun('f1-3-cand', { hotpotqa: hotpotqa(3, partly) }); // −73.33 points on 3 F1 items
    await ws.importRun('pf6', { trec: trec(6) });
    await ws.importRun('pf6-cand', { trec: trec(6, range(0, 6)) }); // the normal formula says 101.5 points
    await ws.importRun('pf10-half', { trec: trec(10, range(0, 5)) }); // 50 points: at most 50 can be lost
    await ws.importRun('pf10-low', { trec: trec(10, range(0, 7)) }); // 30 points: 3 items can drop, 5 are needed
    await ws.importRun('pf10-zero', { trec: trec(10, range(0, 10)) });
    await ws.importRun('pf10', { trec: trec(10) });
    await ws.importRun('pf10-again', { trec: trec(10) });
    await ws.importRun('f1-40', { hotpotqa: hotpotqa(40, gold) });
    await ws.importRun('f1-40-cand', { hotpotqa: hotpotqa(40, (i) => (i < 8 ? partly(i) : gold())) });
  });

  it('n=3 pass/fail: "undetectable with n=3" in markdown, notes, JUnit; mde null in --json', async () => {
    const junit = join(ws.dir, 'pf3.xml');
    const md = await gate('pf3', 'pf3-cand', ['--junit', junit]);
    expect(md.code, md.stderr).toBe(0); // no drop on 3 items can be significant: the gate cannot fail it
    expect(md.stdout).toMatch(/^\| trec \| 100\.00 \| 0\.00 \| -100\.00 \| .* \| 0\.13 \| undetectable with n=3 \| ✅ PASS \|$/m);
    expect(md.stdout).toMatch(/^\| \*\*overall\*\* \|.* \| undetectable with n=3 \| ✅ PASS \|$/m);
    expect(md.stdout).toContain('- trec: drop 100.00 > 1 points but not significant (undetectable with n=3: at α=0.05 a drop is significant only when at least 5 items drop)');
    expect(md.stdout).not.toMatch(/166\.67|MDE=\d/);
    const xml = readFileSync(junit, 'utf8');
    xmlElements(xml);
    expect(junitCase(xml, 'trec')).toContain('MDE=undetectable with n=3, n=3');
    const doc = json<GateDoc>(await gate('pf3', 'pf3-cand', ['--json']));
    for (const name of ['trec', 'overall']) expect(check(doc, name)).toMatchObject({ n: 3, mde: null, detectable: false, verdict: 'PASS' });
  });

  it('n=3, not pass/fail (F1): undetectable too, never 0.00 beside a big drop', async () => {
    const r = await gate('f1-3', 'f1-3-cand', ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const t = check(json<GateDoc>(r), 'hotpotqa');
    expect(t.delta).toBe(-73.33);
    expect(t).toMatchObject({ n: 3, mde: null, detectable: false, p: 0.125 });
    expect(t.note).toMatch(/^drop 73\.33 > 1 points but not significant \(undetectable with n=3: /);
    expect((await gate('f1-3', 'f1-3-cand')).stdout).toMatch(/^\| hotpotqa \|.* \| undetectable with n=3 \| ✅ PASS \|$/m);
  });

  it('never above the scale: at most the drop there can be', async () => {
    const six = json<GateDoc>(await gate('pf6', 'pf6-cand', ['--json']));
    expect(check(six, 'trec')).toMatchObject({ n: 6, mde: 100, detectable: true, verdict: 'FAIL', delta: -100 }); // p = 2^-6
    const half = json<GateDoc>(await gate('pf10-half', 'pf10-zero', ['--json']));
    expect(check(half, 'trec')).toMatchObject({ baseline: 50, mde: 50, verdict: 'FAIL' }); // 5 regressions: p = 2^-5
    const low = json<GateDoc>(await gate('pf10-low', 'pf10-zero', ['--json']));
    expect(check(low, 'trec')).toMatchObject({ n: 10, mde: null, detectable: false, verdict: 'PASS' });
    expect(check(low, 'trec').note).toContain('undetectable with n=10: at α=0.05 a drop is significant only when at least 5 items drop; the baseline scored above 0 on only 3 of them');
  });

  it('enough items: a finite MDE within 0–100, no smaller than the exact test allows', async () => {
    const r = await gate('f1-40', 'f1-40-cand', ['--json']);
    const doc = json<GateDoc>(r);
    const t = check(doc, 'hotpotqa');
    expect(t.n).toBe(40);
    expect(t.detectable).toBe(true);
    expect(t.mde).toBeGreaterThan(0);
    expect(t.mde).toBeLessThanOrEqual(100);
    for (const c of doc.checks) expect(c.mde === null || (c.mde >= 0 && c.mde <= 100), c.name).toBe(true);
    const md = await gate('f1-40', 'f1-40-cand');
    expect(md.stdout).toContain(`| ${t.mde!.toFixed(2)} | `);
    // pass/fail with nothing changed: the exact floor (5 regressions of 10 = 50 points), not the normal formula's 0
    const same = json<GateDoc>(await gate('pf10', 'pf10-again', ['--json']));
    expect(check(same, 'trec')).toMatchObject({ mde: 50, detectable: true });
  });
});

describe('evalh gate: a candidate that did not finish every baseline item', () => {
  const dir = tempDir('evalh-gate-partial-');
  const env = cliEnv(join(dir, 'data-home'));
  const db = join(dir, 'results.db');
  const cli = (args: string[]) => runCli(args, { cwd: dir, env });
  const gate = (baseline: string, candidate: string, extra: string[] = []) => cli(['gate', '--baseline', baseline, '--candidate', candidate, '--db', db, ...extra]);
  const scored = (run: string) => itemRows(db, run).filter((r) => r.status === 'done' && r.score !== null).length;
  let server: SimServer | undefined;
  afterAll(async () => server?.close());

  beforeAll(async () => {
    for (const extra of [['--name', 'ref'], ['--name', 'ref-half', '--shard', '1/2']]) {
      const r = await cli(['run', 'longbench', '--sample', '--runner', 'reference', '--db', db, '--json', ...extra]);
      expect(r.code, r.stderr).toBe(0);
    }
    server = await startSimServer({ respond: simModel, latencyMs: 100 });
    const sim = (name: string, concurrency: number) => [
      'run', 'longbench', '--sample', '--endpoint', server!.url, '--model', 'sim-model', '--max-length', '400',
      '--concurrency', String(concurrency), '--name', name, '--db', db,
    ];
    const whole = await cli(sim('sim', 8));
    expect(whole.code, whole.stderr).toBe(0);
    // Really interrupted, as Ctrl-C or a CI step's timeout would: SIGINT a few items in.
    const child = startCli(sim('sim-cut', 2), { cwd: dir, env });
    const exit = finished(child);
    while (scored('sim-cut') < 6) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const stopped = await exit;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted: \d+ of 63 items done/);
  }, 60_000);

  it('an interrupted candidate fails the gate (exit 1); markdown, --json and JUnit say why', async () => {
    const cut = scored('sim-cut');
    expect(cut).toBeLessThan(63);
    const junit = join(dir, 'cut.xml');
    const r = await gate('sim', 'sim-cut', ['--junit', junit]);
    expect(r.code, r.stderr).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      new RegExp(`^evalh: gate failed: candidate "sim-cut" is interrupted, not completed; it scored ${cut} of the 63 items the baseline scored \\(\\d+ missing, \\d+ failed\\); \\d+ of 21 datasets not checked: a partial candidate fails the gate; resume or re-run it, or pass --allow-partial to judge the shared items only$`),
    );
    expect(r.stdout).toMatch(/^### ❌ evalh gate failed \(coverage\): sim-cut vs baseline sim \(longbench\)$/m);
    expect(r.stdout).toMatch(/^Coverage: ❌ \*\*incomplete candidate\*\* — candidate "sim-cut" is interrupted, not completed; /m);
    expect(r.stdout).toMatch(/^Not checked \(no items scored in both runs\): /m);

    const xml = readFileSync(junit, 'utf8');
    xmlElements(xml);
    expect(xml).toMatch(/failures="1"/);
    expect(junitCase(xml, 'coverage')).toMatch(/<failure type="coverage" message="candidate &quot;sim-cut&quot; is interrupted, not completed; [^"]*--allow-partial[^"]*">status interrupted, \d+ of 63 baseline items scored/);

    const doc = json<GateDoc>(await gate('sim', 'sim-cut', ['--json']));
    expect(doc.passed).toBe(false);
    expect(doc.failed).toEqual(['coverage']);
    expect(doc.coverage).toMatchObject({ verdict: 'FAIL', complete: false, allow_partial: false, candidate_status: 'interrupted', baseline_scored: 63, shared: cut, datasets: 21 });
    expect(doc.coverage.missing + doc.coverage.failed).toBe(63 - cut);
    expect(doc.coverage.not_checked.length).toBeGreaterThanOrEqual(21 - cut);
  });

  it('--allow-partial judges the shared items of the interrupted candidate and says it is partial', async () => {
    const cut = scored('sim-cut');
    const junit = join(dir, 'cut-allowed.xml');
    const r = await gate('sim', 'sim-cut', ['--allow-partial', '--junit', junit]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^### ✅ evalh gate passed \\(partial candidate: ${cut} of 63 items\\): sim-cut vs baseline sim`, 'm'));
    expect(r.stdout).toMatch(/^Coverage: ⚠️ \*\*partial candidate\*\* — .*judged on the \d+ shared items only \(--allow-partial\)\.$/m);
    expect(r.stderr).toMatch(/^evalh: warning: candidate "sim-cut" is interrupted, not completed; .*\(--allow-partial\)$/m);
    const coverage = junitCase(readFileSync(junit, 'utf8'), 'coverage');
    expect(coverage).not.toContain('<failure');
    expect(coverage).toContain('partial candidate, judged on the');
    const doc = json<GateDoc>(await gate('sim', 'sim-cut', ['--allow-partial', '--json']));
    expect(doc).toMatchObject({ passed: true, failed: [] });
    expect(doc.coverage).toMatchObject({ verdict: 'PASS', complete: false, allow_partial: true, shared: cut });
    expect(doc.checks.length).toBeGreaterThan(1);
    for (const c of doc.checks) expect([c.delta, c.verdict]).toEqual([0, 'PASS']); // the same model on the same items
  });

  it('a one-shard candidate (--shard 1/2) is completed but covers half: exit 1, and 0 with --allow-partial', async () => {
    const half = scored('ref-half');
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(63);
    const r = await gate('ref', 'ref-half', ['--json']);
    expect(r.code, r.stderr).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      `evalh: gate failed: candidate "ref-half" scored ${half} of the 63 items the baseline scored (${63 - half} missing, 0 failed): a partial candidate fails the gate; resume or re-run it, or pass --allow-partial to judge the shared items only`,
    );
    const doc = json<GateDoc>(r);
    expect(doc.coverage).toMatchObject({ verdict: 'FAIL', complete: false, candidate_status: 'completed', shared: half, missing: 63 - half, failed: 0 });
    expect(doc.failed).toEqual(['coverage']);
    const md = await gate('ref', 'ref-half');
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/^### ❌ evalh gate failed \(coverage\)/m);
    const allowed = await gate('ref', 'ref-half', ['--allow-partial', '--json']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(json<GateDoc>(allowed)).toMatchObject({ passed: true, coverage: { verdict: 'PASS', complete: false, shared: half } });
    // The other way round the candidate covers everything the baseline scored.
    const reverse = await gate('ref-half', 'ref', ['--json']);
    expect(reverse.code, reverse.stderr).toBe(0);
    expect(json<GateDoc>(reverse).coverage).toMatchObject({ verdict: 'PASS', complete: true, shared: half });
  });
});

describe('evalh gate: coverage of stored runs', () => {
  const ws = new Workspace();
  const gate = (candidate: string, extra: string[] = []) => ws.cli(['gate', '--baseline', 'base', '--candidate', candidate, '--db', ws.db, ...extra]);
  beforeAll(() => {
    const ones = Array(8).fill(1);
    ws.storeRun('base', { trec: ones, lsht: ones });
    ws.storeRun('killed', { trec: ones, lsht: ones }, { status: 'running' }); // kill -9 leaves "running"
    ws.storeRun('with-errors', { trec: [1, 1, undefined, 1, 1, 1, 1, 1], lsht: ones });
    ws.storeRun('nothing', {}, { status: 'interrupted' });
  });

  it('any status but completed fails, even with every item scored', async () => {
    const r = await gate('killed', ['--json']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^evalh: gate failed: candidate "killed" is running, not completed; it scored 16 of the 16 items the baseline scored \(0 missing, 0 failed\): /);
    expect(json<GateDoc>(r).coverage).toMatchObject({ verdict: 'FAIL', candidate_status: 'running', shared: 16 });
  });

  it('a completed candidate whose items failed where the baseline scored them fails', async () => {
    const r = await gate('with-errors', ['--json']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toContain('candidate "with-errors" scored 15 of the 16 items the baseline scored (0 missing, 1 failed)');
    expect(json<GateDoc>(r).coverage).toMatchObject({ complete: false, candidate_status: 'completed', failed: 1 });
  });

  it('an import of part of a suite (status partial) fails as a candidate, whatever it shares with the baseline', async () => {
    await ws.importRun('full-trec', { trec: trec(200) });
    await ws.importRun('part-trec', { trec: trec(20) }, { complete: false }); // 20 of trec's 200 items
    const r = await ws.cli(['gate', '--baseline', 'full-trec', '--candidate', 'part-trec', '--db', ws.db, '--json']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^evalh: gate failed: candidate "part-trec" is partial, not completed; it scored 20 of the 200 items the baseline scored \(180 missing, 0 failed\)/);
    expect(json<GateDoc>(r).coverage).toMatchObject({ verdict: 'FAIL', candidate_status: 'partial', shared: 20 });
    const allowed = await ws.cli(['gate', '--baseline', 'full-trec', '--candidate', 'part-trec', '--db', ws.db, '--allow-partial']);
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it('a candidate stopped before its first item fails the gate with the coverage check alone', async () => {
    const junit = join(ws.dir, 'nothing.xml');
    const r = await gate('nothing', ['--junit', junit]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toContain('candidate "nothing" is interrupted, not completed; it scored 0 of the 16 items');
    expect(r.stdout).toMatch(/^### ❌ evalh gate failed \(coverage\)/m);
    expect(r.stdout).not.toContain('| dataset |');
    const xml = readFileSync(junit, 'utf8');
    expect(xmlElements(xml).filter((n) => n === 'testcase')).toHaveLength(1);
    expect(xml).toContain('tests="1" failures="1"');
    // With --allow-partial there is nothing left to judge: bad usage, nothing written.
    const allowed = await gate('nothing', ['--allow-partial', '--junit', join(ws.dir, 'never.xml')]);
    expect(allowed.code).toBe(2);
    expect(oneLine(allowed.stderr)).toBe('evalh: runs "base" and "nothing" have no items scored in both');
    expect(existsSync(join(ws.dir, 'never.xml'))).toBe(false);
  });
});

describe('evalh gate on a suite whose item scores are points (AlignBench, judge scores 1–10)', () => {
  const ws = new Workspace();
  beforeAll(() => {
    const scores = (xs: number[]) => ({ 数学计算: xs, 逻辑推理: [8, 8, 8] });
    ws.storeRun('ab-base', scores([8, 7, 9, 8, 6, 8, 7, 9, 8, 8]), { suite: 'alignbench' });
    ws.storeRun('ab-cand', { 数学计算: [2, 1, 3, 2, 1, 2, 1, 3, 2, 2], 逻辑推理: [1, 1, 1] }, { suite: 'alignbench' });
  });

  it('scores, Δ and MDE are on the 1–10 scale: a 6-point drop fails, 3 items are undetectable', async () => {
    const r = await ws.cli(['gate', '--baseline', 'ab-base', '--candidate', 'ab-cand', '--db', ws.db, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const doc = json<GateDoc>(r);
    const math = check(doc, '数学计算');
    expect([math.baseline, math.candidate, math.delta, math.verdict]).toEqual([7.8, 1.9, -5.9, 'FAIL']);
    expect(math.ci[0]).toBeGreaterThanOrEqual(-10);
    expect(math.mde).toBeGreaterThanOrEqual(0);
    expect(math.mde).toBeLessThanOrEqual(7.8); // never more than the baseline has to lose
    expect(check(doc, '逻辑推理')).toMatchObject({ baseline: 8, candidate: 1, mde: null, detectable: false, verdict: 'PASS' });
  });
});
