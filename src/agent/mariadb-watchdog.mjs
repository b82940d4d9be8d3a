// The MariaDB server's keeper. evalh starts this small process (in its own process group,
// so a terminal's Ctrl-C does not reach it) with a pipe on its stdin; the keeper starts
// mariadbd as its own child and stops it, then deletes the temporary data directory, as
// soon as that pipe closes. The kernel closes the pipe however evalh ends — a normal exit,
// an uncaught error, SIGTERM or kill -9 — so no server outlives evalh. (Node has no
// prctl(PR_SET_PDEATHSIG); a pipe is the portable parent-death signal.)
//
// argv: <dir> <mariadbd> <mariadbd args...>. Protocol on stdout: one JSON line per event,
// {"event":"started","pid":N} once mariadbd runs, {"event":"exited","code":C,"signal":S} if it
// dies on its own. Plain JS (not TypeScript): it runs from the source tree under the tests
// and from dist/ alike.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, binary, ...args] = process.argv.slice(2);
const say = (obj) => {
  try {
    process.stdout.write(`${JSON.stringify(obj)}\n`);
  } catch {
    // evalh is gone: nobody listens any more
  }
};

writeFileSync(join(dir, 'keeper.pid'), String(process.pid));
const server = spawn(binary, args, { stdio: ['ignore', 'ignore', 'ignore'] });
let serverExited = false;
let stopping = false;

server.on('spawn', () => {
  writeFileSync(join(dir, 'server.pid'), String(server.pid));
  say({ event: 'started', pid: server.pid });
});
server.on('error', (e) => {
  serverExited = true;
  say({ event: 'exited', code: null, signal: null, message: e.message });
  finish();
});
server.on('exit', (code, signal) => {
  serverExited = true;
  if (!stopping) say({ event: 'exited', code, signal });
  finish();
});

function finish() {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // best effort: the next evalh reclaims what is left (see reclaimStale in mariadb.ts)
  }
  process.exit(0);
}

function stop() {
  if (stopping) return;
  stopping = true;
  if (serverExited) return finish();
  // SIGTERM is mariadbd's orderly shutdown; a server that hangs gets SIGKILL after 10 s.
  server.kill('SIGTERM');
  setTimeout(() => {
    if (!serverExited) server.kill('SIGKILL');
  }, 10_000).unref();
}

process.stdin.on('data', (chunk) => {
  if (String(chunk).includes('stop')) stop();
});
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdout.on('error', () => {});
// Terminal signals are evalh's to handle (it stops the run, then closes the pipe).
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.on('SIGTERM', stop);
