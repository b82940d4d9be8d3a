import type { PreparedRequest, SuiteItem } from '../../src/suite.js';
import type { LoadedSplit } from './load.js';
import type { ProblemRecord, Target } from './records.js';
import { GENERATION } from './splits.js';

/** `<split>/<_id>` for a problem's (first) answer, `<split>/<_id>/<k>` for more. */
export function itemId(split: string, id: number, k = 0): string {
  return k === 0 ? `${split}/${id}` : `${split}/${id}/${k}`;
}

export function targetOf(p: ProblemRecord, k: number, reference: string | undefined): Target {
  return { _id: p._id, k, testcases: p.testcases, setup_code: p.setup_code, problem: p.problem ?? '', ...(reference !== undefined ? { reference } : {}) };
}

/**
 * Problem-major order with the splits interleaved (python_en/131, python_zh/131,
 * java_en/131, java_zh/131, …), so that the JVM's samples and Python's share the sandbox
 * pool all run long.
 */
export function itemOrder(splits: readonly LoadedSplit[]): [LoadedSplit, number][] {
  const out: [LoadedSplit, number][] = [];
  const most = Math.max(...splits.map((s) => s.problems.length));
  for (let i = 0; i < most; i++) for (const s of splits) if (i < s.problems.length) out.push([s, i]);
  return out;
}

export async function* items(splits: readonly LoadedSplit[]): AsyncGenerator<SuiteItem> {
  for (const [s, i] of itemOrder(splits)) {
    const p = s.problems[i]!;
    yield {
      id: itemId(s.split.name, p._id),
      dataset: s.split.name,
      seq: i,
      target: targetOf(p, 0, s.references.get(p._id)),
      reference: s.references.get(p._id) ?? '',
      record: p,
    };
  }
}

/** The official README: the problem's `prompt` as the user turn, the response as it comes back. */
export function buildRequest(item: SuiteItem): PreparedRequest {
  const p = item.record as ProblemRecord;
  return { request: { kind: GENERATION.kind, prompt: p.prompt, maxTokens: GENERATION.maxTokens, temperature: GENERATION.temperature } };
}
