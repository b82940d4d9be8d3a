import { onAbort } from '../src/abort.js';

// Adaptive concurrency for one endpoint: additive increase, multiplicative decrease (as TCP
// does), so a server that starts answering 429 gets fewer requests at once, and gets them
// back while it keeps up.

export class AdaptiveLimit {
  private current: number;
  private successes = 0;
  private inFlight = 0;
  private lastDecrease = -Infinity;
  private readonly waiters: (() => void)[] = [];
  /** How the limit moved, for the progress line and the run's record. */
  readonly history = { decreases: 0, increases: 0, min: 0, max: 0 };

  constructor(
    readonly ceiling: number,
    start = ceiling,
  ) {
    this.current = Math.max(1, Math.min(start, ceiling));
    this.history.min = this.history.max = this.current;
  }

  get value(): number {
    return this.current;
  }

  get busy(): number {
    return this.inFlight;
  }

  get free(): number {
    return this.current - this.inFlight;
  }

  /** Waits for a slot; resolves immediately while under the limit. */
  async acquire(signal: AbortSignal): Promise<void> {
    while (this.inFlight >= this.current) {
      await new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason as Error);
        const wake = () => {
          forget();
          resolve();
        };
        const forget = onAbort(signal, () => {
          const i = this.waiters.indexOf(wake);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason as Error);
        });
        this.waiters.push(wake);
      });
    }
    this.inFlight++;
  }

  release(): void {
    this.inFlight--;
    this.wakeOne();
  }

  /** A request went through: after a full window of successes, allow one more in flight. */
  onSuccess(): void {
    if (this.current >= this.ceiling) return;
    this.successes++;
    if (this.successes >= this.current) {
      this.successes = 0;
      this.current++;
      this.history.increases++;
      this.history.max = Math.max(this.history.max, this.current);
      this.wakeOne();
    }
  }

  /**
   * The server said slow down (429): halve — once per burst: the 429s of requests that were
   * already in flight when we backed off say nothing new.
   */
  onThrottle(now = performance.now()): void {
    this.successes = 0;
    if (now - this.lastDecrease < 1000) return;
    this.lastDecrease = now;
    const next = Math.max(1, Math.floor(this.current / 2));
    if (next < this.current) {
      this.current = next;
      this.history.decreases++;
      this.history.min = Math.min(this.history.min, next);
    }
  }

  private wakeOne(): void {
    if (this.inFlight < this.current) this.waiters.shift()?.();
  }
}
