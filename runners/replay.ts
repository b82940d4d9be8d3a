import { PermanentError } from '../src/request-errors.js';
import type { Generation, Runner, RunnerCall } from './types.js';

/** Replays predictions another tool produced, looked up by item id (the suite reads the files). */
export class ReplayRunner implements Runner {
  readonly name = 'replay';
  readonly needsPrompt = false;
  readonly fingerprint: Record<string, unknown>;
  readonly settings: Record<string, unknown>;

  constructor(
    private readonly predictions: Map<string, string>,
    source: string,
    sourceHash: string,
  ) {
    this.fingerprint = { runner: 'replay', predictions: sourceHash };
    this.settings = { runner: 'replay', predictions: source };
  }

  async generate(call: RunnerCall): Promise<Generation> {
    const text = this.predictions.get(call.itemId);
    if (text === undefined) throw new PermanentError('no_prediction', `no prediction for ${call.itemId} in the replayed files`);
    return { text, finishReason: 'stop' };
  }
}
