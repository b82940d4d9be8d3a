// Waiting on a long-lived AbortSignal without one listener per wait.
//
// The run's stop signal, the scheduler's halt signal and the judge's stop outlive thousands
// of requests, backoff sleeps and queue waits. An 'abort' listener per wait — even one removed
// when the wait settles — puts one listener per request in flight on the shared signal (256 at
// --concurrency 256, more while a dead server's requests sleep between retries), and Node warns
// (MaxListenersExceededWarning) past 10. So every wait registers here instead: the signal
// carries ONE listener that fans out to the waits, and that listener is removed as soon as the
// last wait settles.

interface FanOut {
  fire: () => void;
  waits: Set<() => void>;
}

const fanOuts = new WeakMap<AbortSignal, FanOut>();

/**
 * Calls `fn` once when `signal` aborts (at once if it already has). Returns the function that
 * forgets `fn`: call it when the wait settles, on every path.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    fn();
    return () => {};
  }
  let f = fanOuts.get(signal);
  if (!f) {
    const waits = new Set<() => void>();
    const fire = () => {
      fanOuts.delete(signal);
      for (const w of [...waits]) w();
      waits.clear();
    };
    f = { fire, waits };
    fanOuts.set(signal, f);
    signal.addEventListener('abort', fire, { once: true });
  }
  // A wrapper of our own: the same function registered twice is two waits, not one.
  const wait = () => fn();
  const mine = f;
  mine.waits.add(wait);
  return () => {
    if (!mine.waits.delete(wait) || mine.waits.size > 0) return;
    signal.removeEventListener('abort', mine.fire);
    if (fanOuts.get(signal) === mine) fanOuts.delete(signal);
  };
}

/** Waits `ms`; rejects with the signal's reason if it aborts first (timers/promises' sleep adds a listener per call). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      forget();
      resolve();
    }, ms);
    const forget = onAbort(signal, () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });
}
