// The bare toolchain time of the HumanEval-X canonical solutions (shared/spec/quality.md):
// the same programs evalh runs, assembled by the suite's own functions, compiled and run
// with the same commands and flags, but with no sandbox and no harness — plain
// child_process, one program at a time, each step's wall time summed. The spec's figure is
// that sum divided by the number of cores.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { extractGeneration } from '../../benchmarks/humaneval-x/clean.js';
import { findToolchain, missingFor, type Toolchain } from '../../benchmarks/humaneval-x/execute.js';
import { GO_PACKAGES, TIMEOUT_S, languageSpec, type Language } from '../../benchmarks/humaneval-x/languages.js';
import { findLanguageFile, loadProblems } from '../../benchmarks/humaneval-x/load.js';
import { assembleProgram, type Program } from '../../benchmarks/humaneval-x/program.js';

export interface BareResult {
  lang: Language;
  programs: number;
  passed: number;
  /** Programs not run because something they need is missing (the reason in `missing`). */
  skipped: number;
  /** Summed wall time of every compile and run step, in seconds. */
  sumS: number;
  /** Wall time of the whole loop (file writing included), in seconds. */
  loopS: number;
  missing?: string;
}

interface Cmd {
  argv: string[];
  env?: Record<string, string>;
}

/** What keeps a whole language from running here, or undefined. */
export function toolchainGap(lang: Language, tc: Toolchain): string | undefined {
  const trivial: Program = { file: 'x', source: '' };
  return missingFor(lang, trivial, tc);
}

/** The commands evalh's execSpec gives the sandbox, minus the Python harness (the program runs directly). */
function commands(lang: Language, program: Program, taskId: string, tc: Toolchain, goCache: string): Cmd[] {
  switch (lang) {
    case 'python':
      return [{ argv: [tc.python!, program.file] }];
    case 'js':
      return [{ argv: [tc.node, program.file], ...(tc.jsMd5 && program.source.includes('js-md5') ? { env: { NODE_PATH: dirname(tc.jsMd5) } } : {}) }];
    case 'cpp':
      return [{ argv: [tc.gxx!, '-std=c++11', program.file, ...(taskId.includes('162') ? ['-lcrypto', '-lssl'] : [])] }, { argv: ['./a.out'] }];
    case 'java': {
      const jvm = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
      return [{ argv: [tc.javac!, ...jvm.map((o) => `-J${o}`), program.file] }, { argv: [tc.java!, ...jvm, '-cp', '.', 'Main'] }];
    }
    case 'go':
      return [{ argv: [tc.go!, 'test', `-timeout=${TIMEOUT_S.toFixed(1)}s`, program.file], env: { GO111MODULE: 'off', GOPATH: tc.gopath ?? '/usr/share/gocode', GOCACHE: goCache } }];
  }
}

/** Runs the steps in order, stopping at the first failure; returns the summed wall time and the verdict. */
function runSteps(lang: Language, cmds: Cmd[], cwd: string): { s: number; passed: boolean } {
  let s = 0;
  for (const [i, c] of cmds.entries()) {
    const t = performance.now();
    const r = spawnSync(c.argv[0]!, c.argv.slice(1), { cwd, env: { ...process.env, ...c.env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, maxBuffer: 1 << 26 });
    s += (performance.now() - t) / 1000;
    const last = i === cmds.length - 1;
    if (r.status !== 0 && lang !== 'js') return { s, passed: false };
    if (last) {
      // The official JS verdict: any stderr, then any stdout, is a failure.
      const passed = lang === 'js' ? r.stdout.length === 0 && r.stderr.length === 0 && r.signal === null : r.status === 0;
      return { s, passed };
    }
  }
  return { s, passed: false };
}

/** Builds the standard packages and testify into a fresh GOCACHE, as evalh's preflight does for its own. */
function warmGo(tc: Toolchain, goCache: string, dir: string): void {
  const source =
    'package main\n\nimport (\n    "testing"\n    "github.com/stretchr/testify/assert"\n' +
    GO_PACKAGES.map((p) => `    "${p}"\n`).join('') +
    ')\n\nfunc TestWarm(t *testing.T) {\n' +
    '    _ = math.Pi\n    _ = strings.ToUpper\n    _ = fmt.Sprint\n    _ = strconv.Itoa\n    _ = time.Second\n    _ = bytes.ToUpper\n' +
    '    _ = regexp.MustCompile\n    _ = sort.Ints\n    _ = rand.Intn\n    _ = md5.Sum\n    assert.Equal(t, 1, 1)\n}\n';
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main_test.go'), source);
  runSteps('go', commands('go', { file: 'main_test.go', source }, 'warm', tc, goCache), dir);
}

/**
 * Compiles and runs every canonical program of a language with no harness. For Go the
 * build cache is warmed first with one program using every package (not measured), and,
 * with `warmAll`, with one unmeasured pass over all the programs.
 */
export async function bareLanguage(lang: Language, dataDir: string, opts: { goWarmAll?: boolean } = {}): Promise<BareResult> {
  const tc = findToolchain();
  const empty: BareResult = { lang, programs: 0, passed: 0, skipped: 0, sumS: 0, loopS: 0 };
  const gap = toolchainGap(lang, tc);
  if (gap) return { ...empty, missing: gap };
  const file = findLanguageFile(dataDir, lang);
  if (!file) return { ...empty, missing: `no ${lang} problem file in ${dataDir}` };
  const { problems } = await loadProblems(lang, file);
  const root = mkdtempSync(join(tmpdir(), `evalh-bare-${lang}-`));
  try {
    const goCache = join(root, 'gocache');
    if (lang === 'go') warmGo(tc, goCache, join(root, 'warm'));
    const jobs = problems.map((p, i) => {
      // What `--runner reference` answers: the canonical solution in a fenced block, extracted as the scorer does.
      const reference = '```' + languageSpec(lang)!.fence + '\n' + p.canonical_solution + '```';
      const program = assembleProgram(lang, p, extractGeneration(reference, lang).generation);
      const dir = join(root, String(i));
      mkdirSync(dir);
      writeFileSync(join(dir, program.file), program.source);
      return { p, program, dir };
    });
    if (lang === 'go' && opts.goWarmAll) for (const j of jobs) runSteps(lang, commands(lang, j.program, j.p.task_id, tc, goCache), j.dir);
    const res = { ...empty, programs: problems.length };
    const t0 = performance.now();
    for (const j of jobs) {
      const missing = missingFor(lang, j.program, tc);
      if (missing) {
        res.skipped++;
        res.missing ??= missing;
        continue;
      }
      const r = runSteps(lang, commands(lang, j.program, j.p.task_id, tc, goCache), j.dir);
      res.sumS += r.s;
      if (r.passed) res.passed++;
    }
    res.loopS = (performance.now() - t0) / 1000;
    return res;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
