import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReferenceRunner } from '../runners/reference.js';
import type { Generation, RunnerCall } from '../runners/types.js';
import { executeRun, type RunPlan } from '../src/run.js';
import { Store } from '../src/store.js';
import type { ItemScore, Suite, SuiteItem, SuiteSource } from '../src/suite.js';
import { tempDir } from './helpers/cli.js';

// An item the environment could not score (a missing package) is scored again by the next
// invocation of the same run, from its kept output — the model is not asked again.
// The suite here is a minimal real Suite whose environment the test completes between runs.

function suiteWith(env: { complete: boolean }): Suite {
  const items: SuiteItem[] = [0, 1, 2].map((seq) => ({ id: `d#${seq}`, dataset: 'd', seq, target: { seq }, reference: `answer ${seq}`, record: {} }));
  const source: SuiteSource = {
    datasets: ['d'],
    total: items.length,
    labels: [],
    fingerprint: { data: 'x' },
    settings: {},
    async *items() {
      yield* items;
    },
    itemIds: () => items.map((i) => i.id),
  };
  return {
    name: 'env-test',
    title: 'env test',
    datasets: ['d'],
    open: async () => source,
    prepare: async () => ({ request: { kind: 'chat', prompt: 'q', maxTokens: 8, temperature: 0 } }),
    score(item, output): ItemScore {
      const { seq } = item.target as { seq: number };
      if (seq === 1 && !env.complete) return { score: null, notEvaluable: 'could not be evaluated here: Python module foo' };
      return { score: output === `answer ${seq}` ? 1 : 0 };
    },
    summarize: (scored) => ({ scores: { d: scored.reduce((a, s) => a + s.score, 0) } }),
    renderSummary: () => '',
    readPredictions: async () => ({ predictions: [], files: {} }),
  };
}

class CountingRunner extends ReferenceRunner {
  calls = 0;
  override async generate(call: RunnerCall): Promise<Generation> {
    this.calls++;
    return super.generate(call);
  }
}

describe('resume after an environment gap', () => {
  it('re-scores not-evaluable items from their kept output once the environment is complete', async () => {
    const store = Store.open(join(tempDir('evalh-ne-'), 'r.db'));
    const env = { complete: false };
    const suite = suiteWith(env);
    const runner = new CountingRunner();
    const plan = async (): Promise<RunPlan> => ({
      suite,
      source: await suite.open({ sample: false }),
      runner,
      ctx: { needsPrompt: false },
      name: 'r',
      tags: {},
      concurrency: 2,
      timeoutMs: 5000,
      retries: 0,
      errorBudget: 0.5,
      quiet: true,
      fingerprintExtra: {},
      settingsExtra: {},
    });
    const first = await executeRun(store, await plan(), new AbortController().signal);
    expect(first.summary.scores).toEqual({ d: 2 });
    const runId = first.run.id;
    expect([...store.items(runId)].map((i) => [i.itemId, i.score, i.errorKind])).toEqual([
      ['d#0', 1, undefined],
      ['d#1', undefined, 'not_evaluable'],
      ['d#2', 1, undefined],
    ]);
    expect(runner.calls).toBe(3);

    // Same environment: scored again, still not evaluable, and the model is not asked again.
    await executeRun(store, await plan(), new AbortController().signal);
    expect(runner.calls).toBe(3);
    expect([...store.items(runId)][1]!.errorKind).toBe('not_evaluable');

    env.complete = true;
    const third = await executeRun(store, await plan(), new AbortController().signal);
    expect(runner.calls).toBe(3);
    expect(third.summary.scores).toEqual({ d: 3 });
    expect([...store.items(runId)].map((i) => [i.itemId, i.score, i.errorKind, i.output])).toEqual([
      ['d#0', 1, undefined, 'answer 0'],
      ['d#1', 1, undefined, 'answer 1'],
      ['d#2', 1, undefined, 'answer 2'],
    ]);
    store.close();
  });
});
