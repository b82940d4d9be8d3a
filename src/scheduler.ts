import PQueue from 'p-queue';
import { setTimeout as sleep } from 'node:timers/promises';
import { FatalError, RetryableError } from './request-errors.js';

export interface SchedulerOptions {
  concurrency: number;
  /** Per attempt. */
  timeoutMs: number;
  /** Extra attempts after the first, for retryable failures. */
  retries: number;
  /** Stop once more than this many items have failed permanently. */
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
  const halt = new AbortController(); // budget exceeded or fatal error
  const stopAll = AbortSignal.any([opts.stop, halt.signal]);
  const result: ScheduleResult = { ending: 'done', succeeded: 0, failed: 0, retries: 0 };
  const base = opts.backoffBaseMs ?? 500;
  const cap = opts.backoffMaxMs ?? 30_000;
  const retryAfterCap = opts.retryAfterMaxMs ?? 300_000;
  let taskError: unknown;

  const attemptAll = async (item: T): Promise<void> => {
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      if (stopAll.aborted) return;
      const signal = AbortSignal.any([stopAll, AbortSignal.timeout(opts.timeoutMs)]);
      try {
        const value = await task(item, signal, attempt);
        if (stopAll.aborted) return; // finished after the stop: keep the contract simple, drop it
        result.succeeded++;
        onOutcome(item, { ok: true, value, attempts: attempt + 1, latencyMs: performance.now() - started });
        return;
      } catch (e) {
        if (stopAll.aborted) return;
        const error = asTimeout(e, signal);
        if (error instanceof FatalError) {
          result.ending = 'fatal';
          result.fatal = error;
          halt.abort();
          return;
        }
        if (error instanceof RetryableError && attempt < opts.retries) {
          result.retries++;
          const backoff = Math.random() * Math.min(cap, base * 2 ** attempt); // full jitter
          const wait = error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, retryAfterCap) + backoff * 0.1 : backoff;
          try {
            await sleep(wait, undefined, { signal: stopAll });
          } catch {
            return;
          }
          continue;
        }
        if (!(error instanceof RetryableError) && !isPermanent(error)) {
          // A bug in our own code, not the server: stop rather than mark every item failed.
          taskError = error;
          halt.abort();
          return;
        }
        result.failed++;
        onOutcome(item, {
          ok: false,
          error,
          kind: (error as { kind?: string }).kind ?? 'error',
          attempts: attempt + 1,
          latencyMs: performance.now() - started,
        });
        if (result.failed > opts.maxFailures && result.ending === 'done') {
          result.ending = 'error_budget';
          halt.abort();
        }
        return;
      }
    }
  };

  for await (const item of source) {
    if (stopAll.aborted) break;
    // Backpressure: hold the next item until a worker is free.
    if (queue.size > 0) await queue.onSizeLessThan(1);
    if (stopAll.aborted) break;
    void queue.add(() => attemptAll(item));
  }
  await queue.onIdle();
  if (taskError) throw taskError;
  if (result.ending === 'done' && opts.stop.aborted) result.ending = 'interrupted';
  return result;
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
