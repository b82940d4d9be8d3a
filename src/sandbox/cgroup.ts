// cgroup support for per-step memory and process limits.
//
// Prefers cgroup v2 (memory.max + memory.swap.max + pids.max, oom counted in memory.events, the
// whole group killed with cgroup.kill); falls back to the cgroup v1 memory and pids controllers
// (memory.limit_in_bytes + memory.memsw.limit_in_bytes, pids.max, oom counted in
// memory.oom_control). Everything lives under one base group per Sandbox, created below the
// cgroup this process is in, so the limits nest inside whatever limits the host already sets.
// When nothing is writable (not root, no delegation) the executor runs without cgroups.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { mkdir, readdir, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

interface Mount {
  root: string;
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

function readMounts(): Mount[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    // id parent major:minor root mountpoint options [optional fields...] - fstype source superoptions
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const l = left.split(' ');
    const r = right.split(' ');
    mounts.push({ root: unescapeMount(l[3] ?? ''), mountPoint: unescapeMount(l[4] ?? ''), fsType: r[0] ?? '', superOptions: (r[2] ?? '').split(',') });
  }
  return mounts;
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** /proc/self/cgroup: hierarchy id → { controllers, path }. */
function readOwnCgroups(): { controllers: string[]; path: string }[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const first = line.indexOf(':');
      const second = line.indexOf(':', first + 1);
      return { controllers: line.slice(first + 1, second).split(',').filter(Boolean), path: line.slice(second + 1) };
    });
}

/** The directory of our own cgroup inside a mount of that hierarchy. */
function ownDir(mount: Mount, ownPath: string): string {
  const rel = mount.root !== '/' && (ownPath === mount.root || ownPath.startsWith(mount.root + '/')) ? ownPath.slice(mount.root.length) : ownPath;
  const candidate = path.join(mount.mountPoint, rel);
  return existsSync(candidate) ? candidate : mount.mountPoint;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function counter(text: string | null, key: string): number {
  if (!text) return 0;
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

export interface StepLimits {
  memoryBytes?: number;
  pids?: number;
}

/** One step's cgroup (one directory per controller hierarchy). */
export class StepCgroup {
  constructor(
    private readonly owner: Cgroups,
    readonly dirs: string[],
  ) {}

  /** Files the launched process's pid is written to. */
  get procsFiles(): string[] {
    return this.dirs.map((d) => path.join(d, 'cgroup.procs'));
  }

  async enter(pid: number): Promise<void> {
    for (const file of this.procsFiles) await writeFile(file, `${pid}\n`);
  }

  pids(): number[] {
    const out = new Set<number>();
    for (const file of this.procsFiles) {
      for (const s of (readText(file) ?? '').split('\n')) if (s) out.add(Number(s));
    }
    return [...out];
  }

  /** Kills every process in the group (cgroup.kill on v2, else one by one until empty). */
  async killAll(): Promise<void> {
    if (this.owner.version === 2) {
      const killFile = path.join(this.dirs[0]!, 'cgroup.kill');
      if (existsSync(killFile)) {
        try {
          await writeFile(killFile, '1\n');
        } catch {
          // fall through to the loop
        }
      }
    }
    for (let round = 0; round < 100; round++) {
      const pids = this.pids();
      if (pids.length === 0) return;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await sleep(round < 10 ? 5 : 20);
    }
  }

  /** Whether the kernel's OOM killer fired in this group. */
  oomKilled(): boolean {
    if (this.owner.version === 2) return counter(readText(path.join(this.dirs[0]!, 'memory.events')), 'oom_kill') > 0;
    const memDir = this.owner.memoryDir(this.dirs);
    if (!memDir) return false;
    return counter(readText(path.join(memDir, 'memory.oom_control')), 'oom_kill') > 0;
  }

  memoryPeakBytes(): number | undefined {
    const memDir = this.owner.memoryDir(this.dirs);
    if (!memDir) return undefined;
    const file = this.owner.version === 2 ? 'memory.peak' : 'memory.max_usage_in_bytes';
    const text = readText(path.join(memDir, file));
    return text && /^\d+/.test(text) ? Number(text.trim()) : undefined;
  }

  async remove(): Promise<void> {
    await this.killAll();
    for (const dir of [...this.dirs].reverse()) {
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          await rmdir(dir);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') break;
          // EBUSY while the last processes are being reaped
          await sleep(10);
        }
      }
    }
  }
}

export class Cgroups {
  private counter = 0;

  private constructor(
    readonly version: 1 | 2,
    /** Base directories (one per hierarchy) owned by this instance. */
    private readonly bases: { controller: 'memory' | 'pids' | 'both'; dir: string }[],
    readonly memory: boolean,
    readonly pids: boolean,
    readonly notes: string[],
  ) {}

  memoryDir(dirs: string[]): string | undefined {
    const i = this.bases.findIndex((b) => b.controller === 'memory' || b.controller === 'both');
    return i >= 0 ? dirs[i] : undefined;
  }

  /**
   * Creates the base group(s) below our own cgroup. Returns null (with the reasons in `notes`) when
   * neither a memory nor a pids controller can be used.
   */
  static async open(notes: string[]): Promise<Cgroups | null> {
    const mounts = readMounts();
    const own = readOwnCgroups();
    const tag = `evalh-${process.pid}-${randomBytes(3).toString('hex')}`;

    // cgroup v2. The base group needs the controllers enabled in its parent's subtree_control,
    // and a cgroup holding processes cannot enable them for children ("no internal processes"):
    // so first below our own group (works when it is delegated to us with the controllers on),
    // then as a sibling of it, below our parent (which has them on, since we have them).
    const v2 = mounts.find((m) => m.fsType === 'cgroup2');
    const ownV2 = own.find((c) => c.controllers.length === 0 && c.path.startsWith('/'));
    if (v2 && ownV2) {
      const dir = ownDir(v2, ownV2.path);
      const available = (readText(path.join(dir, 'cgroup.controllers')) ?? '').split(/\s+/);
      const wanted = ['memory', 'pids'].filter((c) => available.includes(c));
      if (wanted.length > 0) {
        const parents = [dir];
        if (path.resolve(dir) !== path.resolve(v2.mountPoint)) parents.push(path.dirname(path.resolve(dir)));
        for (const parent of parents) {
          try {
            const enabled = (readText(path.join(parent, 'cgroup.subtree_control')) ?? '').split(/\s+/);
            const missing = wanted.filter((c) => !enabled.includes(c));
            if (missing.length > 0) await writeFile(path.join(parent, 'cgroup.subtree_control'), missing.map((c) => `+${c}`).join(' '));
            await sweepStale(parent);
            const base = path.join(parent, tag);
            await mkdir(base);
            try {
              await writeFile(path.join(base, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
              const cg = new Cgroups(2, [{ controller: 'both', dir: base }], wanted.includes('memory'), wanted.includes('pids'), notes);
              await cg.selfTest();
              notes.push(`cgroup v2 at ${base}: ${wanted.join(' + ')} limits per step`);
              return cg;
            } catch (err) {
              await rmdir(base).catch(() => {});
              throw err;
            }
          } catch (err) {
            notes.push(`cgroup v2 below ${parent} not usable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message.split('\n')[0]})`);
          }
        }
      } else if (existsSync(path.join(dir, 'cgroup.controllers'))) {
        notes.push(`cgroup v2 at ${path.resolve(dir)} offers no memory/pids controller`);
      }
    }

    // cgroup v1
    const bases: { controller: 'memory' | 'pids'; dir: string }[] = [];
    for (const controller of ['memory', 'pids'] as const) {
      const mount = mounts.find((m) => m.fsType === 'cgroup' && m.superOptions.includes(controller));
      const ownV1 = own.find((c) => c.controllers.includes(controller));
      if (!mount || !ownV1) continue;
      const base = path.join(ownDir(mount, ownV1.path), tag);
      try {
        await sweepStale(path.dirname(base));
        await mkdir(base);
        bases.push({ controller, dir: base });
      } catch (err) {
        notes.push(`cgroup v1 ${controller} at ${path.dirname(base)} not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    }
    if (bases.length > 0) {
      const cg = new Cgroups(1, bases, bases.some((b) => b.controller === 'memory'), bases.some((b) => b.controller === 'pids'), notes);
      try {
        await cg.selfTest();
        notes.push(`cgroup v1: ${bases.map((b) => `${b.controller} at ${b.dir}`).join(', ')} (limits per step)`);
        return cg;
      } catch (err) {
        notes.push(`cgroup v1 not usable (${(err as Error).message.split('\n')[0]})`);
        await cg.close();
      }
    }
    if (!notes.some((n) => n.startsWith('cgroup'))) notes.push('no writable cgroup hierarchy found');
    return null;
  }

  /** Makes a limited group and moves a process into it, so a broken set-up is found at start-up rather than mid-run. */
  private async selfTest(): Promise<void> {
    const g = await this.create({ memoryBytes: this.memory ? 64 * 1024 * 1024 : undefined, pids: this.pids ? 16 : undefined });
    const child = spawn('/bin/sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
      await g.enter(child.pid!);
      if (!g.pids().includes(child.pid!)) throw new Error('a process moved into the group is not listed in it');
    } finally {
      child.kill('SIGKILL');
      await g.remove();
    }
  }

  async create(limits: StepLimits): Promise<StepCgroup> {
    const name = `s${++this.counter}`;
    const dirs: string[] = [];
    try {
      for (const base of this.bases) {
        const dir = path.join(base.dir, name);
        await mkdir(dir);
        dirs.push(dir);
        const hasMemory = base.controller !== 'pids';
        const hasPids = base.controller !== 'memory';
        if (this.version === 2) {
          if (hasMemory && this.memory && limits.memoryBytes !== undefined) {
            await writeFile(path.join(dir, 'memory.max'), `${limits.memoryBytes}\n`);
            if (existsSync(path.join(dir, 'memory.swap.max'))) await writeFile(path.join(dir, 'memory.swap.max'), '0\n');
            if (existsSync(path.join(dir, 'memory.oom.group'))) await writeFile(path.join(dir, 'memory.oom.group'), '1\n');
          }
          if (hasPids && this.pids && limits.pids !== undefined) await writeFile(path.join(dir, 'pids.max'), `${limits.pids}\n`);
        } else {
          if (base.controller === 'memory' && limits.memoryBytes !== undefined) {
            await writeFile(path.join(dir, 'memory.limit_in_bytes'), `${limits.memoryBytes}\n`);
            // RAM + swap, where swap accounting is on
            if (existsSync(path.join(dir, 'memory.memsw.limit_in_bytes'))) await writeFile(path.join(dir, 'memory.memsw.limit_in_bytes'), `${limits.memoryBytes}\n`);
          }
          if (base.controller === 'pids' && limits.pids !== undefined) await writeFile(path.join(dir, 'pids.max'), `${limits.pids}\n`);
        }
      }
    } catch (err) {
      await new StepCgroup(this, dirs).remove();
      throw err;
    }
    return new StepCgroup(this, dirs);
  }

  async close(): Promise<void> {
    for (const base of this.bases) {
      // step groups left behind by a crash in the middle of a step
      for (const entry of (await readdirSafe(base.dir)).filter((e) => /^s\d+$/.test(e))) {
        await new StepCgroup(this, [path.join(base.dir, entry)]).remove();
      }
      await rmdir(base.dir).catch(() => {});
    }
  }

  /** Best-effort synchronous cleanup for process exit. */
  closeSync(): void {
    for (const base of this.bases) {
      try {
        rmdirSync(base.dir);
      } catch {
        // busy or gone
      }
    }
  }
}

/** Whether a process with this pid exists (in our pid namespace). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes empty base groups left by evalh processes that died without closing (rmdir fails on a group in use). */
async function sweepStale(parent: string): Promise<void> {
  for (const entry of await readdirSafe(parent)) {
    const m = /^evalh-(\d+)-[0-9a-f]{6}$/.exec(entry);
    if (!m || pidAlive(Number(m[1]))) continue;
    const base = path.join(parent, entry);
    for (const sub of await readdirSafe(base)) if (/^s\d+$/.test(sub)) await rmdir(path.join(base, sub)).catch(() => {});
    await rmdir(base).catch(() => {});
  }
}

async function readdirSafe(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
