// The OS-interaction sandbox: one bubblewrap sandbox per episode over a copy-on-write root.
//
// bwrap 0.8 has no overlay option, so the launcher first enters a private mount namespace
// (`unshare -m`), mounts an overlay there (lower = a prepared rootfs, or the host's / read-only;
// upper + work = a fresh directory under the temp dir), then execs bwrap with that overlay as
// its root. The sandbox has its own PID, IPC, UTS and network namespaces (loopback only). Its
// pid 2 is a keeper (`cat` on a pipe from evalh) so the sandbox lives as long as evalh holds
// it; every agent or script process is started inside with `nsenter` into the sandbox's
// namespaces and root. When the sandbox's init dies, the kernel kills everything in its PID
// namespace: bwrap --die-with-parent ties it to evalh (kill -9 included), and the keeper also
// ends at the pipe's EOF.
//
// The agent is root inside (items use root commands without sudo) with Docker's default
// capability set minus MKNOD and NET_RAW: no CAP_SYS_ADMIN, so no mounts, no new namespaces
// and no device access. This needs evalh to run as root (true here and in CI).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { SandboxUnavailableError } from '../sandbox/errors.js';
import { which } from '../sandbox/which.js';

/** Docker's default capabilities minus mknod (device nodes) and net_raw (no network anyway). */
export const AGENT_CAPS = ['chown', 'dac_override', 'fsetid', 'fowner', 'setgid', 'setuid', 'setfcap', 'setpcap', 'net_bind_service', 'sys_chroot', 'kill', 'audit_write'];

export const SANDBOX_ENV: Record<string, string> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  USER: 'root',
  LOGNAME: 'root',
  SHELL: '/bin/bash',
  TERM: 'xterm',
  LANG: 'C.UTF-8',
};

/** Host paths hidden behind empty writable tmpfs when the host's / is the lower layer (homes, sockets, temp files). */
export const HOST_HIDDEN = ['/root', '/home', '/run', '/tmp'];
/**
 * Top-level directories of a standard root filesystem; over the host's root every other one
 * (a checkout in /work, /data, /scratch, …) is hidden too: not part of an OS image, often large
 * (slowing `find /`) or private.
 */
const STANDARD_TOP = new Set(['bin', 'boot', 'dev', 'etc', 'lib', 'lib32', 'lib64', 'libx32', 'libexec', 'media', 'mnt', 'opt', 'proc', 'sbin', 'srv', 'sys', 'usr', 'var', 'root', 'home', 'run', 'tmp']);

/** The host's non-standard top-level directories (hidden in the sandbox). */
function nonStandardTop(): string[] {
  try {
    return readdirSync('/', { withFileTypes: true })
      .filter((d) => d.isDirectory() && !STANDARD_TOP.has(d.name) && d.name !== 'lost+found')
      .map((d) => `/${d.name}`);
  } catch {
    return [];
  }
}

const STATE_PREFIX = 'evalh-os-';
/** Size cap of each tmpfs in the sandbox (/tmp, /run, and /root, /home over the host root). */
const TMPFS_BYTES = 1024 * 1024 * 1024;
let sizeOption = false;
const ROOT_DOTFILES = 'for f in profile bashrc; do if [ -f /usr/share/base-files/dot.$f ]; then cp /usr/share/base-files/dot.$f /root/.$f; elif [ -f /etc/skel/.$f ]; then cp /etc/skel/.$f /root/.$f; fi; done';
const TOOLS = ['bwrap', 'unshare', 'nsenter', 'setpriv', 'mount'] as const;

export interface OsSandboxOptions {
  /** A prepared root filesystem (debootstrap/mmdebstrap); default: the host's / read-only. */
  rootfs?: string;
}

export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** What the run's settings and labels say about the environment. */
export function describeRoot(opts: OsSandboxOptions): string {
  return opts.rootfs
    ? `prepared rootfs ${opts.rootfs} (copy-on-write overlay)`
    : `host root read-only with a copy-on-write overlay (not the official Ubuntu image; ${[...HOST_HIDDEN, ...nonStandardTop()].join(', ')} replaced by empty directories, root's default dotfiles in /root)`;
}

let toolPaths: Record<(typeof TOOLS)[number], string> | undefined;

/** Checks once that the sandbox can be built here; a clear exit-2 error otherwise. */
export function checkOsSandbox(opts: OsSandboxOptions): void {
  if (process.getuid?.() !== 0) {
    throw new SandboxUnavailableError('the agentbench-os sandbox needs root (it mounts an overlay and makes the agent root inside); run evalh as root, e.g. in a container');
  }
  if (!toolPaths) {
    const found: Partial<Record<(typeof TOOLS)[number], string>> = {};
    for (const t of TOOLS) {
      const p = which(t, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
      if (!p) throw new SandboxUnavailableError(`agentbench-os needs ${t} (${t === 'bwrap' ? 'package bubblewrap' : 'package util-linux'}); install it`);
      found[t] = p;
    }
    toolPaths = found as Record<(typeof TOOLS)[number], string>;
    sizeOption = spawnSync(found.bwrap!, ['--help'], { encoding: 'utf8' }).stdout?.includes('--size') ?? false;
    sweepStale();
  }
  if (opts.rootfs) {
    let ok = false;
    try {
      ok = statSync(opts.rootfs).isDirectory() && statSync(path.join(opts.rootfs, 'bin/bash')).isFile();
    } catch {
      ok = false;
    }
    if (!ok) throw new SandboxUnavailableError(`EVALH_OS_ROOTFS=${opts.rootfs}: not a root filesystem with bin/bash`);
  }
}

let probed: Promise<void> | undefined;

/**
 * Builds one sandbox and takes it down again, once per process: a host where overlay mounts or
 * namespaces are refused fails the run up front (exit 2) instead of every episode.
 */
export function probeOsSandbox(opts: OsSandboxOptions): Promise<void> {
  checkOsSandbox(opts);
  probed ??= (async () => {
    let sb: OsSandbox | undefined;
    try {
      sb = await OsSandbox.start(opts);
    } catch (e) {
      throw new SandboxUnavailableError(`agentbench-os cannot build its sandbox here: ${(e as Error).message}`);
    } finally {
      await sb?.close();
    }
  })();
  return probed;
}

/** Removes state directories left by an evalh that was killed (their processes died with it). */
function sweepStale(): void {
  let names: string[] = [];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const m = new RegExp(`^${STATE_PREFIX}(\\d+)-`).exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Launcher process groups still alive: killed synchronously if evalh exits without closing them. */
const live = new Set<number>();
let exitHook = false;
function track(pid: number): void {
  live.add(pid);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const p of live) killGroup(p);
    });
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone
  }
}

export class OsSandbox {
  private closed = false;
  private readonly children = new Set<ChildProcess>();

  private constructor(
    private readonly launcher: ChildProcess,
    /** Host pid of the sandbox's init (bwrap's child in the new PID namespace). */
    readonly initPid: number,
    private readonly stateDir: string,
  ) {}

  static async start(opts: OsSandboxOptions = {}): Promise<OsSandbox> {
    checkOsSandbox(opts);
    const tools = toolPaths!;
    const stateDir = mkdtempSync(path.join(tmpdir(), `${STATE_PREFIX}${process.pid}-`));
    for (const d of ['upper', 'work', 'root']) mkdirSync(path.join(stateDir, d));
    const lower = opts.rootfs ? path.resolve(opts.rootfs) : '/';
    const bwrap = [tools.bwrap, '--bind', path.join(stateDir, 'root'), '/', '--proc', '/proc', '--dev', '/dev'];
    const hidden = opts.rootfs ? ['/tmp', '/run'] : [...HOST_HIDDEN, ...nonStandardTop()];
    // the state directory itself is visible through the host lower layer unless it sits in a hidden path
    if (!opts.rootfs && !hidden.some((h) => stateDir.startsWith(`${h}/`))) hidden.push(path.dirname(stateDir));
    // tmpfs is memory: each of these is capped (bwrap ≥ 0.7 has --size)
    for (const h of hidden) bwrap.push(...(sizeOption ? ['--size', String(TMPFS_BYTES)] : []), '--tmpfs', h);
    bwrap.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net', '--hostname', 'evalh-os', '--die-with-parent', '--cap-drop', 'ALL');
    for (const c of AGENT_CAPS) bwrap.push('--cap-add', `CAP_${c.toUpperCase()}`);
    bwrap.push('--info-fd', '3', '--chdir', '/', '--', '/bin/sh', '-c', 'echo ready; exec cat >/dev/null');
    const script = 'set -e; mount -t overlay evalh-os -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$2/root"; shift 2; exec "$@"';
    const launcher = spawn(tools.unshare, ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script, 'sh', lower, stateDir, ...bwrap], {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      env: { PATH: SANDBOX_ENV.PATH! },
      detached: true,
    });
    if (launcher.pid !== undefined) track(launcher.pid);
    launcher.stdin!.on('error', () => {});
    let stderr = '';
    launcher.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString();
    });
    try {
      const initPid = await readInfo(launcher, () => stderr);
      const sandbox = new OsSandbox(launcher, initPid, stateDir);
      // the empty /root gets root's dotfiles of a fresh Debian/Ubuntu system (~/.profile sources ~/.bashrc)
      if (!opts.rootfs) await sandbox.exec(['/bin/sh', '-c', ROOT_DOTFILES], { timeoutMs: 10_000 });
      return sandbox;
    } catch (e) {
      if (launcher.pid !== undefined) {
        killGroup(launcher.pid);
        live.delete(launcher.pid);
      }
      rmSync(stateDir, { recursive: true, force: true });
      throw e;
    }
  }

  /** The command line that runs argv inside the sandbox as root with the agent's capabilities, in `cwd`. */
  private enter(argv: string[], cwd = '/'): string[] {
    const t = toolPaths!;
    const env = Object.entries(SANDBOX_ENV).map(([k, v]) => `${k}=${v}`);
    return [
      t.nsenter, `--target=${this.initPid}`, '--mount', '--uts', '--ipc', '--net', '--pid', '--root', '--wd', '--',
      // nsenter resolves --wd=<dir> on the host side; env -C changes directory inside the sandbox's root
      '/usr/bin/env', '-i', '-C', cwd, ...env,
      t.setpriv, `--bounding-set=-all,${AGENT_CAPS.map((c) => `+${c}`).join(',')}`, '--inh-caps=-all', '--',
      ...argv,
    ];
  }

  /**
   * Starts a process inside: stdin/stdout/stderr are pipes. nsenter leads its own process group,
   * which the process inside inherits, so killGroup() reaches the whole tree (bar setsid daemons,
   * which die with the sandbox).
   */
  spawn(argv: string[], cwd = '/', stdin: 'pipe' | 'ignore' = 'pipe'): ChildProcess {
    if (this.closed) throw new Error('sandbox closed');
    const cmd = this.enter(argv, cwd);
    const child = spawn(cmd[0]!, cmd.slice(1), { stdio: [stdin, 'pipe', 'pipe'], env: {}, detached: true });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    child.stdin?.on('error', () => {});
    return child;
  }

  /**
   * Runs one script as a separate process in the sandbox (same filesystem and PID namespace as
   * the agent's shell, no wrapper process inside: process counts match the shell's). Background
   * processes it starts keep running (init scripts start daemons); on timeout its process group
   * is killed.
   */
  exec(argv: string[], opts: { timeoutMs: number; cwd?: string }): Promise<ExecResult> {
    // stdin is /dev/null: on a socket (node's default pipe) bash would think sshd started it and read ~/.bashrc
    const child = this.spawn(argv, opts.cwd, 'ignore');
    return collect(child, opts.timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The launcher's group is bwrap: its child, the sandbox's init, dies with it, and the kernel
    // kills everything in the PID namespace. The nsenter processes are left to reap their killed
    // children first (an orphan would wait for the host's init to reap it, and the namespace's
    // teardown with it), then go themselves.
    if (this.launcher.pid !== undefined) {
      killGroup(this.launcher.pid);
      live.delete(this.launcher.pid);
    }
    if (this.launcher.exitCode === null && this.launcher.signalCode === null) await new Promise((r) => this.launcher.once('exit', r));
    await waitGone(this.initPid, 5000);
    for (const c of this.children) if (c.pid !== undefined) killGroup(c.pid);
    rmSync(this.stateDir, { recursive: true, force: true });
  }

}

/**
 * The sandbox's init pid from bwrap's --info-fd, once the keeper has said "ready": bwrap writes the
 * info before its child has finished building the root, and an nsenter before that would land in
 * the half-built mount namespace (the host's /proc still mounted).
 */
function readInfo(launcher: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let info = '';
    let ready = '';
    let pid: number | undefined;
    const fd3 = launcher.stdio[3] as Readable;
    const done = (): void => {
      if (pid === undefined || !ready.includes('ready\n')) return;
      clearTimeout(timer);
      fd3.destroy();
      launcher.stdout!.removeAllListeners('data');
      launcher.stdout!.resume();
      resolve(pid);
    };
    launcher.stdout!.on('data', (d: Buffer) => {
      ready += d.toString();
      done();
    });
    const timer = setTimeout(() => fail('timed out after 20 s'), 20_000);
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`the OS sandbox did not start (${why}): ${stderr().trim() || 'no message'}`));
    };
    fd3.on('data', (d: Buffer) => {
      info += d.toString();
      const m = /"child-pid":\s*(\d+)/.exec(info);
      if (m) pid = Number(m[1]);
      done();
    });
    fd3.on('error', () => {});
    launcher.once('exit', (code, signal) => fail(`launcher exited with ${signal ?? code}`));
    launcher.once('error', (e) => fail(e.message));
  });
}

function collect(child: ChildProcess, hardMs: number): Promise<ExecResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const cap = 1 << 20;
    child.stdout!.on('data', (d: Buffer) => {
      if (stdout.length < cap) stdout += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < cap) stderr += d.toString();
    });
    const hard = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid);
    }, hardMs);
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (done) return;
      done = true;
      clearTimeout(hard);
      child.stdout!.destroy();
      child.stderr!.destroy();
      // nsenter passes the script's signal death on as its own
      resolve({ exitCode: signal ? null : code, stdout, stderr, timedOut });
    };
    child.once('close', finish);
    // background processes the script started may hold the pipes open: give the output a moment, then stop reading
    child.once('exit', (code, signal) => setTimeout(() => finish(code, signal), 200));
  });
}

/** Alive and not a zombie (a zombie left for the host's init to reap counts as gone). */
function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (running(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}
