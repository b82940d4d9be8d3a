import type { Generation, Runner, RunnerCall } from './types.js';

/** Answers with the gold reference: checks data loading, scoring and aggregation end to end. */
export class ReferenceRunner implements Runner {
  readonly name = 'reference';
  readonly needsPrompt = false;
  readonly fingerprint = { runner: 'reference' };
  readonly settings = { runner: 'reference' };

  async generate(call: RunnerCall): Promise<Generation> {
    return { text: call.reference ?? '', finishReason: 'stop' };
  }
}
