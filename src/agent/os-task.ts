// What one AgentBench OS-interaction item asks of the environment, after loading: scripts are
// resolved to code (or to a comparator evalh implements itself), nothing refers to files.

export type ScriptLanguage = 'bash' | 'python';

export type Script =
  | { kind: 'code'; language: ScriptLanguage; code: string }
  /** One of the standard comparators (check/integer-match.py, …), implemented by evalh. */
  | { kind: 'builtin'; name: BuiltinComparator };

export type BuiltinComparator = 'integer-match' | 'string-match' | 'size-match';

export type OsEvaluation =
  | { kind: 'match'; answer?: string; regex?: string; strip: boolean }
  /** null entries stand for the example script (AgentBench's convention). */
  | { kind: 'check'; scripts: (Script | null)[]; example?: Script };

export interface OsTask {
  description: string;
  /** Run one after another as separate processes before the episode; their exit codes are ignored (as upstream). */
  init: Script[];
  /** Typed into the agent's shell before the episode (background daemons the item needs). */
  start?: string;
  evaluation: OsEvaluation;
}

/** The agent's parsed turn: AgentBench's extract_action. */
export type OsAction = { action: 'bash'; content: string } | { action: 'commit'; content?: string } | { action: null };
