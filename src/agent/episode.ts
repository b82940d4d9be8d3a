import type { ChatTurn, ModelRequest } from '../../runners/types.js';
import { PermanentError } from '../request-errors.js';
import { StoppedError } from '../scheduler.js';
import type { Dialogue } from '../suite.js';

// The shared agent loop of AgentBench-style tasks. An environment (DB, OS, later KG,
// WebShop … as external services) sits behind reset/step/evaluate/close; the loop knows no
// benchmark, and the environment never speaks to the model.

export type EpisodeStatus = 'completed' | 'context_limit' | 'invalid_format' | 'invalid_action' | 'turn_limit' | 'task_error';

export type StepResult =
  /** The action ran: this is what the agent sees next (the next user turn). */
  | { kind: 'observation'; content: string }
  /** The agent finished (answered, or declared it is done). */
  | { kind: 'finished'; answer?: string }
  /** The output could not be parsed, or named an action the task does not have. */
  | { kind: 'invalid'; status: 'invalid_format' | 'invalid_action'; reason: string }
  /** The task's own round limit is reached before the model's turns run out (DB: 15 operations, then only an answer counts). */
  | { kind: 'limit'; reason: string };

export interface Evaluation {
  score: number;
  /** What the evaluation compared, for the report. */
  detail?: Record<string, unknown>;
}

export interface Environment {
  /** Builds the item's world; returns the opening conversation, ending with a user turn. */
  reset(): Promise<ChatTurn[]>;
  step(action: string): Promise<StepResult>;
  /** Scores the finished episode (reads the environment's state or the answer). */
  evaluate(answer: string | undefined): Promise<Evaluation>;
  /** Always called, also after failures: no process, database or directory may outlive it. */
  close(): Promise<void>;
  /** The gold turn for the reference runner at this point of the episode, when the item has one. */
  goldTurn?(turn: number): string | undefined;
}

/** The environment itself failed (not the model): the item is recorded as failed, never scored. */
export class TaskError extends PermanentError {
  constructor(message: string) {
    super('task_error', message);
  }
}

export interface EpisodeOptions {
  /** Model rounds at most (DB 15, OS 8). */
  maxTurns: number;
  /** Everything of the request but the conversation (temperature, max tokens, stop). */
  request: Omit<ModelRequest, 'kind' | 'prompt' | 'history'>;
  /**
   * Also let the environment judge an episode that did not complete (AgentBench's DB task
   * checks the table whatever the status): its verdict is kept as detail.unfinishedScore,
   * the episode's score stays 0.
   */
  evaluateUnfinished?: boolean;
}

export interface Episode {
  status: EpisodeStatus;
  turns: ChatTurn[];
  /** The agent's final answer, if it gave one. */
  answer?: string;
  evaluation?: Evaluation;
  /** Why the episode ended early (invalid output, context limit). */
  reason?: string;
  promptTokens: number;
  completionTokens: number;
}

/**
 * Plays one episode: model turn, action, observation, … until the agent finishes, the turn
 * limit is hit or the output is invalid. Non-completed episodes score 0 but keep their
 * status; an environment failure throws TaskError after closing the environment.
 */
export async function runEpisode(env: Environment, model: Dialogue, opts: EpisodeOptions): Promise<Episode> {
  const episode: Episode = { status: 'turn_limit', turns: [], promptTokens: 0, completionTokens: 0 };
  try {
    episode.turns = await env.reset();
    for (let turn = 0; turn < opts.maxTurns; turn++) {
      const last = episode.turns[episode.turns.length - 1]!;
      let text: string;
      try {
        const gen = await model.ask({
          request: { ...opts.request, kind: 'chat', prompt: last.content, history: episode.turns.slice(0, -1) },
          reference: env.goldTurn?.(turn),
        });
        text = gen.text;
        episode.promptTokens += gen.promptTokens ?? 0;
        episode.completionTokens += gen.completionTokens ?? 0;
      } catch (e) {
        // The conversation outgrew the model's context: the model's limit, scored 0.
        if (e instanceof PermanentError && e.kind === 'context_limit') {
          episode.status = 'context_limit';
          episode.reason = e.message;
          break;
        }
        throw e;
      }
      episode.turns.push({ role: 'assistant', content: text });
      const result = await env.step(text);
      if (result.kind === 'observation') {
        episode.turns.push({ role: 'user', content: result.content });
        continue;
      }
      if (result.kind === 'invalid') {
        episode.status = result.status;
        episode.reason = result.reason;
        break;
      }
      if (result.kind === 'limit') {
        episode.status = 'turn_limit';
        episode.reason = result.reason;
        break;
      }
      episode.status = 'completed';
      episode.answer = result.answer;
      break;
    }
    if (episode.status === 'completed') episode.evaluation = await env.evaluate(episode.answer);
    else if (opts.evaluateUnfinished) {
      const verdict = await env.evaluate(episode.answer);
      episode.evaluation = { score: 0, detail: { ...verdict.detail, unfinishedScore: verdict.score } };
    } else episode.evaluation = { score: 0 };
    return episode;
  } catch (e) {
    // A stopped run or an item past its deadline is not the environment's fault either.
    if (e instanceof StoppedError) throw e;
    if (e instanceof PermanentError || (e as Error).name === 'RetryableError' || (e as Error).name === 'FatalError') throw e;
    throw new TaskError(`environment failed: ${(e as Error).message}`);
  } finally {
    await env.close();
  }
}
