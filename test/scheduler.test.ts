import { describe, expect, it } from 'vitest';
import { FatalError, PermanentError, RetryableError, parseRetryAfter } from '../src/request-errors.js';
import { schedule, type Outcome } from '../src/scheduler.js';

// The scheduler with real timers and real tasks (no server needed to see its decisions).

async function* items(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

const base = { concurrency: 4, timeoutMs: 1000, retries: 3, maxFailures: 100, backoffBaseMs: 5 };

describe('schedule', () => {
  it('honours Retry-After before the next attempt', async () => {
    const attempts: number[] = [];
    const outcomes: Outcome<string>[] = [];
    const result = await schedule(
      items(1),
      async (_i, _signal, attempt) => {
        attempts.push(performance.now());
        if (attempt === 0) throw new RetryableError('rate_limited', '429', 300);
        return 'ok';
      },
      (_i, o) => outcomes.push(o),
      { ...base, stop: new AbortController().signal },
    );
    expect(result).toMatchObject({ ending: 'done', succeeded: 1, failed: 0, retries: 1 });
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(295);
    expect(outcomes[0]).toMatchObject({ ok: true, value: 'ok', attempts: 2 });
  });

  it('backs off exponentially with jitter and gives up after the retries', async () => {
    const times: number[] = [];
    const outcomes: Outcome<string>[] = [];
    await schedule(
      items(1),
      async () => {
        times.push(performance.now());
        throw new RetryableError('http_503', '503');
      },
      (_i, o) => outcomes.push(o),
      { ...base, retries: 4, backoffBaseMs: 40, stop: new AbortController().signal },
    );
    expect(times).toHaveLength(5);
    const waits = times.slice(1).map((t, i) => t - times[i]!);
    waits.forEach((w, i) => expect(w).toBeLessThanOrEqual(40 * 2 ** i + 25)); // full jitter: up to base·2^n
    expect(outcomes[0]).toMatchObject({ ok: false, kind: 'http_503', attempts: 5 });
  });

  it('a timeout is a retryable failure', async () => {
    const outcomes: Outcome<string>[] = [];
    await schedule(
      items(1),
      (_i, signal, attempt) =>
        new Promise<string>((res, rej) => {
          if (attempt === 1) return res('second try');
          signal.addEventListener('abort', () => rej(signal.reason));
        }),
      (_i, o) => outcomes.push(o),
      { ...base, timeoutMs: 50, stop: new AbortController().signal },
    );
    expect(outcomes[0]).toMatchObject({ ok: true, value: 'second try', attempts: 2 });
  });

  it('permanent failures are reported once, and more than the budget stops the run', async () => {
    const outcomes: Outcome<number>[] = [];
    const result = await schedule(
      items(100),
      async (i) => {
        if (i % 2 === 0) throw new PermanentError('http_400', 'bad request');
        return i;
      },
      (_i, o) => outcomes.push(o),
      { ...base, concurrency: 1, maxFailures: 3, stop: new AbortController().signal },
    );
    expect(result.ending).toBe('error_budget');
    expect(result.failed).toBe(4);
    expect(outcomes.filter((o) => !o.ok)).toHaveLength(4);
    expect(outcomes.length).toBeLessThan(100);
  });

  it('a fatal error stops everything at once', async () => {
    let calls = 0;
    const result = await schedule(
      items(50),
      async () => {
        calls++;
        throw new FatalError('http_401', 'unauthorized');
      },
      () => undefined,
      { ...base, concurrency: 2, stop: new AbortController().signal },
    );
    expect(result.ending).toBe('fatal');
    expect(result.fatal?.message).toBe('unauthorized');
    expect(calls).toBeLessThanOrEqual(3);
  });

  it('a stop drops requests in flight, reports nothing for them, and starts nothing new', async () => {
    const stop = new AbortController();
    const outcomes: Outcome<number>[] = [];
    const started: number[] = [];
    const result = await schedule(
      items(20),
      (i, signal) =>
        new Promise<number>((res, rej) => {
          started.push(i);
          if (i === 5) stop.abort();
          const t = setTimeout(() => res(i), 10);
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            rej(signal.reason);
          });
        }),
      (_i, o) => outcomes.push(o),
      { ...base, concurrency: 2, stop: stop.signal },
    );
    expect(result.ending).toBe('interrupted');
    expect(started.length).toBeLessThanOrEqual(7);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it('pulls items only as workers free up (never the whole source)', async () => {
    let pulled = 0;
    let maxAhead = 0;
    let finished = 0;
    async function* source() {
      for (let i = 0; i < 200; i++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - finished);
        yield i;
      }
    }
    await schedule(
      source(),
      async (i) => {
        await new Promise((r) => setTimeout(r, 1));
        return i;
      },
      () => finished++,
      { ...base, concurrency: 8, stop: new AbortController().signal },
    );
    expect(finished).toBe(200);
    expect(maxAhead).toBeLessThanOrEqual(8 + 2);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['2', 2000],
    ['0.5', 500],
    ['Thu, 01 Jan 1970 00:00:10 GMT', 10_000],
    ['soon', undefined],
    [undefined, undefined],
  ])('%s', (value, ms) => expect(parseRetryAfter(value, 0)).toBe(ms));
});
