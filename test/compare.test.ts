import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mcnemarExact } from '../src/stats/index.js';
import { json } from './helpers/cli.js';
import { Workspace, hotpotqa, trec } from './fixtures/stats/runs.js';

// evalh compare on real SQLite stores: runs imported from prediction files (real metrics)
// or written through the store (tags, failures, other fingerprints).

interface DatasetDoc {
  a: number;
  b: number;
  diff: number;
  ci: [number, number];
  mcnemar_p?: number;
  binary: boolean;
  shared: number;
  left_out: { only_a: number; only_b: number; failed_a: number; failed_b: number };
  flipped: { regressed: string[]; improved: string[] };
  changed?: { id: string; a: number; b: number }[];
}
interface CompareDoc {
  suite: string;
  runs: { name: string; tags: Record<string, string>; overall: { score: number; ci: [number, number] } }[];
  comparisons: { a: string; b: string; datasets: Record<string, DatasetDoc>; overall: DatasetDoc & { regressed: number; improved: number } }[];
  trend?: { steps: string[]; runs: string[]; datasets: Record<string, (number | null)[]>; overall: number[] };
  warnings: string[];
}

// 400 pass/fail items: A misses every 10th; B regresses 30 items A had right and fixes 10 of
// A's misses, so B − A = (10 − 30)/400 = −5 points exactly, on exactly those 40 items.
const N = 400;
const aWrong = Array.from({ length: N }, (_, i) => i).filter((i) => i % 10 === 0);
const regressed = Array.from({ length: N }, (_, i) => i).filter((i) => i % 10 !== 0 && i % 11 === 3).slice(0, 30);
const improved = aWrong.slice(0, 10);
const bWrong = [...aWrong.filter((i) => !improved.includes(i)), ...regressed];
const ids = (d: string, xs: number[]) => [...xs].sort((x, y) => x - y).map((i) => `${d}/${i}`);
// hotpotqa (F1): B answers the first 10 items only partly.
const gold = () => 'the old red lighthouse keeper';
const partial = (i: number) => (i < 10 ? 'old red' : gold());

describe('evalh compare', () => {
  const ws = new Workspace();
  beforeAll(async () => {
    expect(regressed).toHaveLength(30);
    await ws.importRun('A', { trec: trec(N, aWrong), hotpotqa: hotpotqa(50, gold) }, { complete: false });
    await ws.importRun('B', { trec: trec(N, bWrong), hotpotqa: hotpotqa(50, partial) }, { complete: false });
    await ws.importRun('A-again', { trec: trec(N, aWrong), hotpotqa: hotpotqa(50, gold) });
  });

  it('finds a known effect: the difference, an interval that covers it, McNemar, and exactly the flipped items', async () => {
    const r = await ws.cli(['compare', 'A', 'B', '--db', ws.db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = json<CompareDoc>(r);
    expect(doc.suite).toBe('longbench');
    // The fixture's imports have 50 of hotpotqa's 200 items: partial imports since issue 12, and compare says so.
    expect(doc.warnings).toEqual(['run "A" is partial: only its finished items are compared', 'run "B" is partial: only its finished items are compared']);
    const [c] = doc.comparisons;
    const t = c!.datasets.trec!;
    expect([t.a, t.b, t.diff]).toEqual([90, 85, -5]);
    expect(t.ci[0]).toBeLessThan(-5);
    expect(t.ci[1]).toBeGreaterThan(-5);
    expect(t.ci[1]).toBeLessThan(0);
    expect(t.binary).toBe(true);
    expect(t.mcnemar_p).toBeCloseTo(mcnemarExact(30, 10), 6);
    expect(t.mcnemar_p).toBeCloseTo(0.0022214337732293643, 8); // 6 significant digits; python: test/fixtures/stats/reference.json
    expect(t.flipped.regressed).toEqual(ids('trec', regressed));
    expect(t.flipped.improved).toEqual(ids('trec', improved));
    expect(t.shared).toBe(N);
    expect(t.left_out).toEqual({ only_a: 0, only_b: 0, failed_a: 0, failed_b: 0 });

    const h = c!.datasets.hotpotqa!;
    expect(h.binary).toBe(false);
    expect(h.mcnemar_p).toBeUndefined();
    expect(h.flipped.regressed).toEqual(ids('hotpotqa', [...Array(10).keys()]));
    expect(h.changed!.map((x) => x.id).sort()).toEqual(ids('hotpotqa', [...Array(10).keys()]).sort());
    for (const x of h.changed!) {
      expect(x.a).toBe(1);
      expect(x.b).toBeCloseTo(2 / 3, 12); // "old red" vs "old red lighthouse keeper": P 1, R 1/2
    }
    expect(h.diff).toBeCloseTo((-100 * 10 * (1 / 3)) / 50, 2);
    expect(h.ci[0]).toBeLessThanOrEqual(h.diff);
    expect(h.ci[1]).toBeGreaterThanOrEqual(h.diff);

    // overall = the suite's headline (the same number `evalh show` prints) and its difference
    const show = json<{ overall: number }>(await ws.cli(['show', 'A', '--db', ws.db, '--json']));
    expect(c!.overall.a).toBe(show.overall);
    expect(doc.runs[0]!.overall.score).toBe(show.overall);
    expect(c!.overall.diff).toBeCloseTo(c!.overall.b - c!.overall.a, 9);
    expect(c!.overall.ci[0]).toBeLessThanOrEqual(c!.overall.diff);
    expect(c!.overall.ci[1]).toBeGreaterThanOrEqual(c!.overall.diff);
    expect([c!.overall.regressed, c!.overall.improved]).toEqual([40, 10]);
  });

  it('two identical runs: difference 0, interval [0, 0], nothing flipped', async () => {
    const doc = json<CompareDoc>(await ws.cli(['compare', 'A', 'A-again', '--db', ws.db, '--json']));
    for (const d of [...Object.values(doc.comparisons[0]!.datasets), doc.comparisons[0]!.overall]) {
      expect(d.diff).toBe(0);
      expect(d.ci).toEqual([0, 0]);
    }
    expect(doc.comparisons[0]!.datasets.trec!.flipped).toEqual({ regressed: [], improved: [] });
    expect(doc.comparisons[0]!.datasets.trec!.mcnemar_p).toBe(1);
  });

  it('is reproducible: the same seed gives byte-identical output, JSON and tables', async () => {
    const args = ['compare', 'A', 'B', 'A-again', '--db', ws.db, '--seed', '7'];
    const [j1, j2, t1, t2] = await Promise.all([ws.cli([...args, '--json']), ws.cli([...args, '--json']), ws.cli(args), ws.cli(args)]);
    expect(j1.code).toBe(0);
    expect(j1.stdout).toBe(j2.stdout);
    expect(t1.stdout).toBe(t2.stdout);
    // adding a run does not move the intervals of the others (each has its own stream)
    const pair = json<CompareDoc>(await ws.cli(['compare', 'A', 'B', '--db', ws.db, '--seed', '7', '--json']));
    expect(json<CompareDoc>(j1).comparisons[0]).toEqual(pair.comparisons[0]);
  });

  it('prints tables on stdout and the flipped items', async () => {
    const r = await ws.cli(['compare', 'A', 'B', '--db', ws.db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Dataset\s+A\s+B\s+Δ\s+95% CI\s+McNemar p/);
    expect(r.stdout).toMatch(/^trec\s+90\.00\s+85\.00\s+-5\.00\s+\[-/m);
    expect(r.stdout).toMatch(/^overall\s/m);
    expect(r.stdout).toContain(`trec worse (30): trec/${regressed[0]}`);
    expect(r.stdout).toContain('20 more (--json lists all)');
  });

  it('bad usage is exit 2 and creates nothing', async () => {
    const missing = await ws.cli(['compare', 'A', 'nope', '--db', ws.db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no run named "nope".*A-again/);
    const one = await ws.cli(['compare', 'A', '--db', ws.db]);
    expect(one.code).toBe(2);
    const nodb = join(ws.dir, 'absent.db');
    const r = await ws.cli(['compare', 'A', 'B', '--db', nodb]);
    expect(r.code).toBe(2);
    expect(existsSync(nodb)).toBe(false);
    expect((await ws.cli(['compare', 'A', 'B', '--db', ws.db, '--seed', '1.5'])).code).toBe(2);
  });
});

describe('evalh compare on stored runs', () => {
  const ws = new Workspace();
  const same = { suite: 'longbench', prompts: 'p1', data: 'd1' };
  beforeAll(() => {
    const ones = (n: number) => Array<number>(n).fill(1);
    ws.storeRun('S1', { trec: [...ones(20), undefined], hotpotqa: [0.5, 0.5, 0.5] }, { parts: { ...same, runner: { model: 'm1' } } });
    // item 5 failed, items 18..20 missing; 2 regressions; other prompts
    ws.storeRun('S2', { trec: [1, 0, 1, 1, 0, undefined, ...ones(12)], hotpotqa: [0.5, 0.5, 0.5] }, { parts: { ...same, prompts: 'p2', runner: { model: 'm2' } } });
    ws.storeRun('S3', { trec: ones(21), hotpotqa: [1, 1, 1] }, { parts: { ...same, runner: { model: 'm3' } } });
    ws.storeRun('E1', { trec: ones(4) }, { suite: 'longbench-e' });
    ws.storeRun('E2', { trec: [1, 0, 1, 1] }, { suite: 'longbench-e' });
    ws.storeRun('C2000', { trec: [1, 1, 1, 1], hotpotqa: [1, 1] }, { tags: { step: '2000' } });
    ws.storeRun('C500', { trec: [0, 0, 1, 0], hotpotqa: [0, 0.5] }, { tags: { step: '500' } });
    ws.storeRun('C1000', { trec: [1, 0, 1, 1], hotpotqa: [0.5, 0.5] }, { tags: { step: '1000' } });
  });

  it('compares only shared scored items, says how many were left out and why, and warns about other settings', async () => {
    const r = await ws.cli(['compare', 'S1', 'S2', 'S3', '--db', ws.db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = json<CompareDoc>(r);
    const t = doc.comparisons[0]!.datasets.trec!;
    expect(t.shared).toBe(17); // 21 in S1, minus its failed 20, S2's failed 5 and missing 18, 19
    expect(t.left_out).toEqual({ only_a: 3, only_b: 0, failed_a: 0, failed_b: 1 });
    expect(t.flipped.regressed).toEqual(['trec/1', 'trec/4']);
    expect(t.a).toBe(100);
    expect(t.b).toBeCloseTo((100 * 15) / 17, 2);
    expect(doc.warnings.some((w) => w.includes('"S1" and "S2"') && w.includes('prompts'))).toBe(true);
    expect(doc.warnings.some((w) => w.includes('"S3"'))).toBe(false); // differs in the model only
    expect(r.stderr).toContain('warning');
    expect(r.stderr).toContain('prompts');
    // S3 vs S1: the failed item of S1 is left out
    expect(doc.comparisons[1]!.datasets.trec!.left_out.failed_a).toBe(1);
    expect(doc.comparisons[1]!.datasets.hotpotqa!.diff).toBe(50);
  });

  it('orders a checkpoint series by step and prints the trend', async () => {
    const r = await ws.cli(['compare', 'C2000', 'C500', 'C1000', '--db', ws.db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = json<CompareDoc>(r);
    expect(doc.runs.map((x) => x.name)).toEqual(['C500', 'C1000', 'C2000']);
    expect(doc.comparisons.map((c) => [c.a, c.b])).toEqual([['C500', 'C1000'], ['C500', 'C2000']]);
    expect(doc.trend!.steps).toEqual(['500', '1000', '2000']);
    expect(doc.trend!.datasets.trec).toEqual([25, 75, 100]);
    expect(doc.trend!.datasets.hotpotqa).toEqual([25, 50, 100]);
    expect(doc.trend!.overall).toEqual([25, 62.5, 100]);
    const human = await ws.cli(['compare', 'C2000', 'C500', 'C1000', '--db', ws.db]);
    expect(human.stdout).toMatch(/Dataset\s+step 500\s+step 1000\s+step 2000/);
    expect(human.stdout).toMatch(/^overall\s+25\.00\s+62\.50\s+100\.00/m);
  });

  it('LongBench-E (length buckets): dataset scores are 100 × the mean over the dataset', async () => {
    const doc = json<CompareDoc>(await ws.cli(['compare', 'E1', 'E2', '--db', ws.db, '--json']));
    expect(doc.suite).toBe('longbench-e');
    expect(doc.comparisons[0]!.datasets.trec).toMatchObject({ a: 100, b: 75, diff: -25, mcnemar_p: 1 });
    expect(doc.comparisons[0]!.overall).toMatchObject({ a: 100, b: 75, diff: -25 });
  });

  it('refuses runs of different suites (exit 2)', async () => {
    const r = await ws.cli(['compare', 'S1', 'E1', '--db', ws.db, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 2, message: expect.stringMatching(/different suites/) } });
    expect(r.stderr).toMatch(/different suites.*S1 \(longbench\).*E1 \(longbench-e\)/);
  });
});
