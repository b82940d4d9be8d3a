// The sandboxed executor against real bubblewrap: toolchains compile and run inside it, and the
// hostile samples of spec/code.md are contained. Skipped (with a message) only when bwrap is absent.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { EvalhError } from '../src/errors.js';
import { Sandbox, SandboxError, SandboxUnavailableError, describeSandbox, type ExecSpec } from '../src/sandbox/index.js';
import { which } from '../src/sandbox/which.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const fixtures = path.join(here, 'fixtures', 'sandbox');
const fixture = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');
const bwrap = which('bwrap');
const isRoot = process.geteuid?.() === 0;
const rand = (): string => randomBytes(4).toString('hex');
/** A sleep duration unique enough to find its processes in /proc by command line. */
const uniqueSeconds = (whole: number): string => `${whole}.${Math.floor(Math.random() * 9000) + 1000}`;

if (!bwrap) console.warn('\n*** SKIPPED test/sandbox.test.ts bubblewrap suites: bwrap is not installed (Debian: apt-get install bubblewrap) ***\n');

/** pids of live (non-zombie) processes whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes(marker)) continue;
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (state !== 'Z') found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** Waits (up to 3 s: the kill is asynchronous) for every process carrying `marker` to be gone. */
async function expectNoLeftovers(marker: string): Promise<void> {
  for (let i = 0; i < 60 && processesWith(marker).length > 0; i++) await sleep(50);
  expect(processesWith(marker)).toEqual([]);
}

describe('Sandbox.create without bubblewrap', () => {
  it('refuses with a clear exit-2 error when bwrap is missing and unsafe is not set', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'evalh-nobwrap-'));
    try {
      for (const opts of [{ searchPath: empty }, { bwrap: path.join(empty, 'bwrap') }]) {
        const err = await Sandbox.create(opts).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(SandboxUnavailableError);
        expect(err).toBeInstanceOf(EvalhError);
        expect((err as EvalhError).exitCode).toBe(2);
        expect((err as Error).message).toMatch(/bubblewrap/);
        expect((err as Error).message).toMatch(/apt-get install bubblewrap/);
        expect((err as Error).message).toMatch(/--unsafe-no-sandbox/);
      }
      const d = await describeSandbox({ searchPath: empty });
      expect(d.bwrap).toBeNull();
      expect(d.notes.join(' ')).toMatch(/bubblewrap/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('runs without a sandbox only when unsafe is set', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'evalh-nobwrap-'));
    const sb = await Sandbox.create({ unsafe: true, searchPath: empty, workers: 1 });
    try {
      expect(sb.kind).toBe('unsafe');
      expect(sb.notes.join(' ')).toMatch(/UNSAFE/);
      const bg = uniqueSeconds(30);
      const hung = uniqueSeconds(30);
      const res = await sb.run({
        files: { 'in.txt': 'data\n' },
        steps: [{ argv: ['sh', '-c', 'cat in.txt; echo "$HOME" | grep -q evalh-sandbox && echo home-ok'] }, { argv: ['sh', '-c', `sleep ${bg} & exit 0`] }],
      });
      expect(res.steps[0]).toMatchObject({ exitCode: 0, stdout: 'data\nhome-ok\n' });
      expect(res.steps[1]!.exitCode).toBe(0);
      await expectNoLeftovers(bg); // the process group is killed once the step exits
      const timed = await sb.run({ files: {}, steps: [{ argv: ['sh', '-c', `sleep ${hung}; echo never`], limits: { wallMs: 500 } }] });
      expect(timed.steps[0]).toMatchObject({ timedOut: true, killedReason: 'wall' });
      await expectNoLeftovers(hung);
    } finally {
      await sb.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!bwrap)('Sandbox (bubblewrap)', () => {
  let sb: Sandbox;

  beforeAll(async () => {
    sb = await Sandbox.create({ workers: 2 });
  });
  afterAll(async () => {
    const root = sb?.root;
    await sb?.close();
    if (root) expect(existsSync(root)).toBe(false);
  });

  it('describes itself for evalh doctor', async () => {
    expect(sb.kind).toBe('bubblewrap');
    const d = await describeSandbox();
    expect(d.bwrap).toBe(bwrap);
    expect(typeof d.cgroups).toBe('boolean');
    expect(d.notes.join('\n')).toMatch(/bubblewrap/);
  });

  describe('toolchains', () => {
    it('Python reads stdin and prints', async () => {
      const res = await sb.run({ files: { 'hello.py': fixture('hello.py') }, steps: [{ argv: ['python3', 'hello.py'], stdin: 'sandbox\n' }] });
      expect(res.steps[0]).toMatchObject({ exitCode: 0, signal: null, timedOut: false, stdout: 'hello, sandbox from python\n', stderr: '' });
      expect(res.ok).toBe(true);
    });

    it('C++ compiles (with boost) and runs', async () => {
      const res = await sb.run({
        files: { 'main.cpp': fixture('hello.cpp') },
        steps: [{ argv: ['g++', '-std=c++11', '-o', 'main', 'main.cpp'], limits: { wallMs: 60_000 } }, { argv: ['./main'] }],
      });
      expect(res.steps.map((s) => s.exitCode)).toEqual([0, 0]);
      expect(res.steps[1]!.stdout).toBe('hello from c++ 2\n');
    });

    it('Java compiles and runs', async () => {
      const jvm = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
      const res = await sb.run({
        files: { 'Main.java': fixture('Main.java') },
        steps: [
          { argv: ['javac', ...jvm.map((o) => `-J${o}`), 'Main.java'], limits: { wallMs: 60_000 } },
          { argv: ['java', ...jvm, 'Main'], limits: { wallMs: 30_000 } },
        ],
      });
      expect(res.steps.map((s) => s.exitCode), JSON.stringify(res.steps.map((s) => s.stderr))).toEqual([0, 0]);
      expect(res.steps[1]!.stdout).toBe('hello from java\n');
    });

    it('Go runs, and go test with testify uses a persistent build cache bound read-write', async () => {
      const cache = await sb.persistentDir('go-build-test');
      const env = { GOCACHE: '/gocache', GOPATH: '/usr/share/gocode', GO111MODULE: 'off', GOFLAGS: '-buildvcs=false' };
      const spec: ExecSpec = {
        files: { 'main.go': fixture('hello.go'), 'main_test.go': fixture('hello_test.go') },
        binds: [{ src: cache, dest: '/gocache', rw: true }],
        env,
        limits: { wallMs: 90_000 },
        steps: [{ argv: ['go', 'run', 'main.go'] }, { argv: ['go', 'test', '-count=1', './...'] }],
      };
      const res = await sb.run(spec);
      expect(res.steps.map((s) => s.exitCode), JSON.stringify(res.steps.map((s) => s.stderr))).toEqual([0, 0]);
      expect(res.steps[0]!.stdout).toBe('hello from go\n');
      expect(res.steps[1]!.stdout).toMatch(/^ok/m);
      expect(readdirSync(cache).length).toBeGreaterThan(0); // the cache persisted on the host
      rmSync(cache, { recursive: true, force: true });
    });

    it('Node runs with clean stdout and stderr', async () => {
      const res = await sb.run({ files: { 'main.js': fixture('hello.js') }, steps: [{ argv: ['node', 'main.js'] }] });
      expect(res.steps[0]).toMatchObject({ exitCode: 0, stdout: 'hello from node\n', stderr: '' });
    });
  });

  describe('step semantics', () => {
    it('runs steps in one directory, stops after a failure, still runs `always` steps, passes env and a clean environment', async () => {
      process.env.EVALH_SANDBOX_TEST_SECRET = 'must-not-leak';
      try {
        const res = await sb.run({
          files: { 'sub/dir/a.txt': 'A', 'b.bin': Buffer.from([0x62, 0x0a]) },
          env: { FOO: 'spec', BAR: 'spec' },
          steps: [
            { argv: ['sh', '-c', 'cat sub/dir/a.txt b.bin; echo made > made.txt; echo "$PWD $HOME $LANG $PATH $FOO $BAR"; env | grep -c SECRET || true'], env: { BAR: 'step' } },
            { argv: ['sh', '-c', 'cat made.txt; exit 7'] },
            { argv: ['echo', 'skipped'] },
            { argv: ['sh', '-c', 'echo cleanup; ls'], always: true },
          ],
        });
        expect(res.steps.map((s) => s.exitCode)).toEqual([0, 7, 0]);
        expect(res.steps[0]!.stdout).toBe('Ab\n/sample /sample C.UTF-8 /usr/local/bin:/usr/bin:/bin spec step\n0\n');
        expect(res.steps[1]!.stdout).toBe('made\n');
        expect(res.steps[2]!.argv).toEqual(['sh', '-c', 'echo cleanup; ls']);
        expect(res.steps[2]!.stdout).toBe('cleanup\nb.bin\nmade.txt\nsub\n');
        expect(res.ok).toBe(false);
      } finally {
        delete process.env.EVALH_SANDBOX_TEST_SECRET;
      }
    });

    it('gives each run a fresh directory and deletes it afterwards', async () => {
      const res = await sb.run({ files: {}, steps: [{ argv: ['sh', '-c', 'ls -A; echo x > left.txt'] }] });
      expect(res.steps[0]!.stdout).toBe('');
      expect(readdirSync(sb.root)).toEqual([]);
      const again = await sb.run({ files: {}, steps: [{ argv: ['ls', '-A'] }] });
      expect(again.steps[0]!.stdout).toBe('');
    });

    it('rejects file paths that leave the sample directory', async () => {
      for (const bad of ['../x', '/etc/passwd', 'a/../../x', '']) {
        await expect(sb.run({ files: { [bad]: 'x' }, steps: [{ argv: ['true'] }] })).rejects.toBeInstanceOf(SandboxError);
      }
    });

    it('reports a failing program as a result, but a broken sandbox set-up as an error', async () => {
      const missing = await sb.run({ files: {}, steps: [{ argv: ['no-such-program-xyz'] }] });
      expect(missing.steps[0]!.exitCode).toBe(127);
      await expect(sb.run({ files: {}, workdir: '/usr/no/such/dir', steps: [{ argv: ['true'] }] })).rejects.toThrow(/could not set up the sandbox/);
    });

    it('binds read-only by default; a bind the sandbox user cannot reach is a clear error', async () => {
      const res = await sb.run({
        files: {},
        binds: [{ src: fixtures, dest: '/fixtures' }],
        steps: [{ argv: ['sh', '-c', 'cat /fixtures/canary.txt; echo x >> /fixtures/canary.txt'] }],
      });
      expect(res.steps[0]!.stdout).toBe(fixture('canary.txt'));
      expect(res.steps[0]!.stderr).toMatch(/Read-only file system|Permission denied/);
      // a directory the sandbox user owns is still read-only unless bound rw
      const owned = await sb.persistentDir('ro-bind-test');
      const ro = await sb.run({ files: {}, binds: [{ src: owned, dest: '/owned' }], steps: [{ argv: ['sh', '-c', 'touch /owned/x'] }] });
      expect(ro.steps[0]!.stderr).toMatch(/Read-only file system/);
      expect(existsSync(path.join(owned, 'x'))).toBe(false);
      rmSync(owned, { recursive: true, force: true });
      if (isRoot) {
        const hidden = mkdtempSync(path.join(os.homedir(), '.evalh-bind-'));
        try {
          await expect(sb.run({ files: {}, binds: [{ src: hidden, dest: '/x' }], steps: [{ argv: ['true'] }] })).rejects.toThrow(/not readable by the sandbox user/);
        } finally {
          rmSync(hidden, { recursive: true, force: true });
        }
      }
    });

    it('a custom root outside /tmp: other samples stay invisible, and close() removes what it made', async () => {
      const root = path.join('/var/tmp', `evalh-sbx-root-${rand()}`);
      const custom = await Sandbox.create({ workers: 2, root });
      try {
        const [a, b] = await Promise.all([
          custom.run({ files: { 'mine.txt': 'a' }, steps: [{ argv: ['sh', '-c', 'sleep 0.5; cat mine.txt'] }] }),
          custom.run({ files: {}, steps: [{ argv: ['sh', '-c', `sleep 0.2; ls -A ${root} | wc -l; cat ${root}/*/mine.txt`] }] }),
        ]);
        expect(a.steps[0]!.stdout).toBe('a');
        expect(b.steps[0]!.stdout).toBe('0\n');
      } finally {
        await custom.close();
      }
      expect(existsSync(root)).toBe(false);
      if (isRoot) {
        const unreachable = path.join(os.homedir(), `.evalh-root-${rand()}`);
        await expect(Sandbox.create({ root: unreachable })).rejects.toThrow(/not reachable by the sandbox user/);
        expect(existsSync(unreachable)).toBe(false);
      }
    });

    it('runs up to `workers` samples in parallel', async () => {
      const sb2 = await Sandbox.create({ workers: 2 });
      try {
        const started = performance.now();
        const runs = await Promise.all(Array.from({ length: 5 }, () => sb2.run({ files: {}, steps: [{ argv: ['sleep', '0.6'] }] })));
        const elapsed = performance.now() - started;
        expect(runs.every((r) => r.steps[0]!.exitCode === 0)).toBe(true);
        expect(sb2.stats().peakRunning).toBe(2);
        expect(elapsed).toBeGreaterThan(1500); // 3 waves of 0.6 s: not all at once
      } finally {
        await sb2.close();
      }
    });

    it('close() kills running steps and rejects queued runs', async () => {
      const sb3 = await Sandbox.create({ workers: 1 });
      const marker = uniqueSeconds(29);
      const running = sb3.run({ files: {}, steps: [{ argv: ['sleep', marker], limits: { wallMs: 60_000 } }] }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      const queued = sb3.run({ files: {}, steps: [{ argv: ['true'] }] }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      while (sb3.stats().running === 0 || processesWith(marker).length === 0) await sleep(20);
      const t0 = performance.now();
      await sb3.close();
      expect(performance.now() - t0).toBeLessThan(5000);
      expect((await queued)?.message).toMatch(/closed/);
      expect((await running)?.message).toMatch(/closed while this sample ran/);
      await expectNoLeftovers(marker);
      await expect(sb3.run({ files: {}, steps: [{ argv: ['true'] }] })).rejects.toThrow(/closed/);
    });
  });

  describe('hostile samples', () => {
    it('fork bomb (shell) is contained and leaves nothing behind', async () => {
      const script = `bomb-${rand()}.sh`;
      const res = await sb.run({ files: { [script]: ':(){ :|:& };:\nsleep 10\n' }, steps: [{ argv: ['bash', script], limits: { wallMs: 3000 } }] });
      expect(res.steps[0]!.timedOut).toBe(true);
      expect(res.steps[0]!.wallMs).toBeLessThan(15_000);
      await expectNoLeftovers(script);
    });

    it('fork loop (Python os.fork) is contained and leaves nothing behind', async () => {
      const script = `forker_${rand()}.py`;
      const code = 'import os, time\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        time.sleep(0.01)\n';
      const res = await sb.run({ files: { [script]: code }, steps: [{ argv: ['python3', script], limits: { wallMs: 3000 } }] });
      expect(res.steps[0]!.timedOut).toBe(true);
      await expectNoLeftovers(script);
    });

    it('the process limit holds per sample', async () => {
      const code = [
        'import os, sys, time',
        'ok = 0',
        'for i in range(100):',
        '    try:',
        '        if os.fork() == 0:',
        '            time.sleep(3); os._exit(0)',
        '        ok += 1',
        '    except OSError:',
        '        break',
        'print(ok)',
        'sys.stdout.flush()',
        'os._exit(0)',
      ].join('\n');
      const res = await sb.run({ files: { 'f.py': code }, steps: [{ argv: ['python3', 'f.py'], limits: { processes: 30, wallMs: 10_000 } }] });
      const forked = Number(res.steps[0]!.stdout.trim());
      expect(forked).toBeGreaterThan(5);
      expect(forked).toBeLessThan(30);
    });

    it('infinite loop: stopped by the CPU limit', async () => {
      const res = await sb.run({ files: { 'loop.py': 'while True:\n    pass\n' }, steps: [{ argv: ['python3', 'loop.py'], limits: { cpuSeconds: 1, wallMs: 20_000 } }] });
      expect(res.steps[0]).toMatchObject({ exitCode: null, signal: 'SIGXCPU', killedReason: 'cpu', timedOut: false });
    });

    it('infinite loop: stopped by the wall limit within bounds', async () => {
      const marker = `spin_${rand()}.py`;
      const t0 = performance.now();
      const res = await sb.run({ files: { [marker]: 'while True:\n    pass\n' }, steps: [{ argv: ['python3', marker], limits: { wallMs: 1000 } }] });
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(res.steps[0]).toMatchObject({ timedOut: true, killedReason: 'wall', exitCode: null });
      await expectNoLeftovers(marker);
    });

    it('1 GB of output: capped, flagged truncated, killed, and memory stays low', async () => {
      const rssBefore = process.memoryUsage().rss;
      const res = await sb.run({
        files: {},
        steps: [
          { argv: ['head', '-c', '1073741824', '/dev/zero'], limits: { wallMs: 60_000 } },
          { argv: ['sh', '-c', 'head -c 1073741824 /dev/zero >&2'], limits: { wallMs: 60_000, outputBytes: 1000 }, always: true },
        ],
      });
      const [out, err] = res.steps;
      expect(out).toMatchObject({ stdoutTruncated: true, killedReason: 'output', signal: 'SIGKILL', timedOut: false });
      expect(out!.stdout.length).toBe(1024 * 1024);
      expect(out!.stdoutBytes!).toBeLessThan(64 * 1024 * 1024);
      expect(err).toMatchObject({ stderrTruncated: true, killedReason: 'output', stdout: '' });
      expect(err!.stderr.length).toBe(1000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    });

    it('1 GB written to a file: stopped by the file-size limit', async () => {
      const res = await sb.run({
        files: {},
        steps: [{ argv: ['sh', '-c', 'head -c 1073741824 /dev/zero > big'], limits: { fileSizeMb: 8 } }, { argv: ['stat', '-c', '%s', 'big'], always: true }],
      });
      expect(res.steps[0]).toMatchObject({ exitCode: null, signal: 'SIGXFSZ' });
      expect(Number(res.steps[1]!.stdout.trim())).toBe(8 * 1024 * 1024);
    });

    it('memory bomb: limited (cgroup: killed and reported; otherwise RLIMIT_AS when asked)', async () => {
      const res = await sb.run({
        files: { 'm.py': 'x = bytearray(600 * 1024 * 1024)\nfor i in range(0, len(x), 4096):\n    x[i] = 1\nprint("allocated")\n' },
        steps: [{ argv: ['python3', 'm.py'], limits: { memoryMb: 100, wallMs: 30_000 } }],
      });
      expect(res.steps[0]!.exitCode).not.toBe(0);
      expect(res.steps[0]!.stdout).toBe('');
      if (sb.memoryCgroup) expect(res.steps[0]!.killedReason).toBe('memory');
    });

    it('writing outside the sample directory fails and host files stay unchanged', async () => {
      const canary = path.join(os.tmpdir(), `evalh-canary-${rand()}`);
      writeFileSync(canary, 'original\n');
      const repoNew = path.join(repo, `evalh-canary-${rand()}`);
      const fixtureCanary = path.join(fixtures, 'canary.txt');
      const fixtureBefore = readFileSync(fixtureCanary, 'utf8');
      try {
        const script = [
          `echo pwned > ${canary}; echo "tmp:$?"`,
          `echo pwned > ${repoNew}; echo "repo:$?"`,
          `echo pwned >> ${fixtureCanary}; echo "fixture:$?"`,
          // Plain rm: read-only (or, for a checkout under /tmp, not even visible) either way fails.
          `rm ${path.join(repo, 'package.json')}; echo "rm:$?"`,
          `echo pwned > /etc/evalh-canary; echo "etc:$?"`,
          `mkdir /evalh-canary; echo "root:$?"`,
          `echo 1 > /proc/sys/kernel/sysrq; echo "proc:$?"`,
          `ls -A ${sb.root} | wc -l`,
        ].join('\n');
        const res = await sb.run({ files: { 'w.sh': script }, steps: [{ argv: ['sh', 'w.sh'] }] });
        const out = res.steps[0]!.stdout;
        expect(out).toContain('tmp:0'); // the sandbox's own private /tmp …
        expect(readFileSync(canary, 'utf8')).toBe('original\n'); // … not the host's
        for (const k of ['repo', 'fixture', 'rm', 'etc', 'root', 'proc']) expect(out).toMatch(new RegExp(`^${k}:[1-9]`, 'm'));
        expect(existsSync(repoNew)).toBe(false);
        expect(existsSync(path.join(repo, 'package.json'))).toBe(true);
        expect(readFileSync(fixtureCanary, 'utf8')).toBe(fixtureBefore);
        expect(existsSync('/etc/evalh-canary')).toBe(false);
        expect(out.trim().split('\n').pop()).toBe('0'); // other samples' directories are not visible
      } finally {
        rmSync(canary, { force: true });
        rmSync(repoNew, { force: true });
      }
    });

    it("reading the user's home fails", async () => {
      const secretName = `evalh-secret-${rand()}`;
      const secretPath = path.join(os.homedir(), secretName);
      writeFileSync(secretPath, 'top secret\n', { mode: 0o644 });
      try {
        const res = await sb.run({
          files: {},
          steps: [{ argv: ['sh', '-c', `cat ${secretPath}; ls -A /root /home; cat /etc/shadow 2>&1 | head -c 40; echo done`] }],
        });
        const { stdout, stderr } = res.steps[0]!;
        expect(stdout + stderr).not.toContain('top secret');
        expect(stderr).toMatch(/No such file/);
        expect(stdout).toBe('/home:\n\n/root:\ncat: /etc/shadow: Permission denied\ndone\n');
      } finally {
        rmSync(secretPath, { force: true });
      }
    });

    it("opening a network connection fails (the sandbox has its own loopback)", async () => {
      let connections = 0;
      const server: Server = createServer((s) => {
        connections++;
        s.destroy();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      try {
        const code = [
          'import socket',
          `for host, port in [("127.0.0.1", ${port}), ("1.1.1.1", 53), ("8.8.8.8", 443)]:`,
          '    try:',
          '        socket.create_connection((host, port), timeout=2).close()',
          '        print(host, "connected")',
          '    except OSError as e:',
          '        print(host, "failed", type(e).__name__)',
        ].join('\n');
        const res = await sb.run({ files: { 'net.py': code }, steps: [{ argv: ['python3', 'net.py'] }] });
        const out = res.steps[0]!.stdout;
        expect(out).not.toContain('connected');
        expect(out).toContain('127.0.0.1 failed ConnectionRefusedError');
        expect(out.match(/failed/g)).toHaveLength(3);
        await sleep(100);
        expect(connections).toBe(0);
      } finally {
        server.close();
      }
    });

    it('kill -9 -1 kills only the sample\'s own processes', async () => {
      const marker = uniqueSeconds(28);
      // a host process of the very uid the sandbox runs as: only a pid namespace protects it
      let hostVictim: ChildProcess | undefined;
      if (isRoot) hostVictim = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sleep', marker], { stdio: 'ignore' });
      try {
        const sibling = sb.run({ files: {}, steps: [{ argv: ['sh', '-c', 'sleep 1.5; echo sibling survived'] }] });
        await sleep(300);
        const killer = await sb.run({ files: {}, steps: [{ argv: ['sh', '-c', 'sleep 20 & kill -9 -1; echo after'] }] });
        expect(killer.steps[0]!.stdout).toBe('after\n');
        expect((await sibling).steps[0]).toMatchObject({ exitCode: 0, stdout: 'sibling survived\n' });
        if (hostVictim) {
          expect(hostVictim.exitCode).toBeNull();
          expect(processesWith(marker)).toHaveLength(1);
        }
      } finally {
        hostVictim?.kill('SIGKILL');
      }
    });

    it('a sleep that outlives the timeout is killed, with forked and setsid children', async () => {
      const marker = uniqueSeconds(31);
      const t0 = performance.now();
      const res = await sb.run({
        files: { 'd.py': `import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        os.execvp("sleep", ["sleep", "${marker}"])\n    os._exit(0)\ntime.sleep(${marker})\n` },
        steps: [{ argv: ['sh', '-c', `sleep ${marker} & setsid sleep ${marker} & nohup sleep ${marker} >/dev/null 2>&1 & python3 d.py; sleep ${marker}`], limits: { wallMs: 1000 } }],
      });
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(res.steps[0]).toMatchObject({ timedOut: true, killedReason: 'wall', exitCode: null, signal: 'SIGKILL' });
      expect(res.steps[0]!.wallMs).toBeGreaterThanOrEqual(900);
      await expectNoLeftovers(marker);
    });

    it('background processes die when the program exits', async () => {
      const marker = uniqueSeconds(32);
      const res = await sb.run({ files: {}, steps: [{ argv: ['sh', '-c', `setsid sleep ${marker} & nohup sleep ${marker} >/dev/null 2>&1 & echo bye`], limits: { wallMs: 20_000 } }] });
      expect(res.steps[0]).toMatchObject({ exitCode: 0, stdout: 'bye\n', timedOut: false });
      expect(res.steps[0]!.wallMs).toBeLessThan(5000);
      await expectNoLeftovers(marker);
    });

    it('a program that closes stdout (and stderr) is still waited for and reported', async () => {
      const res = await sb.run({
        files: { 'c.py': 'import os, time\nos.close(1)\nos.close(2)\ntime.sleep(0.5)\nraise SystemExit(4)\n' },
        steps: [
          { argv: ['sh', '-c', 'exec 1>&-; echo to-stderr >&2; echo lost; exit 0'] },
          { argv: ['python3', 'c.py'], always: true },
        ],
      });
      expect(res.steps[0]).toMatchObject({ exitCode: 0, stdout: '', timedOut: false });
      expect(res.steps[0]!.stderr).toContain('to-stderr');
      expect(res.steps[1]).toMatchObject({ exitCode: 4, stdout: '', stderr: '', timedOut: false });
      expect(res.steps[1]!.wallMs).toBeGreaterThanOrEqual(400);
    });

    it('the harness still works after all of the above', async () => {
      const res = await sb.run({ files: { 'hello.py': fixture('hello.py') }, steps: [{ argv: ['python3', 'hello.py'] }] });
      expect(res.steps[0]).toMatchObject({ exitCode: 0, stdout: 'hello, world from python\n' });
    });
  });
});
