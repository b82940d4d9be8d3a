import PQueue from 'p-queue';
import type { ModelRequest, Runner } from '../runners/types.js';
import { canonicalJson, sha256 } from './hash.js';
import { RetryableError } from './request-errors.js';
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
  /** false (--no-judge-cache): ask the judge every time; fresh judgments are still written to the cache. */
  readCache?: boolean;
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
  /** Judgments taken from the cache in this process, for the end-of-run line. */
  cacheHits = 0;
  private readonly queue: PQueue;

  constructor(
    readonly runner: Runner,
    private readonly cache: JudgeCache | undefined,
    private readonly opts: JudgeOptions,
  ) {
    this.id = canonicalJson(runner.fingerprint);
    this.queue = new PQueue({ concurrency: opts.concurrency });
  }

  /**
   * `readable` says whether the suite can read a verdict from a judgment. One it cannot is
   * still returned (the suite scores it as its official scripts do), but it is neither taken
   * from the cache nor written to it: a judge that answered badly once (misconfigured, or
   * a bad day) must not fix the score of every later run that asks the same question.
   */
  async judge(request: ModelRequest, readable: (text: string) => boolean = () => true, reference?: string): Promise<Judgment> {
    // The key covers everything sent: the judge's model id and API (its fingerprint) and the
    // whole request — the prompt text (so the template and every value filled into it),
    // max_tokens, temperature, top_p, stop and earlier turns.
    const key = cacheKey(this.runner.fingerprint, request);
    if (this.opts.readCache !== false) {
      const hit = this.cache?.get(key);
      if (hit !== undefined && readable(hit)) {
        this.cacheHits++;
        return { text: hit, cached: true, attempts: 0 };
      }
    }
    const { value, attempts } = (await this.queue.add(() =>
      withRetries(async (signal) => {
        // `reference`: what the reference judge (`--runner reference`, no judge model) answers.
        const gen = await this.runner.generate({ ...request, itemId: key, ...(reference !== undefined ? { reference } : {}) }, signal);
        // An empty judgment is a failed call, not a verdict.
        if (gen.text.trim() === '') throw new RetryableError('judge_empty', 'the judge returned an empty reply');
        return gen.text;
      }, this.opts),
    ))!;
    if (readable(value)) this.cache?.put(key, this.id, value);
    return { text: value, cached: false, attempts };
  }
}

export function cacheKey(fingerprint: Record<string, unknown>, request: ModelRequest): string {
  return sha256(canonicalJson({ judge: fingerprint, request }));
}
