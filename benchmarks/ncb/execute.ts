import { readdirSync, rmSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Bind, ExecSpec, Sandbox, StepResult } from '../../src/sandbox/index.js';
import { capBytes, closeProcessSandbox, processSandbox } from '../../src/sandbox/shared.js';
import { JAVA_LIBRARIES, javaCompileGap, javaRunGap, pythonGap, type Gap, type GapContext, type JavaLibrary } from './environment.js';
import { javaFiles, testClassName } from './java.js';
import { parseJUnitXml, type Report, type TestCase } from './junit-xml.js';
import type { Outcome } from './records.js';
import { LIMITS } from './splits.js';

// Running one sample in the sandbox as the official evaluation runs it, and reading the
// verdict off the reports.
//
// Python (test_setup.py, exec_python.py): python_<id>.py = a preamble that makes stdin a
// file of 1000 lines "1", then the extracted code; test_python_<id>.py = "import pytest",
// "from python_<id> import *", the test code, then the setup code; pytest in that folder
// with -s (no capture: the official run passes -s, and the preamble's stdin must stay in
// place). Pass = more than 0 tests and all of them passed.
//
// Java (test_setup.py, exec_java.py): one file per top-level type (java.ts), the test class
// renamed Test_java_<id>; javac of the test class against the JUnit Platform (it finds the
// solution's classes by file name, as the official javac of TestRunner.java does), then the
// JUnit Platform console launcher on that class. Pass = tests found > 0 and every one
// succeeded (the official TestRunner's "Passed rate" of 1).

const REPORT = '.evalh-report.xml';
const REPORTS_DIR = '.evalh-reports';
const LOG_BYTES = 4096;
const REPORT_BYTES = 8 * 1024 * 1024;
// C1 only and the serial collector start the JVM ~40% faster; JVM warnings (CDS among them) go to stderr, never into the test output.
const JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xss8m', '-Xmx1g', '-Xlog:disable', '-Xlog:all=warning:stderr'];
const CDS_DEST = '/tmp/evalh-ncb-cds';

export const PYTHON_PREAMBLE =
  'import pytest\nimport sys\nwith open(\'stdin.txt\', \'w\') as f:\n    for i in range(1000):\n        f.write("1\\n")\nsys.stdin = open("stdin.txt")\n';

/** Host paths of the tools, found once; what is missing is named for the user. */
export interface Toolchain {
  python?: string;
  javac?: string;
  java?: string;
  junit?: string;
  /** Jars on the classpath of every Java sample (the official JUnit/ folder puts all its jars there). */
  jars: string[];
  /** Class-data archives of javac and the launcher, made once per process (see preflight). */
  cds?: Cds;
}

/**
 * Dynamic class-data-sharing archives (JDK 13+) of javac and of the JUnit console
 * launcher: each JVM then maps the classes it needs instead of loading and verifying them,
 * which takes a Java sample from ~1.6 s to ~0.6 s of JVM start-up. Only start-up changes.
 */
export interface Cds {
  /** Host folder holding the archives (bound read-only into the sandbox). */
  dir: string;
  javac: string;
  junit: string;
  /** Making them (the preflight run) rather than using them. */
  dump?: boolean;
}

export function findToolchain(): Toolchain {
  const junit = [process.env.EVALH_JUNIT_JAR, '/usr/share/java/junit-platform-console-standalone.jar'].find((f): f is string => !!f && isFile(f));
  const jars: string[] = [];
  for (const lib of JAVA_LIBRARIES) if (lib.debianJar && isFile(lib.debianJar)) jars.push(lib.debianJar);
  // EVALH_NCB_JARS: more jars (or folders of jars), e.g. the official JUnit/ folder with fastjson2.
  for (const entry of (process.env.EVALH_NCB_JARS ?? '').split(delimiter).filter(Boolean)) {
    if (isFile(entry) && entry.endsWith('.jar')) jars.push(entry);
    else if (isDir(entry)) for (const f of readdirSync(entry).sort()) if (f.endsWith('.jar') && !f.includes('junit')) jars.push(join(entry, f));
  }
  return {
    // Debian's python3 (where python3-pytest and the test libraries live): a per-user
    // Python manager's shim under $HOME is not visible inside the sandbox.
    python: ['/usr/bin/python3', '/usr/local/bin/python3'].find(isExecutable),
    javac: which('javac'),
    java: which('java'),
    junit,
    jars,
  };
}

/** Whether a library of the official classpath is on this classpath (by jar name). */
export function hasLibrary(tc: Toolchain, lib: JavaLibrary): boolean {
  return tc.jars.some((j) => (j.split('/').pop() ?? '').toLowerCase().startsWith(lib.name));
}

export function missingTools(lang: 'python' | 'java', tc: Toolchain): string | undefined {
  if (lang === 'python') return tc.python ? undefined : 'python3 (Debian python3, python3-pytest)';
  if (!tc.javac || !tc.java) return 'javac/java (Debian openjdk-17-jdk-headless)';
  if (!tc.junit) return 'the JUnit Platform console launcher (Debian junit5: /usr/share/java/junit-platform-console-standalone.jar)';
  return undefined;
}

export function pythonSpec(id: number, code: string, testcases: string, setupCode: string, tc: Toolchain): ExecSpec {
  return {
    files: {
      [`python_${id}.py`]: PYTHON_PREAMBLE + code + '\n',
      [`test_python_${id}.py`]: `import pytest\nfrom python_${id} import *\n` + testcases + '\n' + setupCode,
    },
    env: { PYTHONDONTWRITEBYTECODE: '1', MPLBACKEND: 'Agg' },
    steps: [
      {
        argv: [tc.python!, '-m', 'pytest', '-q', '-s', '-p', 'no:cacheprovider', '--disable-warnings', `--junitxml=${REPORT}`],
        limits: { wallMs: LIMITS.pythonMs },
      },
      { argv: ['/bin/cat', REPORT], always: true, limits: { wallMs: 10_000, outputBytes: REPORT_BYTES } },
    ],
  };
}

/**
 * Jars outside the system folders (EVALH_NCB_JARS may point into a home folder, which the
 * sandbox hides) are bound read-only under /tmp/evalh-ncb-jars/; `sandboxed` false (the
 * unsafe mode) uses them where they are.
 */
function classpathJars(tc: Toolchain, sandboxed: boolean): { jars: string[]; binds: Bind[] } {
  const jars: string[] = [];
  const binds: Bind[] = [];
  tc.jars.forEach((jar, i) => {
    if (!sandboxed || jar.startsWith('/usr/')) {
      jars.push(jar);
      return;
    }
    const dest = `/tmp/evalh-ncb-jars/${i}-${jar.split('/').pop()}`;
    binds.push({ src: jar, dest });
    jars.push(dest);
  });
  return { jars, binds };
}

export function javaSpec(id: number, blocks: readonly string[], testcases: string, tc: Toolchain, sandboxed = true, cds = tc.cds): ExecSpec {
  const cls = testClassName(id);
  const { jars, binds } = classpathJars(tc, sandboxed);
  const cp = ['.', tc.junit!, ...jars].join(':');
  const javacJvm = [...JVM];
  const junitJvm = [...JVM];
  if (cds) {
    const dir = sandboxed ? CDS_DEST : cds.dir;
    if (sandboxed) binds.push({ src: cds.dir, dest: CDS_DEST, ...(cds.dump ? { rw: true } : {}) });
    const flag = cds.dump ? '-XX:ArchiveClassesAtExit=' : '-XX:SharedArchiveFile=';
    javacJvm.push(`${flag}${dir}/${cds.javac}`);
    junitJvm.push(`${flag}${dir}/${cds.junit}`);
  }
  return {
    files: javaFiles(blocks, testcases, id),
    ...(binds.length > 0 ? { binds } : {}),
    steps: [
      { argv: [tc.javac!, ...javacJvm.map((o) => `-J${o}`), '-encoding', 'UTF-8', '-nowarn', '-cp', cp, `${cls}.java`], limits: { wallMs: LIMITS.javacMs } },
      {
        argv: [
          tc.java!, ...junitJvm, '-jar', tc.junit!,
          '--class-path', ['.', ...jars].join(':'), '--select-class', cls,
          '--details=summary', '--disable-banner', '--disable-ansi-colors', `--reports-dir=${REPORTS_DIR}`,
        ],
        limits: { wallMs: LIMITS.javaMs },
      },
      { argv: ['/bin/sh', '-c', `cat ${REPORTS_DIR}/*.xml 2>/dev/null; true`], always: true, limits: { wallMs: 10_000, outputBytes: REPORT_BYTES } },
    ],
  };
}

export interface FailingTest {
  /** "<classname>::<name>", the same for every answer to a problem. */
  name: string;
  /** The environment gap its failure shows, if any. */
  gap?: Gap;
}

export interface Verdict {
  outcome: Outcome;
  /** Tests found and passed (undefined when none ran). */
  tests?: { found: number; passed: number };
  /** The tests that did not pass, when tests ran. */
  failing: FailingTest[];
  /** An environment gap that kept the whole sample from running (a missing module at import, a missing jar at compile time). */
  gap?: Gap;
  /** Compiler and test output, capped at ~4 KB. */
  log: string;
}

/** pytest's verdict, in the official categories (exec_python.py). */
export function pythonVerdict(steps: StepResult[], ctx: GapContext): Verdict {
  const run = steps[0];
  const log = logOf(steps.slice(0, 1));
  if (!run) return { outcome: 'runtime_error', failing: [], log: 'pytest did not run' };
  const killed = limitOutcome(run);
  if (killed) return { outcome: killed, failing: [], log };
  const xml = steps[1]?.exitCode === 0 ? steps[1].stdout : '';
  const report = parseJUnitXml(xml);
  const collectionErrors = report.cases.filter(isCollectionError);
  const tests = report.cases.filter((c) => !isCollectionError(c));
  const textOf = (c: TestCase) => c.problems.map((p) => `${p.message}\n${p.text}`).join('\n');
  if (tests.length === 0 || collectionErrors.length > 0) {
    // exec_python.py: no test collected; a SyntaxError in the collection error, else a runtime error.
    const text = collectionErrors.map(textOf).join('\n') || run.stdout + run.stderr;
    const gap = pythonGap(text, ctx);
    return { outcome: text.includes('SyntaxError') ? 'syntax_error' : 'runtime_error', failing: [], ...(gap ? { gap } : {}), log: logOf(steps.slice(0, 1), text) };
  }
  const failed = tests.filter((c) => c.problems.length > 0);
  const counts = { found: tests.length, passed: tests.length - failed.length };
  if (failed.length === 0) return { outcome: 'passed', tests: counts, failing: [], log };
  const failing = failed.map((c) => {
    const gap = pythonGap(textOf(c), ctx);
    return { name: `${c.classname}::${c.name}`, ...(gap ? { gap } : {}) };
  });
  // exec_python.py counts a runtime error when a failed test's first traceback entry (the
  // test function's frame) does not carry "AssertionError": the exception came from deeper
  // (the solution's code) or was not an assertion.
  const runtime = failed.some((c) => c.problems.some((p) => p.kind !== 'skipped' && !firstEntryMessage(p.text).includes('AssertionError')));
  const detail = failed
    .slice(0, 3)
    .map((c) => `${c.classname}::${c.name}: ${c.problems.map((p) => p.message).join('; ')}`)
    .join('\n');
  return { outcome: runtime ? 'runtime_error' : 'failed', tests: counts, failing, log: logOf(steps.slice(0, 1), detail) };
}

/** The JUnit verdict, in the official categories (exec_java.py, execution.py). */
export function javaVerdict(steps: StepResult[], ctx: GapContext, tc: Toolchain): Verdict {
  const [javac, run, cat] = steps;
  if (!javac) return { outcome: 'compile_error', failing: [], log: 'javac did not run' };
  if (javac.exitCode !== 0 || !run) {
    const log = logOf([javac]);
    const killed = limitOutcome(javac);
    if (killed) return { outcome: killed, failing: [], log };
    const gap = javaCompileGap(javac.stdout + javac.stderr, (lib) => hasLibrary(tc, lib));
    return { outcome: 'compile_error', failing: [], ...(gap ? { gap } : {}), log };
  }
  const log = logOf([run]);
  const killed = limitOutcome(run);
  if (killed) return { outcome: killed, failing: [], log };
  const report: Report = parseJUnitXml(cat?.stdout ?? '');
  const engines = report.suites.filter((s) => s.name !== 'JUnit Platform Suite');
  // No report: the JVM ended before the launcher could write one (System.exit, a crash).
  if (engines.length === 0 || (run.exitCode !== 0 && run.exitCode !== 1)) return { outcome: 'execution_error', failing: [], log };
  const found = engines.reduce((n, s) => n + s.tests, 0);
  const passed = engines.reduce((n, s) => n + s.tests - s.failures - s.errors - s.skipped, 0);
  const tests = { found, passed };
  if (found > 0 && passed === found) return { outcome: 'passed', tests, failing: [], log };
  const failed = report.cases.filter((c) => c.problems.length > 0);
  const failing: FailingTest[] = failed.map((c) => {
    const gap = c.problems.map((p) => javaRunGap(p.type, p.message, p.text, ctx)).find((g) => g !== undefined);
    return { name: `${c.classname}::${c.name}`, ...(gap ? { gap } : {}) };
  });
  if (failing.length === 0) {
    // Tests not started (a failing @BeforeAll, a class that does not load): the launcher's summary names why.
    const gap = javaRunGap('', '', run.stdout + run.stderr, ctx);
    failing.push({ name: '(test class)', ...(gap ? { gap } : {}) });
  }
  return { outcome: 'failed', tests, failing, log };
}

function isCollectionError(c: TestCase): boolean {
  return c.problems.some((p) => p.kind === 'error' && p.message === 'collection failure');
}

/** The message of a pytest long traceback's first "path:line: message" location line. */
export function firstEntryMessage(text: string): string {
  const m = /^(\S[^\n]*?\.py):(\d+): ?([^\n]*)$/m.exec(text);
  return m ? m[3]! : '';
}

function limitOutcome(s: StepResult): Outcome | undefined {
  if (s.timedOut || s.killedReason === 'wall' || s.killedReason === 'cpu') return 'timeout';
  if (s.killedReason === 'memory' || s.killedReason === 'output') return 'resource_limit';
  return undefined;
}

function logOf(steps: StepResult[], extra?: string): string {
  const parts: string[] = [];
  for (const s of steps) {
    const out = [s.stderr, s.stdout].filter((x) => x.length > 0).join('\n');
    const status = s.timedOut || s.killedReason ? `killed (${s.killedReason ?? 'wall'})` : s.signal ? `signal ${s.signal}` : `exit ${s.exitCode}`;
    parts.push(`$ ${s.argv.map((a) => a.split('/').pop()).join(' ')}  [${status}, ${Math.round(s.wallMs)} ms]${out ? '\n' + tail(out, LOG_BYTES / 2) : ''}`);
  }
  if (extra) parts.push(extra);
  return capBytes(parts.join('\n'), LOG_BYTES);
}

function tail(s: string, chars: number): string {
  return s.length <= chars ? s : `… ${s.slice(s.length - chars)}`;
}

export const getSandbox = processSandbox;

/** Closes the process's sandbox (tests); the next sample makes a new one and checks its toolchain again. */
export async function closeSandbox(): Promise<void> {
  preflights.clear();
  await closeProcessSandbox();
}

// Once per language and process, a trivial sample proves the toolchain works inside the
// sandbox; when it does not, every sample of the language is "not evaluable" with the reason.
const preflights = new Map<string, Promise<string | undefined>>();

export function preflight(lang: 'python' | 'java', sb: Sandbox, tc: Toolchain): Promise<string | undefined> {
  let p = preflights.get(lang);
  if (!p) {
    p = runPreflight(lang, sb, tc);
    preflights.set(lang, p);
  }
  return p;
}

async function runPreflight(lang: 'python' | 'java', sb: Sandbox, tc: Toolchain): Promise<string | undefined> {
  const ctx: GapContext = { id: 0, testcases: '', setupCode: '', problem: '' };
  if (lang === 'python') {
    const spec = pythonSpec(0, 'import pytest\ndef f():\n    return input()\n', 'def test_f():\n    assert f() == "1"\n', '', tc);
    for (const s of spec.steps) s.limits = { ...s.limits, wallMs: 120_000 };
    const r = await sb.run(spec);
    const v = pythonVerdict(r.steps, ctx);
    if (v.outcome === 'passed') return undefined;
    if (/No module named pytest/.test(v.log)) return `pytest for ${tc.python} (Debian python3-pytest)`;
    return `python3 -m pytest does not run inside the sandbox: ${v.log.slice(0, 600)}`;
  }
  tc.cds = undefined;
  const probe = (cds?: Cds) => {
    const spec = javaSpec(
      0,
      ['public class Probe {\n    static int one() { return 1; }\n}'],
      'import org.junit.jupiter.api.Test;\nimport static org.junit.jupiter.api.Assertions.*;\nclass ProbeTest {\n    @Test\n    void one() { assertEquals(1, Probe.one()); }\n}\n',
      tc,
      sb.kind === 'bubblewrap',
      cds,
    );
    for (const s of spec.steps) s.limits = { ...s.limits, wallMs: 300_000 }; // a cold JVM on a loaded machine
    return sb.run(spec).then((r) => javaVerdict(r.steps, ctx, tc));
  };
  const v = await probe();
  if (v.outcome !== 'passed') return `javac and the JUnit console launcher do not run inside the sandbox: ${v.log.slice(0, 600)}`;
  tc.cds = await makeCds(sb, probe);
  return undefined;
}

/** Makes the class-data archives in a folder the sandbox user may write, and keeps them only if a run with them passes. */
async function makeCds(sb: Sandbox, probe: (cds?: Cds) => Promise<Verdict>): Promise<Cds | undefined> {
  if (process.env.EVALH_NCB_NO_CDS === '1') return undefined;
  let cds: Cds | undefined;
  try {
    const dir = await sb.persistentDir('ncb-cds');
    const tag = `${process.pid}-${Date.now().toString(36)}`;
    cds = { dir, javac: `javac-${tag}.jsa`, junit: `junit-${tag}.jsa` };
    cdsFiles.push(join(dir, cds.javac), join(dir, cds.junit));
    const made = await probe({ ...cds, dump: true });
    if (made.outcome !== 'passed' || !isFile(join(dir, cds.javac)) || !isFile(join(dir, cds.junit))) return undefined;
    const used = await probe(cds);
    return used.outcome === 'passed' ? cds : undefined;
  } catch {
    return undefined; // start-up is only slower without them
  }
}

const cdsFiles: string[] = [];
process.once('exit', () => {
  for (const f of cdsFiles) rmSync(f, { force: true });
});

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const f = join(dir, cmd);
    // A shim under a home folder would not be visible inside the sandbox.
    if (isExecutable(f) && !f.startsWith('/root/') && !f.startsWith('/home/')) return f;
  }
  return undefined;
}

function isFile(f: string): boolean {
  try {
    return statSync(f).isFile();
  } catch {
    return false;
  }
}

function isDir(f: string): boolean {
  try {
    return statSync(f).isDirectory();
  } catch {
    return false;
  }
}

function isExecutable(f: string): boolean {
  try {
    const st = statSync(f);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

