import type { Runner } from '../runners/types.js';
import { EvalhError, UsageError } from './errors.js';
import { canonicalJson, fingerprintOf, sha256 } from './hash.js';
import { Progress, log } from './progress.js';
import type { Judge } from './judge.js';
import { applyTruncatePolicy, TooLongError } from './long-context/policy.js';
import { PermanentError, RetryableError, ScoringFailedError } from './request-errors.js';
import { GaveUpError, StoppedError, schedule, withRetries, type Ending } from './scheduler.js';
import type { RunRow, Store } from './store.js';
import { inShard, type Shard } from './shard.js';
import type { ConversationResult, Dialogue, ItemScore, PreparedRequest, RequestContext, Suite, SuiteItem, SuiteSource, Summary } from './suite.js';
import { evalhVersion } from './version.js';

export interface RunPlan {
  suite: Suite;
  source: SuiteSource;
  runner: Runner;
  ctx: RequestContext;
  name: string;
  tags: Record<string, string>;
  concurrency: number;
  timeoutMs: number;
  retries: number;
  errorBudget: number;
  quiet: boolean;
  /** Extra score-relevant settings (tokenizer, input budget). */
  fingerprintExtra: Record<string, unknown>;
  settingsExtra: Record<string, unknown>;
  /** Only this part of the items (not in the fingerprint: shards of one run merge into one). */
  shard?: Shard;
  /** The judge of judged suites (its identity is part of the fingerprint). */
  judge?: Judge;
}

export interface RunOutcome {
  run: RunRow;
  ending: Ending;
  summary: Summary;
  counts: { total: number; done: number; error: number; skipped: number };
  message?: string;
}

export function fingerprintParts(plan: Pick<RunPlan, 'source' | 'runner' | 'fingerprintExtra' | 'judge'>): Record<string, unknown> {
  return {
    ...plan.source.fingerprint,
    runner: plan.runner.fingerprint,
    ...(plan.judge ? { judge: plan.judge.runner.fingerprint } : {}),
    ...plan.fingerprintExtra,
  };
}

/** How the data selection of two invocations differs (--datasets, --limit, --sample, --data, --preset), for the refusal message; undefined when it does not. */
export function selectionChange(before: unknown, now: unknown): string | undefined {
  if (!before || !now) return undefined;
  const a = before as Record<string, unknown>;
  const b = now as Record<string, unknown>;
  const show = (v: unknown) => (v === undefined ? 'default' : Array.isArray(v) ? v.join(',') : String(v));
  const changes = (['datasets', 'limit', 'sample', 'data', 'preset'] as const)
    .filter((k) => canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null))
    .map((k) => `--${k} ${show(a[k])} then, ${show(b[k])} now`);
  return changes.length > 0 ? changes.join('; ') : undefined;
}

/** Names the top-level fingerprint parts that differ, for a refusal message a person can act on. */
export function fingerprintDiff(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k])).sort();
}

/**
 * Opens (or resumes) the named run and drives every item that is not done yet through
 * request building, the runner and the scorer, writing each item as it finishes.
 */
export async function executeRun(store: Store, plan: RunPlan, stop: AbortSignal): Promise<RunOutcome> {
  const parts = fingerprintParts(plan);
  const fingerprint = fingerprintOf(parts);
  const settings = {
    suite: plan.suite.name,
    fingerprintParts: parts,
    runner: plan.runner.settings,
    source: plan.source.settings,
    labels: plan.source.labels,
    concurrency: plan.concurrency,
    timeoutS: plan.timeoutMs / 1000,
    retries: plan.retries,
    errorBudget: plan.errorBudget,
    ...(plan.shard ? { shard: `${plan.shard.index}/${plan.shard.count}` } : {}),
    ...plan.settingsExtra,
  };
  const mine = (id: string) => !plan.shard || inShard(id, plan.shard);
  const total = plan.shard ? plan.source.itemIds().filter(mine).length : plan.source.total;

  let run = store.findRun(plan.name);
  if (run) {
    if (run.suite !== plan.suite.name) {
      throw new UsageError(`run "${plan.name}" exists for suite ${run.suite}; choose another --name`);
    }
    if (run.fingerprint !== fingerprint) {
      const before = (run.settings.fingerprintParts ?? {}) as Record<string, unknown>;
      const diff = fingerprintDiff(before, parts);
      const selection = selectionChange(run.settings.open, plan.settingsExtra.open);
      throw new UsageError(
        selection
          ? `run "${plan.name}" was made with another data selection (${selection}): that is another run. Pass --name for it, or repeat the run's own selection to resume it`
          : `run "${plan.name}" was made with different settings (fingerprint ${run.fingerprint}, now ${fingerprint}; ` +
            `differs in: ${diff.join(', ') || 'unknown'}). Results are never mixed: pass --name for a new run, or restore the settings to resume`,
      );
    }
    store.resumeRun(run.id, settings, plan.tags);
  } else {
    run = store.createRun({ name: plan.name, suite: plan.suite.name, fingerprint, settings, evalhVersion, tags: plan.tags });
  }
  const runId = run.id;
  const done = store.doneItemIds(runId);
  const unscored = store.unscoredOutputs(runId);
  // Single-call items the environment could not score are scored again from their kept
  // output (the missing package may be installed now); episodes are not replayed.
  if (!plan.suite.converse) {
    for (const [id, output] of store.notEvaluableOutputs(runId)) {
      done.delete(id);
      unscored.set(id, output);
    }
  }
  const skipped = plan.source.itemIds().filter((id) => mine(id) && done.has(id)).length;
  const progress = new Progress(`${plan.suite.name} ${plan.name}`, total, skipped, plan.quiet, plan.runner.describeLoad?.bind(plan.runner));
  if (skipped > 0) log(`resuming run "${plan.name}": ${skipped} of ${total} items already done`);

  async function* pending(): AsyncGenerator<SuiteItem> {
    for await (const item of plan.source.items()) if (mine(item.id) && !done.has(item.id)) yield item;
  }

  interface Finished {
    text: string;
    finishReason?: string;
    promptTokens?: number;
    completionTokens?: number;
    truncatedTokens?: number;
    requestHash: string;
    latencyMs: number;
    scored: ItemScore;
    transcript?: unknown;
    /** Not sent: over the input budget under --truncate skip (the reason). */
    skippedTooLong?: string;
  }

  const backoffBaseMs = process.env.EVALH_BACKOFF_BASE_MS ? Number(process.env.EVALH_BACKOFF_BASE_MS) : undefined;
  // Multi-call items retry each call, not the whole item: the outer attempt only bounds the item.
  const multiCall = plan.suite.converse !== undefined;
  const converse = async (item: SuiteItem, prepared: PreparedRequest, signal: AbortSignal): Promise<ConversationResult> => {
    const model: Dialogue = {
      signal,
      ask: async (call) => {
        try {
          const { value } = await withRetries((s) => plan.runner.generate({ ...call.request, itemId: item.id, reference: call.reference }, s), {
            timeoutMs: plan.timeoutMs,
            retries: plan.retries,
            stop: signal,
            backoffBaseMs,
          });
          return value;
        } catch (e) {
          throw e instanceof GaveUpError ? e.error : e;
        }
      },
    };
    return plan.suite.converse!(item, prepared, model);
  };

  const result = await schedule<SuiteItem, Finished>(
    pending(),
    async (item, signal) => {
      const prepared = await plan.suite.prepare(item, plan.ctx);
      const requestHash = sha256(canonicalJson(prepared.request)).slice(0, 16);
      // --truncate error throws here (the item fails as too_long); skip returns unsent.
      const decision = applyTruncatePolicy(prepared, plan.ctx);
      if (!decision.send) {
        return { text: '', requestHash, latencyMs: 0, scored: { score: null }, promptTokens: prepared.promptTokens, skippedTooLong: decision.reason };
      }
      const started = performance.now();
      const kept = multiCall ? undefined : unscored.get(item.id);
      const call = { ...prepared.request, itemId: item.id, reference: item.reference };
      let gen: ConversationResult;
      if (multiCall) gen = await converse(item, prepared, signal);
      else gen = kept !== undefined ? { text: kept } : await plan.runner.generate(call, signal);
      for (let again = plan.suite.retryEmpty ?? 0; !multiCall && kept === undefined && again > 0 && gen.text.trim() === ''; again--) {
        gen = await plan.runner.generate(call, signal);
      }
      const latencyMs = performance.now() - started;
      // Scored inside the task so that slow scorers (sandboxed execution, judges) overlap
      // with generation under the same concurrency limit.
      let scored: ItemScore;
      try {
        scored = gen.scored ?? (await plan.suite.score(item, gen.text, plan.judge ? { judge: plan.judge } : {}));
      } catch (e) {
        if (e instanceof StoppedError) throw e;
        const cause = e instanceof GaveUpError ? e.error : (e as Error);
        if (cause instanceof RetryableError || cause instanceof PermanentError || e instanceof GaveUpError) {
          throw new ScoringFailedError(`scoring_${(cause as { kind?: string }).kind ?? 'failed'}`, `scoring failed: ${cause.message}`, gen.text);
        }
        throw e;
      }
      return {
        latencyMs,
        scored,
        text: gen.text,
        finishReason: gen.finishReason,
        // The untruncated count under the truncation tokenizer when known; else what the server counted.
        promptTokens: prepared.promptTokens ?? gen.promptTokens,
        completionTokens: gen.completionTokens,
        truncatedTokens: prepared.truncatedTokens,
        requestHash,
        ...(gen.transcript !== undefined ? { transcript: gen.transcript } : {}),
      };
    },
    (item, outcome) => {
      if (outcome.ok) {
        const v = outcome.value;
        const scored = v.scored;
        if (v.skippedTooLong !== undefined) {
          store.queueItem(runId, {
            itemId: item.id,
            dataset: item.dataset,
            seq: item.seq,
            status: 'skipped',
            requestHash: v.requestHash,
            target: item.target,
            promptTokens: v.promptTokens,
            attempts: outcome.attempts,
            errorKind: 'too_long',
            error: v.skippedTooLong,
          });
          progress.tick(true, 0);
          return;
        }
        store.queueItem(runId, {
          itemId: item.id,
          dataset: item.dataset,
          seq: item.seq,
          status: 'done',
          requestHash: v.requestHash,
          target: item.target,
          output: v.text,
          finishReason: v.finishReason,
          score: scored.score ?? undefined,
          scores: scored.scores,
          ...(scored.notEvaluable !== undefined ? { errorKind: 'not_evaluable', error: scored.notEvaluable } : {}),
          promptTokens: v.promptTokens,
          completionTokens: v.completionTokens,
          truncatedTokens: v.truncatedTokens,
          latencyMs: v.latencyMs,
          attempts: outcome.attempts,
          transcript: v.transcript,
        });
      } else {
        store.queueItem(runId, {
          itemId: item.id,
          dataset: item.dataset,
          seq: item.seq,
          status: 'error',
          target: item.target,
          ...(outcome.error instanceof ScoringFailedError ? { output: outcome.error.output } : {}),
          ...(outcome.error instanceof TooLongError && outcome.error.promptTokens !== undefined ? { promptTokens: outcome.error.promptTokens } : {}),
          latencyMs: outcome.latencyMs,
          attempts: outcome.attempts,
          errorKind: outcome.kind,
          error: outcome.error.message,
        });
      }
      progress.tick(outcome.ok, outcome.attempts - 1);
    },
    {
      concurrency: plan.concurrency,
      // A multi-call item may take every call's full timeout; its calls retry on their own.
      timeoutMs: multiCall ? plan.timeoutMs * (plan.suite.maxCalls ?? 1) * (plan.retries + 1) : plan.timeoutMs,
      retries: multiCall ? 0 : plan.retries,
      maxFailures: Math.floor(plan.errorBudget * total),
      stop,
      backoffBaseMs,
    },
  );
  progress.finish();
  store.flush();

  const summary = summarizeRun(store, run, plan.suite, plan.source.datasets);
  const counts = { ...store.itemCounts(runId), total, skipped };
  let status: RunRow['status'];
  let message: string | undefined;
  // What the failures were, so the messages say the cause and not only the count.
  const kinds = counts.error > 0 ? describeKinds(store.errorKinds(runId)) : '';
  switch (result.ending) {
    case 'done':
      status = 'completed'; // failures within the budget are reported, not fatal
      if (counts.error > 0) message = `${counts.error} item(s) failed permanently (not scored): ${kinds}; run the same command again to retry them`;
      break;
    case 'interrupted':
      status = 'interrupted';
      break;
    case 'error_budget':
      status = 'failed';
      message = `stopped: ${counts.error} items failed permanently (${kinds}), more than the error budget of ${Math.round(plan.errorBudget * 100)}% of ${counts.total}`;
      break;
    case 'fatal':
      status = 'failed';
      message = `stopped: ${result.fatal?.message ?? 'fatal error'}`;
      break;
  }
  if (plan.judge && plan.judge.cacheHits > 0) {
    log(`${plan.judge.cacheHits} judgment(s) from the judge cache (earlier runs asked the same judge the same question); --no-judge-cache asks again`);
  }
  if (plan.runner.record) store.patchSettings(runId, { load: plan.runner.record() });
  store.finishRun(runId, status, summary);
  return { run: store.findRun(plan.name)!, ending: result.ending, summary, counts, ...(message ? { message } : {}) };
}

/** "http_500 12, timeout 3": the most frequent error kinds with their counts. */
export function describeKinds(kinds: { kind: string; n: number }[], top = 3): string {
  const shown = kinds.slice(0, top).map((k) => `${k.kind} ${k.n}`);
  const rest = kinds.slice(top).reduce((n, k) => n + k.n, 0);
  return [...shown, ...(rest > 0 ? [`other ${rest}`] : [])].join(', ');
}

export function summarizeRun(store: Store, run: RunRow, suite: Suite, datasets?: string[]): Summary {
  const scored = [];
  const notEvaluable = [];
  const failed = [];
  for (const it of store.items(run.id)) {
    if (it.status === 'error') failed.push({ dataset: it.dataset, target: it.target, ...(it.errorKind ? { errorKind: it.errorKind } : {}) });
    if (it.status !== 'done') continue;
    if (it.score !== undefined) scored.push({ dataset: it.dataset, target: it.target, score: it.score, ...(it.scores ? { scores: it.scores } : {}) });
    else if (it.errorKind === 'not_evaluable') notEvaluable.push({ dataset: it.dataset, target: it.target, reason: it.error ?? '' });
  }
  const ds = datasets ?? ((run.settings.source as { datasets?: string[] } | undefined)?.datasets ?? [...new Set(scored.map((s) => s.dataset))]);
  return suite.summarize(scored, ds, notEvaluable, failed);
}

export class InterruptedError extends EvalhError {
  constructor(message: string) {
    super(message, 130);
  }
}
