import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store.js';
import { tempDir } from './helpers/cli.js';

// Stores written by an earlier evalh (schema 1: no transcript column) keep working: opening
// one migrates it in place, and merging one into a newer store reads it as it is.

function schemaOneStore(file: string): void {
  const db = new Database(file);
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta VALUES ('schema_version', '1');
    CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, suite TEXT NOT NULL, fingerprint TEXT NOT NULL,
      settings TEXT NOT NULL, status TEXT NOT NULL, evalh_version TEXT NOT NULL, created_at TEXT NOT NULL,
      started_at TEXT NOT NULL, finished_at TEXT, summary TEXT);
    CREATE TABLE run_tags (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));
    CREATE TABLE items (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, item_id TEXT NOT NULL, dataset TEXT NOT NULL,
      seq INTEGER NOT NULL, status TEXT NOT NULL, request_hash TEXT, target TEXT, output TEXT, finish_reason TEXT, score REAL,
      scores TEXT, prompt_tokens INTEGER, completion_tokens INTEGER, truncated_tokens INTEGER, latency_ms REAL,
      attempts INTEGER NOT NULL, error_kind TEXT, error TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (run_id, item_id));
    CREATE TABLE judge_cache (key TEXT PRIMARY KEY, judge TEXT NOT NULL, output TEXT NOT NULL, created_at TEXT NOT NULL);
    INSERT INTO runs VALUES (1, 'old', 'longbench', 'f1', '{}', 'completed', '0.1.0', '2026-01-01', '2026-01-01', '2026-01-01', '{}');
    INSERT INTO items VALUES (1, 'trec#0', 'trec', 0, 'done', 'h', '{"answers":["a"]}', 'a', 'stop', 1, NULL, 10, 1, NULL, 5, 1, NULL, NULL, '2026-01-01');
  `);
  db.close();
}

describe('store schema 2 (item transcripts)', () => {
  it('opening a schema-1 store migrates it in place and keeps its items', () => {
    const file = join(tempDir('evalh-schema-'), 'old.db');
    schemaOneStore(file);
    const store = Store.open(file);
    const run = store.findRun('old')!;
    expect([...store.items(run.id)].map((i) => [i.itemId, i.score, i.transcript])).toEqual([['trec#0', 1, undefined]]);
    store.recordItem(run.id, { itemId: 'trec#1', dataset: 'trec', seq: 1, status: 'done', output: 'b', score: 0, attempts: 1, transcript: [{ role: 'user', content: 'q' }] });
    expect([...store.items(run.id)][1]!.transcript).toEqual([{ role: 'user', content: 'q' }]);
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get()).toBe('2');
    db.close();
  });

  it('merging a schema-1 store into a new one reads it as it is, without changing it', () => {
    const dir = tempDir('evalh-schema-');
    const old = join(dir, 'old.db');
    schemaOneStore(old);
    const into = Store.open(join(dir, 'new.db'));
    expect(into.mergeFrom(old)).toEqual([{ name: 'old', status: 'completed' }]);
    const run = into.findRun('old')!;
    expect([...into.items(run.id)].map((i) => [i.itemId, i.output, i.transcript])).toEqual([['trec#0', 'a', undefined]]);
    into.close();
    const db = new Database(old, { readonly: true });
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get()).toBe('1');
    db.close();
  });
});
