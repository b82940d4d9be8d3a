// LongBench v1 metrics against reference values from the official algorithms in Python
// (scripts/gen-metric-fixtures.py; see test/fixtures/metrics/README.md). Exact float equality.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import {
  DATASET_METRIC,
  bucketScores,
  datasetScore,
  metrics,
  scoreItem,
  type MetricName,
} from '../src/metrics/index.js';
import { normalizeAnswer, normalizeZhAnswer } from '../src/metrics/normalize.js';
import { numpyRound, pyRound, pyRoundInt } from '../src/metrics/pyround.js';
import { isPyWord, pyDigitRuns, pyLower, pySplit } from '../src/metrics/pystr.js';
import { MAX_RECON_STEPS, MAX_RECON_STEPS_ZH, rougeL } from '../src/metrics/rouge.js';
import { sequenceMatcherRatio } from '../src/metrics/difflib.js';

const FIX = new URL('./fixtures/metrics/', import.meta.url);

function readJsonl<T>(name: string): T[] {
  return readFileSync(new URL(name, FIX), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}

/** Fixture numbers: JSON numbers, or "NaN" / "Infinity" / "-Infinity" strings. */
function num(v: unknown): number {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v as number;
}

function show(s: string): string {
  return JSON.stringify(s.length > 60 ? s.slice(0, 60) + '…' : s);
}

interface Case {
  metric: MetricName;
  prediction: string;
  ground_truth: string;
  all_classes: string[] | null;
  expected: number | null;
  raises?: string;
}

describe('metrics vs the official Python (cases.jsonl)', () => {
  const cases = readJsonl<Case>('cases.jsonl');
  const byMetric = new Map<MetricName, Case[]>();
  for (const c of cases) byMetric.set(c.metric, [...(byMetric.get(c.metric) ?? []), c]);

  it('covers every metric with a few hundred cases', () => {
    expect(cases.length).toBeGreaterThan(300);
    expect([...byMetric.keys()].sort()).toEqual(Object.keys(metrics).sort());
  });

  for (const [metric, list] of byMetric) {
    it(`${metric}: ${list.length} cases, exact`, () => {
      const fn = metrics[metric];
      const failures: string[] = [];
      for (const c of list) {
        if (c.raises) {
          expect(() => fn(c.prediction, c.ground_truth, c.all_classes), `${c.raises} for ${show(c.ground_truth)}`).toThrow();
          continue;
        }
        const got = fn(c.prediction, c.ground_truth, c.all_classes);
        if (!Object.is(got, c.expected)) {
          failures.push(`${show(c.prediction)} vs ${show(c.ground_truth)}: got ${got}, want ${c.expected}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});

describe('eval.py per-item logic (items.jsonl)', () => {
  const items = readJsonl<{
    dataset: string;
    prediction: string;
    answers: string[];
    all_classes: string[] | null;
    expected: number;
  }>('items.jsonl');
  it(`${items.length} items, exact`, () => {
    const failures: string[] = [];
    for (const it of items) {
      const got = scoreItem(DATASET_METRIC[it.dataset]!, it.prediction, it.answers, it.all_classes, it.dataset);
      if (!Object.is(got, it.expected)) failures.push(`${it.dataset} ${show(it.prediction)}: got ${got}, want ${it.expected}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('aggregation (aggregate.jsonl)', () => {
  type Agg =
    | { kind: 'dataset_score'; scores: number[]; expected: number | null; raises?: string }
    | { kind: 'buckets'; items: { score: number; length: number }[]; expected: Record<string, unknown> }
    | { kind: 'buckets_repeat'; pattern: number[]; count: number; length: number; expected: Record<string, unknown> };
  const rows = readJsonl<Agg>('aggregate.jsonl');
  it(`${rows.length} dataset scores and LongBench-E bucket sets, exact`, () => {
    const failures: string[] = [];
    for (const r of rows) {
      if (r.kind === 'dataset_score') {
        const got = datasetScore(r.scores);
        const want = r.raises ? NaN : (r.expected as number);
        if (!Object.is(got, want)) failures.push(`dataset_score n=${r.scores.length}: got ${got}, want ${want}`);
      } else {
        const items =
          r.kind === 'buckets'
            ? r.items
            : Array.from({ length: r.count }, (_, k) => ({ score: r.pattern[k % r.pattern.length]!, length: r.length }));
        const got = bucketScores(items);
        for (const key of ['0-4k', '4-8k', '8k+'] as const) {
          if (!Object.is(got[key], num(r.expected[key]))) {
            failures.push(`buckets n=${items.length} ${key}: got ${got[key]}, want ${String(r.expected[key])}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('pyRound = Python round(x, n)', () => {
  it('documented ties and representation cases', () => {
    expect(pyRound(12.125, 2)).toBe(12.12);
    expect(pyRound(0.125, 2)).toBe(0.12);
    expect(pyRound(0.375, 2)).toBe(0.38);
    expect(pyRound(2.675, 2)).toBe(2.67);
    expect(pyRound(1.005, 2)).toBe(1.0);
    expect(pyRound(2.5, 0)).toBe(2);
    expect(pyRound(3.5, 0)).toBe(4);
    expect(Object.is(pyRound(-0.001, 2), -0)).toBe(true);
    expect(pyRound(NaN, 2)).toBeNaN();
    expect(pyRound(Infinity, 2)).toBe(Infinity);
    expect(pyRound(1250, -2)).toBe(1200);
    expect(pyRound(1350, -2)).toBe(1400);
    expect(pyRoundInt(0.5)).toBe(0);
    expect(pyRoundInt(1.5)).toBe(2);
    expect(pyRoundInt(58.5)).toBe(58);
    // numpy's round (scorer_e) is not correctly rounded
    expect(numpyRound(2.675, 2)).toBe(2.68);
    expect(numpyRound(12.125, 2)).toBe(12.12);
  });

  const rows = readJsonl<{ x: unknown; n: number; expected: unknown; raises?: string }>('pyround.jsonl');
  it(`${rows.length} values from Python, exact (sign of zero included)`, () => {
    const failures: string[] = [];
    for (const r of rows) {
      const x = num(r.x);
      if (r.raises) {
        expect(() => pyRound(x, r.n)).toThrow();
        continue;
      }
      const got = pyRound(x, r.n);
      const want = num(r.expected);
      if (!Object.is(got, want)) failures.push(`round(${x}, ${r.n}): got ${got}, want ${want}`);
    }
    expect(failures).toEqual([]);
  });
});

/** json.dumps(v, ensure_ascii=True, separators=(",", ":")) for a string or list of strings. */
function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + '"';
}
function pyJson(v: string | string[]): string {
  return typeof v === 'string' ? pyJsonString(v) : '[' + v.map(pyJsonString).join(',') + ']';
}
function h(v: string | string[]): string {
  return createHash('sha256').update(pyJson(v)).digest('hex').slice(0, 24);
}

describe('Python str semantics (strings.jsonl)', () => {
  type Row =
    | { fn: 'lower' | 'normalize_answer' | 'normalize_zh_answer'; input: string; expected: string }
    | { fn: 'split' | 'digit_runs'; input: string; expected: string[] }
    | { fn: 'block'; start: number; lower: string; split: string; digit_runs: string; word_mask: string };
  const rows = readJsonl<Row>('strings.jsonl');

  it('samples: lower, split, \\d+, normalize_answer, normalize_zh_answer', () => {
    const failures: string[] = [];
    for (const r of rows) {
      if (r.fn === 'block') continue;
      const got =
        r.fn === 'lower'
          ? pyLower(r.input)
          : r.fn === 'split'
            ? pySplit(r.input)
            : r.fn === 'digit_runs'
              ? pyDigitRuns(r.input)
              : r.fn === 'normalize_answer'
                ? normalizeAnswer(r.input)
                : normalizeZhAnswer(r.input);
      if (JSON.stringify(got) !== JSON.stringify(r.expected)) {
        failures.push(`${r.fn}(${JSON.stringify(r.input)}): got ${JSON.stringify(got)}, want ${JSON.stringify(r.expected)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('every code point (blocks of 0x400): lower, split, \\d+, \\w', () => {
    const failures: string[] = [];
    let blocks = 0;
    for (const r of rows) {
      if (r.fn !== 'block') continue;
      blocks++;
      let chunk = '';
      let mask = '';
      for (let c = r.start; c < r.start + 0x400; c++) {
        if (c >= 0xd800 && c <= 0xdfff) continue;
        chunk += String.fromCodePoint(c);
        mask += isPyWord(c) ? '1' : '0';
      }
      const where = `block U+${r.start.toString(16)}`;
      if (h(pyLower(chunk)) !== r.lower) failures.push(`${where} lower`);
      if (h(pySplit(chunk)) !== r.split) failures.push(`${where} split`);
      if (h(pyDigitRuns(chunk)) !== r.digit_runs) failures.push(`${where} digit_runs`);
      if (h(mask) !== r.word_mask) failures.push(`${where} word_mask`);
    }
    expect(blocks).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// Cross-checks against straightforward transcriptions of the Python algorithms
// ---------------------------------------------------------------------------------------

/** rouge 1.0.1 ROUGE-L as written in Python: full DP table and the recursive backtrack. */
function naiveRougeL(hyp: string, ref: string, maxSteps: number): number | null {
  const sents = (t: string) =>
    t
      .split('.')
      .filter((s) => s.length > 0)
      .map((s) => pySplit(s).join(' '));
  const H = sents(hyp);
  const R = sents(ref);
  if (H.length === 0 || R.length === 0) return null;
  const m = new Set(R.flatMap((s) => s.split(' '))).size;
  const n = new Set(H.flatMap((s) => s.split(' '))).size;
  const union = new Set<string>();
  for (const r of R) {
    const x = r.split(' ');
    for (const hs of H) {
      const y = hs.split(' ');
      const T: number[][] = [];
      for (let i = 0; i <= x.length; i++) {
        T.push(new Array<number>(y.length + 1).fill(0));
        for (let j = 1; j <= y.length && i > 0; j++) {
          T[i]![j] = x[i - 1] === y[j - 1] ? T[i - 1]![j - 1]! + 1 : Math.max(T[i - 1]![j]!, T[i]![j - 1]!);
        }
      }
      let i = x.length;
      let j = y.length;
      let steps = 0;
      while (i > 0 && j > 0) {
        if (++steps > maxSteps) return null;
        if (x[i - 1] === y[j - 1]) {
          union.add(x[i - 1]!);
          i--;
          j--;
        } else if (T[i - 1]![j]! > T[i]![j - 1]!) i--;
        else j--;
      }
    }
  }
  const r = union.size / m;
  const p = union.size / n;
  return 2.0 * ((p * r) / (p + r + 1e-8));
}

/** Deterministic PRNG for the randomized cross-checks. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('rouge: bit-parallel table vs the plain Python algorithm', () => {
  it('random texts (2,000 pairs, incl. long sentences near the recursion limit)', () => {
    const r = rng(12345);
    const words = ['a', 'b', 'c', 'd', 'e', 'the', 'of', 'x.', 'y', '.', ' ', '\t'];
    const text = (len: number, vocab: number) => {
      let s = '';
      for (let k = 0; k < len; k++) s += words[Math.floor(r() * vocab)] + (r() < 0.9 ? ' ' : '');
      return s;
    };
    for (let t = 0; t < 2000; t++) {
      const big = t % 50 === 0;
      const vocab = 2 + Math.floor(r() * (words.length - 1));
      const hyp = text(Math.floor(r() * (big ? 1400 : 80)), big ? 2 : vocab);
      const ref = text(Math.floor(r() * (big ? 1400 : 120)), big ? 2 : vocab);
      const limit = big ? MAX_RECON_STEPS : Math.floor(r() * 60) + 1;
      expect(rougeL(hyp, ref, limit), `${t}`).toBe(naiveRougeL(hyp, ref, limit));
    }
  });

  it('recursion threshold: 990 steps pass, 991 raise (rouge); 989 / 990 for rouge_zh', () => {
    const w = (k: number) => Array.from({ length: k }, () => 'w').join(' ');
    expect(MAX_RECON_STEPS).toBe(990);
    expect(MAX_RECON_STEPS_ZH).toBe(989);
    expect(metrics.rouge(w(990), w(990), null)).toBe(0.999999995);
    expect(metrics.rouge(w(991), w(991), null)).toBe(0);
    const z = (k: number) => Array.from({ length: k }, () => '我').join(' ');
    expect(metrics.rouge_zh(z(989), z(989), null)).toBe(0.999999995);
    expect(metrics.rouge_zh(z(990), z(990), null)).toBe(0);
  });
});

/** difflib as written in Python, with dicts (Maps) for j2len. */
function naiveRatio(a: number[], b: number[]): number {
  const b2j = new Map<number, number[]>();
  b.forEach((e, j) => b2j.set(e, [...(b2j.get(e) ?? []), j]));
  if (b.length >= 200) {
    const ntest = Math.floor(b.length / 100) + 1;
    for (const [e, idx] of [...b2j]) if (idx.length > ntest) b2j.delete(e);
  }
  const flm = (alo: number, ahi: number, blo: number, bhi: number) => {
    let [bi, bj, bs] = [alo, blo, 0];
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const nj = new Map<number, number>();
      for (const j of b2j.get(a[i]!) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        nj.set(j, k);
        if (k > bs) [bi, bj, bs] = [i - k + 1, j - k + 1, k];
      }
      j2len = nj;
    }
    while (bi > alo && bj > blo && a[bi - 1] === b[bj - 1]) [bi, bj, bs] = [bi - 1, bj - 1, bs + 1];
    while (bi + bs < ahi && bj + bs < bhi && a[bi + bs] === b[bj + bs]) bs++;
    return [bi, bj, bs] as const;
  };
  let matches = 0;
  const q: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  while (q.length) {
    const [alo, ahi, blo, bhi] = q.pop()!;
    const [i, j, k] = flm(alo, ahi, blo, bhi);
    if (k) {
      matches += k;
      if (alo < i && blo < j) q.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) q.push([i + k, ahi, j + k, bhi]);
    }
  }
  const len = a.length + b.length;
  return len ? (2.0 * matches) / len : 1.0;
}

describe('difflib port vs a plain transcription', () => {
  it('random sequences around the autojunk size', () => {
    const r = rng(777);
    for (let t = 0; t < 1500; t++) {
      const alpha = 2 + Math.floor(r() * 6);
      const la = Math.floor(r() * 320);
      const lb = Math.floor(r() * 320);
      const a = Array.from({ length: la }, () => Math.floor(r() * alpha));
      const b = Array.from({ length: lb }, () => Math.floor(r() * alpha));
      expect(sequenceMatcherRatio(a, b), `${t}`).toBe(naiveRatio(a, b));
    }
  });
});
