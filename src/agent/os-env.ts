// The OS-interaction environment (AgentBench v0.2 os_interaction) behind the shared agent loop:
// a fresh copy-on-write sandbox per episode, the item's init scripts as separate processes, its
// start command in the agent's persistent shell, bash actions in that shell, and the item's
// match/check evaluation (check scripts again as separate processes in the same sandbox).

import type { ChatTurn } from '../../runners/types.js';
import { TaskError, type Environment, type Evaluation, type StepResult } from './episode.js';
import { compare } from './os-compare.js';
import { OsSandbox, type ExecResult, type OsSandboxOptions } from './os-sandbox.js';
import { PersistentShell, SHELL_LIMITS, type ShellLimits } from './os-shell.js';
import type { OsAction, OsTask, Script } from './os-task.js';
import { formatObservation } from './os-terminal.js';

export interface OsEnvironmentOptions {
  sandbox: OsSandboxOptions;
  shell?: ShellLimits;
  /** Per init/check/example script. */
  scriptTimeoutMs?: number;
}

export interface CheckStep {
  script: string;
  exitCode: number | null;
  stdout?: string;
  stderr?: string;
  timedOut?: boolean;
}

export class OsEnvironment implements Environment {
  private sandbox?: OsSandbox;
  private shell?: PersistentShell;
  /** The last bash output in full (the agent saw it truncated): the reference runner answers with it. */
  private lastOutput = '';

  constructor(
    private readonly task: OsTask,
    /** The opening conversation (instruction, one-shot example, the problem), ending with a user turn. */
    private readonly opening: ChatTurn[],
    private readonly parse: (raw: string) => OsAction,
    private readonly opts: OsEnvironmentOptions,
  ) {}

  async reset(): Promise<ChatTurn[]> {
    this.sandbox = await OsSandbox.start(this.opts.sandbox);
    for (const script of this.task.init) {
      // upstream ignores init exit codes; an init that hangs is the environment's failure, never a score
      const res = await this.runScript(script, []);
      if (res.timedOut) throw new TaskError(`init script timed out after ${this.opts.scriptTimeoutMs ?? 120_000} ms`);
    }
    this.shell = await PersistentShell.start(this.sandbox, this.opts.shell ?? SHELL_LIMITS);
    // upstream types the start command into the agent's shell and drops what it prints
    if (this.task.start !== undefined) await this.shell.run(this.task.start);
    return this.opening.map((t) => ({ ...t }));
  }

  async step(raw: string): Promise<StepResult> {
    const action = this.parse(raw);
    if (action.action === null) return { kind: 'invalid', status: 'invalid_action', reason: 'no "Act: bash", "Act: finish" or "Act: answer(...)" line' };
    if (action.action === 'commit') return action.content !== undefined ? { kind: 'finished', answer: action.content } : { kind: 'finished' };
    const out = await this.shell!.run(action.content);
    this.lastOutput = out.text;
    return { kind: 'observation', content: formatObservation(out.text) };
  }

  async evaluate(answer: string | undefined): Promise<Evaluation> {
    const ev = this.task.evaluation;
    if (ev.kind === 'match') {
      // upstream: a finish without an answer is None, which never equals the expected string
      if (answer === undefined) return { score: 0, detail: { kind: 'match', answer: null } };
      const given = ev.strip ? answer.trim() : answer;
      const ok = ev.answer !== undefined ? given === ev.answer : new RegExp(ev.regex!).test(given);
      return { score: ok ? 1 : 0, detail: { kind: 'match', answer: given, ...(ev.answer !== undefined ? { expected: ev.answer } : { regex: ev.regex }) } };
    }
    // check: params start with str(answer) (Python's "None" when there is none); each script gets
    // all params; a non-zero exit fails; otherwise its stdout is appended
    const params = [answer ?? 'None'];
    const steps: CheckStep[] = [];
    for (const entry of ev.scripts) {
      const script = entry ?? ev.example;
      if (!script) return { score: 0, detail: { kind: 'check', steps, failed: 'no example script for a null check entry' } };
      if (script.kind === 'builtin') {
        const ok = compare(script.name, params);
        steps.push({ script: `${script.name} (evalh)`, exitCode: ok ? 0 : 1 });
        if (!ok) return { score: 0, detail: { kind: 'check', params, steps } };
        params.push('');
        continue;
      }
      const res = await this.runScript(script, params);
      steps.push({ script: entry === null ? 'example' : `${script.language} check`, exitCode: res.exitCode, stdout: res.stdout.slice(0, 2000), stderr: res.stderr.slice(0, 2000), ...(res.timedOut ? { timedOut: true } : {}) });
      if (res.exitCode !== 0) return { score: 0, detail: { kind: 'check', params, steps } };
      params.push(res.stdout);
    }
    return { score: 1, detail: { kind: 'check', params, steps } };
  }

  /** bash -c code -- params… | python3 -c code params… (AgentBench's execute_independent). */
  private runScript(script: Script, params: string[]): Promise<ExecResult> {
    if (script.kind !== 'code') throw new Error(`${script.name} runs in evalh, not in the sandbox`);
    const argv = script.language === 'bash' ? ['bash', '-c', script.code, ...(params.length > 0 ? ['--', ...params] : [])] : ['python3', '-c', script.code, ...params];
    return this.sandbox!.exec(argv, { timeoutMs: this.opts.scriptTimeoutMs ?? 120_000 });
  }

  /**
   * The reference runner's turns: a match item answers the expected string; a check item with an
   * example runs the example (in a child shell of the agent's shell) and answers with the last
   * line it printed (finishes when it printed nothing). Items whose answer depends on the shell
   * it is computed in (process counts, an environment the login shell already changed) can fail.
   */
  goldTurn(turn: number): string | undefined {
    const ev = this.task.evaluation;
    if (ev.kind === 'match') return turn === 0 && ev.answer !== undefined ? `Think: I know the answer.\n\nAct: answer(${ev.answer})` : undefined;
    if (!ev.example || ev.example.kind !== 'code') return undefined;
    if (turn === 0) {
      const tag = 'EVALH_EXAMPLE';
      const runner = ev.example.language === 'bash' ? 'bash -c' : 'python3 -c';
      return `Think: Run the reference solution.\n\nAct: bash\n\n\`\`\`bash\n${runner} "$(cat <<'${tag}'\n${ev.example.code}\n${tag}\n)"\n\`\`\``;
    }
    if (turn === 1) {
      // the shell mixes stderr in (warnings first): the value is the last line printed; an item
      // whose check only inspects the state ignores the answer
      const lines = this.lastOutput.split('\n').filter((l) => l.trim() !== '');
      const last = (lines[lines.length - 1] ?? '').trim();
      return last === '' ? 'Think: Done.\n\nAct: finish' : `Think: The output is the answer.\n\nAct: answer(${last})`;
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.shell?.close();
    await this.sandbox?.close();
  }
}
