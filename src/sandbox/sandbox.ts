// The sandboxed executor for untrusted generated code (HumanEval-X, NCB, AgentBench OS).
// See ./README.md for the isolation model and what each limit enforces and how.

import { chown, mkdir, mkdtemp, rm, stat, writeFile, chmod, lstat, readdir } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PQueue from 'p-queue';
import { Cgroups, pidAlive, type StepCgroup } from './cgroup.js';
import { baseArgs, bwrapHelp, capture, HIDDEN, isWithin, SANDBOX_GID, SANDBOX_UID, tmpfsArgs, type BwrapFeatures } from './bwrap.js';
import { SandboxError, SandboxUnavailableError } from './errors.js';
import { launch, MARKER_SCRIPT } from './process.js';
import { which } from './which.js';
import type { Bind, ExecResult, ExecSpec, Limits, SandboxOptions, Step, StepResult } from './types.js';

export const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin';
/** Where the host's executables are looked up for the sandbox's own helpers (setpriv, prlimit). */
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const DEFAULT_LIMITS = {
  wallMs: 10_000,
  outputBytes: 1024 * 1024,
  processes: 256,
  fileSizeMb: 256,
  tmpMb: 512,
} as const;
/** Memory limit applied by default when a cgroup can enforce it (no RLIMIT_AS by default: see README). */
export const DEFAULT_CGROUP_MEMORY_MB = 2048;
const MIN_OUTPUT_KILL_BYTES = 16 * 1024 * 1024;

export const NO_BWRAP_ADVICE =
  'install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap), or pass --unsafe-no-sandbox to run generated code unsandboxed on this machine';

/**
 * How bwrap is started. 'drop': as root, through setpriv as host uid 65534 (see bwrap.ts).
 * 'direct': bwrap as the current user (non-root: the sandbox user is that user in a user
 * namespace; root fallback when unprivileged user namespaces are off: see README).
 */
type LaunchMode = 'drop' | 'direct';

interface Tools {
  bwrap: string;
  /** The part of the bwrap command line shared by every step (see bwrap.ts). */
  base: string[];
  setpriv: string | null;
  features: BwrapFeatures;
  version: string | null;
}

type ResolvedLimits = Required<Omit<Limits, 'cpuSeconds' | 'memoryMb'>> & Pick<Limits, 'cpuSeconds' | 'memoryMb'>;

const live = new Set<Sandbox>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const sb of live) sb.closeSync();
  });
}

export class Sandbox {
  readonly kind: 'bubblewrap' | 'unsafe';
  /** What is enforced and how on this machine (also shown by `evalh doctor`). */
  readonly notes: string[];
  readonly workers: number;
  private readonly queue: PQueue;
  private readonly closing = new AbortController();
  /** Process groups of running steps. */
  private readonly running = new Set<number>();
  private peak = 0;
  private active = 0;
  private closed = false;
  private readonly bindChecks = new Map<string, Promise<void>>();

  private constructor(
    kind: 'bubblewrap' | 'unsafe',
    private readonly mode: LaunchMode,
    private readonly tools: Tools | null,
    private readonly prlimit: string | null,
    private readonly cgroups: Cgroups | null,
    /** Directory holding the per-sample directories. */
    readonly root: string,
    private readonly ownsRoot: boolean,
    workers: number,
    notes: string[],
  ) {
    this.kind = kind;
    this.workers = workers;
    this.notes = notes;
    this.queue = new PQueue({ concurrency: workers });
  }

  static async create(opts: SandboxOptions = {}): Promise<Sandbox> {
    const workers = opts.workers ?? os.availableParallelism();
    if (!Number.isInteger(workers) || workers < 1) throw new SandboxError(`sandbox workers must be a positive integer, got ${workers}`);
    const notes: string[] = [];
    const isRoot = process.geteuid?.() === 0;
    const prlimit = which('prlimit', SYSTEM_PATH);
    if (!prlimit) notes.push('prlimit (util-linux) not found: no CPU/file-size/process rlimits');

    let tools: Tools | null = null;
    if (!opts.unsafe) {
      const bwrap = which(opts.bwrap ?? 'bwrap', opts.searchPath ?? process.env.PATH);
      if (!bwrap) throw new SandboxUnavailableError(`Cannot run generated code: bubblewrap (bwrap) was not found on PATH. To fix: ${NO_BWRAP_ADVICE}.`);
      if (!prlimit) throw new SandboxUnavailableError('Cannot run generated code: prlimit (util-linux) was not found; it sets the sandbox\'s resource limits.');
      const help = await bwrapHelp(bwrap);
      tools = { bwrap, base: baseArgs(help.features), setpriv: isRoot ? which('setpriv', SYSTEM_PATH) : null, features: help.features, version: help.version };
      notes.push(`${help.version ?? 'bubblewrap'} at ${bwrap}`);
    } else {
      notes.push('UNSAFE: generated code runs without a sandbox (--unsafe-no-sandbox): it can read and write whatever this user can');
    }

    let root: string;
    let ownsRoot: boolean;
    if (opts.root) {
      root = path.resolve(opts.root);
      ownsRoot = !(await exists(root));
      await mkdir(root, { recursive: true });
    } else {
      await sweepStaleRoots(os.tmpdir());
      root = await mkdtemp(path.join(os.tmpdir(), `evalh-sandbox-${process.pid}-`));
      ownsRoot = true;
    }

    if (!opts.unsafe && isRoot && tools?.setpriv) {
      await chmod(root, 0o711); // the sandbox user must traverse it to reach its sample directory
      const reach = await capture([tools.setpriv, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_GID}`, '--clear-groups', '--', '/usr/bin/test', '-x', root], 10_000, { PATH: SANDBOX_PATH }, '/');
      if (reach.code !== 0) {
        if (ownsRoot) await rm(root, { recursive: true, force: true });
        throw new SandboxUnavailableError(`The sandbox root ${root} is not reachable by the sandbox user (uid ${SANDBOX_UID}): choose a directory whose parents are world-traversable (e.g. under /tmp or /var/tmp).`);
      }
    }

    const cgroups = opts.cgroups === false ? null : await Cgroups.open(notes);
    const candidates: LaunchMode[] = opts.unsafe ? ['direct'] : isRoot && tools?.setpriv ? ['drop', 'direct'] : ['direct'];
    const failures: string[] = [];
    for (const mode of candidates) {
      const sb = new Sandbox(opts.unsafe ? 'unsafe' : 'bubblewrap', mode, tools, prlimit, cgroups, root, ownsRoot, workers, notes);
      try {
        const probe = await sb.probe();
        if (probe === null) {
          sb.peak = 0; // the probe does not count
          if (failures.length > 0) notes.push(`not used: ${failures.join('; ')}`);
          if (mode === 'drop') notes.push('sandbox user: host uid/gid 65534 (nobody) via setpriv, own user namespace per step');
          else if (sb.kind === 'bubblewrap' && isRoot)
            notes.push('WEAKER: unprivileged user namespaces are unavailable, so bwrap runs as root: sandbox uid 65534 is host root for file permissions and RLIMIT_NPROC does not apply (only a pids cgroup limits processes)');
          else if (sb.kind === 'bubblewrap') notes.push(`sandbox user: uid 65534 inside a user namespace, this user (uid ${process.geteuid?.()}) outside`);
          notes.push(
            cgroups?.memory
              ? `memory: cgroup limit per step (default ${DEFAULT_CGROUP_MEMORY_MB} MiB)`
              : `memory: ${opts.cgroups === false ? 'cgroups disabled' : 'no writable cgroup memory controller'}; RLIMIT_AS per process only when a step sets memoryMb`,
          );
          notes.push(
            sb.kind === 'unsafe'
              ? `processes: ${cgroups?.pids ? 'pids cgroup per step' : 'not limited (no pids cgroup; RLIMIT_NPROC would count all processes of this user)'}`
              : `processes: RLIMIT_NPROC per sandbox (counted in its own user namespace)${cgroups?.pids ? ' + pids cgroup per step' : ''}`,
          );
          live.add(sb);
          installExitHook();
          return sb;
        }
        failures.push(`${mode}: ${probe}`);
      } catch (err) {
        failures.push(`${mode}: ${(err as Error).message}`);
      }
    }
    await cgroups?.close();
    if (ownsRoot) await rm(root, { recursive: true, force: true });
    if (opts.unsafe) throw new SandboxError(`Cannot run generated code even unsandboxed: ${failures.join('; ')}`);
    throw new SandboxUnavailableError(
      `Cannot run generated code: bubblewrap at ${tools?.bwrap} cannot create a sandbox here (${failures.join('; ').trim()}). ` +
        'Common causes: user namespaces disabled (sysctl user.max_user_namespaces / kernel.unprivileged_userns_clone), or a container without the privileges bwrap needs. ' +
        `To fix: enable them, or pass --unsafe-no-sandbox to run generated code unsandboxed on this machine.`,
    );
  }

  /** Runs a trivial step; returns null when it works, else what went wrong. */
  private async probe(): Promise<string | null> {
    try {
      const res = await this.execute({ files: { probe: 'ok\n' }, steps: [{ argv: ['/bin/sh', '-c', 'read x < probe && [ "$x" = ok ] && echo ok > out && cat out'] }], limits: { wallMs: 20_000 } });
      const step = res.steps[0]!;
      if (step.exitCode === 0 && step.stdout.trim() === 'ok') return null;
      return `probe exited ${step.exitCode ?? step.signal}: ${step.stderr.trim().slice(0, 500)}`;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /** Running, queued and the most runs seen at once (for tests and progress displays). */
  stats(): { running: number; queued: number; peakRunning: number } {
    return { running: this.active, queued: this.queue.size, peakRunning: this.peak };
  }

  /**
   * A persistent directory the sandbox may use read-write through a Bind (e.g. a Go build cache):
   * /var/cache/evalh/sandbox/<name> owned by the sandbox user when running as root, else
   * $XDG_CACHE_HOME/evalh/sandbox/<name> (~/.cache/...). A root-owned home directory would not be
   * reachable by the sandbox user, hence not under ~ for root.
   */
  async persistentDir(name: string): Promise<string> {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name === '.' || name === '..') throw new SandboxError(`bad persistent directory name: ${name}`);
    const base = this.mode === 'drop' ? '/var/cache/evalh/sandbox' : path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'evalh', 'sandbox');
    const dir = path.join(base, name);
    await mkdir(dir, { recursive: true, mode: 0o755 });
    if (this.mode === 'drop') {
      for (const d of [path.dirname(base), base]) await chmod(d, 0o755); // reachable whatever the umask
      await chown(dir, SANDBOX_UID, SANDBOX_GID);
    }
    return dir;
  }

  run(spec: ExecSpec): Promise<ExecResult> {
    if (this.closed) return Promise.reject(new SandboxError('the sandbox is closed'));
    try {
      validateSpec(spec);
    } catch (err) {
      return Promise.reject(err);
    }
    // Not p-queue's own `signal`: it would settle a running task's promise before the task has
    // cleaned up, and close() must wait for that.
    return this.queue.add(() => {
      if (this.closing.signal.aborted) throw new SandboxError('the sandbox was closed before this sample ran');
      return this.execute(spec);
    });
  }

  private async execute(spec: ExecSpec): Promise<ExecResult> {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    let dir: string | undefined;
    try {
      dir = await mkdtemp(path.join(this.root, 's-'));
      await this.writeFiles(dir, spec.files);
      if (spec.binds) for (const b of spec.binds) await this.checkBind(b);
      const steps: StepResult[] = [];
      let failed = false;
      for (const step of spec.steps) {
        if (failed && !step.always) continue;
        const res = await this.runStep(dir, spec, step);
        // a step cut short by close() is no verdict on the program: never hand it back as a result
        if (this.closing.signal.aborted) throw new SandboxError('the sandbox was closed while this sample ran');
        steps.push(res);
        if (res.exitCode !== 0) failed = true;
      }
      return { steps, ok: !failed && steps.length === spec.steps.length };
    } finally {
      if (dir) await removeTree(dir);
      this.active--;
    }
  }

  private async writeFiles(dir: string, files: Record<string, string | Buffer>): Promise<void> {
    const drop = this.mode === 'drop';
    if (drop) await chown(dir, SANDBOX_UID, SANDBOX_GID);
    await chmod(dir, 0o755);
    for (const [rel, content] of Object.entries(files)) {
      const target = path.join(dir, rel);
      const parts = path.relative(dir, path.dirname(target)).split(path.sep).filter(Boolean);
      let cur = dir;
      for (const p of parts) {
        cur = path.join(cur, p);
        await mkdir(cur, { recursive: true });
        if (drop) await chown(cur, SANDBOX_UID, SANDBOX_GID);
      }
      await writeFile(target, content, { mode: 0o644 });
      if (drop) await chown(target, SANDBOX_UID, SANDBOX_GID);
    }
  }

  /** Fails early, with a clear message, when the sandbox user cannot use a bind's source. */
  private checkBind(b: Bind): Promise<void> {
    const key = `${b.rw ? 'rw' : 'ro'}:${b.src}`;
    let check = this.bindChecks.get(key);
    if (!check) {
      check = (async () => {
        const st = await stat(b.src).catch(() => null);
        if (!st) throw new SandboxError(`bind source does not exist: ${b.src}`);
        if (this.kind !== 'bubblewrap' || this.mode !== 'drop') return;
        const tests = ['-r', b.src, ...(st.isDirectory() ? ['-a', '-x', b.src] : []), ...(b.rw ? ['-a', '-w', b.src] : [])];
        const res = await capture([this.tools!.setpriv!, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_GID}`, '--clear-groups', '--', '/usr/bin/test', ...tests], 10_000, { PATH: SANDBOX_PATH }, '/');
        if (res.code !== 0)
          throw new SandboxError(
            `bind source ${b.src} is not ${b.rw ? 'writable' : 'readable'} by the sandbox user (uid ${SANDBOX_UID}); use Sandbox.persistentDir() or a directory it can reach`,
          );
      })();
      check.catch(() => this.bindChecks.delete(key));
      this.bindChecks.set(key, check);
    }
    return check;
  }

  private limitsFor(spec: ExecSpec, step: Step): ResolvedLimits {
    const merged = { ...DEFAULT_LIMITS, ...stripUndefined(spec.limits), ...stripUndefined(step.limits) } as ResolvedLimits & { outputKillBytes?: number };
    if (merged.memoryMb === undefined && this.cgroups?.memory) merged.memoryMb = DEFAULT_CGROUP_MEMORY_MB;
    if (merged.outputKillBytes === undefined) merged.outputKillBytes = Math.max(MIN_OUTPUT_KILL_BYTES, 4 * merged.outputBytes);
    merged.outputKillBytes = Math.max(merged.outputKillBytes, merged.outputBytes);
    for (const [k, v] of Object.entries(merged)) {
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)) throw new SandboxError(`sandbox limit ${k} must be a positive number, got ${String(v)}`);
    }
    return merged;
  }

  private async runStep(dir: string, spec: ExecSpec, step: Step): Promise<StepResult> {
    const limits = this.limitsFor(spec, step);
    const sandboxed = this.kind === 'bubblewrap';
    const workdir = sandboxed ? path.posix.normalize(spec.workdir ?? '/sample') : dir;
    const env: Record<string, string> = { PATH: SANDBOX_PATH, HOME: workdir, LANG: 'C.UTF-8', ...spec.env, ...step.env };

    const mib = (mb: number): number => Math.max(1, Math.floor(mb * 1024 * 1024));
    const processes = Math.max(1, Math.floor(limits.processes));
    const rlimits: string[] = [];
    if (this.prlimit) {
      rlimits.push(this.prlimit, '--core=0:0', `--fsize=${mib(limits.fileSizeMb)}:${mib(limits.fileSizeMb)}`);
      // RLIMIT_NPROC counts per (user namespace, uid): one sandbox's processes, not its neighbours'.
      // Outside a sandbox it would count every process of this user, so it is left off there.
      if (sandboxed) rlimits.push(`--nproc=${processes}:${processes}`);
      if (limits.cpuSeconds !== undefined) {
        const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
        rlimits.push(`--cpu=${cpu}:${cpu + 1}`);
      }
      // address-space limit only as the fallback for a memory limit no cgroup enforces
      if (limits.memoryMb !== undefined && !this.cgroups?.memory) rlimits.push(`--as=${mib(limits.memoryMb)}:${mib(limits.memoryMb)}`);
      rlimits.push('--');
    }

    let command: string[];
    if (sandboxed) {
      const tools = this.tools!;
      const hidden = [...HIDDEN];
      if (!['/tmp', ...HIDDEN].some((d) => isWithin(this.root, d))) hidden.push(this.root); // other samples' directories
      const args = [...tools.base, ...tmpfsArgs(tools.features, limits.tmpMb, hidden)];
      for (const b of spec.binds ?? []) args.push(b.rw ? '--bind' : '--ro-bind', b.src, b.dest ?? b.src);
      args.push('--bind', dir, workdir, '--remount-ro', '/', '--chdir', workdir, '--', '/bin/sh', '-c', MARKER_SCRIPT, 'sh', ...rlimits, ...step.argv);
      command = this.mode === 'drop' ? [tools.setpriv!, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_GID}`, '--clear-groups', '--', tools.bwrap, ...args] : [tools.bwrap, ...args];
    } else {
      command = [...rlimits, ...step.argv];
    }

    let cgroup: StepCgroup | undefined;
    if (this.cgroups) {
      // + a few for the launcher chain (bwrap's monitor and init, the marker shell)
      cgroup = await this.cgroups.create({ memoryBytes: limits.memoryMb !== undefined ? mib(limits.memoryMb) : undefined, pids: processes + 4 });
    }
    try {
      const { result, started } = await launch({
        command,
        argv: step.argv,
        env,
        cwd: dir,
        stdin: step.stdin,
        wallMs: limits.wallMs,
        outputBytes: limits.outputBytes,
        outputKillBytes: limits.outputKillBytes,
        cgroup,
        statusFrom: sandboxed ? 'bwrap' : 'direct',
        signal: this.closing.signal,
        live: this.running,
        cpuLimited: limits.cpuSeconds !== undefined,
        marker: sandboxed,
      });
      if (!started && result.killedReason === undefined && !this.closing.signal.aborted) {
        throw new SandboxError(`bubblewrap could not set up the sandbox (exit ${result.exitCode ?? result.signal}): ${result.stderr.trim().slice(0, 1000)}`);
      }
      return result;
    } finally {
      await cgroup?.remove();
    }
  }

  /** Kills running steps, rejects queued runs, removes the sample root and the cgroups. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort(); // queued runs reject, running steps are killed
    await this.queue.onIdle();
    live.delete(this);
    if (this.ownsRoot) await removeTree(this.root);
    await this.cgroups?.close();
  }

  /** Whether cgroups enforce memory limits here. */
  get memoryCgroup(): boolean {
    return this.cgroups?.memory ?? false;
  }

  /** The bwrap executable in use (null when unsafe). */
  get bwrapPath(): string | null {
    return this.tools?.bwrap ?? null;
  }

  /** For process exit: best effort, synchronous. (bwrap sandboxes die with this process anyway: --die-with-parent.) */
  closeSync(): void {
    for (const pid of this.running) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    try {
      if (this.ownsRoot) rmSync(this.root, { recursive: true, force: true });
    } catch {
      // best effort
    }
    this.cgroups?.closeSync();
  }
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateSpec(spec: ExecSpec): void {
  if (!spec || typeof spec !== 'object') throw new SandboxError('ExecSpec must be an object');
  if (!Array.isArray(spec.steps)) throw new SandboxError('ExecSpec.steps must be an array');
  for (const [i, step] of spec.steps.entries()) {
    if (!Array.isArray(step.argv) || step.argv.length === 0 || step.argv.some((a) => typeof a !== 'string' || a.includes('\0')))
      throw new SandboxError(`ExecSpec.steps[${i}].argv must be a non-empty array of strings without NUL bytes`);
  }
  for (const rel of Object.keys(spec.files ?? {})) {
    const norm = path.posix.normalize(rel);
    if (!rel || rel.includes('\0') || path.posix.isAbsolute(rel) || norm === '.' || norm === '..' || norm.startsWith('../') || norm.endsWith('/'))
      throw new SandboxError(`ExecSpec.files: "${rel}" is not a relative file path inside the sample directory`);
  }
  if (spec.workdir !== undefined) {
    const w = path.posix.normalize(spec.workdir);
    if (!path.posix.isAbsolute(w) || w === '/' || ['/proc', '/dev', '/sys'].some((d) => isWithin(w, d)))
      throw new SandboxError(`ExecSpec.workdir must be an absolute path outside /proc, /dev and /sys, got "${spec.workdir}"`);
  }
  for (const b of spec.binds ?? []) {
    if (!path.isAbsolute(b.src)) throw new SandboxError(`bind source must be an absolute path: ${b.src}`);
    if (b.dest !== undefined && (!path.posix.isAbsolute(b.dest) || path.posix.normalize(b.dest) === '/')) throw new SandboxError(`bind destination must be an absolute path other than /: ${b.dest}`);
  }
}

/** Default sample roots of evalh processes that died without closing (killed): dead pid and untouched for an hour. */
async function sweepStaleRoots(tmp: string): Promise<void> {
  for (const entry of await readdir(tmp).catch(() => [] as string[])) {
    const m = /^evalh-sandbox-(\d+)-/.exec(entry);
    if (!m || pidAlive(Number(m[1]))) continue;
    const st = await lstat(path.join(tmp, entry)).catch(() => null);
    if (st?.isDirectory() && Date.now() - st.mtimeMs > 3_600_000) await removeTree(path.join(tmp, entry));
  }
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

/** rm -rf that also copes with directories the sandboxed program made unreadable (non-root owner). */
async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
    return;
  } catch {
    // fall through: make everything writable, then retry
  }
  const fix = async (p: string): Promise<void> => {
    const st = await lstat(p).catch(() => null);
    if (!st?.isDirectory()) return;
    await chmod(p, 0o700).catch(() => {});
    for (const e of await readdir(p).catch(() => [] as string[])) await fix(path.join(p, e));
  };
  await fix(dir);
  await rm(dir, { recursive: true, force: true }).catch(() => {});
}
