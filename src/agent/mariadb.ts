import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { UsageError } from '../errors.js';
import { TaskError } from './episode.js';

// The SQL server of AgentBench's DB tasks. Either evalh starts its own MariaDB (a temporary
// data directory, a unix socket, no network) and stops it at the end, or the user names a
// MySQL-compatible server with --db-url / EVALH_DB_URL.
//
// Lifetime: mariadbd runs under a small keeper process (mariadb-watchdog.mjs) that stops the
// server and deletes the data directory when evalh's pipe to it closes, so even kill -9 of
// evalh leaves nothing behind; a directory whose keeper was killed too is reclaimed by the
// next start (reclaimStale).
//
// Root: as root (here and in CI) mariadbd refuses to start unless told `--user=root`. evalh
// passes it instead of dropping to another account, because dropping needs a user that can
// own the data directory and reach the socket, and everything the server touches is
// evalh's own temporary directory anyway. What the model's SQL could do with a root server
// is closed off instead: agents connect as a per-item account that holds privileges on its
// own database only (no FILE, so no INTO OUTFILE / LOAD_FILE), secure_file_priv points at an
// empty directory, and there is no TCP listener.

export interface DbEndpoint {
  socketPath?: string;
  host?: string;
  port?: number;
  user: string;
  password?: string;
}

export interface DbServer {
  /** The administrative account (creates databases and per-item accounts). */
  admin: DbEndpoint;
  /** e.g. "10.11.19-MariaDB-0+deb12u1" */
  version: string;
  /** For settings and logs: never holds a password. */
  describe: string;
  /** Whether evalh started this server itself (its global settings are evalh's). */
  own: boolean;
  close(): Promise<void>;
}

/** MySQL 8's default sql_mode (MariaDB's default differs; the official tasks ran on mysql:8). */
export const MYSQL8_SQL_MODE = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';
/** MySQL's group_concat_max_len default (MariaDB's is 1 MB); the table md5 of INSERT/UPDATE items uses group_concat. */
export const MYSQL_GROUP_CONCAT_MAX_LEN = 1024;
const DIR_PREFIX = 'evalh-mariadb-';

export interface StartOptions {
  /** Where the temporary data directory goes (default: the OS temp dir). */
  tmpRoot?: string;
  /** Seconds to wait for the server to accept connections. */
  readyTimeoutS?: number;
  mariadbd?: string;
  installDb?: string;
}

function binaries(opts: StartOptions): { mariadbd: string; installDb: string } {
  const mariadbd = opts.mariadbd ?? process.env.EVALH_MARIADBD ?? '/usr/sbin/mariadbd';
  const installDb = opts.installDb ?? process.env.EVALH_MARIADB_INSTALL_DB ?? '/usr/bin/mariadb-install-db';
  for (const [what, path] of [
    ['mariadbd', mariadbd],
    ['mariadb-install-db', installDb],
    // mariadb-install-db runs it (Debian ships it in mariadb-client-core)
    ['my_print_defaults', process.env.EVALH_MY_PRINT_DEFAULTS ?? '/usr/bin/my_print_defaults'],
  ] as const) {
    if (!existsSync(path)) {
      throw new UsageError(
        `${what} not found at ${path}: agentbench-db needs a MariaDB server (Debian: apt-get install mariadb-server-core mariadb-client-core), ` +
          'or pass --db-url mysql://user:pass@host:port for an existing MySQL-compatible server',
      );
    }
  }
  return { mariadbd, installDb };
}

/** Starts a private MariaDB server in a fresh temporary directory; resolves once it accepts connections. */
export async function startMariaDb(opts: StartOptions = {}): Promise<DbServer> {
  const { mariadbd, installDb } = binaries(opts);
  const root = opts.tmpRoot ?? tmpdir();
  reclaimStale(root);
  const dir = mkdtempSync(join(root, DIR_PREFIX));
  const data = join(dir, 'data');
  const files = join(dir, 'files');
  mkdirSync(files);
  const socketPath = join(dir, 'mysqld.sock');
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  const common = ['--no-defaults', ...asRoot, `--datadir=${data}`];

  const installArgs = [...common, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve', '--innodb-log-file-size=8M'];
  const serverArgs = [
    ...common,
    `--socket=${socketPath}`,
    `--pid-file=${join(dir, 'mysqld.pid')}`,
    `--log-error=${join(dir, 'error.log')}`,
    '--skip-networking',
    '--skip-name-resolve',
    `--secure-file-priv=${files}`,
    '--character-set-server=utf8mb4',
    // MySQL 8's utf8mb4_0900_ai_ci is not in MariaDB 10.11: the nearest is UCA-based,
    // accent- and case-insensitive and, like 0900, NO PAD.
    '--collation-server=utf8mb4_unicode_520_nopad_ci',
    `--sql-mode=${MYSQL8_SQL_MODE}`,
    `--group-concat-max-len=${MYSQL_GROUP_CONCAT_MAX_LEN}`,
    '--innodb-buffer-pool-size=64M',
    '--innodb-log-file-size=8M',
    // A throwaway server: durability buys nothing, speed does.
    '--innodb-flush-log-at-trx-commit=0',
    '--innodb-doublewrite=0',
    '--skip-log-bin',
    '--max-connections=400',
    // An agent's runaway query (a cross join of cross joins) ends with an error after a
    // minute instead of holding the item until its deadline; the tables have ≤ 105 rows.
    '--max-statement-time=60',
  ];
  const keeperScript = fileURLToPath(new URL('./mariadb-watchdog.mjs', import.meta.url));
  // The keeper runs both steps, so that even a kill during mariadb-install-db leaves nothing behind.
  const config = JSON.stringify({ install: [installDb, ...installArgs], server: [mariadbd, ...serverArgs] });
  const keeper = spawn(process.execPath, [keeperScript, dir, config], {
    stdio: ['pipe', 'pipe', 'ignore'],
    detached: true, // its own process group: Ctrl-C in the terminal is evalh's to handle
  });
  let exited: string | undefined;
  const lines = createInterface({ input: keeper.stdout! });
  lines.on('line', (line) => {
    try {
      const ev = JSON.parse(line) as { event: string; code?: number; signal?: string; message?: string };
      if (ev.event === 'failed') exited = ev.message ?? 'mariadb-install-db failed';
      if (ev.event === 'exited') exited = `mariadbd exited (code ${ev.code ?? '-'}, signal ${ev.signal ?? '-'})${ev.message ? `; error log:\n${ev.message}` : ''}`;
    } catch {
      // not a protocol line
    }
  });
  keeper.on('exit', () => {
    exited ??= 'the MariaDB keeper process exited';
  });

  const admin: DbEndpoint = { socketPath, user: 'root' };
  const deadline = Date.now() + (opts.readyTimeoutS ?? 60) * 1000;
  let version: string | undefined;
  for (;;) {
    if (exited) {
      stopKeeper(keeper);
      throw new TaskError(exited);
    }
    if (existsSync(socketPath)) {
      try {
        const conn = await mysql.createConnection({ socketPath, user: 'root' });
        const [rows] = await conn.query('SELECT VERSION() AS v');
        version = String((rows as Array<{ v: string }>)[0]!.v);
        await conn.end();
        break;
      } catch {
        // not ready yet
      }
    }
    if (Date.now() > deadline) {
      stopKeeper(keeper);
      throw new TaskError(`MariaDB did not accept connections within ${opts.readyTimeoutS ?? 60} s (${dir})`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // evalh must be free to exit while the server runs: the closing pipe is what stops it.
  keeper.unref();
  (keeper.stdout as unknown as { unref?: () => void }).unref?.();
  (keeper.stdin as unknown as { unref?: () => void }).unref?.();

  return {
    admin,
    version,
    describe: `MariaDB ${version} (started by evalh, unix socket)`,
    own: true,
    close: () => closeKeeper(keeper),
  };
}

function stopKeeper(keeper: ChildProcess): void {
  try {
    keeper.stdin?.end('stop\n');
  } catch {
    // already gone
  }
}

function closeKeeper(keeper: ChildProcess): Promise<void> {
  if (keeper.exitCode !== null || keeper.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 15_000);
    keeper.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    stopKeeper(keeper);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent died too may stay a zombie where nothing reaps orphans
  // (containers whose init does not): it runs nothing any more.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

function pidIn(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Deletes data directories of earlier runs whose keeper is gone (it was killed as well),
 * stopping their server first if it still runs. A server is only killed when its command
 * line names that very directory, so a reused pid is never hit.
 */
export function reclaimStale(root: string = tmpdir()): string[] {
  const reclaimed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => n.startsWith(DIR_PREFIX));
  } catch {
    return reclaimed;
  }
  for (const name of names) {
    const dir = join(root, name);
    try {
      if (!statSync(dir).isDirectory()) continue;
      const keeper = pidIn(join(dir, 'keeper.pid'));
      if (keeper !== undefined && alive(keeper)) continue;
      // A directory just made by a starting evalh has no keeper for a few milliseconds: leave young ones alone.
      if (keeper === undefined && Date.now() - statSync(dir).mtimeMs < 30_000) continue;
      const server = pidIn(join(dir, 'server.pid'));
      if (server !== undefined && alive(server)) {
        let cmd = '';
        try {
          cmd = readFileSync(`/proc/${server}/cmdline`, 'utf8');
        } catch {
          // not readable: leave the process alone
        }
        if (cmd.includes(dir)) process.kill(server, 'SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
      reclaimed.push(dir);
    } catch {
      // another evalh reclaimed it first, or it is not ours to touch
    }
  }
  return reclaimed;
}

/**
 * An existing server: mysql://user:pass@host:port (or mysql://user@localhost?socket=/path).
 * The password is used to connect and never stored or logged.
 */
export async function connectExisting(url: string): Promise<DbServer> {
  const admin = parseDbUrl(url);
  let version: string;
  try {
    const conn = await mysql.createConnection({ ...admin, connectTimeout: 10_000 });
    const [rows] = await conn.query('SELECT VERSION() AS v');
    version = String((rows as Array<{ v: string }>)[0]!.v);
    await conn.end();
  } catch (e) {
    throw new UsageError(`cannot connect to the database server ${redactUrl(url)}: ${(e as Error).message}`);
  }
  return { admin, version, describe: `${version} at ${redactUrl(url)}`, own: false, close: async () => {} };
}

export function parseDbUrl(url: string): DbEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--db-url "${redactUrl(url)}" is not a URL (expected mysql://user:pass@host:port)`);
  }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') throw new UsageError(`--db-url must start with mysql:// (got ${u.protocol}//)`);
  if (!u.username) throw new UsageError('--db-url needs a user: mysql://user:pass@host:port');
  const socket = u.searchParams.get('socket');
  return {
    user: decodeURIComponent(u.username),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(socket ? { socketPath: socket } : { host: u.hostname || '127.0.0.1', port: u.port ? Number(u.port) : 3306 }),
  };
}

/** The URL without its password, for messages and settings. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}
