import PQueue from 'p-queue';
import { onAbort, sleep } from './abort.js';
import { FatalError, RetryableError } from './request-errors.js';

export interface SchedulerOptions {
  concurrency: number;
  /** Per attempt. */
  timeoutMs: number;
  /** Extra attempts after the first, for retryable failures. */
  retries: number;
  /** Stop once more than this many items have failed permanently (errors marked outsideErrorBudget do not count). */
  maxFailures: number;
  /** Aborted on SIGINT/SIGTERM: in-flight requests are dropped (not recorded) and nothing new starts. */
  stop: AbortSignal;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Longest Retry-After we honour as asked; longer ones are capped so a run never sleeps for hours. */
  retryAfterMaxMs?: number;
}

export type Outcome<R> =
  | { ok: true; value: R; attempts: number; latencyMs: number }
  | { ok: false; error: Error; kind: string; attempts: number; latencyMs: number };

export type Ending = 'done' | 'interrupted' | 'error_budget' | 'fatal';

export interface ScheduleResult {
  ending: Ending;
  fatal?: Error;
  succeeded: number;
  failed: number;
  retries: number;
}

/**
 * Runs `task` for every item with bounded concurrency, retries and per-attempt timeouts.
 * Items are pulled from the source only when a slot frees up, so a source that streams
 * large records never has more than `concurrency` of them alive.
 */
export async function schedule<T, R>(
  source: AsyncIterable<T>,
  task: (item: T, signal: AbortSignal, attempt: number) => Promise<R>,
  onOutcome: (item: T, outcome: Outcome<R>) => void,
  opts: SchedulerOptions,
): Promise<ScheduleResult> {
  const queue = new PQueue({ concurrency: opts.concurrency });
  const halt = new AbortController(); // budget exceeded, fatal error, or the caller's stop
  const stopAll = halt.signal;
  const forgetStop = onAbort(opts.stop, () => halt.abort(opts.stop.reason));
  const result: ScheduleResult = { ending: 'done', succeeded: 0, failed: 0, retries: 0 };
  let budgeted = 0; // failures that count against maxFailures
  let taskError: unknown;

  const attemptAll = async (item: T): Promise<void> => {
    const started = performance.now();
    try {
      const { value, attempts } = await withRetries((signal, attempt) => task(item, signal, attempt), {
        ...opts,
        stop: stopAll,
        onRetry: () => result.retries++,
      });
      if (stopAll.aborted) return; // finished after the stop: keep the contract simple, drop it
      result.succeeded++;
      onOutcome(item, { ok: true, value, attempts, latencyMs: performance.now() - started });
    } catch (e) {
      if (stopAll.aborted || e instanceof StoppedError) return;
      const { error, attempts } = e as GaveUpError;
      if (error instanceof FatalError) {
        result.ending = 'fatal';
        result.fatal = error;
        halt.abort();
        return;
      }
      if (!(error instanceof RetryableError) && !isPermanent(error)) {
        // A bug in our own code, not the server: stop rather than mark every item failed.
        taskError = error;
        halt.abort();
        return;
      }
      result.failed++;
      if ((error as { outsideErrorBudget?: boolean }).outsideErrorBudget !== true) budgeted++;
      onOutcome(item, { ok: false, error, kind: (error as { kind?: string }).kind ?? 'error', attempts, latencyMs: performance.now() - started });
      if (budgeted > opts.maxFailures && result.ending === 'done') {
        result.ending = 'error_budget';
        halt.abort();
      }
    }
  };

  try {
    for await (const item of source) {
      if (stopAll.aborted) break;
      // Backpressure: hold the next item until a worker is free.
      if (queue.size > 0) await queue.onSizeLessThan(1);
      if (stopAll.aborted) break;
      void queue.add(() => attemptAll(item));
    }
  } catch (e) {
    // The source failed (a bad record mid-stream): drop the items in flight, then report it.
    halt.abort();
    taskError ??= e;
  } finally {
    await queue.onIdle();
    forgetStop();
  }
  if (taskError) throw taskError;
  if (result.ending === 'done' && opts.stop.aborted) result.ending = 'interrupted';
  return result;
}

export interface RetryOptions {
  timeoutMs: number;
  retries: number;
  stop: AbortSignal;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  retryAfterMaxMs?: number;
  onRetry?: () => void;
}

/** The stop signal fired: nothing to report. */
export class StoppedError extends Error {}

/** The last error of a call that will not be tried again, with how many attempts it took. */
export class GaveUpError extends Error {
  constructor(
    readonly error: Error,
    readonly attempts: number,
  ) {
    super(error.message);
  }
}

/**
 * Calls `fn` with a per-attempt timeout until it succeeds or fails for good: retryable
 * failures wait a full-jitter exponential backoff, or the server's Retry-After when it gave
 * one. Shared by model requests and judge calls.
 */
export async function withRetries<R>(
  fn: (signal: AbortSignal, attempt: number) => Promise<R>,
  opts: RetryOptions,
): Promise<{ value: R; attempts: number }> {
  const base = opts.backoffBaseMs ?? 500;
  const cap = opts.backoffMaxMs ?? 30_000;
  const retryAfterCap = opts.retryAfterMaxMs ?? 300_000;
  for (let attempt = 0; ; attempt++) {
    if (opts.stop.aborted) throw new StoppedError('stopped');
    const deadline = attemptSignal(opts.stop, opts.timeoutMs);
    const signal = deadline.signal;
    try {
      return { value: await fn(signal, attempt), attempts: attempt + 1 };
    } catch (e) {
      if (opts.stop.aborted) throw new StoppedError('stopped');
      const error = asTimeout(e, signal);
      if (!(error instanceof RetryableError) || attempt >= opts.retries) throw new GaveUpError(error, attempt + 1);
      opts.onRetry?.();
      const backoff = Math.random() * Math.min(cap, base * 2 ** attempt); // full jitter
      const wait = error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, retryAfterCap) + backoff * 0.1 : backoff;
      try {
        await sleep(wait, opts.stop);
      } catch {
        throw new StoppedError('stopped');
      }
    } finally {
      deadline.dispose();
    }
  }
}

/**
 * A per-attempt signal that aborts on stop or after `ms`. Built by hand rather than with
 * AbortSignal.any([stop, AbortSignal.timeout(ms)]): on Node 20 the composite holds its
 * sources only weakly, the timeout signal can be collected mid-request, and a hung request
 * then never times out (seen as a run that never ends when a server stops answering).
 */
export function attemptSignal(stop: AbortSignal, ms: number): { signal: AbortSignal; dispose(): void } {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(new DOMException('The operation timed out', 'TimeoutError')), ms);
  // Through onAbort: one listener on `stop` however many attempts are in flight.
  const forget = onAbort(stop, () => ctrl.abort(stop.reason));
  return {
    signal: ctrl.signal,
    dispose() {
      clearTimeout(timer);
      forget();
    },
  };
}

function isPermanent(e: unknown): boolean {
  return e instanceof Error && e.name === 'PermanentError';
}

function asTimeout(e: unknown, signal: AbortSignal): Error {
  if (signal.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError') {
    return e instanceof RetryableError ? e : new RetryableError('timeout', 'request timed out');
  }
  return e as Error;
}
