// The MariaDB server's keeper. evalh starts this small process (in its own process group,
// so a terminal's Ctrl-C does not reach it) with a pipe on its stdin; the keeper builds the
// data directory (mariadb-install-db), starts mariadbd as its own child, and stops whatever
// runs, then deletes the temporary directory, as soon as that pipe closes. The kernel closes
// the pipe however evalh ends — a normal exit, an uncaught error, SIGTERM or kill -9 — so no
// server outlives evalh. (Node has no prctl(PR_SET_PDEATHSIG); a pipe is the portable
// parent-death signal.)
//
// argv: <dir> <json {install: [bin, ...args], server: [bin, ...args]}>. Protocol on stdout:
// one JSON line per event: {"event":"started","pid":N} once mariadbd runs, {"event":"failed",
// "message":…} when installing fails, {"event":"exited","code":C,"signal":S} when the server
// dies on its own. Plain JS (not TypeScript): it runs from the source tree under the tests
// and from dist/ alike.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson);
const say = (obj) => {
  try {
    process.stdout.write(`${JSON.stringify(obj)}\n`);
  } catch {
    // evalh is gone: nobody listens any more
  }
};

writeFileSync(join(dir, 'keeper.pid'), String(process.pid));
let child; // the install script (its own process group) or the server
let childExited = true;
let stopping = false;
let installing = true;

function finish() {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // best effort: the next evalh reclaims what is left (reclaimStale in mariadb.ts)
  }
  process.exit(0);
}

function killChild(signal) {
  if (!child || childExited) return;
  try {
    // The install script runs mariadbd --bootstrap as its own child: signal the whole group.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function stop() {
  if (stopping) return;
  stopping = true;
  if (childExited) return finish();
  // A half-built data directory is worth nothing: kill the install at once. SIGTERM is the
  // server's orderly shutdown; a server that hangs gets SIGKILL after 10 s.
  if (installing) return killChild('SIGKILL');
  killChild('SIGTERM');
  setTimeout(() => killChild('SIGKILL'), 10_000).unref();
}

function run(argv, onExit) {
  const [bin, ...args] = argv;
  child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  childExited = false;
  let output = '';
  const keep = (b) => {
    output = (output + String(b)).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (e) => {
    output += e.message;
  });
  child.on('close', (code, signal) => {
    childExited = true;
    if (stopping) return finish();
    onExit(code, signal, output);
  });
  return child;
}

run(config.install, (code, signal, output) => {
  if (code !== 0) {
    say({ event: 'failed', message: `mariadb-install-db failed (exit ${code ?? signal}): ${output.trim().slice(-800)}` });
    return finish();
  }
  installing = false;
  const server = run(config.server, (c, s) => {
    let log = '';
    try {
      log = readFileSync(join(dir, 'error.log'), 'utf8').trim().split('\n').slice(-8).join('\n');
    } catch {
      // no log written
    }
    say({ event: 'exited', code: c, signal: s, message: log });
    finish();
  });
  server.on('spawn', () => {
    writeFileSync(join(dir, 'server.pid'), String(server.pid));
    say({ event: 'started', pid: server.pid });
  });
});

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
