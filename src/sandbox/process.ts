// Launches one step's process tree and watches it: wall-clock timer, bounded output capture,
// cgroup placement, and a kill that takes the whole tree down.

import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Readable } from 'node:stream';
import type { KilledReason, StepResult } from './types.js';
import type { StepCgroup } from './cgroup.js';
import { SandboxError } from './errors.js';
import { onAbort } from '../abort.js';

const SIGNAL_NAMES = new Map<number, string>(Object.entries(osConstants.signals).map(([name, num]) => [num, name]));

/** Keeps the first `keep` bytes of a stream and counts the rest without storing it. */
class Capture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  total = 0;

  constructor(private readonly keep: number) {}

  add(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.kept < this.keep) {
      const part = chunk.length <= this.keep - this.kept ? chunk : chunk.subarray(0, this.keep - this.kept);
      // copy a slice so the (possibly 64 KiB) pooled chunk is not retained
      this.chunks.push(part === chunk ? chunk : Buffer.from(part));
      this.kept += part.length;
    }
  }

  get truncated(): boolean {
    return this.total > this.kept;
  }

  text(): string {
    return Buffer.concat(this.chunks, this.kept).toString('utf8');
  }
}

export interface LaunchOptions {
  /** The full command line to spawn on the host (e.g. setpriv … bwrap … prlimit … argv). */
  command: string[];
  /** The step's argv, reported back. */
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  stdin?: string;
  wallMs: number;
  outputBytes: number;
  outputKillBytes: number;
  cgroup?: StepCgroup;
  /**
   * 'bwrap': the launcher reports a signal death of the program as exit code 128 + signal number
   * (that is how bwrap propagates it), so such codes are reported as signals.
   */
  statusFrom: 'bwrap' | 'direct';
  /** Aborted when the Sandbox closes: the step is killed. */
  signal?: AbortSignal;
  /** Holds the launched process's pid (its process group) while it runs: for a last-ditch kill at exit. */
  live?: Set<number>;
  /** RLIMIT_CPU was set (a SIGXCPU death is then attributed to it). */
  cpuLimited: boolean;
  /**
   * The command writes a byte to fd 3 just before it execs the program (see MARKER_SCRIPT): tells a
   * failure of bwrap's own set-up apart from a failing program.
   */
  marker: boolean;
}

export interface Launched {
  result: StepResult;
  /** The marker byte arrived (always true without `marker`). */
  started: boolean;
}

/** Waits after the main process exits for its pipes to close (held open by leftovers) before giving up on them. */
const PIPE_GRACE_MS = 2000;

// The gate: the launched shell waits on fd 4 until the parent has put its pid into the step's cgroup,
// so nothing runs outside the limits. `exec 4<&-` keeps the pipe away from what follows.
const GATE_SCRIPT = 'read _ <&4; exec 4<&-; exec "$@"';
/** Run inside the sandbox right before the program: signals "set-up done" on fd 3, then closes it. */
export const MARKER_SCRIPT = 'printf x >&3; exec 3>&-; exec "$@"';

export async function launch(opts: LaunchOptions): Promise<Launched> {
  const useGate = opts.cgroup !== undefined;
  const command = useGate ? ['/bin/sh', '-c', GATE_SCRIPT, 'sh', ...opts.command] : opts.command;
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd: opts.cwd,
    env: opts.env,
    stdio: [opts.stdin !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe', opts.marker ? 'pipe' : 'ignore', useGate ? 'pipe' : 'ignore'],
    detached: true, // own process group, so the kill below reaches everything launched outside bwrap's session
  });
  if (child.pid !== undefined) opts.live?.add(child.pid);
  let markerSeen = !opts.marker;
  const markerStream = opts.marker ? (child.stdio[3] as Readable | null) : null;
  markerStream?.on('data', () => {
    markerSeen = true;
  });
  markerStream?.on('error', () => {});

  let killedReason: KilledReason | undefined;
  let timedOut = false;
  let spawnError: Error | undefined;
  // listen for the end right away: the process may die (killed) while the gate below is awaited
  const statusPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    child.once('error', (e) => {
      spawnError = e;
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      // leftovers holding the pipes (only possible outside a pid namespace): kill the group, then stop waiting
      if (opts.statusFrom === 'direct' && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      graceTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        markerStream?.destroy();
        resolve(exited!);
      }, PIPE_GRACE_MS);
    });
    child.once('close', (code, signal) => {
      if (graceTimer) clearTimeout(graceTimer);
      resolve(exited ?? { code, signal });
    });
  });
  void statusPromise.then(() => {
    if (child.pid !== undefined) opts.live?.delete(child.pid);
  });
  const out = new Capture(opts.outputBytes);
  const err = new Capture(opts.outputBytes);

  const killTree = (): void => {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // group already gone
      }
    }
    child.kill('SIGKILL');
    // bwrap's pid-namespace init dies with it (--die-with-parent) and takes every process in the
    // namespace with it; the cgroup sweep catches anything else (and is the only net in unsafe mode)
    void opts.cgroup?.killAll();
  };
  const kill = (reason: KilledReason): void => {
    if (killedReason !== undefined) return;
    killedReason = reason;
    killTree();
  };

  const watch = (stream: Readable | null, capture: Capture): void => {
    stream?.on('data', (chunk: Buffer) => {
      capture.add(chunk);
      if (capture.total > opts.outputKillBytes) kill('output');
    });
    stream?.on('error', () => {});
  };
  watch(child.stdout, out);
  watch(child.stderr, err);

  if (opts.stdin !== undefined && child.stdin) {
    child.stdin.on('error', () => {}); // EPIPE when the program does not read its input
    child.stdin.end(opts.stdin);
  }

  const wallTimer = setTimeout(() => {
    timedOut = true;
    kill('wall');
  }, opts.wallMs);
  // The sandbox's closing signal outlives every step: one fan-out listener on it (src/abort.ts),
  // not one per running step (a warning past 10 steps at once on a machine with more cores).
  const forgetAbort = opts.signal ? onAbort(opts.signal, () => killTree()) : () => {};

  if (useGate) {
    const gate = child.stdio[4] as (NodeJS.WritableStream & { on(ev: 'error', f: () => void): void }) | null;
    gate?.on('error', () => {});
    try {
      if (child.pid === undefined || !gate) throw new Error('spawn failed');
      await opts.cgroup!.enter(child.pid);
      gate.end('\n');
    } catch (e) {
      killTree();
      await statusPromise;
      clearTimeout(wallTimer);
      forgetAbort();
      // killed meanwhile (closing, wall time): the step simply did not run
      if (!opts.signal?.aborted && killedReason === undefined) throw new SandboxError(`could not place the step in its cgroup: ${(e as Error).message}`);
    }
  }

  const status = await statusPromise;
  const wallMs = performance.now() - started;
  clearTimeout(wallTimer);
  forgetAbort();
  if (spawnError) throw new SandboxError(`could not start ${command[0]}: ${spawnError.message}`);

  let exitCode: number | null = status.code;
  let signal: string | null = status.signal;
  if (opts.statusFrom === 'bwrap' && exitCode !== null && exitCode > 128 && SIGNAL_NAMES.has(exitCode - 128)) {
    signal = SIGNAL_NAMES.get(exitCode - 128)!;
    exitCode = null;
  }

  let memoryPeakMb: number | undefined;
  if (opts.cgroup) {
    if (killedReason === undefined && (exitCode ?? 0) !== 0 && opts.cgroup.oomKilled()) killedReason = 'memory';
    if (killedReason === undefined && signal !== null && opts.cgroup.oomKilled()) killedReason = 'memory';
    const peak = opts.cgroup.memoryPeakBytes();
    if (peak !== undefined) memoryPeakMb = Math.round((peak / (1024 * 1024)) * 10) / 10;
  }
  if (killedReason === undefined && opts.cpuLimited && signal === 'SIGXCPU') killedReason = 'cpu';

  const result: StepResult = {
    argv: opts.argv,
    exitCode,
    signal,
    timedOut,
    stdout: out.text(),
    stderr: err.text(),
    stdoutTruncated: out.truncated,
    stderrTruncated: err.truncated,
    wallMs: Math.round(wallMs),
    stdoutBytes: out.total,
    stderrBytes: err.total,
  };
  if (killedReason !== undefined) result.killedReason = killedReason;
  if (memoryPeakMb !== undefined) result.memoryPeakMb = memoryPeakMb;
  return { result, started: markerSeen };
}
