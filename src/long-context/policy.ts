import { UsageError } from '../errors.js';
import { PermanentError } from '../request-errors.js';
import type { PreparedRequest, RequestContext } from '../suite.js';

// What a run does with a prompt over its input budget (`evalh run --truncate`):
//   middle — cut the middle out, as LongBench's pred.py does (the default);
//   error  — do not send it; the item fails with kind `too_long` and is never scored;
//   skip   — do not send it, do not score it: the item is recorded as skipped (too long).
// Applied in ONE place, src/run.ts, on what every suite's prepare() reports: a suite cuts
// with truncateMiddle() (src/tokenizers/truncate.ts) and returns `truncatedTokens`; any
// cut at all means the prompt was over budget. So every truncating suite (LongBench v1/E,
// LongBench v2, needle) gets the policy without knowing about it.

export const TRUNCATE_POLICIES = ['middle', 'error', 'skip'] as const;
export type TruncatePolicy = (typeof TRUNCATE_POLICIES)[number];
export const DEFAULT_TRUNCATE_POLICY: TruncatePolicy = 'middle';

export function parseTruncatePolicy(value: string | undefined): TruncatePolicy {
  if (value === undefined) return DEFAULT_TRUNCATE_POLICY;
  if ((TRUNCATE_POLICIES as readonly string[]).includes(value)) return value as TruncatePolicy;
  throw new UsageError(`--truncate must be one of ${TRUNCATE_POLICIES.join(', ')} (got ${JSON.stringify(value)})`);
}

/**
 * An item whose prompt is over the input budget under --truncate error: not sent, not scored.
 * The outcome the user asked for, not a broken server: it does not count against --error-budget.
 */
export class TooLongError extends PermanentError {
  readonly outsideErrorBudget = true;
  constructor(
    message: string,
    readonly promptTokens: number | undefined,
  ) {
    super('too_long', message);
  }
}

export type Decision = { send: true } | { send: false; reason: string };

/**
 * The policy applied to one prepared request: send it (it fits, or the policy is middle and
 * it was cut), skip it, or throw TooLongError.
 */
export function applyTruncatePolicy(prepared: PreparedRequest, ctx: RequestContext): Decision {
  const policy = ctx.truncate ?? DEFAULT_TRUNCATE_POLICY;
  if (policy === 'middle' || (prepared.truncatedTokens ?? 0) <= 0) return { send: true };
  const size = prepared.promptTokens !== undefined ? `${prepared.promptTokens} tokens` : 'over budget';
  const reason =
    `prompt of ${size} is over the input budget of ${ctx.maxLength ?? '?'} tokens` +
    `${ctx.tokenizer ? ` (tokenizer ${ctx.tokenizer.id})` : ''}; not sent (--truncate ${policy})`;
  if (policy === 'error') throw new TooLongError(reason, prepared.promptTokens);
  return { send: false, reason };
}
