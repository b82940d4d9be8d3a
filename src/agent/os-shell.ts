// The agent's ONE persistent interactive bash inside the OS sandbox, under a pseudo-terminal.
//
// No native pty module: util-linux `script` inside the sandbox gives bash a pty (`script -qfec
// "bash -i" /dev/null`), and evalh talks to script over pipes. bash runs without readline
// (--noediting) and the terminal's echo is off, so what comes back is only what commands print.
// Each agent action is sent as one unit, `eval "$(cat <<'EOF' … EOF)"`, so a multi-line block
// yields exactly one prompt when it has run; the prompt is a marker carrying a counter that
// PROMPT_COMMAND increments, so evalh knows which action a prompt closes. Output is read until
// that prompt returns, or the terminal has been silent for `idleMs`, or `hardMs` have passed.
// A command still running after the idle timeout keeps running (as in AgentBench, whose next
// input goes to it); one still running at the hard cap is interrupted with ^C. An agent that
// replaces PS1/PROMPT_COMMAND or execs another shell loses the prompt marker: every read then
// ends at the idle timeout.

import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { OsSandbox } from './os-sandbox.js';
import { cleanTerminal } from './os-terminal.js';

export interface ShellLimits {
  /** Stop reading after this long without output (AgentBench's 5 s socket timeout). */
  idleMs: number;
  /** Stop reading after this long in any case. */
  hardMs: number;
}

export const SHELL_LIMITS: ShellLimits = { idleMs: 5000, hardMs: 30_000 };

export type ShellEnd = 'prompt' | 'idle' | 'cap' | 'exited';

export interface ShellOutput {
  /** Plain text (ANSI stripped, LF line ends), prompts removed. */
  text: string;
  ended: ShellEnd;
}

// a login shell, as AgentBench's `bash --login`: /etc/profile and ~/.profile (which sources ~/.bashrc) run first
export const SHELL_ARGV = ['script', '-qfec', 'bash --noediting --login -i', '/dev/null'];

const KEEP_CHARS = 64 * 1024;
const TAIL_CHARS = 256;

interface Waiter {
  expected: number;
  resolve: (out: ShellOutput) => void;
  idle?: NodeJS.Timeout;
  hard?: NodeJS.Timeout;
}

export class PersistentShell {
  private readonly nonce = randomBytes(6).toString('hex');
  private readonly marker: RegExp;
  private child!: ChildProcess;
  /** What the terminal printed since the last read, up to KEEP_CHARS; the rest is only scanned for prompts. */
  private buffer = '';
  /** The last characters received, where a prompt marker may straddle two chunks. */
  private tail = '';
  private prompts = 0;
  private sent = 0;
  private waiter?: Waiter;
  private exited = false;

  private constructor(
    private readonly sandbox: OsSandbox,
    private readonly limits: ShellLimits,
  ) {
    this.marker = new RegExp(`__EVALH_${this.nonce}_(\\d+)__`, 'g');
  }

  static async start(sandbox: OsSandbox, limits: ShellLimits = SHELL_LIMITS): Promise<PersistentShell> {
    const shell = new PersistentShell(sandbox, limits);
    await shell.launch();
    return shell;
  }

  private async launch(): Promise<void> {
    this.buffer = '';
    this.tail = '';
    this.prompts = 0;
    this.sent = 0;
    this.exited = false;
    const child = this.sandbox.spawn(SHELL_ARGV);
    this.child = child;
    const decoder = new StringDecoder('utf8');
    child.stdout!.on('data', (d: Buffer) => this.receive(decoder.write(d)));
    child.stderr!.on('data', (d: Buffer) => this.receive(decoder.write(d)));
    child.once('exit', () => {
      this.exited = true;
      if (this.waiter) this.settle('exited');
    });
    // PS1 is a marker with a counter bumped before every prompt; PS2 is empty so heredoc lines print nothing
    const setup = `stty -echo; unset HISTFILE; PS2=''; __evalh_n=0; PROMPT_COMMAND='__evalh_n=$((__evalh_n+1))'; PS1='__EVALH_${this.nonce}_\${__evalh_n}__'\n`;
    const out = await this.send(setup, { idleMs: 10_000, hardMs: 20_000 });
    if (out.ended !== 'prompt') throw new Error(`the sandbox shell did not start (${out.ended}): ${out.text.slice(0, 300)}`);
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Runs one action (any number of lines) and returns what the terminal printed. A shell the agent exited is started again. */
  async run(command: string): Promise<ShellOutput> {
    if (this.exited) await this.launch();
    const eof = `__EVALH_EOF_${this.nonce}__`;
    return this.send(`eval "$(cat <<'${eof}'\n${command}\n${eof}\n)"\n`, this.limits);
  }

  private send(input: string, limits: ShellLimits): Promise<ShellOutput> {
    if (this.waiter) throw new Error('one command at a time');
    this.sent++;
    return new Promise((resolve) => {
      this.waiter = { expected: this.sent, resolve };
      this.waiter.hard = setTimeout(() => this.settle('cap'), limits.hardMs);
      const armIdle = (): void => {
        if (!this.waiter) return;
        if (this.waiter.idle) clearTimeout(this.waiter.idle);
        this.waiter.idle = setTimeout(() => this.settle('idle'), limits.idleMs);
      };
      this.armIdle = armIdle;
      armIdle();
      this.child.stdin!.write(input);
      this.check();
    });
  }

  private armIdle: () => void = () => {};

  private receive(text: string): void {
    // the agent sees 780 characters: a flood (`yes`) is kept to KEEP_CHARS, never held whole
    if (this.buffer.length < KEEP_CHARS) this.buffer += text.slice(0, KEEP_CHARS - this.buffer.length);
    this.tail = (this.tail + text).slice(-TAIL_CHARS - text.length);
    if (this.waiter) {
      this.armIdle();
      this.check();
    }
  }

  private check(): void {
    for (const m of this.tail.matchAll(this.marker)) this.prompts = Math.max(this.prompts, Number(m[1]));
    this.tail = this.tail.slice(-TAIL_CHARS);
    if (this.waiter && this.prompts >= this.waiter.expected) this.settle('prompt');
  }

  private settle(ended: ShellEnd): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = undefined;
    if (w.idle) clearTimeout(w.idle);
    if (w.hard) clearTimeout(w.hard);
    const text = cleanTerminal(this.buffer.replace(this.marker, ''));
    this.buffer = '';
    // past the hard cap the foreground command is interrupted (^C through the pty), so a
    // runaway command does not flood or swallow the next actions
    if (ended === 'cap' && !this.exited) this.child.stdin!.write('\x03');
    w.resolve({ text, ended });
  }

  close(): void {
    this.settle('exited');
    // the sandbox's close() ends the shell (nsenter stays to reap it: see OsSandbox.close)
    this.child?.stdin?.end();
  }
}
