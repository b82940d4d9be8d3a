// How a failed model request is classified decides what the scheduler does with it.
// None of these is ever scored as the model's answer.

/** Worth another try: 429, 5xx, connection reset, timeout, a body that is not the JSON we expect. */
export class RetryableError extends Error {
  constructor(
    readonly kind: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

/** This item cannot succeed as asked (400, 422, prompt over the context limit): record it and move on. */
export class PermanentError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentError';
  }
}

/** No item can succeed (401, 403, unknown model): stop the whole run at once. */
export class FatalError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = 'FatalError';
  }
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The model answered but the answer could not be scored (a judge that kept failing): the
 * item is recorded as failed WITH its output, and the next invocation scores it again
 * without asking the model a second time.
 */
export class ScoringFailedError extends PermanentError {
  constructor(
    kind: string,
    message: string,
    readonly output: string,
  ) {
    super(kind, message);
  }
}
