import type { ItemScore } from '../../src/suite.js';
import { extractGeneration } from './clean.js';
import { execSpec, findToolchain, getSandbox, missingFor, preflight, verdictOf, type Toolchain } from './execute.js';
import { itemId, type Language } from './languages.js';
import { findProblem } from './load.js';
import { isReplayedGeneration } from './predictions.js';
import { assembleProgram } from './program.js';
import type { Target } from './records.js';

// One sample: output → generation → program → sandboxed run → 1 or 0. What keeps a sample
// from running here (a missing toolchain or package, a failure of the sandbox) makes it
// "not evaluable" with the reason, never a 0. No sandbox at all is an error instead: it
// stops the command with its fix before any more work is wasted.

let toolchain: Toolchain | undefined;

export async function scoreSample(item: { dataset: string; target: unknown }, output: string): Promise<ItemScore> {
  const lang = item.dataset as Language;
  const t = item.target as Target;
  const problem = findProblem(t.src, t.task_id);
  if (!problem) return notEvaluable(`problem ${t.task_id} of data ${t.src} is not loaded in this process (the data changed or was not opened)`);
  const verbatim = t.verbatim === true || isReplayedGeneration(itemId(lang, t.task_id, t.k), output);
  const { generation, source } = extractGeneration(output, lang, verbatim);
  const program = assembleProgram(lang, problem, generation);

  toolchain ??= findToolchain();
  const missing = missingFor(lang, program, toolchain);
  if (missing) return notEvaluable(missing);
  // SandboxUnavailableError (exit 2): install bubblewrap, or the explicit unsafe flag.
  const sandbox = await getSandbox();
  try {
    if (lang === 'go') toolchain.goCache ??= await sandbox.persistentDir('go-cache');
    const gap = await preflight(lang, sandbox, toolchain);
    if (gap) return notEvaluable(gap);
    const v = verdictOf(lang, await sandbox.run(execSpec(lang, program, t.task_id, toolchain)));
    return {
      score: v.passed ? 1 : 0,
      scores: { passed: v.passed, phase: v.phase, exitCode: v.exitCode, timedOut: v.timedOut, log: v.log, extraction: source },
    };
  } catch (e) {
    return notEvaluable(`sandbox failure: ${(e as Error).message}`);
  }
}

function notEvaluable(reason: string): ItemScore {
  return { score: null, notEvaluable: reason };
}
