// bubblewrap command lines.
//
// The sandbox's root is a tmpfs (bwrap's own), made read-only at the end, holding read-only binds of
// every top-level entry of the host's / (the same view as `--ro-bind / /`, but with room for the
// /sample mount point) — except /proc (fresh), /dev (minimal), /tmp (private tmpfs), /root, /home and
// /run (empty, read-only tmpfs: the user's home and the host's sockets are not reachable).
//
// As root, bwrap is started through `setpriv` as host uid/gid 65534 (nobody) with no supplementary
// groups: the sandbox user is then an unprivileged host user for every permission check (it cannot
// read root's 0600 files such as /etc/shadow), and bwrap creates an unprivileged user namespace in
// which it runs as 65534. Started by root directly, bwrap would map the sandbox uid to host root:
// file permissions would be root's and RLIMIT_NPROC would not apply (the kernel exempts uid 0).

import { spawn } from 'node:child_process';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';

export const SANDBOX_UID = 65534;
export const SANDBOX_GID = 65534;

/** Top-level host entries replaced by something else in the sandbox. */
const SPECIAL_TOP = new Set(['proc', 'dev', 'tmp', 'root', 'home', 'run', 'sample']);
/** Hidden behind an empty read-only tmpfs. */
export const HIDDEN = ['/root', '/home', '/run'];

export interface BwrapFeatures {
  size: boolean;
  disableUserns: boolean;
}

export async function bwrapHelp(bwrap: string): Promise<{ version: string | null; features: BwrapFeatures }> {
  const help = await capture([bwrap, '--help'], 5000);
  const version = await capture([bwrap, '--version'], 5000);
  return {
    version: version.code === 0 ? version.stdout.trim() : null,
    features: { size: help.stdout.includes('--size'), disableUserns: help.stdout.includes('--disable-userns') },
  };
}

/** The part of the bwrap command line that is the same for every step. */
export function baseArgs(features: BwrapFeatures): string[] {
  const args = ['--unshare-all', '--unshare-user'];
  if (features.disableUserns) args.push('--disable-userns');
  args.push('--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_GID), '--cap-drop', 'ALL', '--die-with-parent', '--new-session');
  let entries: string[] = [];
  try {
    entries = readdirSync('/').sort();
  } catch {
    entries = ['bin', 'etc', 'lib', 'lib32', 'lib64', 'libx32', 'opt', 'sbin', 'usr', 'var'];
  }
  for (const name of entries) {
    if (SPECIAL_TOP.has(name)) continue;
    const host = `/${name}`;
    let st;
    try {
      st = lstatSync(host);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(host), host);
    else if (st.isDirectory() || st.isFile()) args.push('--ro-bind', host, host);
  }
  args.push('--proc', '/proc', '--dev', '/dev');
  return args;
}

/**
 * tmpfs mounts of one step: a private /tmp of `tmpMb` and /dev/shm of a quarter of that (bwrap's
 * /dev itself is then made read-only), and empty read-only /root, /home, /run and sample root.
 */
export function tmpfsArgs(features: BwrapFeatures, tmpMb: number, hidden: string[]): string[] {
  const args: string[] = [];
  if (features.size) args.push('--size', String(Math.ceil(Math.max(16, tmpMb / 4) * 1024 * 1024)));
  args.push('--tmpfs', '/dev/shm', '--remount-ro', '/dev');
  if (features.size) args.push('--size', String(Math.ceil(tmpMb * 1024 * 1024)));
  args.push('--tmpfs', '/tmp');
  for (const dir of hidden) {
    if (features.size) args.push('--size', String(64 * 1024));
    args.push('--tmpfs', dir, '--remount-ro', dir);
  }
  return args;
}

/** Runs a short command and captures its output (probes, version queries). */
export function capture(argv: string[], timeoutMs: number, env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin' }, cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string; error?: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(argv[0]!, argv.slice(1), { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < 65536) stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 65536) stderr += d.toString();
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, error: e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Whether `p` is `dir` or inside it. */
export function isWithin(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
