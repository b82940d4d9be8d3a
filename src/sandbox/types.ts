// Public types of the sandboxed executor (see ./README.md for what each limit enforces and how).

export interface Limits {
  /** Wall-clock time of one step, from launch to exit; on expiry the whole sandbox is killed. */
  wallMs: number;
  /** CPU seconds per process (RLIMIT_CPU: SIGXCPU at the limit, SIGKILL one second later). Default: none (wall time bounds it). */
  cpuSeconds?: number;
  /**
   * Memory of the whole step in MiB. Enforced by a cgroup memory limit (RAM + swap) when cgroups are
   * writable (default 2048 there); otherwise, only when asked, by RLIMIT_AS per process (the JVM needs
   * -Xmx and a small code cache under an address-space limit).
   */
  memoryMb?: number;
  /** Bytes kept per stream (stdout, stderr); the rest is read and dropped, and the stream is marked truncated. Default 1 MiB. */
  outputBytes?: number;
  /** Once a stream has produced this many bytes the step is killed (killedReason 'output'). Default max(16 MiB, 4 × outputBytes). */
  outputKillBytes?: number;
  /** Processes (and threads) of one step. Default 256. RLIMIT_NPROC counted per sandbox (own user namespace), plus a pids cgroup when available. */
  processes?: number;
  /** Largest file a process may write (RLIMIT_FSIZE; SIGXFSZ past it). Default 256 MiB. */
  fileSizeMb?: number;
  /** Size of the sandbox's private /tmp (tmpfs, counted as memory). Default 512 MiB. Ignored by `unsafe`. */
  tmpMb?: number;
}

export interface Step {
  argv: string[];
  limits?: Partial<Limits>;
  env?: Record<string, string>;
  stdin?: string;
  /** Run even if an earlier step failed. */
  always?: boolean;
}

export interface Bind {
  /** Host path (file or directory). It must be reachable by the sandbox user (see Sandbox.persistentDir). */
  src: string;
  /** Path inside the sandbox; default the same as src. */
  dest?: string;
  /** Read-write (default read-only). */
  rw?: boolean;
}

export interface ExecSpec {
  /** Relative paths (subdirectories allowed) → content, written into the fresh sample directory. */
  files: Record<string, string | Buffer>;
  steps: Step[];
  binds?: Bind[];
  env?: Record<string, string>;
  limits?: Partial<Limits>;
  /**
   * Working directory inside the sandbox, where the sample directory is mounted; default /sample.
   * With `unsafe` the real per-sample directory is used instead: prefer relative paths in argv.
   */
  workdir?: string;
}

export type KilledReason = 'wall' | 'cpu' | 'memory' | 'output';

export interface StepResult {
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  killedReason?: KilledReason;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  wallMs: number;
  /** Total bytes the program wrote to each stream (including what was dropped). */
  stdoutBytes?: number;
  stderrBytes?: number;
  /** Peak memory of the step in MiB, when a cgroup measured it. */
  memoryPeakMb?: number;
}

export interface ExecResult {
  /** Every step that ran, in order; stops after the first failing step unless the next has `always`. */
  steps: StepResult[];
  /** True when every step ran and exited 0. */
  ok?: boolean;
}

export interface SandboxOptions {
  /** Run WITHOUT a sandbox: only when the user passed the explicit flag. */
  unsafe?: boolean;
  /** Parallel runs; default os.availableParallelism(). */
  workers?: number;
  /** Where per-sample directories are made; default a fresh directory under os.tmpdir(). */
  root?: string;
  /** The bwrap executable: a path, or a name looked up in `searchPath`. Default 'bwrap'. */
  bwrap?: string;
  /** Directories searched for executables (PATH syntax); default process.env.PATH. */
  searchPath?: string;
  /** Use cgroups for memory/process limits when writable (default true). */
  cgroups?: boolean;
}

export interface SandboxDescription {
  bwrap: string | null;
  cgroups: boolean;
  notes: string[];
}
