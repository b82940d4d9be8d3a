import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { describeRoot } from '../src/agent/os-sandbox.js';
import { tempDir } from './helpers/cli.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runEpisode, TaskError } from '../src/agent/episode.js';
import { OsEnvironment } from '../src/agent/os-env.js';
import { OsSandbox } from '../src/agent/os-sandbox.js';
import { PersistentShell } from '../src/agent/os-shell.js';
import type { OsTask } from '../src/agent/os-task.js';
import { parseAction } from '../benchmarks/agentbench-os/action.js';
import { openingTurns } from '../benchmarks/agentbench-os/prompt.js';
import type { Dialogue } from '../src/suite.js';

// The real sandbox: bubblewrap over an overlay of the host's root, the agent's pty shell, scripts via nsenter.

/** Pids (host view) of every process in the sandbox's PID namespace. */
function sandboxPids(initPid: number): number[] {
  const ns = readlinkSync(`/proc/${initPid}/ns/pid`);
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/ns/pid`) === ns) out.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

export function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

describe('persistent shell', () => {
  let sb: OsSandbox;
  beforeAll(async () => {
    sb = await OsSandbox.start();
  });
  afterAll(async () => {
    await sb.close();
  });

  test('cwd and variables persist across turns; multi-line blocks run as one action; root inside', async () => {
    const sh = await PersistentShell.start(sb, { idleMs: 2000, hardMs: 10_000 });
    expect(await sh.run('mkdir -p /root/work && cd /root/work\nexport GREETING=hello; COUNT=3')).toEqual({ text: '', ended: 'prompt' });
    expect(await sh.run('pwd; echo "$GREETING $COUNT"')).toEqual({ text: '/root/work\nhello 3\n', ended: 'prompt' });
    expect((await sh.run('for i in 1 2\ndo\n  echo "n=$i"\ndone\nid -u')).text).toBe('n=1\nn=2\n0\n');
    // a heredoc and quotes inside the action pass through untouched
    expect((await sh.run("cat <<'EOF'\n$HOME \"q\" 'x'\nEOF")).text).toBe('$HOME "q" \'x\'\n');
    // the agent exits its shell: a new one starts at the next action
    expect((await sh.run('exit')).ended).toBe('exited');
    expect(await sh.run('pwd')).toEqual({ text: '/\n', ended: 'prompt' });
    sh.close();
  });

  test('ANSI colours are stripped from what the terminal prints', async () => {
    const sh = await PersistentShell.start(sb, { idleMs: 2000, hardMs: 10_000 });
    const out = await sh.run("printf '\\033[01;31mred\\033[0m plain\\n'; ls --color=always -d /usr");
    expect(out.text).toBe('red plain\n/usr\n');
    sh.close();
  });

  test('idle timeout: a silent command returns after idleMs; hard cap: a chatty one after hardMs', async () => {
    const sh = await PersistentShell.start(sb, { idleMs: 600, hardMs: 2500 });
    let t = Date.now();
    const idle = await sh.run('echo start; sleep 3; echo late');
    expect(idle).toEqual({ text: 'start\n', ended: 'idle' });
    expect(Date.now() - t).toBeGreaterThanOrEqual(550);
    expect(Date.now() - t).toBeLessThan(2000);
    // the late output and the prompt arrive later and belong to the next read
    await new Promise((r) => setTimeout(r, 3000));
    expect(await sh.run('echo next')).toEqual({ text: 'late\nnext\n', ended: 'prompt' });
    t = Date.now();
    const capped = await sh.run('while true; do echo tick; sleep 0.1; done');
    expect(capped.ended).toBe('cap');
    expect(Date.now() - t).toBeGreaterThanOrEqual(2400);
    expect(Date.now() - t).toBeLessThan(4000);
    expect(capped.text).toMatch(/^(tick\n){10,}/);
    // interrupted at the cap: the shell answers the next action at once
    t = Date.now();
    expect((await sh.run('echo after-cap')).text).toMatch(/after-cap\n$/);
    expect(Date.now() - t).toBeLessThan(500);
    // a flood is kept to a bounded head, the prompt still found behind it
    const flood = await sh.run('head -c 5000000 /dev/zero | tr "\\0" x; echo');
    expect(flood.ended).toBe('prompt');
    expect(flood.text.length).toBe(64 * 1024);
    sh.close();
  });
});

describe('environment', () => {
  const task = (over: Partial<OsTask> = {}): OsTask => ({ description: 'd', init: [], evaluation: { kind: 'match', answer: 'x', strip: true }, ...over });
  const scripted = (turns: string[]): Dialogue => {
    let i = 0;
    return { signal: new AbortController().signal, ask: async () => ({ text: turns[i++] ?? 'Act: finish' }) };
  };
  const bash = (code: string) => `Think: t\n\nAct: bash\n\n\`\`\`bash\n${code}\n\`\`\``;

  test('observations are truncated like AgentBench; init runs as its own process, start in the shell; check scripts see the state', async () => {
    const env = new OsEnvironment(
      task({
        init: [{ kind: 'code', language: 'bash', code: 'mkdir -p /data && seq 1 5 > /data/nums' }, { kind: 'code', language: 'python', code: "open('/data/py','w').write('from python')" }],
        start: 'cd /data && export START=yes',
        evaluation: { kind: 'check', scripts: [{ kind: 'code', language: 'bash', code: 'test "$1" = "$(cat /data/answer)" && echo ok' }, { kind: 'code', language: 'python', code: 'import sys; sys.exit(0 if sys.argv[2] == "ok\\n" else 1)' }] },
      }),
      openingTurns('d'),
      parseAction,
      { sandbox: {} },
    );
    const ep = await runEpisode(env, scripted([bash('pwd; echo $START; cat nums py'), bash('seq 1 1000'), bash('true'), bash('echo 42 > /data/answer'), 'Act: answer(42)']), { maxTurns: 8, request: { maxTokens: 10, temperature: 0 } });
    expect(ep.status).toBe('completed');
    expect(ep.turns[8]!.content).toBe('The output of the OS:\n\n/data\nyes\n1\n2\n3\n4\n5\nfrom python');
    const long = ep.turns[10]!.content;
    expect(long.endsWith('\n[truncated because the output is too long]')).toBe(true);
    expect(long.length).toBe('The output of the OS:\n\n'.length + 780 + '\n[truncated because the output is too long]'.length);
    expect(ep.turns[12]!.content).toBe('The output of the OS is empty.');
    expect(ep.evaluation?.score).toBe(1);
  });

  test('a wrong answer fails the check; an output without an action is an invalid action; 8 rounds at most', async () => {
    const check: OsTask['evaluation'] = { kind: 'check', scripts: [null, { kind: 'builtin', name: 'integer-match' }], example: { kind: 'code', language: 'bash', code: 'ls / | wc -l' } };
    const wrong = await runEpisode(new OsEnvironment(task({ evaluation: check }), openingTurns('d'), parseAction, { sandbox: {} }), scripted(['Act: answer(99999)']), { maxTurns: 8, request: { maxTokens: 10, temperature: 0 } });
    expect(wrong.evaluation).toMatchObject({ score: 0, detail: { params: ['99999', expect.stringMatching(/^\d+\n$/)] } });
    const invalid = await runEpisode(new OsEnvironment(task(), openingTurns('d'), parseAction, { sandbox: {} }), scripted(['I am not sure.']), { maxTurns: 8, request: { maxTokens: 10, temperature: 0 } });
    expect(invalid.status).toBe('invalid_action');
    const limit = await runEpisode(new OsEnvironment(task(), openingTurns('d'), parseAction, { sandbox: {} }), scripted(Array(9).fill(bash('echo again'))), { maxTurns: 8, request: { maxTokens: 10, temperature: 0 } });
    expect(limit.status).toBe('turn_limit');
    expect(limit.turns.filter((t) => t.role === 'assistant')).toHaveLength(8 + 3); // 3 in the one-shot example
  });
});

test('an init script that hangs is a task error (the environment failed), not a score; the sandbox is gone', async () => {
  const env = new OsEnvironment({ description: 'd', init: [{ kind: 'code', language: 'bash', code: 'sleep 1000' }], evaluation: { kind: 'match', answer: 'x', strip: true } }, openingTurns('d'), parseAction, { sandbox: {}, scriptTimeoutMs: 500 });
  const before = readdirSync('/tmp').filter((n) => n.startsWith(`evalh-os-${process.pid}-`)).length;
  const asked: number[] = [];
  await expect(runEpisode(env, { signal: new AbortController().signal, ask: async () => (asked.push(1), { text: 'Act: answer(x)' }) }, { maxTurns: 8, request: { maxTokens: 10, temperature: 0 } })).rejects.toThrow(TaskError);
  expect(asked).toEqual([]);
  expect(readdirSync('/tmp').filter((n) => n.startsWith(`evalh-os-${process.pid}-`)).length).toBe(before);
});

describe('isolation', () => {
  test('rm -rf inside changes nothing outside: a host directory and /usr/share/doc', async () => {
    // a host directory the sandbox sees through the read-only lower layer (/tmp itself is private inside)
    const dir = join('/var/tmp', `evalh-os-victim-${process.pid}`);
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub/keep.txt'), 'precious');
    const docs = readdirSync('/usr/share/doc').length;
    expect(docs).toBeGreaterThan(0);
    const sb = await OsSandbox.start();
    try {
      const sh = await PersistentShell.start(sb);
      expect((await sh.run(`cat ${dir}/sub/keep.txt`)).text).toBe('precious');
      // the checkout evalh runs from is not visible when it lies outside the standard directories (/work here, /home/runner, /tmp)
      if (!/^\/(usr|var|opt|srv|etc|mnt|media|boot)\//.test(process.cwd())) expect((await sh.run(`ls ${process.cwd()} 2>&1 | head -1`)).text).toMatch(/No such file or directory/);
      await sh.run(`rm -rf ${dir} /usr/share/doc; echo changed > /etc/evalh-os-marker`);
      expect((await sh.run(`ls ${dir} /usr/share/doc 2>&1 | wc -l; cat /etc/evalh-os-marker`)).text).toBe('2\nchanged\n');
      // a separate process in the sandbox sees the same filesystem
      expect((await sb.exec(['bash', '-c', `test -e ${dir} || echo gone`], { timeoutMs: 5000 })).stdout).toBe('gone\n');
      sh.close();
    } finally {
      await sb.close();
    }
    expect(readFileSync(join(dir, 'sub/keep.txt'), 'utf8')).toBe('precious');
    expect(readdirSync('/usr/share/doc')).toHaveLength(docs);
    expect(existsSync('/etc/evalh-os-marker')).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  test('no network inside: a server on the host loopback is unreachable, only lo exists', async () => {
    const server = createServer((_q, r) => r.end('reachable'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const sb = await OsSandbox.start();
    try {
      const probe = `import urllib.request\ntry:\n  print(urllib.request.urlopen('http://127.0.0.1:${port}/', timeout=3).read().decode())\nexcept Exception as e:\n  print('blocked', type(e).__name__)`;
      expect((await sb.exec(['python3', '-c', probe], { timeoutMs: 10_000 })).stdout).toMatch(/^blocked/);
      const ifaces = (await sb.exec(['bash', '-c', 'ls /sys/class/net 2>/dev/null || cat /proc/net/dev'], { timeoutMs: 5000 })).stdout;
      expect(ifaces).toMatch(/lo/);
      expect(ifaces).not.toMatch(/eth|ens|enp|veth/);
    } finally {
      await sb.close();
      server.close();
    }
  });

  test('close() leaves no process behind (daemons, setsid, nohup) and removes the upper directory', async () => {
    const sb = await OsSandbox.start();
    const sh = await PersistentShell.start(sb);
    await sh.run('sleep 1001 & setsid sleep 1002 & nohup sleep 1003 >/dev/null 2>&1 &');
    await sb.exec(['bash', '-c', '(sleep 1004 &) ; setsid sleep 1005 &'], { timeoutMs: 5000 });
    const pids = sandboxPids(sb.initPid);
    expect(pids.length).toBeGreaterThanOrEqual(7);
    const upper = readdirSync('/tmp').filter((n) => n.startsWith(`evalh-os-${process.pid}-`));
    expect(upper.length).toBeGreaterThan(0);
    sh.close();
    await sb.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(pids.filter(running)).toEqual([]);
    expect(readdirSync('/tmp').filter((n) => n.startsWith(`evalh-os-${process.pid}-`))).toEqual([]);
  });

  test('capabilities: root with Docker-like caps, no mount, no device nodes', async () => {
    const sb = await OsSandbox.start();
    try {
      const r = await sb.exec(['bash', '-c', 'id -u; mount -t tmpfs x /mnt >/dev/null 2>&1 && echo mounted || echo no-mount; mknod /tmp/sda b 8 0 2>/dev/null && echo mknod || echo no-mknod; useradd -m jack && su jack -c "id -un"'], { timeoutMs: 10_000 });
      expect(r.stdout).toBe('0\nno-mount\nno-mknod\njack\n');
    } finally {
      await sb.close();
    }
  });
});

/** A tiny root filesystem: the host's bash, sh, coreutils bits, script and setpriv with their libraries (merged /usr). */
function tinyRootfs(): string {
  const root = tempDir('evalh-rootfs-');
  const bins = ['bash', 'dash', 'cat', 'env', 'stty', 'script', 'setpriv', 'ls'].map((b) => execFileSync('/bin/sh', ['-c', `command -v ${b}`], { encoding: 'utf8' }).trim());
  const libs = new Set<string>();
  for (const b of bins) for (const m of execFileSync('ldd', [b], { encoding: 'utf8' }).matchAll(/(\/\S+\.so[^\s]*)/g)) libs.add(m[1]!);
  for (const f of [...bins, ...libs]) {
    const real = f.replace(/^\/(bin|lib|lib64|sbin)\//, '/usr/$1/');
    mkdirSync(dirname(join(root, real)), { recursive: true });
    copyFileSync(f, join(root, real));
  }
  for (const l of ['bin', 'lib', 'lib64', 'sbin']) if (existsSync(join(root, 'usr', l))) symlinkSync(`usr/${l}`, join(root, l));
  symlinkSync('dash', join(root, 'usr/bin/sh'));
  for (const d of ['root', 'tmp', 'proc', 'dev', 'run', 'etc']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'etc/rootfs-marker'), 'tiny\n');
  return root;
}

test('EVALH_OS_ROOTFS: a prepared rootfs is the lower layer (the host is not visible), said in the settings', async () => {
  const rootfs = tinyRootfs();
  try {
    expect(describeRoot({ rootfs })).toBe(`prepared rootfs ${rootfs} (copy-on-write overlay)`);
    const sb = await OsSandbox.start({ rootfs });
    try {
      const sh = await PersistentShell.start(sb, { idleMs: 2000, hardMs: 10_000 });
      const out = (await sh.run('cat /etc/rootfs-marker; echo changed > /etc/rootfs-marker; cat /etc/rootfs-marker; ls -1 /')).text.split('\n');
      expect(out.slice(0, 2)).toEqual(['tiny', 'changed']);
      // the rootfs's own top level, none of the host's (var, boot, opt, the checkout's directory)
      expect(out.slice(2).filter(Boolean)).toEqual(expect.arrayContaining(['bin', 'dev', 'etc', 'proc', 'root', 'tmp', 'usr']));
      // (a checkout under /tmp shares its top-level name with the rootfs's own /tmp)
      const checkoutTop = process.cwd().split('/')[1]!;
      const hostOnly = ['var', 'boot', 'opt', ...(['bin', 'dev', 'etc', 'proc', 'root', 'tmp', 'usr'].includes(checkoutTop) ? [] : [checkoutTop])];
      for (const name of hostOnly) expect(out).not.toContain(name);
      expect((await sh.run('ls /usr/share/doc')).text).toMatch(/No such file or directory/);
      sh.close();
    } finally {
      await sb.close();
    }
    expect(readFileSync(join(rootfs, 'etc/rootfs-marker'), 'utf8')).toBe('tiny\n');
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
});
