import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bind, ExecResult, ExecSpec, Limits, Sandbox, Step, StepResult } from '../../src/sandbox/index.js';
import { capBytes, closeProcessSandbox, processSandbox } from '../../src/sandbox/shared.js';
import { GO_PACKAGES, TIMEOUT_S, type Language } from './languages.js';
import type { Program } from './program.js';

// Running one assembled program in the sandbox, per language as the official evaluation
// runs it (CodeGeeX2 execution.py), and reading the verdict off the result.
//
// Time limits. The official harness gives each execution 5 s of wall-clock time, so its
// verdicts depend on how busy the machine is. evalh gives each execution 5 s of CPU time
// instead (RLIMIT_CPU; for Python the harness's own timer, which counts CPU time too), with
// a wall-clock backstop three times longer for programs that block: on an idle machine
// that is the official limit, and under load a correct program is not failed for waiting
// its turn. Compilation gets 10 CPU-seconds (the official 5 s wall for g++ and javac, which
// javac retries five times, is as lenient). Go compiles and runs in one `go test` step with
// the official `-timeout=5.0s` on the test binary.

const HERE = dirname(fileURLToPath(import.meta.url));
const RUN: Partial<Limits> = { cpuSeconds: TIMEOUT_S, wallMs: 3 * TIMEOUT_S * 1000 };
const COMPILE: Partial<Limits> = { cpuSeconds: 10, wallMs: 60_000 };
const LOG_BYTES = 4096;
// code.md's flags (C1 only, serial GC: ~40% faster JVM start), and no perf-data file in /tmp
// per JVM (nobody reads it; ~10% of a short javac).
const JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-XX:-UsePerfData'];

export type Phase = 'compile' | 'run';

export interface Verdict {
  passed: boolean;
  phase: Phase;
  exitCode: number | null;
  timedOut: boolean;
  /** Compiler or runtime output, capped at ~4 KB. */
  log: string;
}

/** Host paths of the tools, found once; what is missing is named for the user. */
export interface Toolchain {
  python?: string;
  node: string;
  gxx?: string;
  javac?: string;
  java?: string;
  go?: string;
  /** The js-md5 package folder (JS/162), bound read-only into the sandbox. */
  jsMd5?: string;
  /** GOPATH holding Debian's testify (golang-github-stretchr-testify-dev). */
  gopath?: string;
  /** A persistent GOCACHE the sandbox user can write (Sandbox.persistentDir), set once the sandbox exists. */
  goCache?: string;
  /** javac's class-data archive (made by the Java preflight), when the JVM accepted it. */
  javacCds?: string;
}

export function findToolchain(): Toolchain {
  const require = createRequire(import.meta.url);
  let jsMd5: string | undefined;
  try {
    jsMd5 = dirname(require.resolve('js-md5/package.json'));
  } catch {
    jsMd5 = undefined;
  }
  const gopath = '/usr/share/gocode';
  return {
    // Debian's python3 (where python3-numpy lives) before whatever PATH offers: a shim of a
    // per-user Python manager under $HOME is not visible inside the sandbox.
    python: firstFile(['/usr/bin/python3', '/usr/local/bin/python3']) ?? which('python3'),
    node: process.execPath,
    gxx: which('g++'),
    javac: which('javac'),
    java: which('java'),
    go: which('go'),
    ...(jsMd5 ? { jsMd5 } : {}),
    ...(existsSync(join(gopath, 'src/github.com/stretchr/testify/assert')) ? { gopath } : {}),
  };
}

/** What a program needs that this machine may lack: undefined when everything is there. */
export function missingFor(lang: Language, program: Program, tc: Toolchain): string | undefined {
  switch (lang) {
    case 'python':
      return tc.python ? undefined : 'python3 not found (Debian: python3, python3-numpy)';
    case 'js':
      return program.source.includes('js-md5') && !tc.jsMd5 ? 'npm package js-md5 not installed (npm install in the evalh folder)' : undefined;
    case 'cpp':
      if (!tc.gxx) return 'g++ not found (Debian: g++)';
      if (/#include\s*<boost\//.test(program.source) && !existsSync('/usr/include/boost/any.hpp')) return 'boost headers not found (Debian: libboost-dev)';
      if (/#include\s*<openssl\//.test(program.source) && !existsSync('/usr/include/openssl/md5.h')) return 'OpenSSL headers not found (Debian: libssl-dev)';
      return undefined;
    case 'java':
      return tc.javac && tc.java ? undefined : 'javac/java not found (Debian: openjdk-17-jdk-headless)';
    case 'go':
      if (!tc.go) return 'go not found (Debian: golang-go)';
      return tc.gopath ? undefined : 'testify not found in /usr/share/gocode (Debian: golang-github-stretchr-testify-dev)';
  }
}

let harness: string | undefined;

/** The sandbox job for one program: files, steps and limits. */
export function execSpec(lang: Language, program: Program, taskId: string, tc: Toolchain): ExecSpec {
  const files: Record<string, string> = { [program.file]: program.source };
  // Binds keep their host path inside the sandbox, so the same spec also works unsandboxed.
  const binds: Bind[] = [];
  const env: Record<string, string> = {};
  let steps: Step[];
  switch (lang) {
    case 'python':
      harness ??= readFileSync(join(HERE, 'python_harness.py'), 'utf8');
      files['harness.py'] = harness;
      // The harness keeps the 5 s limit around exec itself (a timeout is its exit status 3); RLIMIT_CPU is a backstop.
      steps = [{ argv: [tc.python!, 'harness.py', program.file, String(TIMEOUT_S)], limits: { ...RUN, cpuSeconds: TIMEOUT_S + 3 } }];
      break;
    case 'js':
      // JS/162 requires js-md5 (an evalh dependency): resolvable through NODE_PATH, read-only.
      if (tc.jsMd5 && program.source.includes('js-md5')) {
        binds.push({ src: tc.jsMd5 });
        env.NODE_PATH = dirname(tc.jsMd5);
      }
      steps = [{ argv: [tc.node, program.file], limits: RUN }];
      break;
    case 'cpp':
      steps = [
        // execution.py: `if "162" in task_id` (CPP/162 uses OpenSSL's MD5).
        { argv: [tc.gxx!, '-std=c++11', program.file, ...(taskId.includes('162') ? ['-lcrypto', '-lssl'] : [])], limits: COMPILE },
        { argv: ['./a.out'], limits: RUN },
      ];
      break;
    case 'java': {
      const jvm = JVM;
      const javacJvm = [...jvm];
      if (tc.javacCds) {
        binds.push({ src: tc.javacCds });
        javacJvm.push(`-XX:SharedArchiveFile=${tc.javacCds}`);
      }
      steps = [
        { argv: [tc.javac!, ...javacJvm.map((o) => `-J${o}`), program.file], limits: COMPILE },
        { argv: [tc.java!, ...jvm, '-cp', '.', 'Main'], limits: RUN },
      ];
      break;
    }
    case 'go':
      // GOPATH mode (Debian's testify), and a build cache kept across samples and runs.
      if (!tc.goCache) throw new Error('Go needs the sandbox\'s persistent GOCACHE first');
      binds.push({ src: tc.goCache, rw: true });
      Object.assign(env, { GO111MODULE: 'off', GOPATH: tc.gopath ?? '/usr/share/gocode', GOCACHE: tc.goCache });
      steps = [{ argv: [tc.go!, 'test', `-timeout=${TIMEOUT_S.toFixed(1)}s`, program.file], limits: COMPILE }];
      break;
  }
  return { files, steps, env, ...(binds.length > 0 ? { binds } : {}) };
}

/** Reads pass/fail off the steps the sandbox ran (it stops after the first failing step). */
export function verdictOf(lang: Language, result: ExecResult): Verdict {
  const steps = result.steps;
  const last = steps[steps.length - 1];
  if (!last) return { passed: false, phase: 'run', exitCode: null, timedOut: false, log: 'no step ran' };
  const compiled = lang === 'cpp' || lang === 'java';
  const phase: Phase = compiled && steps.length === 1 ? 'compile' : lang === 'go' && /\[(build|setup) failed\]/.test(last.stdout + last.stderr) ? 'compile' : 'run';
  const killed = last.timedOut || last.killedReason !== undefined;
  let passed: boolean;
  let timedOut = last.timedOut || last.killedReason === 'wall' || last.killedReason === 'cpu';
  switch (lang) {
    case 'python':
      passed = !killed && last.exitCode === 0;
      if (last.exitCode === 3) timedOut = true; // the harness's own 5 s limit
      break;
    case 'js':
      // execution.py: any stderr, then any stdout, is a failure; the exit code is not looked at.
      passed = !killed && last.stdout === '' && last.stderr === '';
      break;
    case 'go':
      passed = !killed && last.exitCode === 0;
      if (/panic: test timed out after/.test(last.stdout + last.stderr)) timedOut = true;
      break;
    case 'cpp':
    case 'java':
      passed = steps.length === 2 && !killed && last.exitCode === 0;
      break;
  }
  return { passed, phase, exitCode: last.exitCode, timedOut, log: logOf(steps) };
}

function logOf(steps: StepResult[]): string {
  const parts: string[] = [];
  for (const s of steps) {
    const out = [s.stderr, s.stdout].filter((x) => x.length > 0).join('\n');
    const status = s.timedOut || s.killedReason ? `killed (${s.killedReason ?? 'wall'})` : s.signal ? `signal ${s.signal}` : `exit ${s.exitCode}`;
    parts.push(`$ ${s.argv.map((a) => a.split('/').pop()).join(' ')}  [${status}, ${Math.round(s.wallMs)} ms]${out ? '\n' + out : ''}`);
  }
  return capBytes(parts.join('\n'), LOG_BYTES);
}

export const getSandbox = processSandbox;

/** Closes the process's sandbox (tests); the next program makes a new one and checks its toolchain again. */
export async function closeSandbox(): Promise<void> {
  preflights.clear();
  await closeProcessSandbox();
}

// Once per language and process, a trivial program proves the toolchain works inside the
// sandbox, so that a missing package is reported as "not evaluable here" rather than as
// the model's failure. For Go it also builds testify and the standard packages into
// GOCACHE (several seconds cold), which would otherwise eat the first samples' time.
const preflights = new Map<Language, Promise<string | undefined>>();

export function preflight(lang: Language, sb: Sandbox, tc: Toolchain): Promise<string | undefined> {
  let p = preflights.get(lang);
  if (!p) preflights.set(lang, (p = runPreflight(lang, sb, tc)));
  return p;
}

async function runPreflight(lang: Language, sb: Sandbox, tc: Toolchain): Promise<string | undefined> {
  let spec: ExecSpec;
  let what: string;
  switch (lang) {
    case 'python':
      spec = { files: {}, steps: [{ argv: [tc.python!, '-c', 'import numpy'] }] };
      what = `${tc.python} cannot import numpy inside the sandbox (Debian: python3-numpy)`;
      break;
    case 'js':
      spec = execSpec('js', { file: 'test.js', source: tc.jsMd5 ? "require('js-md5');\n" : '\n' }, 'preflight', tc);
      what = `node (${tc.node}) does not run inside the sandbox${tc.jsMd5 ? ' with js-md5' : ''}`;
      break;
    case 'cpp':
      spec = execSpec('cpp', { file: 'test.cpp', source: '#include<vector>\nint main(){return 0;}\n' }, 'preflight', tc);
      what = 'g++ cannot build a program inside the sandbox';
      break;
    case 'java':
      spec = execSpec('java', { file: 'Main.java', source: 'public class Main { public static void main(String[] a) {} }\n' }, 'preflight', tc);
      what = 'javac/java do not run inside the sandbox';
      break;
    case 'go': {
      const source =
        'package main\n\nimport (\n    "testing"\n    "github.com/stretchr/testify/assert"\n' +
        GO_PACKAGES.map((p) => `    "${p}"\n`).join('') +
        ')\n\nfunc TestWarm(t *testing.T) {\n' +
        GO_PACKAGES.map((p) => `    _ = ${goUse(p)}\n`).join('') +
        '    assert.Equal(t, 1, 1)\n}\n';
      spec = execSpec('go', { file: 'main_test.go', source }, 'preflight', tc);
      what = 'go test cannot build a test with testify inside the sandbox';
      break;
    }
  }
  // Generous limits: the first JVM or cold Go build on a loaded machine is slow.
  for (const step of spec.steps) step.limits = { ...step.limits, wallMs: 300_000, cpuSeconds: 120 };
  const r = await sb.run(spec);
  const v = verdictOf(lang, r);
  if (!v.passed) return `${what}: ${v.log.slice(0, 600)}`;
  if (lang === 'java') tc.javacCds = await javacArchive(sb, tc);
  return undefined;
}

// javac spends most of its ~0.55 s loading and linking its own classes; a class-data archive
// of them (AppCDS, dumped once per process by compiling a typical program) cuts that by about
// 40%. The archive belongs to this JVM build, so it is made fresh each run and kept only if a
// compile with it passes; without it, compiles are only slower.
const JAVA_SAMPLE =
  'import java.util.*;\nimport java.lang.*;\nimport java.math.*;\nimport java.security.*;\nimport java.util.stream.*;\n\n' +
  'class Solution {\n    public List<Integer> f(List<Integer> l) {\n        return l.stream().map(x -> x * 2).collect(Collectors.toList());\n    }\n}\n' +
  'public class Main {\n    public static void main(String[] args) {\n        Solution s = new Solution();\n' +
  '        List<Boolean> correct = Arrays.asList(s.f(new ArrayList<>(Arrays.asList(1, 2))).equals(Arrays.asList(2, 4)), String.format("%d", 1).equals("1"));\n' +
  '        if (correct.contains(false)) {\n            throw new AssertionError();\n        }\n    }\n}\n';
const archives: string[] = [];

async function javacArchive(sb: Sandbox, tc: Toolchain): Promise<string | undefined> {
  if (process.env.EVALH_NO_JAVA_CDS === '1') return undefined;
  try {
    const dir = await sb.persistentDir('humaneval-x-cds');
    const file = join(dir, `javac-${process.pid}-${Date.now().toString(36)}.jsa`);
    archives.push(file);
    const jvm = JVM;
    const compile = (flag: string, rw: boolean): ExecSpec => ({
      files: { 'Main.java': JAVA_SAMPLE },
      binds: [{ src: dir, rw }],
      steps: [{ argv: [tc.javac!, ...[...jvm, flag].map((o) => `-J${o}`), 'Main.java'], limits: { ...COMPILE, wallMs: 300_000, cpuSeconds: 120 } }],
    });
    const dumped = await sb.run(compile(`-XX:ArchiveClassesAtExit=${file}`, true));
    if (!dumped.ok || !existsSync(file)) return undefined;
    const used = await sb.run(compile(`-XX:SharedArchiveFile=${file}`, false));
    return used.ok ? file : undefined;
  } catch {
    return undefined;
  }
}

process.once('exit', () => {
  for (const f of archives) rmSync(f, { force: true });
});

function goUse(pkg: string): string {
  switch (pkg) {
    case 'math': return 'math.Pi';
    case 'strings': return 'strings.ToUpper';
    case 'fmt': return 'fmt.Sprint';
    case 'strconv': return 'strconv.Itoa';
    case 'time': return 'time.Second';
    case 'bytes': return 'bytes.ToUpper';
    case 'regexp': return 'regexp.MustCompile';
    case 'sort': return 'sort.Ints';
    case 'math/rand': return 'rand.Intn';
    case 'crypto/md5': return 'md5.Sum';
    default: throw new Error(`no use for ${pkg}`);
  }
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const f = join(dir, cmd);
    // A shim under a home folder would not be visible inside the sandbox.
    if (isExecutable(f) && !f.startsWith('/root/') && !f.startsWith('/home/')) return f;
  }
  return undefined;
}

function firstFile(paths: string[]): string | undefined {
  return paths.find(isExecutable);
}

function isExecutable(f: string): boolean {
  try {
    const st = statSync(f);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
