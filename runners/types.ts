// What a runner sees: a plain model request. Runners never know which benchmark asked.

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface ModelRequest {
  /** 'chat' = one user message through the server's chat template; 'completion' = raw text. */
  kind: 'chat' | 'completion';
  /** The (last) user message, or the raw text of a completion. */
  prompt: string;
  /** Earlier turns of a multi-turn chat (agent episodes), sent before `prompt`; chat only. */
  history?: ChatTurn[];
  maxTokens: number;
  temperature: number;
  topP?: number;
  stop?: string[];
}

export interface RunnerCall extends ModelRequest {
  /** Stable id of the item, for runners that look answers up (replay). */
  itemId: string;
  /** The gold answer, for the reference runner only. */
  reference?: string;
}

export interface Generation {
  text: string;
  finishReason?: string;
  promptTokens?: number;
  completionTokens?: number;
}

export interface Runner {
  readonly name: string;
  /** Whether requests must carry a real prompt (false for reference/replay: no truncation, no tokenizer). */
  readonly needsPrompt: boolean;
  /** Score-relevant settings (model id, runner kind): part of the run fingerprint. */
  readonly fingerprint: Record<string, unknown>;
  /** Everything else worth recording with the run; never secrets. */
  readonly settings: Record<string, unknown>;
  generate(call: RunnerCall, signal: AbortSignal): Promise<Generation>;
  /** A short live status for the progress line (adaptive concurrency, replicas up). */
  describeLoad?(): string;
  /** What to keep with the run once it ends (e.g. how concurrency adapted). */
  record?(): Record<string, unknown>;
  close?(): Promise<void>;
}
