import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { json } from './helpers/cli.js';
import { Workspace, hotpotqa, trec } from './fixtures/stats/runs.js';

// evalh gate: exit 1 only for a drop both larger than allowed and significant; 0 otherwise;
// 2 (and no files written) for bad usage or input.

interface Check {
  name: string;
  n: number;
  baseline: number;
  candidate: number;
  delta: number;
  ci: [number, number];
  p: number;
  mde: number;
  max_drop: number;
  alpha: number;
  verdict: 'PASS' | 'FAIL';
  note?: string;
}
interface GateDoc {
  suite: string;
  baseline: string;
  baseline_from?: string;
  candidate: string;
  passed: boolean;
  failed: string[];
  checks: Check[];
  warnings: string[];
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const check = (doc: GateDoc, name: string) => doc.checks.find((c) => c.name === name)!;

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
    expect(names.filter((n) => n === 'testcase')).toHaveLength(3);
    expect(names.filter((n) => n === 'failure')).toHaveLength(2);
    expect(xml).toContain('tests="3" failures="2"');
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
