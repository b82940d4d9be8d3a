import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../benchmarks/humaneval-x/aggregate.js';
import { HUMANEVAL_X_ASSETS } from '../benchmarks/humaneval-x/assets.js';
import { cleanupCode, extractGeneration, firstFencedBlock, isFinished, pyStrip, stopAtFinish } from '../benchmarks/humaneval-x/clean.js';
import { humanevalX } from '../benchmarks/humaneval-x/index.js';
import { LANGUAGE_NAMES, type Language } from '../benchmarks/humaneval-x/languages.js';
import { SAMPLE_DIR, findLanguageFile, loadProblems, registerData, resolveData } from '../benchmarks/humaneval-x/load.js';
import { meanPassAtK, passAtK } from '../benchmarks/humaneval-x/passk.js';
import { readSamples } from '../benchmarks/humaneval-x/predictions.js';
import { assembleProgram, goImportBlock, goImports } from '../benchmarks/humaneval-x/program.js';
import { buildRequest, presetOf } from '../benchmarks/humaneval-x/prompt.js';
import type { Problem, Target } from '../benchmarks/humaneval-x/records.js';
import { renderSummary } from '../benchmarks/humaneval-x/table.js';
import type { SuiteItem } from '../src/suite.js';
import { SHARED, tempDir } from './helpers/cli.js';

const FIX = join(import.meta.dirname, 'fixtures', 'humaneval-x');
const SHARED_HX = join(SHARED, 'data', 'humaneval-x');
const haveShared = existsSync(join(SHARED_HX, 'humaneval_python.jsonl.gz'));
if (!haveShared) console.warn(`[humaneval-x] ${SHARED_HX} not found: the test that registers the official problem files is skipped`);

const problem = (p: Partial<Problem>): Problem => ({ task_id: 'Python/0', prompt: '', canonical_solution: '', test: '', ...p });

describe('program assembly (evaluation.py process_test)', () => {
  const PY_HEADER =
    'import math\nimport re\nimport sys\nimport copy\nimport datetime\nimport itertools\nimport collections\nimport heapq\n' +
    'import statistics\nimport functools\nimport hashlib\nimport numpy\nimport numpy as np\nimport string\nfrom typing import *\nfrom collections import *\n';
  const cases: { lang: Language; p: Partial<Problem>; gen: string; file: string; source: string }[] = [
    {
      lang: 'python',
      p: { prompt: 'def f(x):\n    """doc"""\n', test: '\ndef check(c):\n    assert c(1) == 2\ncheck(f)' },
      gen: '    return x + 1',
      file: 'main.py',
      source: PY_HEADER + 'def f(x):\n    """doc"""\n    return x + 1\n\ndef check(c):\n    assert c(1) == 2\ncheck(f)\n',
    },
    {
      // Every include of the official list that the prompt lacks, in list order, then a blank line.
      lang: 'cpp',
      p: { task_id: 'CPP/1', prompt: '#include<stdio.h>\n#include<vector>\nusing namespace std;\nint f(int x){\n', test: 'int main(){}\n' },
      gen: '    return x+1;\n}',
      file: 'test.cpp',
      source:
        '#include<stdlib.h>\n#include<algorithm>\n#include<math.h>\n#include<string>\n#include<climits>\n#include<cstring>\n#include<iostream>\n\n' +
        '#include<stdio.h>\n#include<vector>\nusing namespace std;\nint f(int x){\n    return x+1;\n}\nint main(){}\n',
    },
    {
      lang: 'java',
      p: { task_id: 'Java/1', prompt: 'class Solution {\n    int f(int x) {\n', test: 'public class Main {}' },
      gen: '        return x + 1;\n    }\n}',
      file: 'Main.java',
      source: 'class Solution {\n    int f(int x) {\n        return x + 1;\n    }\n}\npublic class Main {}',
    },
    {
      lang: 'js',
      p: { task_id: 'JavaScript/1', prompt: 'const f = (x) => {\n', test: 'console.assert(f(1) === 2)\n' },
      gen: '  return x + 1;\n}',
      file: 'test.js',
      source: 'const f = (x) => {\n  return x + 1;\n}\nconsole.assert(f(1) === 2)\n',
    },
    {
      // The prompt's import block is dropped; packages the generation uses come back in an import block of their own.
      lang: 'go',
      p: {
        task_id: 'Go/1',
        import: 'import (\n    "math"\n)\n',
        prompt: 'import (\n    "math"\n)\n\n// doc\nfunc F(x float64) float64 {\n',
        test_setup: 'package main\n\nimport (\n    "testing"\n)\n',
        test: 'func TestF(t *testing.T) {}\n',
      },
      gen: '    return math.Sqrt(x) + float64(len(strings.Fields("a b")))\n}',
      file: 'main_test.go',
      source:
        'package main\n\nimport (\n    "testing"\n)\n\nimport (\n"math"\n    "strings"\n)\n\n// doc\nfunc F(x float64) float64 {\n' +
        '    return math.Sqrt(x) + float64(len(strings.Fields("a b")))\n}\nfunc TestF(t *testing.T) {}\n',
    },
    {
      lang: 'go',
      p: { task_id: 'Go/2', import: '', prompt: '\n// doc\nfunc F() int {\n', test_setup: 'package main\n', test: 'func TestF(t *testing.T) {}\n' },
      gen: '    return 1\n}',
      file: 'main_test.go',
      source: 'package main\n\n\n// doc\nfunc F() int {\n    return 1\n}\nfunc TestF(t *testing.T) {}\n',
    },
  ];
  for (const c of cases) {
    it(`${c.lang}: ${c.p.task_id ?? 'Python/0'}`, () => {
      expect(assembleProgram(c.lang, problem(c.p), c.gen)).toEqual({ file: c.file, source: c.source });
    });
  }

  it('C++: includes already in the prompt are not repeated (substring test, as the official one)', () => {
    const prompt = ['#include<stdlib.h>', '#include<algorithm>', '#include<math.h>', '#include<stdio.h>', '#include<vector>', '#include<string>', '#include<climits>', '#include<cstring>', '#include<iostream>'].join('\n') + '\nint f(){\n';
    expect(assembleProgram('cpp', problem({ prompt, test: 'T' }), 'G').source).toBe('\n' + prompt + 'G\nT');
  });
});

describe('Go import detection', () => {
  const cases: [string, string, string[]][] = [
    // generation, test_setup, packages added
    ['return strings.ToUpper(s)', '', ['strings']],
    ['x := math.Sqrt(2); y := rand.Intn(3)', '', ['math', 'math/rand']],
    ['fmt.Sprintf("%d", strconv.Itoa(1)); time.Now(); bytes.ToUpper(nil); regexp.MustCompile(""); sort.Ints(nil); md5.Sum(nil)', '', ['fmt', 'strconv', 'time', 'bytes', 'regexp', 'sort', 'crypto/md5']],
    ['return 1', '', []],
    // Named by the test header already: not added again.
    ['math.Abs(x)', 'import (\n    "math"\n)', []],
    // Substring semantics of the official check: "math/rand" in the header counts as "math".
    ['math.Abs(x)', 'import (\n    "math/rand"\n)', []],
    // … and "rand." inside another word still counts.
    ['strand.x', '', ['math/rand']],
    // Only the generation counts, not a use inside the prompt.
    ['return 0', '', []],
  ];
  for (const [gen, setup, want] of cases) {
    it(`${JSON.stringify(gen)} with ${JSON.stringify(setup)}`, () => expect(goImports(gen, setup)).toEqual(want));
  }
  it('import block layout is the official one ("    ".join of quoted lines)', () => {
    expect(goImportBlock(['math'])).toBe('import (\n"math"\n)');
    expect(goImportBlock(['math', 'fmt'])).toBe('import (\n"math"\n    "fmt"\n)');
  });
});

describe('output cleaning', () => {
  const completion: [Language, string, string][] = [
    // Python: cut at the first unindented line …
    ['python', '    return x\n\ndef other():\n    pass\n', '    return x\n'],
    ['python', '\n    return x\nprint(f(1))', '\n    return x'],
    // … else at the last of the end words (no unindented line: EOS or max tokens).
    ['python', '    y = 1\n    return y\n\n\n', '    y = 1\n    return y'],
    ['python', '    if x:\n        return 1\n    return 2', '    if x:\n        return 1\n    return 2'],
    // A line of only whitespace that does not start with space/tab is not a stop (strip() is empty).
    ['python', '    a = 1\n\r\n    return a\nx', '    a = 1\n\r\n    return a'],
    // Java: stop when one more } than {, keep to the last }, close the class.
    ['java', '        return x;\n    }\n}\n\nclass Other {}', '        return x;\n    }\n}'],
    ['java', '        return x;\n    }\n    public static void main(String[] a) {}\n}', '        return x;\n    }\n}'],
    ['java', '        return x;\n    }', '        return x;\n    }\n}'],
    // JS: stop at the closing brace of the function.
    ['js', '  return x + 1;\n}\n\nconsole.log(f(2))\n', '  return x + 1;\n}'],
    ['js', "  const o = {a: 1};\n  return o.a;\n}\nconst g = () => {}", '  const o = {a: 1};\n  return o.a;\n}'],
    // Go: brace rule or "\nfunc main(".
    ['go', '    return 1\n}\n\nfunc main() {\n}', '    return 1\n}'],
    ['go', '    if x {\n        return 1\n    }\n    return 2\n}\nfunc Helper() {}', '    if x {\n        return 1\n    }\n    return 2\n}'],
    // C++: brace rule or "\nint main()".
    ['cpp', '    return x+1;\n}\nint main(){\n    return 0;\n}', '    return x+1;\n}'],
    ['cpp', '    return x+1;', '    return x+1;'],
  ];
  for (const [lang, out, want] of completion) {
    it(`${lang} completion ${JSON.stringify(out).slice(0, 50)}`, () => {
      expect(extractGeneration(out, lang)).toEqual({ generation: want, source: 'completion' });
    });
  }

  const chat: [string, string | undefined][] = [
    ['Here it is:\n```python\ndef f(x):\n    return x\n```\nDone.', 'def f(x):\n    return x\n'],
    ['```\ncode\n```', 'code\n'],
    ['```cpp\nA\n```\n```cpp\nB\n```', 'A\n'],
    // An unterminated fence is not a block: the output is treated as a completion.
    ['```python\ndef f(x):', undefined],
    ['no fences at all', undefined],
  ];
  for (const [out, want] of chat) {
    it(`first fenced block of ${JSON.stringify(out).slice(0, 40)}`, () => expect(firstFencedBlock(out)).toBe(want));
  }

  it('a fenced block wins over completion cleaning, in every language', () => {
    for (const lang of LANGUAGE_NAMES) {
      expect(extractGeneration('Sure!\n```x\n  body }}}\n```\n', lang)).toEqual({ generation: '  body }}}\n', source: 'fenced' });
    }
  });

  it('verbatim (an official sample file): no cleaning, only fence extraction', () => {
    expect(extractGeneration('    x = 1\n\n\n    return x\n', 'python', true)).toEqual({ generation: '    x = 1\n\n\n    return x\n', source: 'verbatim' });
    expect(extractGeneration('```py\nA\n```', 'python', true)).toEqual({ generation: 'A\n', source: 'fenced' });
  });

  it('cleanup_code alone, on already stopped text', () => {
    expect(cleanupCode('    return x\n\n\nassert f(1)', 'python')).toBe('    return x\n\n');
    expect(cleanupCode('  x\n}\n// trailing', 'js')).toBe('  x\n}');
    expect(cleanupCode('        return x;\n    }\n    public static void main(String[] a) {}\n}', 'java')).toBe('        return x;\n    }\n    }');
    expect(cleanupCode('  return 1\n}\nfunc main() {\n}', 'go')).toBe('  return 1\n}');
  });

  it('the one-pass stop equals the literal criterion on every prefix (random texts)', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const alphabet = ['{', '}', '\n', ' ', '\t', 'x', 'def', 'int main()', 'func main(', 'print', '#', '\r', 'if'];
    for (let trial = 0; trial < 400; trial++) {
      let s = '';
      const len = 1 + Math.floor(rnd() * 25);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      for (const lang of LANGUAGE_NAMES) {
        let naive = s;
        for (let i = 1; i <= s.length; i++) {
          if (isFinished(s.slice(0, i), lang)) {
            naive = s.slice(0, i);
            break;
          }
        }
        expect(stopAtFinish(s, lang), `${lang} ${JSON.stringify(s)}`).toBe(naive);
      }
    }
  });

  it("pyStrip is Python's str.strip()", () => {
    expect(pyStrip('\n\n  def f():\n    """x"""\n')).toBe('def f():\n    """x"""');
    expect(pyStrip('\u3000\x1c a \x85')).toBe('a');
    expect(pyStrip('\uFEFFa')).toBe('\uFEFFa'); // not whitespace to Python
  });
});

describe('pass@k', () => {
  // test/fixtures/humaneval-x/passk-reference.json: [n, c, k, 1 - C(n-c,k)/C(n,k)] computed
  // exactly with Python's math.comb and fractions.Fraction, then float():
  // (the command is in test/fixtures/humaneval-x/README.md).
  const ref = JSON.parse(readFileSync(join(FIX, 'passk-reference.json'), 'utf8')) as [number, number, number, number][];
  it(`matches the exact binomial value (${ref.length} cases)`, () => {
    for (const [n, c, k, want] of ref) expect(Math.abs(passAtK(n, c, k) - want), `n=${n} c=${c} k=${k}`).toBeLessThan(1e-12);
  });
  it('is 1.0 when n - c < k and rejects nonsense', () => {
    expect(passAtK(10, 5, 6)).toBe(1);
    expect(() => passAtK(3, 4, 1)).toThrow(RangeError);
    expect(() => passAtK(3, 1, 0)).toThrow(RangeError);
  });
  it('reports a k only when every problem has n >= k', () => {
    expect(meanPassAtK([{ n: 1, c: 1 }, { n: 1, c: 0 }])).toEqual({ 'pass@1': 0.5 });
    expect(Object.keys(meanPassAtK([{ n: 20, c: 1 }, { n: 9, c: 0 }]))).toEqual(['pass@1']);
    expect(Object.keys(meanPassAtK([{ n: 200, c: 1 }, { n: 200, c: 0 }]))).toEqual(['pass@1', 'pass@10', 'pass@100']);
    expect(meanPassAtK([])).toEqual({});
  });
});

describe('aggregation and summary table', () => {
  const item = (dataset: string, task: string, k: number, score: number) => ({ dataset, target: { task_id: task, k, src: 'x' } satisfies Target, score });
  it('per language and overall, percent rounded to two decimals', () => {
    const items = [
      // python: 3 problems × n=1 → pass@1 = 2/3
      item('python', 'Python/0', 0, 1),
      item('python', 'Python/1', 0, 1),
      item('python', 'Python/2', 0, 0),
      // go: 2 problems × n=1 → 1/2
      item('go', 'Go/0', 0, 0),
      item('go', 'Go/1', 0, 1),
    ];
    const s = summarize(items, ['python', 'go']);
    expect(s.scores).toEqual({ python: { 'pass@1': 66.67 }, go: { 'pass@1': 50 }, overall: { 'pass@1': 58.33 } });
    expect(s.aggregates).toMatchObject({ problems: { python: 3, go: 2 }, samples: { python: 3, go: 2 }, passed: { python: 2, go: 1 } });
    const text = renderSummary(s);
    expect(text).toMatch(/python\s+3\s+3\s+66\.67/);
    expect(text).toMatch(/overall \(mean of languages\)\s+58\.33/);
  });

  it('n=20 samples: pass@1 and pass@10 from the estimator; not-evaluable samples listed apart', () => {
    const items = [];
    for (let k = 0; k < 20; k++) items.push(item('java', 'Java/0', k, k < 5 ? 1 : 0));
    for (let k = 0; k < 20; k++) items.push(item('java', 'Java/1', k, 0));
    const s = summarize(items, ['java'], [{ dataset: 'java', target: {}, reason: 'javac/java not found' }]);
    const p10 = (passAtK(20, 5, 10) + 0) / 2;
    expect(s.scores.java).toEqual({ 'pass@1': 12.5, 'pass@10': Math.round(p10 * 10000) / 100 });
    expect((s.aggregates as { notEvaluable: unknown }).notEvaluable).toEqual({ java: { samples: 1, reasons: { 'javac/java not found': 1 } } });
    expect(renderSummary(s)).toContain('java: 1 sample(s): javac/java not found');
  });
});

describe('data loading', () => {
  let dir: string;
  beforeAll(() => {
    // An official-layout folder made of the sample (gzip-compressed, as the release ships it).
    dir = tempDir('evalh-hx-data-');
    for (const lang of LANGUAGE_NAMES) {
      writeFileSync(join(dir, `humaneval_${lang}.jsonl.gz`), gzipSync(readFileSync(findLanguageFile(SAMPLE_DIR, lang)!)));
    }
  });

  it('the built-in sample: 4 problems per language in the official record format', async () => {
    for (const lang of LANGUAGE_NAMES) {
      const pf = await loadProblems(lang, findLanguageFile(SAMPLE_DIR, lang)!);
      expect(pf.problems).toHaveLength(4);
      for (const p of pf.problems) expect(p.task_id).toMatch(/^(Python|CPP|Java|JavaScript|Go)\/S\d+$/);
    }
  });

  it('reads .jsonl.gz with streaming gunzip, same problems as the plain file', async () => {
    const a = await loadProblems('go', join(dir, 'humaneval_go.jsonl.gz'));
    const b = await loadProblems('go', findLanguageFile(SAMPLE_DIR, 'go')!);
    expect(a.problems).toEqual(b.problems);
    expect(a.src).not.toBe(b.src); // keyed by the file's own hash
  });

  it('validation errors name the file, line and field', async () => {
    const bad = join(FIX, 'bad');
    await expect(loadProblems('python', join(bad, 'humaneval_python.jsonl'))).rejects.toThrow(/humaneval_python\.jsonl, line 2, field "test": must have required property 'test'/);
    await expect(loadProblems('go', join(bad, 'humaneval_go.jsonl'))).rejects.toThrow(/humaneval_go\.jsonl, line 1, field "test_setup"/);
    await expect(loadProblems('cpp', join(bad, 'humaneval_cpp.jsonl'))).rejects.toThrow(/line 1, field "task_id": "Python\/0" is not a cpp task id/);
    await expect(loadProblems('js', join(bad, 'humaneval_js.jsonl'))).rejects.toThrow(/line 2, field "task_id": duplicate task_id/);
    await expect(loadProblems('java', join(bad, 'humaneval_java.jsonl'))).rejects.toThrow(/line 1: not valid JSON/);
    const corrupt = join(dir, 'corrupt.jsonl.gz');
    writeFileSync(corrupt, Buffer.from('not gzip at all'));
    await expect(loadProblems('python', corrupt)).rejects.toThrow(/corrupt\.jsonl\.gz: is named \.gz but is not a gzip file/);
    // A gzip header over a broken stream is caught by the gunzip itself.
    writeFileSync(corrupt, Buffer.concat([gzipSync('{"task_id": "Python/0"}\n').subarray(0, 12), Buffer.from('garbage garbage')]));
    await expect(loadProblems('python', corrupt)).rejects.toThrow(/corrupt\.jsonl\.gz: not a readable gzip file/);
  });

  it('--data folder, sample, and the registered copy (with the exact fix when missing)', async () => {
    const viaData = await resolveData({ sample: false, data: dir }, ['python', 'go']);
    expect(viaData.files.go).toBe(join(dir, 'humaneval_go.jsonl.gz'));
    await expect(resolveData({ sample: false, data: join(dir, 'nope') }, ['python'])).rejects.toThrow(/nope: no such folder; --data takes a folder/);
    await expect(resolveData({ sample: false, data: join(dir, 'humaneval_go.jsonl.gz') }, ['python'])).rejects.toThrow(/is a file, where a folder was expected/);
    const empty = tempDir('evalh-hx-empty-');
    await expect(resolveData({ sample: false, data: empty }, ['cpp'])).rejects.toThrow(/no problem file for cpp/);
    const home = tempDir('evalh-hx-home-');
    const prev = process.env.EVALH_DATA;
    process.env.EVALH_DATA = home;
    try {
      await expect(resolveData({ sample: false }, ['python'])).rejects.toThrow(/evalh data pull humaneval-x.*evalh data add humaneval-x/);
      // Files that are not the official release are refused by data add (pinned sha256).
      expect(() => registerData(dir)).toThrow(/does not match the pinned official data\/humaneval_\w+\.jsonl\.gz/);
    } finally {
      if (prev === undefined) delete process.env.EVALH_DATA;
      else process.env.EVALH_DATA = prev;
    }
  });

  it.skipIf(!haveShared)('data add of the official files (../shared/data/humaneval-x): verified, copied, then found without --data', async () => {
    const home = tempDir('evalh-hx-home-');
    const prev = process.env.EVALH_DATA;
    process.env.EVALH_DATA = home;
    try {
      expect(registerData(SHARED_HX)).toEqual([...LANGUAGE_NAMES]);
      const loc = await resolveData({ sample: false }, LANGUAGE_NAMES);
      expect(loc.kind).toBe('registered');
      expect(loc.files.go).toBe(join(home, 'humaneval-x', 'data', 'humaneval_go.jsonl.gz'));
      const src = await humanevalX.open({ sample: false, datasets: ['js'] });
      expect(src.total).toBe(164);
      expect(src.labels).toEqual([]);
      // A registered file that changed afterwards is refused, naming the fix.
      writeFileSync(loc.files.go!, gzipSync('{}\n'));
      await expect(resolveData({ sample: false }, ['go'])).rejects.toThrow(/does not verify.*evalh data pull humaneval-x/);
    } finally {
      if (prev === undefined) delete process.env.EVALH_DATA;
      else process.env.EVALH_DATA = prev;
    }
  });

  it('assets are pinned to the CodeGeeX commit with sha256 and size', () => {
    expect(HUMANEVAL_X_ASSETS).toHaveLength(5);
    for (const a of HUMANEVAL_X_ASSETS) {
      expect(a.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/THUDM\/CodeGeeX\/2838420b7b4492cf3d16bce5320e26e65960c9e2\//);
      expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe('suite source and requests', () => {
  it('items: one per (problem, sample), languages interleaved, ids <lang>/<N>#<k>; presets', async () => {
    const src = await humanevalX.open({ sample: true, preset: 'n20', datasets: ['python', 'go'], limit: 2 });
    expect(src.total).toBe(2 * 2 * 20);
    expect(src.labels).toEqual(['sample, not the official benchmark']);
    const ids = src.itemIds();
    expect(ids.slice(0, 2)).toEqual(['python/S0#0', 'python/S0#1']);
    expect(ids[20]).toBe('go/S0#0');
    expect(new Set(ids).size).toBe(ids.length);
    const all: SuiteItem[] = [];
    for await (const it of src.items()) all.push(it);
    expect(all.map((i) => i.id)).toEqual(ids);
    const first = all[0]!;
    expect(first.target).toEqual({ task_id: 'Python/S0', k: 0, src: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(first.reference.startsWith('```python\n')).toBe(true);
    const req = await humanevalX.prepare(first, { needsPrompt: true });
    expect(req.request).toEqual({
      kind: 'completion',
      prompt: 'def add(x: int, y: int) -> int:\n    """ Return the sum of x and y.\n    >>> add(2, 3)\n    5\n    """',
      maxTokens: 1024,
      temperature: 0.2,
      topP: 0.95,
    });
    expect(src.fingerprint).toMatchObject({ generation: { preset: 'n20', n: 20, temperature: 0.2, topP: 0.95, maxTokens: 1024 } });
  });

  it('greedy by default, no stop strings; unknown presets and languages are usage errors', async () => {
    expect(presetOf(undefined)).toEqual({ name: 'greedy', n: 1, temperature: 0 });
    expect(presetOf('n200')).toMatchObject({ n: 200, temperature: 0.8, topP: 0.95 });
    expect(() => presetOf('n5')).toThrow(/unknown humaneval-x preset "n5"/);
    await expect(humanevalX.open({ sample: true, datasets: ['rust'] })).rejects.toThrow(/unknown humaneval-x language "rust"/);
    const src = await humanevalX.open({ sample: true, datasets: ['cpp', 'go', 'java'], limit: 1 });
    const reqs = [];
    for await (const it of src.items()) reqs.push(buildRequest(it, presetOf('greedy')).request);
    expect(reqs.map((r) => r.stop)).toEqual([undefined, undefined, undefined]);
    expect(reqs.every((r) => r.temperature === 0 && r.topP === undefined)).toBe(true);
  });
});

describe('reading official sample files (import)', () => {
  it('{task_id, generation} lines, samples numbered in file order, any mix of languages', async () => {
    const file = join(tempDir('evalh-hx-samples-'), 'samples.jsonl');
    writeFileSync(
      file,
      [
        { task_id: 'Python/S0', generation: '    return x + y\n' },
        { task_id: 'Go/S1', generation: '    return 0\n}\n', completion_id: 7 },
        { task_id: 'Python/S0', generation: '    return x - y\n' },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n') + '\n',
    );
    const { predictions, files } = await readSamples(file);
    expect(predictions.map((p) => p.item.id)).toEqual(['python/S0#0', 'go/S1#0', 'python/S0#1']);
    expect(predictions.map((p) => (p.item.target as Target).verbatim)).toEqual([true, true, true]);
    expect(predictions[2]!.output).toBe('    return x - y\n');
    expect(Object.keys(files)).toContain('samples.jsonl');
  });

  it('bad lines name the file, line and field', async () => {
    const dir = tempDir('evalh-hx-samples-');
    const bad = (lines: unknown[]) => {
      const f = join(dir, `s${Math.random().toString(36).slice(2)}.jsonl`);
      writeFileSync(f, lines.map((l) => JSON.stringify(l)).join('\n'));
      return f;
    };
    await expect(readSamples(bad([{ task_id: 'Python/S0', generation: 'x' }, { task_id: 'Python/S0' }]))).rejects.toThrow(/line 2, field "generation"/);
    await expect(readSamples(bad([{ task_id: 'Rust/0', generation: 'x' }]))).rejects.toThrow(/line 1, field "task_id": "Rust\/0" is not a HumanEval-X task id/);
    await expect(readSamples(bad([{ task_id: 'Python/S9', generation: 'x' }]))).rejects.toThrow(/line 1, field "task_id": "Python\/S9" is not a problem of/);
    mkdirSync(join(dir, 'empty'));
    await expect(readSamples(join(dir, 'empty'))).rejects.toThrow(/no \*generation\*\.jsonl sample files/);
  });
});
