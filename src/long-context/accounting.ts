import type { ItemRow, RunRow } from '../store.js';
import type { Suite } from '../suite.js';
import { DEFAULT_TRUNCATE_POLICY, type TruncatePolicy } from './policy.js';

// Long-context accounting of a run, for `show` (text and --json) and the report: how long
// the prompts were, which were cut and by how much, which were not sent (too long) and which
// the model's server refused for its context limit, with the budget the run used.

export interface Accounting {
  /** --truncate of the run. */
  policy: TruncatePolicy;
  /** The input budget in tokens, and where it came from; null when the run had none. */
  maxLength: number | null;
  maxLengthSource: string | null;
  /** The tokenizer that counted and cut (its fingerprint id), or null. */
  tokenizer: string | null;
  /** Items whose prompt length is known, and the longest. */
  measured: number;
  maxPromptTokens: number | null;
  /** Sent with the middle cut out, and the tokens cut from them in all. */
  truncated: number;
  truncatedTokens: number;
  /** Not sent, failed as too_long (--truncate error). */
  tooLong: number;
  /** Not sent, skipped (--truncate skip). */
  skipped: number;
  /** Sent, refused by the server for its context limit (failed, kind context_limit). */
  contextLimit: number;
}

/** Whether a suite's prompts are cut to a budget or measured in tokens: only then is there anything to account for. */
export function showsLongContext(suite: Pick<Suite, 'truncates' | 'measuresPrompts'>): boolean {
  return suite.truncates === true || suite.measuresPrompts === true;
}

export function accountingOf(run: RunRow, items: Iterable<ItemRow>): Accounting {
  const s = run.settings;
  const parts = (s.fingerprintParts ?? {}) as Record<string, unknown>;
  const a: Accounting = {
    policy: (s.truncate as TruncatePolicy | undefined) ?? DEFAULT_TRUNCATE_POLICY,
    maxLength: typeof s.maxLength === 'number' ? s.maxLength : null,
    maxLengthSource: typeof s.maxLengthSource === 'string' ? s.maxLengthSource : null,
    tokenizer: typeof parts.tokenizer === 'string' ? parts.tokenizer : null,
    measured: 0,
    maxPromptTokens: null,
    truncated: 0,
    truncatedTokens: 0,
    tooLong: 0,
    skipped: 0,
    contextLimit: 0,
  };
  for (const it of items) {
    if (it.promptTokens !== undefined) {
      a.measured++;
      a.maxPromptTokens = Math.max(a.maxPromptTokens ?? 0, it.promptTokens);
    }
    if ((it.truncatedTokens ?? 0) > 0) {
      a.truncated++;
      a.truncatedTokens += it.truncatedTokens!;
    }
    if (it.status === 'skipped') a.skipped++;
    else if (it.status === 'error' && it.errorKind === 'too_long') a.tooLong++;
    else if (it.status === 'error' && it.errorKind === 'context_limit') a.contextLimit++;
  }
  return a;
}

/** One line for `show`: the policy, the budget when the run had one, and the counts. */
export function describeAccounting(a: Accounting): string {
  const budget =
    a.maxLength !== null
      ? `budget ${a.maxLength.toLocaleString('en-US')} tokens${a.maxLengthSource ? ` (${a.maxLengthSource})` : ''}${a.tokenizer ? `, tokenizer ${a.tokenizer}` : ''}`
      : 'no input budget';
  return [
    `long context: --truncate ${a.policy}, ${budget}`,
    `  longest prompt ${a.maxPromptTokens === null ? '—' : `${a.maxPromptTokens.toLocaleString('en-US')} tokens`} (${a.measured} measured)` +
      `  truncated prompts: ${a.truncated}${a.truncated ? ` (${a.truncatedTokens.toLocaleString('en-US')} tokens cut)` : ''}` +
      `  too long (failed): ${a.tooLong}  skipped (too long): ${a.skipped}  context-limit errors: ${a.contextLimit}`,
  ].join('\n');
}
