import { onAbort } from '../src/abort.js';
import { RetryableError } from '../src/request-errors.js';
import { AdaptiveLimit } from './limit.js';
import { OpenAIRunner, redactUrl, type OpenAIRunnerOptions } from './openai.js';
import type { Generation, Runner, RunnerCall } from './types.js';

interface Replica {
  url: string;
  runner: OpenAIRunner;
  limit: AdaptiveLimit;
  /** Consecutive transport failures; at 3 the replica is taken out until a health check passes. */
  failures: number;
  healthy: boolean;
  served: number;
}

export interface PoolOptions extends Omit<OpenAIRunnerOptions, 'endpoint'> {
  endpoints: string[];
  /** Most requests in flight per endpoint; the adaptive limit moves below it. */
  concurrency: number;
  healthIntervalMs?: number;
}

const TRANSPORT_KINDS = new Set(['network', 'connection_refused', 'timeout']);

/**
 * One or more replicas of the same model behind OpenAI-compatible endpoints. Each request
 * goes to the healthy replica with the most free slots; 429s shrink that replica's limit;
 * a replica that keeps failing at the transport level is taken out (its requests fail and
 * the scheduler retries them on the others) and put back when its /models answers again.
 */
export class EndpointPool implements Runner {
  readonly name = 'openai';
  readonly needsPrompt = true;
  readonly fingerprint: Record<string, unknown>;
  readonly settings: Record<string, unknown>;
  private readonly replicas: Replica[];
  private readonly waiters: (() => void)[] = [];
  private healthTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: PoolOptions) {
    this.replicas = opts.endpoints.map((url) => ({
      url,
      runner: new OpenAIRunner({ ...opts, endpoint: url }),
      limit: new AdaptiveLimit(opts.concurrency),
      failures: 0,
      healthy: true,
      served: 0,
    }));
    // The model, not where it is served, decides scores: replicas share one fingerprint.
    this.fingerprint = this.replicas[0]!.runner.fingerprint;
    this.settings = { ...this.replicas[0]!.runner.settings, endpoint: opts.endpoints.map(redactUrl), concurrencyPerEndpoint: opts.concurrency };
  }

  async generate(call: RunnerCall, signal: AbortSignal): Promise<Generation> {
    const replica = await this.pick(signal);
    try {
      const gen = await replica.runner.generate(call, signal);
      replica.failures = 0;
      replica.served++;
      replica.limit.onSuccess();
      return gen;
    } catch (e) {
      if (e instanceof RetryableError) {
        if (e.kind === 'rate_limited') replica.limit.onThrottle();
        if (TRANSPORT_KINDS.has(e.kind) && !signal.aborted && ++replica.failures >= 3) this.takeOut(replica);
      }
      throw e;
    } finally {
      replica.limit.release();
      this.waiters.shift()?.();
    }
  }

  /** Live view for the progress line and the run record. */
  state(): { endpoint: string; healthy: boolean; limit: number; inFlight: number; served: number; history: AdaptiveLimit['history'] }[] {
    return this.replicas.map((r) => ({
      endpoint: redactUrl(r.url),
      healthy: r.healthy,
      limit: r.limit.value,
      inFlight: r.limit.busy,
      served: r.served,
      history: r.limit.history,
    }));
  }

  describeLoad(): string {
    const up = this.replicas.filter((r) => r.healthy);
    const limits = up.map((r) => r.limit.value).join('+');
    return this.replicas.length === 1 ? `concurrency ${limits}/${this.opts.concurrency}` : `endpoints ${up.length}/${this.replicas.length} up, concurrency ${limits || 0}`;
  }

  record(): Record<string, unknown> {
    return { endpoints: this.state() };
  }

  async close(): Promise<void> {
    if (this.healthTimer) clearInterval(this.healthTimer);
  }

  private async pick(signal: AbortSignal): Promise<Replica> {
    for (;;) {
      const healthy = this.replicas.filter((r) => r.healthy);
      if (healthy.length === 0) {
        throw new RetryableError('no_endpoint', `none of the ${this.replicas.length} endpoints is answering; waiting for one to come back`);
      }
      const best = healthy.reduce((a, b) => (b.limit.free > a.limit.free ? b : a));
      if (best.limit.free > 0) {
        await best.limit.acquire(signal);
        return best;
      }
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
  }

  private takeOut(replica: Replica): void {
    // The last replica standing stays in: its failures go through the usual retries and
    // backoff rather than failing every request at once with "no endpoint".
    if (!replica.healthy || this.replicas.filter((r) => r.healthy).length <= 1) return;
    replica.healthy = false;
    process.stderr.write(`\nendpoint ${redactUrl(replica.url)} stopped answering: its requests go to the other endpoints\n`);
    this.healthTimer ??= setInterval(() => void this.checkHealth(), this.opts.healthIntervalMs ?? 2000).unref();
    // Wake waiters: they must re-pick among the remaining replicas.
    while (this.waiters.length) this.waiters.shift()!();
  }

  private async checkHealth(): Promise<void> {
    for (const r of this.replicas.filter((x) => !x.healthy)) {
      try {
        const headers: Record<string, string> = this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {};
        const res = await fetch(`${r.url.replace(/\/+$/, '')}/models`, { headers, signal: AbortSignal.timeout(2000) });
        if (res.ok) {
          r.healthy = true;
          r.failures = 0;
          process.stderr.write(`\nendpoint ${redactUrl(r.url)} is answering again\n`);
        }
      } catch {
        /* still down */
      }
    }
    if (this.replicas.every((r) => r.healthy) && this.healthTimer) {
      clearInterval(this.healthTimer);
      this.healthTimer = undefined;
    }
  }
}

