import { sha256 } from '../../src/hash.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { capBytes } from '../../src/sandbox/shared.js';
import type { ItemScore } from '../../src/suite.js';
import { describeGaps, notEvaluableReason, pathLiterals, testSource, type Gap, type GapContext } from './environment.js';
import { extractJavaCode, extractPythonCode } from './extract.js';
import { findToolchain, getSandbox, javaSpec, javaVerdict, missingTools, preflight, pythonSpec, pythonVerdict, type Toolchain, type Verdict } from './execute.js';
import type { Outcome, Target } from './records.js';
import { splitSpec, type Lang } from './splits.js';

// One answer: response → code → sandboxed test run → 1 or 0, with the outcome class for
// the error shares. Whatever keeps an answer from running here (a missing tool, module,
// jar or input file, no sandbox) makes it "not evaluable" with the reason, never a 0.
//
// Not every gap shows itself: a solution that checks os.path.exists, or cv2.imread of a
// missing image (None), fails an assertion, not with FileNotFoundError. So the problem's
// reference solution is the yardstick of this environment: the reference answers pass in
// the official image, and a test the reference fails here cannot be passed here. An answer
// whose failing tests are all either failures with a named gap (a missing module, jar,
// NLTK data, input file) or tests the reference fails here too is not evaluable; one that
// fails any other test (or does not compile, or has a syntax error) has failed for sure.

let toolchain: Toolchain | undefined;

export async function scoreAnswer(item: { dataset: string; target: unknown }, output: string): Promise<ItemScore> {
  const split = splitSpec(item.dataset);
  const t = item.target as Target;
  if (!split) return notEvaluable(t, `unknown NaturalCodeBench split ${item.dataset}`);
  if (output === '') {
    // test_setup.py writes no files for an empty response. (It then leaves the problem out
    // of pass@k altogether; evalh counts it as a failure: see aggregate.ts.)
    return done(t, 'no_code', 0, { outcome: 'no_code' });
  }
  toolchain ??= findToolchain();
  const missing = missingTools(split.lang, toolchain);
  if (missing) return notEvaluable(t, notEvaluableReason(missing));
  let sandbox: Sandbox;
  try {
    sandbox = await getSandbox();
  } catch (e) {
    return notEvaluable(t, `cannot execute code: ${(e as Error).message}`);
  }
  try {
    const gap = await preflight(split.lang, sandbox, toolchain);
    if (gap) return notEvaluable(t, notEvaluableReason(gap));
    const isReference = t.reference !== undefined && output === t.reference;
    const { verdict: v, code } = await runAnswer(split.lang, output, t, sandbox, toolchain);
    const scores = {
      outcome: v.outcome,
      ...(v.tests ? { tests: v.tests } : {}),
      log: v.log,
      code: capBytes(Array.isArray(code) ? code.join('\n// ---- next block ----\n') : code, 16_384),
    };
    if (v.outcome === 'passed') return done(t, 'passed', 1, scores);
    const reason = await environmentReason(split.lang, t, v, isReference, sandbox, toolchain);
    if (reason) return { ...notEvaluable(t, notEvaluableReason(reason)), scores: { ...scores, outcome: 'not_evaluable', failure: v.outcome } };
    return done(t, v.outcome, 0, scores);
  } catch (e) {
    return notEvaluable(t, `sandbox failure: ${(e as Error).message}`);
  }
}

/**
 * Runs an answer's program against its problem's tests. An identical program against
 * identical tests runs once per process (the verdict is deterministic for all but flaky
 * tests): the reference answers of python_en and python_zh are byte-identical, as are most
 * of Java's, and sampled answers often repeat.
 */
function runAnswer(lang: Lang, output: string, t: Target, sandbox: Sandbox, tc: Toolchain): Promise<{ verdict: Verdict; code: string | string[] }> {
  const code = lang === 'python' ? extractPythonCode(output) : extractJavaCode(output);
  const key = sha256(JSON.stringify([lang, t._id, code, t.testcases, t.setup_code]));
  let run = runs.get(key);
  if (!run) {
    run = execute(lang, code, t, sandbox, tc);
    runs.set(key, run);
    run.catch(() => runs.delete(key));
  }
  return run.then((verdict) => ({ verdict, code }));
}

const runs = new Map<string, Promise<Verdict>>();

async function execute(lang: Lang, code: string | string[], t: Target, sandbox: Sandbox, tc: Toolchain): Promise<Verdict> {
  const ctx = gapContext(t);
  if (lang === 'python') {
    const r = await sandbox.run(pythonSpec(t._id, code as string, t.testcases, t.setup_code, tc));
    return pythonVerdict(r.steps, ctx);
  }
  const r = await sandbox.run(javaSpec(t._id, code as string[], t.testcases, tc, sandbox.kind === 'bubblewrap'));
  return javaVerdict(r.steps, ctx, tc);
}

/** Forgets every verdict (tests; a new sandbox). */
export function forgetRuns(): void {
  runs.clear();
}

/**
 * Why the environment, not the answer, kept it from passing — or undefined when the
 * answer failed on its own.
 */
async function environmentReason(lang: Lang, t: Target, v: Verdict, isReference: boolean, sandbox: Sandbox, tc: Toolchain): Promise<string | undefined> {
  // The whole sample could not run for want of a module or jar.
  if (v.gap) return describeGaps([v.gap], t._id);
  // Timeouts, resource kills, syntax and compile errors, runs that never reported: the answer's own.
  if (v.failing.length === 0) {
    return isReference ? `the reference solution fails here (${v.outcome}); no missing module, library or input file identified` : undefined;
  }
  const named = v.failing.filter((f) => f.gap);
  const unnamed = v.failing.filter((f) => !f.gap);
  const gaps: Gap[] = named.map((f) => f.gap!);
  if (unnamed.length > 0) {
    const base = isReference ? v : t.reference !== undefined ? await baseline(lang, t, sandbox, tc) : undefined;
    if (!base || base.outcome === 'passed') return undefined;
    const baseFailing = new Set(base.failing.map((f) => f.name));
    if (!unnamed.every((f) => baseFailing.has(f.name))) return undefined;
    // Name what those tests need: the reference's own gaps, else the files their code names.
    const baseGaps = base.failing.filter((f) => unnamed.some((u) => u.name === f.name) && f.gap).map((f) => f.gap!);
    gaps.push(...baseGaps);
    const files = unnamed.flatMap((f) => pathLiterals(testSource(t.testcases, f.name, lang)));
    if (files.length > 0) gaps.push({ kind: 'input', files });
    if (baseGaps.length === 0 && files.length === 0) {
      gaps.push({
        kind: 'other',
        text: `the reference solution fails ${unnamed.length === 1 ? 'this test' : 'these tests'} here too (${unnamed.map((f) => f.name.split('::').pop()).join(', ')}); no missing module, library or input file identified`,
      });
    }
  }
  return describeGaps(gaps, t._id);
}

/** The reference solution's verdict here: the yardstick of what this environment lets pass (run once, see runAnswer). */
async function baseline(lang: Lang, t: Target, sandbox: Sandbox, tc: Toolchain): Promise<Verdict> {
  return (await runAnswer(lang, t.reference ?? '', t, sandbox, tc)).verdict;
}

function gapContext(t: Target): GapContext {
  return { id: t._id, testcases: t.testcases, setupCode: t.setup_code, problem: t.problem };
}

function done(t: Target, outcome: Outcome, score: number, scores: Record<string, unknown>): ItemScore {
  t.outcome = outcome;
  return { score, scores };
}

function notEvaluable(t: Target, reason: string): ItemScore {
  t.outcome = 'not_evaluable';
  return { score: null, notEvaluable: reason };
}
