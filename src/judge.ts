import PQueue from 'p-queue';
import type { ModelRequest, Runner } from '../runners/types.js';
import { canonicalJson, sha256 } from './hash.js';
import { withRetries } from './scheduler.js';

/** Judge outputs keyed by (judge, request): re-scoring with the same judge costs no calls. */
export interface JudgeCache {
  get(key: string): string | undefined;
  put(key: string, judge: string, output: string): void;
}

export interface JudgeOptions {
  concurrency: number;
  timeoutMs: number;
  retries: number;
  stop: AbortSignal;
  backoffBaseMs?: number;
}

export interface Judgment {
  text: string;
  cached: boolean;
  attempts: number;
}

/**
 * A second model that scores answers (AlignBench). Its calls go through the same retry
 * logic as model requests but with their own concurrency, and are cached in the store.
 * A judge that keeps failing throws: the answer is kept, never scored from a failure.
 */
export class Judge {
  readonly id: string;
  private readonly queue: PQueue;

  constructor(
    readonly runner: Runner,
    private readonly cache: JudgeCache | undefined,
    private readonly opts: JudgeOptions,
  ) {
    this.id = canonicalJson(runner.fingerprint);
    this.queue = new PQueue({ concurrency: opts.concurrency });
  }

  async judge(request: ModelRequest): Promise<Judgment> {
    const key = sha256(canonicalJson({ judge: this.runner.fingerprint, request }));
    const hit = this.cache?.get(key);
    if (hit !== undefined) return { text: hit, cached: true, attempts: 0 };
    const { value, attempts } = (await this.queue.add(() =>
      withRetries(async (signal) => {
        const gen = await this.runner.generate({ ...request, itemId: key }, signal);
        // An empty judgment is a failed call, not a verdict.
        if (gen.text.trim() === '') {
          const { RetryableError } = await import('./request-errors.js');
          throw new RetryableError('judge_empty', 'the judge returned an empty reply');
        }
        return gen.text;
      }, this.opts),
    ))!;
    this.cache?.put(key, this.id, value);
    return { text: value, cached: false, attempts };
  }
}
