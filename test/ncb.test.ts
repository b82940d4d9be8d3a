import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { passAtK, summarize } from '../benchmarks/ncb/aggregate.js';
import { NCB_ASSETS, SPLIT_ASSETS } from '../benchmarks/ncb/assets.js';
import { describeGaps, isInputFile, javaCompileGap, javaRunGap, pathLiterals, pythonGap, pythonImports, testSource, type GapContext } from '../benchmarks/ncb/environment.js';
import { NO_CODE, extractJavaCode, extractPythonCode, replaceAll } from '../benchmarks/ncb/extract.js';
import { PYTHON_PREAMBLE, firstEntryMessage, javaSpec, javaVerdict, pythonSpec, pythonVerdict, type Toolchain } from '../benchmarks/ncb/execute.js';
import { ncb } from '../benchmarks/ncb/index.js';
import { itemOrder } from '../benchmarks/ncb/items.js';
import { javaFiles, renameTestClass, splitJavaCode } from '../benchmarks/ncb/java.js';
import { parseJUnitXml } from '../benchmarks/ncb/junit-xml.js';
import { SAMPLE_DIR, findSplitFiles, loadSplit, registerData, resolveData } from '../benchmarks/ncb/load.js';
import { readAnswers } from '../benchmarks/ncb/predictions.js';
import type { Target } from '../benchmarks/ncb/records.js';
import { SPLITS } from '../benchmarks/ncb/splits.js';
import { renderSummary } from '../benchmarks/ncb/table.js';
import type { StepResult } from '../src/sandbox/index.js';
import type { NotEvaluableItem, ScoredItem, SuiteItem } from '../src/suite.js';
import { SHARED, tempDir } from './helpers/cli.js';

const FIX = join(import.meta.dirname, 'fixtures', 'ncb');
const SHARED_NCB = join(SHARED, 'data', 'ncb');

describe('Python code extraction (test_setup.py extract_python_code)', () => {
  const P = 'import pytest\n';
  const cases: [string, string, string][] = [
    ['[Python] tags', 'Here:\n[Python]\ndef f():\n    return 1\n[/Python]\nDone.', '\ndef f():\n    return 1\n'],
    ['[Python] tags holding a fence fall through to the fence', '[Python]\n```python\nx = 1\n```\n[/Python]', 'x = 1'],
    ['[Python] without the closing tag, up to the next fence', 'Answer [Python]\ny = 2\n```\nnot code\n```', '\ny = 2\n'],
    ['[Python] with neither closing tag nor fence: nothing (lazy match)', 'Answer [Python]\ny = 2\n', ''],
    ['the first ```python block', 'a\n```python\nfirst = 1\n```\nb\n```python\nsecond = 2\n```', 'first = 1'],
    // [\n\r] takes the "\r" only: the "\n" and the last "\r" stay in the code, as upstream
    ['```python with CRLF line ends', '```python\r\nz = 3\r\n```', '\nz = 3\r'],
    ['an unclosed ```python block: NaN', '```python\nz = 3', NO_CODE],
    ['a plain ``` block', 'Code:\n```\nw = 4\n```', 'w = 4'],
    ['a ```py block is a plain-block miss: NaN', '```py\nw = 4\n```', NO_CODE],
    ['from … import before import: from the first "from" to the end', 'Use this:\nfrom os import path\nimport re\nprint(1)', 'from os import path\nimport re\nprint(1)'],
    ['import before from: from the first "import"', 'import re\nfrom os import path', 'import re\nfrom os import path'],
    ['only import', 'Sure.\nimport math\nx = math.pi', 'import math\nx = math.pi'],
    ['class before def', 'def g(): pass\nclass A: pass', 'class A: pass'],
    ['only def', 'The answer is def f(): return 2', 'def f(): return 2'],
    ['no code at all: NaN', 'I cannot answer that.', NO_CODE],
    ['the empty response', '', NO_CODE],
  ];
  it.each(cases)('%s', (_, response, code) => {
    expect(extractPythonCode(response)).toBe(P + code);
  });
});

describe('Java code extraction (test_setup.py extract_java_code)', () => {
  const cases: [string, string, string[]][] = [
    ['[Java] tags', 'x [Java]\nclass A {}\n[/Java] y', ['\nclass A {}\n']],
    ['[Java] without the closing tag: NaN', '[Java]\nclass A {}', [NO_CODE]],
    ['one ```java block', '```java\nclass A {}\n```', ['class A {}']],
    // upstream removes the ```java blocks by a text that never occurs, so prose between two blocks comes back as a "plain block"
    ['two ```java blocks with prose between', '```java\nclass A {}\n```\nand then\n```java\nclass B {}\n```', ['class A {}', 'class B {}', 'and then']],
    ['a ```Java block keeps its newlines', '```Java\nclass A {}\n```', ['\nclass A {}\n']],
    ['a plain ``` block', '```\nclass A {}\n```', ['class A {}']],
    ['no fence, import: from import to the last }', 'Here: import java.util.*;\nclass A { int x; }\nbye', ['import java.util.*;\nclass A { int x; }']],
    ['no fence, public first', 'Try public class A { void f() {} } ok', ['public class A { void f() {} }']],
    ['no fence, interface first', 'interface I { } then class C {}', ['interface I { } then class C {}']],
    ['no fence, class first', 'class C { } public', ['class C { }']],
    ['no code: NaN', 'no idea', [NO_CODE]],
  ];
  it.each(cases)('%s', (_, response, blocks) => {
    expect(extractJavaCode(response)).toEqual(blocks);
  });

  it("Python's str.replace semantics, also for an empty pattern", () => {
    expect(replaceAll('a.b.c', '.', '::')).toBe('a::b::c');
    expect(replaceAll('abc', '', '-')).toBe('-a-b-c-');
    expect(replaceAll('', '', '-')).toBe('-');
  });
});

describe('Java files (test_setup.py write_java_test_files)', () => {
  const HEADER = 'import org.junit.jupiter.api.Test;\nimport static org.junit.jupiter.api.Assertions.*;\n';

  it('one file per top-level interface, class and enum, with the JUnit imports and every import of the block', () => {
    const block =
      'import java.util.List;\nimport java.util.ArrayList;\n\ninterface Shape {\n    double area();\n}\n\nenum Color {\n    RED, GREEN\n}\n\nclass Circle implements Shape {\n    public double area() {\n        return 1;\n    }\n}';
    const files = splitJavaCode([block]);
    expect([...files.keys()]).toEqual(['Shape.java', 'Circle.java', 'Color.java']);
    const imports = 'import java.util.List\nimport java.util.ArrayList'.replace(/\n/g, ';\n') + ';\n';
    expect(files.get('Shape.java')).toBe(HEADER + imports + '\ninterface Shape {\n    double area();\n}\n');
    expect(files.get('Color.java')).toBe(HEADER + imports + '\nenum Color {\n    RED, GREEN\n}\n');
    expect(files.get('Circle.java')).toBe(HEADER + imports + '\nclass Circle implements Shape {\n    public double area() {\n        return 1;\n    }\n}\n');
  });

  it('several blocks: each with its own imports; a later type of the same name replaces the earlier', () => {
    const files = splitJavaCode(['import a.B;\nclass A {\n    int x;\n}', 'class A {\n    int y;\n}']);
    expect([...files.keys()]).toEqual(['A.java']);
    expect(files.get('A.java')).toBe(HEADER + '\n\nclass A {\n    int y;\n}\n');
  });

  it('the name is what follows "class " up to whitespace, as upstream (a generic class keeps its <T>)', () => {
    expect([...splitJavaCode(['public class Box<T> {\n    T v;\n}']).keys()]).toEqual(['Box<T>.java']);
    expect(splitJavaCode([NO_CODE]).size).toBe(0);
  });

  it('renames the test class everywhere and writes it last', () => {
    const test = 'import org.junit.jupiter.api.Test;\nclass PhoneTest {\n    @Test\n    void a() { PhoneTest.helper(); }\n    static void helper() {}\n}\n';
    expect(renameTestClass(test, 131)).toBe(test.replace(/PhoneTest/g, 'Test_java_131'));
    expect(renameTestClass('no class here', 1)).toBeUndefined();
    const files = javaFiles(['class Test_java_7 {\n    int clash;\n}'], 'class T {\n}\n', 7);
    expect(files['Test_java_7.java']).toBe('class Test_java_7 {\n}\n');
  });
});

describe('reports', () => {
  const ctx: GapContext = { id: 170, testcases: "def test_a():\n    copy('test2/in.txt')\n", setupCode: '', problem: 'Copy a file.' };
  const step = (over: Partial<StepResult>): StepResult => ({
    argv: ['x'],
    exitCode: 0,
    signal: null,
    timedOut: false,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    wallMs: 10,
    ...over,
  });

  const PYTEST_XML =
    '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="3" skipped="0" tests="4">' +
    '<testcase classname="test_python_1.TestF" name="test_ok" time="0.0" />' +
    '<testcase classname="test_python_1.TestF" name="test_assert"><failure message="assert 1 == 2">def test_assert(self):\n&gt;       assert f() == 2\nE       assert 1 == 2\n\ntest_python_1.py:5: AssertionError</failure></testcase>' +
    '<testcase classname="test_python_1.TestF" name="test_deep"><failure message="ZeroDivisionError: division by zero">    def test_deep(self):\n&gt;       assert h() == 1\n\ntest_python_1.py:8: \n_ _ _\n\n    def h():\n&gt;       return 1/0\nE       ZeroDivisionError: division by zero\n\npython_1.py:3: ZeroDivisionError</failure></testcase>' +
    '<testcase classname="test_python_1.TestF" name="test_file"><failure message="FileNotFoundError: [Errno 2] No such file or directory: \'test2/in.txt\'"><![CDATA[E   FileNotFoundError: [Errno 2] No such file or directory: \'test2/in.txt\' <testcase name="fake">]]>\n\ntest_python_1.py:11: FileNotFoundError</failure></testcase>' +
    '</testsuite></testsuites>';

  it('reads pytest JUnit XML (entities, CDATA, a tag-like text inside CDATA)', () => {
    const r = parseJUnitXml(PYTEST_XML);
    expect(r.suites).toEqual([{ name: 'pytest', tests: 4, failures: 3, errors: 0, skipped: 0 }]);
    expect(r.cases.map((c) => [c.name, c.problems.length])).toEqual([['test_ok', 0], ['test_assert', 1], ['test_deep', 1], ['test_file', 1]]);
    expect(r.cases[1]!.problems[0]!.text).toContain('>       assert f() == 2');
    expect(r.cases[3]!.problems[0]!.text).toContain('<testcase name="fake">');
  });

  it('classifies like exec_python.py: the first traceback entry without AssertionError is a runtime error', () => {
    expect(firstEntryMessage('x\ntest_python_1.py:5: AssertionError')).toBe('AssertionError');
    expect(firstEntryMessage('test_python_1.py:8: \n_ _\npython_1.py:3: ZeroDivisionError')).toBe('');
    const v = pythonVerdict([step({ exitCode: 1 }), step({ stdout: PYTEST_XML })], ctx);
    expect(v.outcome).toBe('runtime_error');
    expect(v.tests).toEqual({ found: 4, passed: 1 });
    expect(v.failing.map((f) => [f.name, f.gap?.kind])).toEqual([
      ['test_python_1.TestF::test_assert', undefined],
      ['test_python_1.TestF::test_deep', undefined],
      ['test_python_1.TestF::test_file', 'input'],
    ]);
    const onlyAssert = PYTEST_XML.replace(/<testcase classname="test_python_1.TestF" name="test_deep">.*?<\/testcase>/s, '');
    expect(pythonVerdict([step({ exitCode: 1 }), step({ stdout: onlyAssert })], ctx).outcome).toBe('runtime_error'); // test_file: FileNotFoundError
  });

  it('no test collected: a SyntaxError or a runtime error; a kill is a timeout', () => {
    const collect = (text: string) =>
      `<testsuites><testsuite name="pytest" errors="1" failures="0" skipped="0" tests="1"><testcase classname="" name="test_python_1"><error message="collection failure">${text}</error></testcase></testsuite></testsuites>`;
    expect(pythonVerdict([step({ exitCode: 2 }), step({ stdout: collect('E     SyntaxError: invalid syntax') })], ctx).outcome).toBe('syntax_error');
    const missing = pythonVerdict([step({ exitCode: 2 }), step({ stdout: collect("E   ModuleNotFoundError: No module named 'torch'") })], ctx);
    expect(missing.outcome).toBe('runtime_error');
    expect(missing.gap).toEqual({ kind: 'other', text: 'Python module torch (Debian python3-torch)' });
    expect(pythonVerdict([step({ timedOut: true, killedReason: 'wall', exitCode: null })], ctx).outcome).toBe('timeout');
    expect(pythonVerdict([step({ exitCode: 0 }), step({ stdout: '<testsuites><testsuite name="pytest" tests="1"><testcase classname="t" name="a"/></testsuite></testsuites>' })], ctx).outcome).toBe('passed');
  });

  it('reads the JUnit Platform reports: counts per engine, compile and execution errors', () => {
    const tc: Toolchain = { jars: [], javac: '/usr/bin/javac', java: '/usr/bin/java', junit: '/j.jar' };
    const jctx: GapContext = { id: 160, testcases: 'readFile("out.txt")', setupCode: '', problem: '' };
    const xml =
      '<?xml version="1.0"?>\n<testsuite name="JUnit Jupiter" tests="3" skipped="0" failures="1" errors="1">\n' +
      '<testcase name="a()" classname="Test_java_160"/>\n' +
      '<testcase name="b()" classname="Test_java_160"><failure message="expected: &lt;1&gt; but was: &lt;2&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[trace]]></failure></testcase>\n' +
      '<testcase name="c()" classname="Test_java_160"><error message="out.txt" type="java.nio.file.NoSuchFileException"><![CDATA[java.nio.file.NoSuchFileException: out.txt\n\tat x]]></error></testcase>\n' +
      '</testsuite>\n<?xml version="1.0"?>\n<testsuite name="JUnit Vintage" tests="0" skipped="0" failures="0" errors="0"></testsuite>';
    const v = javaVerdict([step({}), step({ exitCode: 1 }), step({ stdout: xml })], jctx, tc);
    expect(v.outcome).toBe('failed');
    expect(v.tests).toEqual({ found: 3, passed: 1 });
    expect(v.failing).toEqual([{ name: 'Test_java_160::b()' }, { name: 'Test_java_160::c()', gap: { kind: 'input', files: ['out.txt'] } }]);
    const compile = javaVerdict([step({ exitCode: 1, stderr: 'A.java:1: error: package com.alibaba.fastjson2 does not exist' })], jctx, tc);
    expect(compile.outcome).toBe('compile_error');
    expect(compile.gap).toMatchObject({ kind: 'other', text: expect.stringMatching(/^Java library fastjson2/) });
    expect(javaVerdict([step({ exitCode: 1, stderr: "A.java:3: error: ';' expected" })], jctx, tc)).toMatchObject({ outcome: 'compile_error', failing: [] });
    expect(javaVerdict([step({}), step({ exitCode: 3 }), step({ stdout: '' })], jctx, tc).outcome).toBe('execution_error');
    expect(javaVerdict([step({}), step({ exitCode: null, timedOut: true, killedReason: 'wall' })], jctx, tc).outcome).toBe('timeout');
  });
});

describe('the sample directory of a run', () => {
  const tc: Toolchain = { python: '/usr/bin/python3', javac: '/usr/bin/javac', java: '/usr/bin/java', junit: '/usr/share/java/junit-platform-console-standalone.jar', jars: ['/usr/share/java/jsoup.jar', '/root/jars/fastjson2.jar'] };

  it('Python: python_<id>.py = the stdin preamble + code, test_python_<id>.py = imports, tests, setup code; pytest -s', () => {
    const spec = pythonSpec(131, 'import pytest\ndef f(): pass', 'class TestF:\n    pass', 'SETUP = 1', tc);
    expect(Object.keys(spec.files)).toEqual(['python_131.py', 'test_python_131.py']);
    expect(spec.files['python_131.py']).toBe(PYTHON_PREAMBLE + 'import pytest\ndef f(): pass\n');
    expect(PYTHON_PREAMBLE).toContain('for i in range(1000):');
    expect(spec.files['test_python_131.py']).toBe('import pytest\nfrom python_131 import *\nclass TestF:\n    pass\nSETUP = 1');
    expect(spec.steps[0]!.argv).toEqual(expect.arrayContaining(['-m', 'pytest', '-s', '-p', 'no:cacheprovider']));
    expect(spec.steps[0]!.limits?.wallMs).toBe(60_000);
  });

  it('Java: javac of the test class against the launcher jar, then the launcher; jars outside /usr are bound in', () => {
    const spec = javaSpec(131, ['public class P {\n    int x;\n}'], 'class PTest {\n}\n', tc);
    expect(Object.keys(spec.files)).toEqual(['P.java', 'Test_java_131.java']);
    expect(spec.steps[0]!.argv.slice(-3)).toEqual(['-cp', `.:${tc.junit}:/usr/share/java/jsoup.jar:/tmp/evalh-ncb-jars/1-fastjson2.jar`, 'Test_java_131.java']);
    expect(spec.steps[1]!.argv).toEqual(expect.arrayContaining(['--select-class', 'Test_java_131']));
    expect(spec.binds).toEqual([{ src: '/root/jars/fastjson2.jar', dest: '/tmp/evalh-ncb-jars/1-fastjson2.jar' }]);
    expect(spec.steps[2]!.always).toBe(true);
  });
});

describe('environment gaps', () => {
  const ctx: GapContext = { id: 175, testcases: "import numpy as np\nfrom nltk import word_tokenize\ndef test_a():\n    load('test2/test.npy')\n", setupCode: '', problem: 'Read data.csv' };

  it('a missing module of the official image is a gap; one no image has is the model\'s failure', () => {
    expect(pythonGap("ModuleNotFoundError: No module named 'tensorflow'", ctx)).toEqual({ kind: 'other', text: 'Python module tensorflow' });
    expect(pythonGap("ModuleNotFoundError: No module named 'superfastwords'", ctx)).toBeUndefined();
    expect(pythonGap("ModuleNotFoundError: No module named 'sklearn.externals'", ctx)).toBeUndefined();
    // the benchmark's own test imports it: whatever it is, the environment lacks it
    expect(pythonGap("No module named 'weirdlib'", { ...ctx, testcases: 'import weirdlib\n' })).toEqual({ kind: 'other', text: 'Python module weirdlib' });
    expect([...pythonImports('import a.b, c\nfrom d.e import f\n  import g')]).toEqual(['a', 'c', 'd', 'g']);
  });

  it('NLTK data, with or without the terminal colours', () => {
    const gap = { kind: 'other', text: "NLTK data punkt (nltk.download('punkt'); not packaged in Debian)" };
    expect(pythonGap('LookupError: nltk\n  Resource \u001b[93mpunkt\u001b[0m not found.', ctx)).toEqual(gap);
    expect(pythonGap('LookupError: nltk\n  Resource [93mpunkt[0m not found.', ctx)).toEqual(gap);
  });

  it('a missing file is an input file when the tests or the statement name it', () => {
    expect(pythonGap("FileNotFoundError: [Errno 2] No such file or directory: 'test2/test.npy'", ctx)).toEqual({ kind: 'input', files: ['test2/test.npy'] });
    expect(pythonGap("FileNotFoundError: [Errno 2] No such file or directory: '/sample/data.csv'", ctx)).toEqual({ kind: 'input', files: ['data.csv'] });
    expect(pythonGap("FileNotFoundError: [Errno 2] No such file or directory: 'made_up.txt'", ctx)).toBeUndefined();
    expect(isInputFile('/etc/data.csv', ctx)).toBe(false);
    expect(javaRunGap('java.io.FileNotFoundException', 'data.csv (No such file or directory)', '', ctx)).toEqual({ kind: 'input', files: ['data.csv'] });
    expect(javaCompileGap('error: package org.jsoup does not exist', () => true)).toBeUndefined();
    expect(javaCompileGap('error: package org.apache.commons.lang3 does not exist', () => false)).toBeUndefined();
  });

  it('one reason per sample; file names found in the failing test and the shared test code', () => {
    expect(describeGaps([{ kind: 'input', files: ['b', 'a'] }, { kind: 'input', files: ['c', 'd', 'a'] }, { kind: 'other', text: 'X' }], 9)).toBe(
      "X; input files a, b, c (+1 more) (the benchmark's unpublished input_files/9/)",
    );
    const py = "import os\n\nclass TestX:\n    def setup_method(self):\n        self.base = 'shared/dir'\n\n    def test_one(self):\n        f('test1/a.txt')\n\n    def test_two(self):\n        f('test2/b.jpg', 'utf-8', '2023-01-01', 'x')\n";
    expect(pathLiterals(testSource(py, 'test_x.TestX::test_two', 'python')).sort()).toEqual(['shared/dir', 'test2/b.jpg']);
    const java = 'class T {\n    String dir = "base/";\n    @Test\n    void one() {\n        read("a/1.txt");\n    }\n\n    @Test\n    public void two() {\n        if (x) { read("b/2.txt"); }\n    }\n}\n';
    expect(pathLiterals(testSource(java, 'Test_java_1::two()', 'java')).sort()).toEqual(['b/2.txt', 'base/']);
  });
});

describe('aggregation (execution.py)', () => {
  const t = (id: number, outcome?: Target['outcome']): Target => ({ _id: id, k: 0, testcases: '', setup_code: '', problem: '', ...(outcome ? { outcome } : {}) });
  const item = (dataset: string, id: number, score: number, outcome: Target['outcome']): ScoredItem => ({ dataset, target: t(id, outcome), score });
  const ne = (dataset: string, id: number, reason: string): NotEvaluableItem => ({ dataset, target: t(id, 'not_evaluable'), reason });

  it('pass@1 per split (numpy mean and round), beside it the figure with gaps as failures; error shares; overall', () => {
    const items = [
      item('python_en', 1, 1, 'passed'),
      item('python_en', 2, 0, 'syntax_error'),
      item('python_en', 3, 0, 'runtime_error'),
      item('java_en', 1, 1, 'passed'),
      item('java_en', 1, 0, 'compile_error'), // two answers to one problem: pass@1 = c/n
      item('java_en', 2, 0, 'execution_error'),
    ];
    const s = summarize(items, ['python_en', 'java_en'], [ne('python_en', 4, 'could not be evaluated here: X'), ne('java_en', 3, 'could not be evaluated here: X')]);
    // (33.3 + 25.0) / 2 is 29.149999… in binary: Python's round gives 29.1
    expect(s.scores).toEqual({ python_en: 33.3, java_en: 25.0, overall: 29.1 });
    expect(s.aggregates).toMatchObject({
      allItems: { python_en: 25.0, java_en: 16.7, overall: 20.9 },
      errors: { python_en: { syntax_error: 33.3, runtime_error: 33.3 }, java_en: { compile_error: 33.3, execution_error: 33.3 } },
      counts: { python_en: { problems: 4, answers: 4, evaluated: 3, passed: 1, notEvaluable: 1 }, java_en: { problems: 3, answers: 4, evaluated: 3, passed: 1, notEvaluable: 1 } },
      notEvaluable: { python_en: { samples: 1, reasons: { 'could not be evaluated here: X': 1 }, problems: { 'could not be evaluated here: X': [4] } } },
    });
    expect(passAtK(2, 1, 1)).toBe(0.5);
    expect(passAtK(5, 5, 1)).toBe(1);
    const text = renderSummary(s);
    expect(text).toContain('python_en [4]: could not be evaluated here: X');
    expect(text).toMatch(/python_en\s+33\.3\s+25\.0\s+1\/3\s+1\s+syntax 33\.3%, runtime 33\.3%/);
    expect(text).toMatch(/overall \(mean\)\s+29\.1\s+20\.9/);
  });

  it('a split with nothing evaluable has no headline figure', () => {
    const s = summarize([], ['java_zh'], [ne('java_zh', 1, 'r')]);
    expect(s.scores).toEqual({});
    expect(s.aggregates).toMatchObject({ allItems: { java_zh: 0, overall: 0 } });
  });
});

describe('data', () => {
  let home: string;
  let prev: string | undefined;
  beforeEach(() => {
    home = tempDir('evalh-ncb-');
    prev = process.env.EVALH_DATA;
    process.env.EVALH_DATA = home;
  });
  afterEach(() => {
    if (prev === undefined) delete process.env.EVALH_DATA;
    else process.env.EVALH_DATA = prev;
  });

  it('pins the 4 problems files and the 4 reference files at the official commit', () => {
    expect(NCB_ASSETS).toHaveLength(8);
    for (const a of NCB_ASSETS) {
      expect(a.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/THUDM\/NaturalCodeBench\/268e85044a44e434ac3681b269f6531abbf1a291\/(problems|results\/reference)\//);
      expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('without data: the error names the commands that fix it', () => {
    expect(() => resolveData({ sample: false }, SPLITS)).toThrow(/evalh data pull ncb.*evalh data add ncb.*--data.*--sample/s);
  });

  it('refuses a copy whose files are not the official ones (nothing registered)', () => {
    const dir = tempDir('evalh-ncb-copy-');
    mkdirSync(join(dir, 'problems'));
    writeFileSync(join(dir, 'problems', 'ncb_python_en.jsonl'), readFileSync(join(SAMPLE_DIR, 'problems', 'ncb_python_en.jsonl')));
    expect(() => registerData(dir)).toThrow(/does not match the pinned official problems\/ncb_python_en\.jsonl/);
    expect(existsSync(join(home, 'ncb', 'manifest.json'))).toBe(false);
  });

  it.runIf(existsSync(SHARED_NCB))('registers the official copy and verifies it before use', async () => {
    expect(registerData(SHARED_NCB).sort()).toEqual(NCB_ASSETS.map((a) => a.name).sort());
    const loc = resolveData({ sample: false }, SPLITS);
    expect(loc.kind).toBe('registered');
    const split = await loadSplit(loc.files[0]!);
    expect(split.problems).toHaveLength(70);
    expect(split.official).toBe(true);
    expect(split.referenceSource).toBe('reference file');
    expect(split.references.size).toBe(70);
    expect(SPLIT_ASSETS.python_en!.problems.size).toBe(readFileSync(loc.files[0]!.problems).length);
  });
  if (!existsSync(SHARED_NCB)) console.log(`[ncb] skipping the official-data checks: ${SHARED_NCB} is not here`);
});

describe('suite', () => {
  it('one chat request per problem: the prompt field, greedy, 2048 new tokens; splits interleaved', async () => {
    const source = await ncb.open({ sample: true });
    expect(source.labels).toEqual(['sample, not the official benchmark']);
    expect(source.datasets).toEqual(['python_en', 'python_zh', 'java_en', 'java_zh']);
    expect(source.itemIds().slice(0, 5)).toEqual(['python_en/90001', 'python_zh/90001', 'java_en/90001', 'java_zh/90001', 'python_en/90002']);
    const items: SuiteItem[] = [];
    for await (const it of source.items()) items.push(it);
    expect(items).toHaveLength(12);
    const first = items[0]!;
    const { request } = await ncb.prepare(first, { needsPrompt: true });
    expect(request).toEqual({ kind: 'chat', prompt: (first.record as { prompt: string }).prompt, maxTokens: 2048, temperature: 0 });
    expect(first.reference).toMatch(/^```python\n/);
    expect(first.target).toMatchObject({ _id: 90001, k: 0, reference: first.reference });
  });

  it('rejects an unknown split and validates records (file, line, field)', async () => {
    await expect(ncb.open({ sample: true, datasets: ['python_fr'] })).rejects.toThrow(/unknown ncb split "python_fr"/);
    const dir = tempDir('evalh-ncb-bad-');
    mkdirSync(join(dir, 'problems'));
    for (const s of SPLITS) writeFileSync(join(dir, 'problems', s.problems), readFileSync(findSplitFiles(SAMPLE_DIR, s)!.problems));
    writeFileSync(join(dir, 'problems', 'ncb_java_en.jsonl'), '{"_id": 1, "prompt": "p", "testcases": "no test class", "setup_code": ""}\n');
    await expect(ncb.open({ sample: false, data: dir })).rejects.toThrow(/ncb_java_en\.jsonl, line 1, field "testcases"/);
    writeFileSync(join(dir, 'problems', 'ncb_java_en.jsonl'), '{"_id": "x", "prompt": "p", "testcases": "class A {}", "setup_code": ""}\n');
    await expect(ncb.open({ sample: false, data: dir })).rejects.toThrow(/line 1, field "_id"/);
  });

  it('interleaves splits of different lengths', async () => {
    const a = await loadSplit(findSplitFiles(SAMPLE_DIR, SPLITS[0]!)!, 1);
    const b = await loadSplit(findSplitFiles(SAMPLE_DIR, SPLITS[2]!)!);
    expect(itemOrder([a, b]).map(([s, i]) => `${s.split.name}:${i}`)).toEqual(['python_en:0', 'java_en:0', 'java_en:1', 'java_en:2']);
  });
});

describe('reading answer files (import)', () => {
  it('reads <model>_ncb_<lang>_<nl>.jsonl files; several answers per problem; string ids', async () => {
    const { predictions, files } = await readAnswers(join(FIX, 'answers'));
    expect(predictions).toHaveLength(14);
    expect(predictions.slice(0, 2).map((p) => p.item.id)).toEqual(['python_en/90001', 'python_en/90001/1']);
    expect(predictions.find((p) => p.item.dataset === 'python_zh' && p.item.seq === 1)!.item.id).toBe('python_zh/90002');
    expect(Object.keys(files)).toContain('mymodel_ncb_java_zh.jsonl');
    expect(Object.keys(files)).toContain('problems/java_zh (sample)');
  });

  it('refuses unknown problems, bad records and a folder of several models', async () => {
    const dir = tempDir('evalh-ncb-ans-');
    writeFileSync(join(dir, 'm_ncb_python_en.jsonl'), '{"_id": 90001, "response": "x"}\n{"_id": 90999, "response": "y"}\n');
    await expect(readAnswers(dir)).rejects.toThrow(/m_ncb_python_en\.jsonl, line 2, field "_id": 90999 is not a problem/);
    writeFileSync(join(dir, 'm_ncb_python_en.jsonl'), '{"_id": 90001}\n');
    await expect(readAnswers(dir)).rejects.toThrow(/line 1, field "response"/);
    writeFileSync(join(dir, 'm_ncb_python_en.jsonl'), '{"_id": 90001, "response": "x"}\n');
    writeFileSync(join(dir, 'other_ncb_java_en.jsonl'), '{"_id": 90001, "response": "x"}\n');
    await expect(readAnswers(dir)).rejects.toThrow(/several models \(m, other\)/);
    await expect(readAnswers(join(dir, 'nothing'))).rejects.toThrow(/nothing: no such file or folder/);
  });
});
