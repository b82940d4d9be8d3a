import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAIRunner } from '../runners/openai.js';
import { EndpointPool } from '../runners/pool.js';
import { onAbort } from '../src/abort.js';
import { FatalError, PermanentError, RetryableError, parseRetryAfter } from '../src/request-errors.js';
import { schedule, withRetries, type Outcome } from '../src/scheduler.js';
import { startSimServer, type SimServer } from './helpers/sim-server.js';

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

// Long-lived signals (the run's stop, the scheduler's halt, the judge's stop) must carry a
// bounded number of 'abort' listeners however many requests, backoff sleeps and slot waits hang
// on them, and none once they settle: else Node prints MaxListenersExceededWarning (the old
// behaviour at --concurrency 256, or whenever a server was dead or busy).
describe('abort listeners on shared signals', () => {
  let sim: SimServer | undefined;
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(async () => {
    process.off('warning', onWarning);
    await sim?.close();
    sim = undefined;
  });

  /** Samples the listener count of `signal` until `done` settles; returns the highest seen. */
  async function peakListeners(signal: AbortSignal, done: Promise<unknown>): Promise<number> {
    let peak = 0;
    let settled = false;
    void done.finally(() => (settled = true)).catch(() => {});
    while (!settled) {
      peak = Math.max(peak, getEventListeners(signal, 'abort').length);
      await new Promise((r) => setTimeout(r, 2));
    }
    await done.catch(() => {});
    return peak;
  }

  const call = (i: number) => ({ kind: 'chat' as const, prompt: `question ${i}`, maxTokens: 8, temperature: 0, itemId: String(i) });

  it('withRetries: 200 calls in flight and in backoff against a busy server share one listener on the stop signal', async () => {
    // Every prompt: 503 twice, then an answer — so calls sit in requests and in backoff sleeps at once.
    sim = await startSimServer({ latencyMs: 5, faults: (_q, attempt) => (attempt < 2 ? { kind: 'status', status: 503 } : undefined) });
    const runner = new OpenAIRunner({ endpoint: sim.url, model: 'sim' });
    const stop = new AbortController();
    const all = Promise.all(
      Array.from({ length: 200 }, (_, i) => withRetries((signal) => runner.generate(call(i), signal), { timeoutMs: 5000, retries: 3, stop: stop.signal, backoffBaseMs: 20 })),
    );
    const peak = await peakListeners(stop.signal, all);
    const results = await all;
    expect(results.every((r) => r.attempts === 3)).toBe(true);
    expect(peak).toBe(1);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    expect(warnings).toEqual([]);
  });

  it('schedule through the endpoint pool at concurrency 256 against a healthy server, then a dead one: bounded, and 0 after', async () => {
    sim = await startSimServer({ latencyMs: 20 });
    const stop = new AbortController();
    const pool = new EndpointPool({ endpoints: [sim.url], concurrency: 256, model: 'sim' });
    const run = schedule(items(600), (i, signal) => pool.generate(call(i), signal), () => undefined, { ...base, concurrency: 256, timeoutMs: 5000, stop: stop.signal });
    expect(await peakListeners(stop.signal, run)).toBeLessThanOrEqual(1);
    expect(await run).toMatchObject({ ending: 'done', succeeded: 600 });
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);

    const port = sim.port;
    await sim.close();
    sim = undefined;
    const dead = new EndpointPool({ endpoints: [`http://127.0.0.1:${port}/v1`], concurrency: 64, model: 'sim' });
    const stop2 = new AbortController();
    const failing = schedule(items(300), (i, signal) => dead.generate(call(i), signal), () => undefined, {
      ...base,
      concurrency: 64,
      retries: 3,
      backoffBaseMs: 10,
      maxFailures: 1000,
      stop: stop2.signal,
    });
    expect(await peakListeners(stop2.signal, failing)).toBeLessThanOrEqual(1);
    expect(await failing).toMatchObject({ ending: 'done', failed: 300 });
    expect(getEventListeners(stop2.signal, 'abort')).toHaveLength(0);
    expect(warnings).toEqual([]);
  });

  it('a stop in the middle of requests, backoff sleeps and slot waits leaves no listener behind', async () => {
    sim = await startSimServer({ latencyMs: 30, faults: (_q, attempt) => (attempt === 0 ? { kind: 'status', status: 429 } : undefined) });
    // Four slots for 64 workers: most wait in the pool for a slot when the stop comes.
    const pool = new EndpointPool({ endpoints: [sim.url], concurrency: 4, model: 'sim' });
    const stop = new AbortController();
    const run = schedule(items(500), (i, signal) => pool.generate(call(i), signal), () => undefined, { ...base, concurrency: 64, timeoutMs: 5000, stop: stop.signal });
    setTimeout(() => stop.abort(), 150);
    expect(await peakListeners(stop.signal, run)).toBeLessThanOrEqual(1);
    expect((await run).ending).toBe('interrupted');
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    expect(warnings).toEqual([]);
  });

  it('onAbort: one listener for any number of waits, all called on abort, none left once forgotten', () => {
    const ctrl = new AbortController();
    const called: number[] = [];
    const forgets = Array.from({ length: 50 }, (_, i) => onAbort(ctrl.signal, () => called.push(i)));
    expect(getEventListeners(ctrl.signal, 'abort')).toHaveLength(1);
    for (const f of forgets.slice(0, 25)) f();
    expect(getEventListeners(ctrl.signal, 'abort')).toHaveLength(1);
    ctrl.abort();
    expect(called).toEqual(Array.from({ length: 25 }, (_, i) => 25 + i));
    expect(getEventListeners(ctrl.signal, 'abort')).toHaveLength(0);
    const late: string[] = [];
    onAbort(ctrl.signal, () => late.push('at once'));
    expect(late).toEqual(['at once']);

    const other = new AbortController();
    const f = onAbort(other.signal, () => called.push(-1));
    f();
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
  });
});
