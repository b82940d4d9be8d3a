import Database from 'better-sqlite3';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { EvalhError } from './errors.js';

// The store is the only module that writes SQL. One row per run, one row per (run, item);
// a finished item is written the moment it finishes, so a crash loses at most the
// requests in flight.

const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  suite TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  settings TEXT NOT NULL,
  status TEXT NOT NULL,
  evalh_version TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  summary TEXT
);
CREATE TABLE IF NOT EXISTS run_tags (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE IF NOT EXISTS items (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  item_id TEXT NOT NULL,
  dataset TEXT NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  request_hash TEXT,
  target TEXT,
  output TEXT,
  finish_reason TEXT,
  score REAL,
  scores TEXT,
  prompt_tokens INTEGER,
  completion_tokens INTEGER,
  truncated_tokens INTEGER,
  latency_ms REAL,
  attempts INTEGER NOT NULL,
  error_kind TEXT,
  error TEXT,
  updated_at TEXT NOT NULL,
  transcript TEXT,
  PRIMARY KEY (run_id, item_id)
);
CREATE INDEX IF NOT EXISTS items_by_dataset ON items(run_id, dataset, seq);
CREATE TABLE IF NOT EXISTS judge_cache (
  key TEXT PRIMARY KEY,
  judge TEXT NOT NULL,
  output TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`;

/**
 * partial: an import whose predictions cover only part of the suite's full set of the
 * datasets it has (src/coverage.ts); everything in it is scored, but it is not a whole run.
 */
export type RunStatus = 'running' | 'interrupted' | 'failed' | 'completed' | 'partial';

export interface RunRow {
  id: number;
  name: string;
  suite: string;
  fingerprint: string;
  settings: Record<string, unknown>;
  status: RunStatus;
  evalhVersion: string;
  createdAt: string;
  startedAt: string;
  finishedAt: string | null;
  summary: unknown;
  tags: Record<string, string>;
}

/** skipped: never sent (over the input budget under --truncate skip); finished like done, never scored. */
export type ItemStatus = 'done' | 'error' | 'skipped';

export interface ItemRecord {
  itemId: string;
  dataset: string;
  seq: number;
  status: ItemStatus;
  requestHash?: string;
  target?: unknown;
  output?: string;
  finishReason?: string;
  score?: number;
  scores?: Record<string, unknown>;
  promptTokens?: number;
  completionTokens?: number;
  truncatedTokens?: number;
  latencyMs?: number;
  attempts: number;
  errorKind?: string;
  error?: string;
  /** The whole conversation of a multi-call item (agent episode, CoT passes), as the suite recorded it. */
  transcript?: unknown;
}

export interface ItemRow extends ItemRecord {
  target: unknown;
}

interface RawRun {
  id: number;
  name: string;
  suite: string;
  fingerprint: string;
  settings: string;
  status: RunStatus;
  evalh_version: string;
  created_at: string;
  started_at: string;
  finished_at: string | null;
  summary: string | null;
}

export class StoreError extends EvalhError {}

/**
 * Opens `file` as an evalh store and proves it is one before anything is written to it
 * (setting WAL mode alone rewrites the header of any SQLite file): a missing file is
 * created only when `create`, a directory, a non-database or somebody else's database is
 * refused with exit 2, and a file this call created is removed again if opening fails.
 */
function openChecked(file: string, create: boolean): Database.Database {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') {
      throw new StoreError(`cannot read the store ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 2);
    }
  }
  if (st?.isDirectory()) throw new StoreError(`${file} is a directory, not an evalh results store; pass --db FILE`, 2);
  if (!st && !create) throw new StoreError(`no store at ${file} (pass --db FILE)`, 2);
  if (!st) {
    const dir = dirname(file);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new StoreError(`cannot create the store ${file}: ${dir} cannot be made a folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 2);
    }
  } else if (!st.isFile()) {
    throw new StoreError(`${file} is not a regular file, not an evalh results store`, 2);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: !create });
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
    const problem = tables.length === 0
      ? create ? undefined : st?.size === 0 ? 'an empty file' : 'an empty database'
      : ['meta', 'runs', 'items'].every((t) => tables.includes(t))
        ? undefined
        : `an SQLite database of something else (tables: ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', …' : ''})`;
    if (problem) throw new StoreError(`${file} is not an evalh results store (${problem})`, 2);
    return db;
  } catch (e) {
    db?.close();
    if (!st) for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
    if (e instanceof StoreError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new StoreError(`${file} is not an evalh results store (not an SQLite database)`, 2);
    if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
      throw new StoreError(`cannot open the store ${file} (${(e as Error).message}); check the path and its permissions`, 2);
    }
    throw e;
  }
}

export class Store {
  private readonly db: Database.Database;
  private readonly upsertItem: Database.Statement;

  private constructor(
    readonly file: string,
    create: boolean,
  ) {
    this.db = openChecked(file, create);
    // WAL lets a reader (show, report) and a writer work at once; NORMAL sync keeps every
    // committed row through a process crash (kill -9), which is the failure we design for.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 30000');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
    this.upsertItem = this.db.prepare(`
      INSERT INTO items (run_id, item_id, dataset, seq, status, request_hash, target, output, finish_reason,
        score, scores, prompt_tokens, completion_tokens, truncated_tokens, latency_ms, attempts, error_kind, error, updated_at, transcript)
      VALUES (@runId, @itemId, @dataset, @seq, @status, @requestHash, @target, @output, @finishReason,
        @score, @scores, @promptTokens, @completionTokens, @truncatedTokens, @latencyMs, @attempts, @errorKind, @error, @updatedAt, @transcript)
      ON CONFLICT (run_id, item_id) DO UPDATE SET
        status = excluded.status, request_hash = excluded.request_hash, target = excluded.target,
        output = excluded.output, finish_reason = excluded.finish_reason, score = excluded.score,
        scores = excluded.scores, prompt_tokens = excluded.prompt_tokens,
        completion_tokens = excluded.completion_tokens, truncated_tokens = excluded.truncated_tokens,
        latency_ms = excluded.latency_ms, attempts = items.attempts + excluded.attempts,
        error_kind = excluded.error_kind, error = excluded.error, updated_at = excluded.updated_at,
        transcript = excluded.transcript
      WHERE items.status <> 'done' OR (items.error_kind = 'not_evaluable' AND excluded.status = 'done')`);
  }

  /**
   * A store to write to (run, import, merge --into): created with its folder when missing;
   * an existing file must be an evalh store (or an empty database) and is never touched
   * otherwise.
   */
  static open(file: string): Store {
    return new Store(file, true);
  }

  /** A store that must already exist (list, show, report, compare, gate, rejudge): nothing is ever created. */
  static openExisting(file: string): Store {
    return new Store(file, false);
  }

  /** Throws the StoreError (exit 2) that `openExisting` would, without keeping the file open (merge's inputs). */
  static check(file: string): void {
    const db = openChecked(file, false);
    db.close();
  }

  private migrate(): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.db.exec(SCHEMA);
      const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
      if (!row) {
        this.db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
      } else if (Number(row.value) > SCHEMA_VERSION) {
        throw new StoreError(`${this.file} was written by a newer evalh (schema ${row.value}); upgrade evalh`, 2);
      } else if (Number(row.value) < 2) {
        // Schema 2: multi-call items (agent episodes, CoT) keep their whole conversation.
        this.db.exec(`ALTER TABLE items ADD COLUMN transcript TEXT`);
        this.db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema_version'`).run(String(SCHEMA_VERSION));
      }
      this.db.exec('COMMIT');
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  close(): void {
    this.flush();
    this.db.close();
  }

  findRun(name: string): RunRow | undefined {
    const raw = this.db.prepare(`SELECT * FROM runs WHERE name = ?`).get(name) as RawRun | undefined;
    return raw && this.toRun(raw);
  }

  listRuns(): RunRow[] {
    return (this.db.prepare(`SELECT * FROM runs ORDER BY id`).all() as RawRun[]).map((r) => this.toRun(r));
  }

  createRun(run: {
    name: string;
    suite: string;
    fingerprint: string;
    settings: Record<string, unknown>;
    evalhVersion: string;
    tags: Record<string, string>;
  }): RunRow {
    const now = new Date().toISOString();
    const create = this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO runs (name, suite, fingerprint, settings, status, evalh_version, created_at, started_at)
           VALUES (?, ?, ?, ?, 'running', ?, ?, ?)`,
        )
        .run(run.name, run.suite, run.fingerprint, JSON.stringify(run.settings), run.evalhVersion, now, now);
      this.writeTags(Number(info.lastInsertRowid), run.tags);
      return Number(info.lastInsertRowid);
    });
    create.immediate();
    return this.findRun(run.name)!;
  }

  /** Marks a resumed run as running again and records the settings of this invocation. */
  resumeRun(id: number, settings: Record<string, unknown>, tags: Record<string, string>): void {
    this.db.transaction(() => {
      this.db
        .prepare(`UPDATE runs SET status = 'running', started_at = ?, finished_at = NULL, settings = ? WHERE id = ?`)
        .run(new Date().toISOString(), JSON.stringify(settings), id);
      this.writeTags(id, tags);
    }).immediate();
  }

  /** Adds keys to a run's recorded settings (e.g. how concurrency adapted during the run). */
  patchSettings(id: number, patch: Record<string, unknown>): void {
    this.db.transaction(() => {
      const raw = this.db.prepare(`SELECT settings FROM runs WHERE id = ?`).pluck().get(id) as string;
      this.db.prepare(`UPDATE runs SET settings = ? WHERE id = ?`).run(JSON.stringify({ ...JSON.parse(raw), ...patch }), id);
    }).immediate();
  }

  finishRun(id: number, status: RunStatus, summary: unknown): void {
    this.db
      .prepare(`UPDATE runs SET status = ?, finished_at = ?, summary = ? WHERE id = ?`)
      .run(status, new Date().toISOString(), JSON.stringify(summary ?? null), id);
  }

  private writeTags(runId: number, tags: Record<string, string>): void {
    const put = this.db.prepare(
      `INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value`,
    );
    for (const [k, v] of Object.entries(tags)) put.run(runId, k, v);
  }

  doneItemIds(runId: number): Set<string> {
    const rows = this.db.prepare(`SELECT item_id FROM items WHERE run_id = ? AND status IN ('done', 'skipped')`).pluck().all(runId) as string[];
    return new Set(rows);
  }

  /**
   * Outputs of done items the environment could not score (a missing package or file): a
   * later invocation scores them again, once the environment may have been completed.
   */
  notEvaluableOutputs(runId: number): Map<string, string> {
    const rows = this.db
      .prepare(`SELECT item_id, output FROM items WHERE run_id = ? AND status = 'done' AND error_kind = 'not_evaluable' AND output IS NOT NULL`)
      .all(runId) as { item_id: string; output: string }[];
    return new Map(rows.map((r) => [r.item_id, r.output]));
  }

  /** Writes one finished (or permanently failed) item; a done item is never overwritten (unless it was not evaluable). */
  recordItem(runId: number, r: ItemRecord): void {
    this.upsertItem.run({
      runId,
      itemId: r.itemId,
      dataset: r.dataset,
      seq: r.seq,
      status: r.status,
      requestHash: r.requestHash ?? null,
      target: r.target === undefined ? null : JSON.stringify(r.target),
      output: r.output ?? null,
      finishReason: r.finishReason ?? null,
      score: r.score ?? null,
      scores: r.scores === undefined ? null : JSON.stringify(r.scores),
      promptTokens: r.promptTokens ?? null,
      completionTokens: r.completionTokens ?? null,
      truncatedTokens: r.truncatedTokens ?? null,
      latencyMs: r.latencyMs ?? null,
      attempts: r.attempts,
      errorKind: r.errorKind ?? null,
      error: r.error ?? null,
      updatedAt: new Date().toISOString(),
      transcript: r.transcript === undefined ? null : JSON.stringify(r.transcript),
    });
  }

  private pending: { runId: number; record: ItemRecord }[] = [];
  private flushScheduled = false;

  /**
   * Queues a finished item and writes the queue in one transaction on the next turn of the
   * event loop: the items that finish together (up to the concurrency) share a commit,
   * which is most of the cost of a write. A crash can only lose items finished in that same
   * turn; they were never marked done and are requested again on resume.
   */
  queueItem(runId: number, record: ItemRecord): void {
    this.pending.push({ runId, record });
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const { runId, record } of batch) this.recordItem(runId, record);
    }).immediate();
  }

  judgeCache(): { get(key: string): string | undefined; put(key: string, judge: string, output: string): void } {
    const get = this.db.prepare(`SELECT output FROM judge_cache WHERE key = ?`).pluck();
    const put = this.db.prepare(`INSERT OR REPLACE INTO judge_cache (key, judge, output, created_at) VALUES (?, ?, ?, ?)`);
    return {
      get: (key) => get.get(key) as string | undefined,
      put: (key, judge, output) => void put.run(key, judge, output, new Date().toISOString()),
    };
  }

  /** Outputs of items whose generation succeeded but whose scoring did not (a judge that kept failing). */
  unscoredOutputs(runId: number): Map<string, string> {
    const rows = this.db
      .prepare(`SELECT item_id, output FROM items WHERE run_id = ? AND status = 'error' AND output IS NOT NULL`)
      .all(runId) as { item_id: string; output: string }[];
    return new Map(rows.map((r) => [r.item_id, r.output]));
  }

  /** Writes many items in one transaction (imports). */
  recordItems(runId: number, rows: ItemRecord[]): void {
    this.db.transaction(() => {
      for (const r of rows) this.recordItem(runId, r);
    }).immediate();
  }

  *items(runId: number): Generator<ItemRow> {
    const stmt = this.db.prepare(`SELECT * FROM items WHERE run_id = ? ORDER BY dataset, seq`);
    for (const raw of stmt.iterate(runId) as Iterable<Record<string, unknown>>) yield toItem(raw);
  }

  /** One item of a run, whole (show --item: what a report cut short). */
  item(runId: number, itemId: string): ItemRow | undefined {
    const raw = this.db.prepare(`SELECT * FROM items WHERE run_id = ? AND item_id = ?`).get(runId, itemId) as Record<string, unknown> | undefined;
    return raw && toItem(raw);
  }

  /** Up to `n` item ids of a run, in order (to say what ids look like). */
  someItemIds(runId: number, n: number): string[] {
    return this.db.prepare(`SELECT item_id FROM items WHERE run_id = ? ORDER BY dataset, seq LIMIT ?`).pluck().all(runId, n) as string[];
  }

  /**
   * Merges every run of another store file into this one, in one transaction: a run of the
   * same name must have the same suite and fingerprint, and an item done in both must have
   * the same output and score — anything else is a conflict and nothing is written.
   * Returns the names of the runs it touched, with the statuses they had in `file`.
   */
  mergeFrom(file: string): { name: string; status: RunStatus }[] {
    const touched: { name: string; status: RunStatus }[] = [];
    this.db.prepare(`ATTACH DATABASE ? AS src`).run(file);
    try {
      // Stores written before schema 2 have no transcript column.
      const srcColumns = (this.db.prepare(`SELECT name FROM pragma_table_info('items', 'src')`).all() as { name: string }[]).map((c) => c.name);
      const transcript = srcColumns.includes('transcript') ? 'transcript' : 'NULL';
      this.db.transaction(() => {
        const runs = this.db.prepare(`SELECT * FROM src.runs ORDER BY id`).all() as RawRun[];
        for (const r of runs) {
          let target = this.findRun(r.name);
          if (target && (target.suite !== r.suite || target.fingerprint !== r.fingerprint)) {
            throw new StoreError(
              `${file}: run "${r.name}" conflicts with the run of that name in ${this.file} (${target.suite === r.suite ? `fingerprint ${r.fingerprint} vs ${target.fingerprint}` : `suite ${r.suite} vs ${target.suite}`}); nothing merged`,
              2,
            );
          }
          if (!target) {
            this.db
              .prepare(
                `INSERT INTO runs (name, suite, fingerprint, settings, status, evalh_version, created_at, started_at, finished_at, summary)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
              )
              .run(r.name, r.suite, r.fingerprint, r.settings, r.status, r.evalh_version, r.created_at, r.started_at, r.finished_at, r.summary);
            target = this.findRun(r.name)!;
          }
          const tags = this.db.prepare(`SELECT key, value FROM src.run_tags WHERE run_id = ?`).all(r.id) as { key: string; value: string }[];
          this.writeTags(target.id, Object.fromEntries(tags.map((t) => [t.key, t.value])));
          const conflict = this.db
            .prepare(
              `SELECT s.item_id FROM src.items s JOIN items t ON t.run_id = ? AND t.item_id = s.item_id
               WHERE s.run_id = ? AND s.status = 'done' AND t.status = 'done'
                 AND (s.output IS NOT t.output OR s.score IS NOT t.score) LIMIT 3`,
            )
            .pluck()
            .all(target.id, r.id) as string[];
          if (conflict.length > 0) {
            throw new StoreError(
              `${file}: run "${r.name}" has items done differently in ${this.file} (${conflict.join(', ')}); nothing merged`,
              2,
            );
          }
          // New items, and done items replacing failed ones; identical duplicates are skipped.
          this.db
            .prepare(
              `INSERT INTO items SELECT ?, item_id, dataset, seq, status, request_hash, target, output, finish_reason, score, scores,
                 prompt_tokens, completion_tokens, truncated_tokens, latency_ms, attempts, error_kind, error, updated_at, ${transcript}
               FROM src.items WHERE run_id = ? AND true
               ON CONFLICT (run_id, item_id) DO UPDATE SET
                 status = excluded.status, request_hash = excluded.request_hash, target = excluded.target,
                 output = excluded.output, finish_reason = excluded.finish_reason, score = excluded.score,
                 scores = excluded.scores, prompt_tokens = excluded.prompt_tokens,
                 completion_tokens = excluded.completion_tokens, truncated_tokens = excluded.truncated_tokens,
                 latency_ms = excluded.latency_ms, attempts = excluded.attempts, error_kind = excluded.error_kind,
                 error = excluded.error, updated_at = excluded.updated_at, transcript = excluded.transcript
               WHERE items.status <> 'done' AND excluded.status = 'done'`,
            )
            .run(target.id, r.id);
          touched.push({ name: r.name, status: r.status });
        }
      }).immediate();
    } finally {
      this.db.prepare(`DETACH DATABASE src`).run();
    }
    return touched;
  }

  /** The run's failed items by error kind, most frequent first. */
  errorKinds(runId: number): { kind: string; n: number }[] {
    return this.db
      .prepare(`SELECT COALESCE(error_kind, 'error') AS kind, COUNT(*) AS n FROM items WHERE run_id = ? AND status = 'error' GROUP BY kind ORDER BY n DESC, kind`)
      .all(runId) as { kind: string; n: number }[];
  }

  /**
   * Items per status; skippedTooLong only when a run skipped any (--truncate skip), and
   * notEvaluable (done items the environment could not score; part of `done`) only when any.
   */
  itemCounts(runId: number): { done: number; error: number; skippedTooLong?: number; notEvaluable?: number } {
    const rows = this.db
      .prepare(
        `SELECT status, COUNT(*) AS n, SUM(status = 'done' AND error_kind = 'not_evaluable') AS ne FROM items WHERE run_id = ? GROUP BY status`,
      )
      .all(runId) as { status: ItemStatus; n: number; ne: number }[];
    const out: { done: number; error: number; skippedTooLong?: number; notEvaluable?: number } = { done: 0, error: 0 };
    for (const r of rows) {
      if (r.status === 'skipped') out.skippedTooLong = r.n;
      else out[r.status] = r.n;
      if (r.ne > 0) out.notEvaluable = r.ne;
    }
    return out;
  }

  private toRun(raw: RawRun): RunRow {
    const tags = Object.fromEntries(
      (this.db.prepare(`SELECT key, value FROM run_tags WHERE run_id = ? ORDER BY key`).all(raw.id) as { key: string; value: string }[]).map(
        (t) => [t.key, t.value],
      ),
    );
    return {
      id: raw.id,
      name: raw.name,
      suite: raw.suite,
      fingerprint: raw.fingerprint,
      settings: JSON.parse(raw.settings) as Record<string, unknown>,
      status: raw.status,
      evalhVersion: raw.evalh_version,
      createdAt: raw.created_at,
      startedAt: raw.started_at,
      finishedAt: raw.finished_at,
      summary: raw.summary === null ? null : JSON.parse(raw.summary),
      tags,
    };
  }
}

function toItem(raw: Record<string, unknown>): ItemRow {
  return {
    itemId: raw.item_id as string,
    dataset: raw.dataset as string,
    seq: raw.seq as number,
    status: raw.status as ItemStatus,
    requestHash: (raw.request_hash as string | null) ?? undefined,
    target: raw.target === null ? undefined : JSON.parse(raw.target as string),
    output: (raw.output as string | null) ?? undefined,
    finishReason: (raw.finish_reason as string | null) ?? undefined,
    score: (raw.score as number | null) ?? undefined,
    scores: raw.scores === null ? undefined : JSON.parse(raw.scores as string),
    promptTokens: (raw.prompt_tokens as number | null) ?? undefined,
    completionTokens: (raw.completion_tokens as number | null) ?? undefined,
    truncatedTokens: (raw.truncated_tokens as number | null) ?? undefined,
    latencyMs: (raw.latency_ms as number | null) ?? undefined,
    attempts: raw.attempts as number,
    errorKind: (raw.error_kind as string | null) ?? undefined,
    error: (raw.error as string | null) ?? undefined,
    transcript: raw.transcript === null || raw.transcript === undefined ? undefined : JSON.parse(raw.transcript as string),
  };
}
