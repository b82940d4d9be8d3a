import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { DbEndpoint, DbServer } from '../../src/agent/mariadb.js';
import { TaskError } from '../../src/agent/episode.js';
import { reprRows, type PyValue } from './pyrepr.js';
import type { Cell } from './records.js';

// The SQL side of one run: an admin pool on the server, a fresh database (and a private
// account) per item, and the execution of the agent's statements in the official manner —
// each statement on a fresh session (the official container reconnects before every
// statement), committed after it runs, the result shown as str(cursor.fetchall()).

/** What the agent sees: Python's str() of the rows, or the server's error as mysql-connector words it. */
export type SqlOutcome = { ok: true; text: string } | { ok: false; text: string };

let counter = 0;
const OWN_COLLATION = 'utf8mb4_unicode_520_nopad_ci';

export class SqlService {
  private readonly pool: mysql.Pool;
  /** Whether per-item accounts can be made (an existing server may not allow CREATE USER). */
  private accounts = true;

  constructor(readonly server: DbServer) {
    this.pool = mysql.createPool({ ...conn(server.admin), connectionLimit: 8, multipleStatements: false });
  }

  async end(): Promise<void> {
    await this.pool.end().catch(() => {});
  }

  /** A new database holding the item's table, reachable by a new account that may touch only it. */
  async createItemDatabase(table: string, columns: string[], rows: Cell[][]): Promise<ItemDatabase> {
    const n = ++counter;
    const tag = `${process.pid}_${n}_${randomBytes(3).toString('hex')}`;
    const database = `ab_${tag}`;
    // evalh's server: its MySQL-8-like collation (a bare CHARACTER SET would pick the charset's
    // default, general_ci); an existing server: its own defaults, as the official mysql:8 had.
    await this.admin(`CREATE DATABASE \`${database}\`${this.server.own ? ` CHARACTER SET utf8mb4 COLLATE ${OWN_COLLATION}` : ''}`);
    let agent: DbEndpoint = { ...this.server.admin };
    let account: string | undefined;
    if (this.accounts) {
      const user = `ab_${tag}`.slice(0, 32);
      const password = randomBytes(12).toString('hex');
      const host = this.server.own ? 'localhost' : '%';
      try {
        await this.admin(`CREATE USER '${user}'@'${host}' IDENTIFIED BY '${password}'`);
        await this.admin(`GRANT ALL PRIVILEGES ON \`${database}\`.* TO '${user}'@'${host}'`);
        account = `'${user}'@'${host}'`;
        agent = { ...this.server.admin, user, password };
      } catch (e) {
        if (this.server.own) throw e;
        this.accounts = false; // the given account may not create users: agents use it directly
      }
    }
    // The official build_init_sql: names inside backticks as written, every column TEXT,
    // all rows in one INSERT; a failure (e.g. a duplicate column name) is not fatal to the
    // item — the official task runs the episode anyway, without the table.
    const cols = columns.map((c) => `\`${c}\` TEXT`).join(',');
    const names = columns.map((c) => `\`${c}\``).join(',');
    let setupError: string | undefined;
    try {
      await this.admin(`CREATE TABLE IF NOT EXISTS \`${database}\`.\`${table}\` (${cols})`);
      if (rows.length > 0) {
        const values = rows.map((r) => `(${r.map(literal).join(',')})`).join(',');
        await this.admin(`INSERT INTO \`${database}\`.\`${table}\` (${names}) VALUES ${values}`);
      }
    } catch (e) {
      if (!isServerError(e)) throw e;
      setupError = errorText(e);
    }
    return new ItemDatabase(this, database, agent, account, setupError);
  }

  async admin(sql: string): Promise<void> {
    try {
      await this.pool.query(sql);
    } catch (e) {
      throw isServerError(e) ? e : new TaskError(`database server: ${(e as Error).message}`);
    }
  }

  /** One statement on a fresh session as `who`, in `database`: the rows as Python prints them, or the error text. */
  async execute(who: DbEndpoint, database: string, sql: string): Promise<SqlOutcome> {
    let c: mysql.Connection;
    try {
      c = await mysql.createConnection({ ...conn(who), database, multipleStatements: true, rowsAsArray: true, typeCast: rawCells });
    } catch (e) {
      throw new TaskError(`cannot connect to the database server: ${(e as Error).message}`);
    }
    try {
      if (this.server.own) await c.query(`SET NAMES utf8mb4 COLLATE ${OWN_COLLATION}`);
      else await c.query('SET SESSION group_concat_max_len = 1024');
      let result: unknown;
      let fields: unknown;
      try {
        [result, fields] = await c.query(sql);
        await c.query('COMMIT');
      } catch (e) {
        if (isServerError(e)) return { ok: false, text: errorText(e) };
        throw new TaskError(`database server: ${(e as Error).message}`);
      }
      return { ok: true, text: reprRows(firstResultRows(result, fields)) };
    } finally {
      await c.end().catch(() => c.destroy());
    }
  }
}

export class ItemDatabase {
  constructor(
    private readonly service: SqlService,
    readonly database: string,
    private readonly agent: DbEndpoint,
    private readonly account: string | undefined,
    /** The server's error when the table could not be built as the data describes it. */
    readonly setupError: string | undefined,
  ) {}

  /** The agent's statement, as the agent's account. */
  run(sql: string): Promise<SqlOutcome> {
    return this.service.execute(this.agent, this.database, sql);
  }

  /** Evaluation queries, as the administrator. */
  runAsAdmin(sql: string): Promise<SqlOutcome> {
    return this.service.execute(this.service.server.admin, this.database, sql);
  }

  async drop(): Promise<void> {
    await this.service.admin(`DROP DATABASE IF EXISTS \`${this.database}\``);
    if (this.account) await this.service.admin(`DROP USER IF EXISTS ${this.account}`);
  }
}

function conn(e: DbEndpoint): mysql.ConnectionOptions {
  return {
    ...(e.socketPath ? { socketPath: e.socketPath } : { host: e.host, port: e.port }),
    user: e.user,
    ...(e.password !== undefined ? { password: e.password } : {}),
    charset: 'UTF8MB4_GENERAL_CI',
    connectTimeout: 20_000,
  };
}

/** A cell as mysql-connector sends it: strings quoted and escaped, numbers as written (into a TEXT column the server stores their text). */
function literal(c: Cell): string {
  if (c === null) return 'NULL';
  if (typeof c === 'boolean') return c ? '1' : '0';
  if (typeof c === 'object') return c.num;
  return mysql.escape(c);
}

/** Every cell as its raw bytes (null for NULL); fetchall()'s Python types come from the column metadata. */
function rawCells(field: { buffer(): Buffer | null }): unknown {
  return field.buffer();
}

interface FieldMeta {
  columnType: number;
  characterSet: number;
}

const INTEGER = new Set([1, 2, 3, 8, 9, 13]); // TINY SHORT LONG LONGLONG INT24 YEAR
const BINARY_CHARSET = 63;

function firstResultRows(result: unknown, fields: unknown): PyValue[][] {
  // Several statements: only the first one's rows, as the official single fetchall() reads.
  if (Array.isArray(fields) && Array.isArray(fields[0])) {
    result = (result as unknown[])[0];
    fields = fields[0];
  }
  if (!Array.isArray(result) || !Array.isArray(fields)) return []; // INSERT/UPDATE…: fetchall() gives []
  const meta = fields as FieldMeta[];
  return (result as Array<Array<Buffer | null>>).map((row) => row.map((cell, i) => pyValue(cell, meta[i]!)));
}

export function pyValue(cell: Buffer | null, f: FieldMeta): PyValue {
  if (cell === null) return { t: 'none' };
  const text = () => cell.toString('utf8');
  switch (f.columnType) {
    case 0:
    case 246:
      return { t: 'decimal', v: text() };
    case 4:
    case 5:
      return { t: 'float', v: Number(text()) };
    case 16: {
      let v = 0n;
      for (const b of cell) v = (v << 8n) | BigInt(b);
      return { t: 'int', v: v.toString() };
    }
    case 10:
    case 14:
      return { t: 'date', v: text() };
    case 7:
    case 12:
      return { t: 'datetime', v: text() };
    case 11:
      return { t: 'timedelta', v: text() };
    case 255:
      return { t: 'bytes', v: cell };
    default:
      if (INTEGER.has(f.columnType)) return { t: 'int', v: text() };
      if (f.characterSet === BINARY_CHARSET) return { t: 'bytes', v: cell };
      return { t: 'str', v: text() };
  }
}

interface ServerError {
  errno: number;
  sqlState?: string;
  sqlMessage: string;
}

/** An error the server answered with (bad SQL, missing table…), as opposed to a broken connection. */
export function isServerError(e: unknown): e is ServerError {
  const x = e as Partial<ServerError> & { fatal?: boolean };
  return typeof x?.errno === 'number' && typeof x.sqlMessage === 'string' && !x.fatal;
}

/** mysql-connector's str(error): "1146 (42S02): Table 'x.y' doesn't exist". */
export function errorText(e: ServerError): string {
  return e.sqlState ? `${e.errno} (${e.sqlState}): ${e.sqlMessage}` : `${e.errno}: ${e.sqlMessage}`;
}
