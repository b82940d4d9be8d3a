import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMariaDb, type DbServer } from '../src/agent/mariadb.js';
import { compareSelect } from '../benchmarks/agentbench-db/compare.js';
import { cliEnv, json, runCli, SHARED, tempDir } from './helpers/cli.js';
import { startSimServer, type SimRequest, type SimServer } from './helpers/sim-server.js';

// Scripted agents on the simulated model server (real HTTP on loopback), against one real
// MariaDB for the whole file, started by evalh's own startMariaDb and given to the CLI with
// --db-url. The script reads the conversation the model would see and answers per item.

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/agentbench-db/fixtures.json', import.meta.url), 'utf8')) as {
  comparator: Array<{ answer: string; label: string[]; correct: boolean }>;
};

type Turn = { role: string; content: string };
type Script = (turn: number, messages: Turn[]) => string;

const op = (sql: string) => `Let me look.\nAction: Operation\n\`\`\`sql\n${sql}\n\`\`\``;
const answer = (a: string) => `Action: Answer\nFinal Answer:${a}`;

const PEOPLE = {
  table_name: 'people list',
  table_info: {
    columns: [
      { name: 'name', type: 'TEXT' },
      { name: 'age', type: 'TEXT' },
      { name: 'note', type: 'TEXT' },
    ],
    rows: [
      ['Zoë', '30', "it's"],
      ['Bob', '41', 'say "hi"'],
      ...Array.from({ length: 40 }, (_, i) => [`person ${i}`, String(20 + i), 'x'.repeat(10)]),
    ],
  },
};

/** The official table md5, computed here in plain code: md5 of the sorted, comma-joined 5-char row hashes. */
function tableMd5(rows: string[][]): string {
  const md5 = (t: string) => createHash('md5').update(t).digest('hex');
  const hashes = rows.map((r) => md5(r.join(',')).slice(0, 5)).sort();
  return `[('${md5(hashes.join(','))}',)]`;
}
const PEOPLE_UPDATED = PEOPLE.table_info.rows.map((r) => (r[0] === 'Bob' ? [r[0]!, r[1]!, 'done'] : r));

interface Scripted {
  description: string;
  type: string;
  label: string[];
  script: Script;
  answer_md5?: string;
}

const scripted: Scripted[] = [
  {
    description: 'observations',
    type: 'counting',
    label: ['2'],
    script: (turn) =>
      [
        op("SELECT name, COUNT(*), AVG(age), SUM(age), NULL, note, 2.5, CAST(age AS SIGNED) FROM `people list` WHERE name = 'zoe' GROUP BY name, note, age"),
        op('SELEC broken'),
        op('SELECT * FROM `people list`'),
        op("UPDATE `people list` SET note = 'changed' WHERE name = 'Bob'"),
        op("SELECT note FROM `people list` WHERE name = 'Bob'"),
        op('SELECT 1; SELECT 2'),
        op('SELECT COUNT(*) FROM `people list` WHERE age > 50'),
        answer(' ["2"]'),
      ][turn]!,
  },
  {
    description: 'isolation',
    type: 'counting',
    label: ['0'],
    script: (turn) =>
      [op('SELECT user FROM mysql.user'), op("SELECT LOAD_FILE('/etc/hostname')"), op("SELECT 1 INTO OUTFILE '/tmp/evalh-agent-file'"), op('SHOW DATABASES'), answer(' ["0"]')][turn]!,
  },
  { description: 'no action', type: 'counting', label: ['1'], script: () => 'The answer is 1.' },
  { description: 'operation without sql block', type: 'counting', label: ['1'], script: () => 'Action: Operation\nSELECT 1' },
  { description: 'operation forever', type: 'counting', label: ['1'], script: () => op('SELECT 1') },
  {
    description: 'right update, never answers',
    type: 'UPDATE',
    label: ["UPDATE `people list` SET note = 'done' WHERE name = 'Bob'"],
    answer_md5: tableMd5(PEOPLE_UPDATED),
    script: (turn) => (turn === 0 ? op("UPDATE `people list` SET note = 'done' WHERE name = 'Bob'") : op('SELECT 1')),
  },
  { description: 'answer on the last turn', type: 'counting', label: ['1'], script: (turn) => (turn < 15 ? op('SELECT 1') : answer(' ["1"]')) },
  ...fixtures.comparator.map(
    (c, i): Scripted => ({ description: `comparator case ${i}`, type: 'other', label: c.label, script: () => `Action: Answer\nFinal Answer:${c.answer}` }),
  ),
];

function record(s: Scripted): Record<string, unknown> {
  return {
    description: s.description,
    add_description: 'The name of this table is people list, and the headers of this table are name,age,note.',
    table: PEOPLE,
    type: [s.type],
    label: s.label,
    ...(s.answer_md5 ? { answer_md5: s.answer_md5 } : {}),
  };
}

// The dev set's gold episodes, played by the sim server: INSERT/UPDATE run the gold SQL.
const dev = readFileSync(join(SHARED, 'data/agentbench/dbbench/dev.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { description: string; add_description: string; type: string[]; label: string[] });

function respond(req: SimRequest): string {
  const messages = (req.body.messages as Turn[]).map((m) => ({ role: m.role, content: m.content }));
  const question = messages[2]!.content;
  const turn = messages.filter((m) => m.role === 'assistant').length - 1;
  const s = scripted.find((x) => question.startsWith(`${x.description}\n`));
  if (s) return s.script(turn, messages);
  const d = dev.find((x) => question === `${x.description}\n${x.add_description}`);
  if (!d) return 'unknown item';
  if (d.type[0] !== 'INSERT' && d.type[0] !== 'UPDATE') return answer(` ${JSON.stringify(d.label)}`);
  return turn === 0 ? op(d.label[0]!) : answer(' ["none"]');
}

let db: DbServer;
let sim: SimServer;
let url: string;
let work: string;

beforeAll(async () => {
  db = await startMariaDb();
  sim = await startSimServer({ respond });
  url = `mysql://root@localhost?socket=${encodeURIComponent(db.admin.socketPath!)}`;
  work = tempDir('evalh-abdb-sim-');
  writeFileSync(join(work, 'scripted.jsonl'), scripted.map((s) => JSON.stringify(record(s))).join('\n') + '\n');
});

afterAll(async () => {
  await sim?.close();
  await db?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Item {
  item_id: string;
  score: number;
  scores: string;
  transcript: string;
  status: string;
}

function items(store: string, run: string): Map<string, { score: number; scores: Record<string, unknown>; turns: Turn[]; status: string }> {
  const sdb = new Database(store, { readonly: true });
  try {
    const rows = sdb.prepare('SELECT i.item_id, i.score, i.scores, i.transcript, i.status FROM items i JOIN runs r ON r.id = i.run_id WHERE r.name = ?').all(run) as Item[];
    return new Map(
      rows.map((r) => {
        const t = JSON.parse(r.transcript) as { turns: Turn[] };
        return [r.item_id, { score: r.score, scores: JSON.parse(r.scores) as Record<string, unknown>, turns: t.turns, status: r.status }];
      }),
    );
  } finally {
    sdb.close();
  }
}

describe('agentbench-db episodes against scripted agents', () => {
  it('plays the dev gold episodes over HTTP: gold SQL reproduces every answer_md5, SELECT labels score', async () => {
    const store = join(work, 'dev.db');
    const r = await runCli(
      ['run', 'agentbench-db', '--data', join(SHARED, 'data/agentbench/dbbench'), '--datasets', 'dev', '--endpoint', sim.url, '--model', 'sim', '--db-url', url, '--db', store, '--name', 'dev', '--concurrency', '4', '--json'],
      { cwd: work, env: cliEnv(work) },
    );
    expect(r.code, r.stderr).toBe(0);
    const doc = json<{ scores: Record<string, number>; statuses: Record<string, number> }>(r);
    expect(doc.scores).toEqual({ overall: 100, select: 100, insert: 100, update: 100 });
    expect(doc.statuses).toEqual({ completed: 60 });
    const got = items(store, 'dev');
    const writes = [...got.values()].filter((x) => x.scores.type === 'INSERT' || x.scores.type === 'UPDATE');
    expect(writes).toHaveLength(40);
    for (const w of writes) {
      expect(w.scores.tableMd5).toBe(w.scores.expected);
      expect(w.turns.filter((t) => t.role === 'assistant')).toHaveLength(3); // "Ok.", the gold SQL, the answer
    }
  });

  it('shows observations as Python prints fetchall(), ends episodes by their status, scores answers as the official comparator', async () => {
    const store = join(work, 'scripted.db');
    const r = await runCli(
      ['run', 'agentbench-db', '--data', join(work, 'scripted.jsonl'), '--endpoint', sim.url, '--model', 'sim', '--db-url', url, '--db', store, '--name', 'scripted', '--concurrency', '4', '--json'],
      { cwd: work, env: cliEnv(work) },
    );
    expect(r.code, r.stderr).toBe(0);
    const got = items(store, 'scripted');
    const byDesc = (d: string) => got.get(`scripted/${scripted.findIndex((s) => s.description === d)}`)!;
    const obs = (d: string) => byDesc(d).turns.filter((t, i) => t.role === 'user' && i > 2).map((t) => t.content);

    const o = obs('observations');
    // Collation: 'zoe' finds 'Zoë' (accent-insensitive); AVG/SUM over TEXT are doubles, 2.5 a DECIMAL.
    expect(o[0]).toBe(`[('Zoë', 1, 30.0, 30.0, None, "it's", Decimal('2.5'), 30)]`);
    expect(o[1]).toMatch(/^1064 \(42000\): You have an error in your SQL syntax; .* near 'SELEC broken' at line 1$/);
    expect(o[2]!.endsWith('[TRUNCATED]')).toBe(true);
    expect(Array.from(o[2]!)).toHaveLength(800 + '[TRUNCATED]'.length);
    expect(o[2]!.startsWith(`[('Zoë', '30', "it's"), ('Bob', '41', 'say "hi"'), ('person 0', '20', 'xxxxxxxxxx')`)).toBe(true);
    expect(o[3]).toBe('[]'); // UPDATE: fetchall() of no result set
    expect(o[4]).toBe("[('changed',)]"); // committed, seen by the next (fresh) session
    expect(o[5]).toBe('[(1,)]'); // several statements: the first one's rows
    expect(o[6]).toBe('[(9,)]'); // TEXT compared with a number compares numerically (ages 51..59)
    expect(byDesc('observations')).toMatchObject({ score: 1, scores: { status: 'completed', rounds: 8 } });

    const iso = obs('isolation');
    expect(iso[0]).toMatch(/^1142 \(42000\): SELECT command denied to user 'ab_/);
    expect(iso[1]).toBe('[(None,)]'); // no FILE privilege
    expect(iso[2]).toBe('1227 (42000): Access denied; you need (at least one of) the FILE privilege(s) for this operation');
    expect(iso[3]).toMatch(/^\[\('ab_\d+_\d+_[0-9a-f]+',\), \('information_schema',\)\]$/);

    expect(byDesc('no action')).toMatchObject({ score: 0, scores: { status: 'invalid_format' } });
    expect(byDesc('operation without sql block')).toMatchObject({ score: 0, scores: { status: 'invalid_format' } });
    const forever = byDesc('operation forever');
    expect(forever).toMatchObject({ score: 0, scores: { status: 'turn_limit', rounds: 16 } });
    expect(obs('operation forever')).toHaveLength(15); // 15 operations run; the 16th turn may only answer
    expect(byDesc('answer on the last turn')).toMatchObject({ score: 1, scores: { status: 'completed', rounds: 16 } });
    // Unfinished, but the table is right: 0 here; AgentBench v0.2 itself would count it.
    expect(byDesc('right update, never answers')).toMatchObject({ score: 0, scores: { status: 'turn_limit', unfinishedScore: 1 } });

    fixtures.comparator.forEach((c, i) => {
      const it = byDesc(`comparator case ${i}`);
      expect(it.scores.status).toBe('completed');
      expect(it.score, `${JSON.stringify(c.answer)} vs ${JSON.stringify(c.label)}`).toBe(c.correct ? 1 : 0);
      expect(compareSelect(c.answer, c.label).correct).toBe(c.correct);
    });

    const doc = json<{ scores: Record<string, number | null>; statuses: Record<string, number>; officialStyle: Record<string, number | null> }>(r);
    expect(doc.statuses).toEqual({ completed: 3 + fixtures.comparator.length, invalid_format: 2, turn_limit: 2 });
    expect(doc.scores.update).toBe(0);
    expect(doc.officialStyle.update).toBe(100);
    // Every item database and account is gone once its episode ends.
    const c = await mysql.createConnection({ socketPath: db.admin.socketPath, user: 'root' });
    const [dbs] = await c.query("SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'ab\\_%'");
    const [users] = await c.query("SELECT COUNT(*) AS n FROM mysql.user WHERE User LIKE 'ab\\_%'");
    await c.end();
    expect((dbs as Array<{ n: number }>)[0]!.n).toBe(0);
    expect((users as Array<{ n: number }>)[0]!.n).toBe(0);
  });

  it('uses an existing server by URL without storing or printing its password', async () => {
    const c = await mysql.createConnection({ socketPath: db.admin.socketPath, user: 'root' });
    await c.query("CREATE USER 'tester'@'localhost' IDENTIFIED BY 's3cr3t-pass'");
    await c.query("GRANT ALL PRIVILEGES ON *.* TO 'tester'@'localhost' WITH GRANT OPTION");
    await c.end();
    const store = join(work, 'url.db');
    const withPass = `mysql://tester:s3cr3t-pass@localhost?socket=${encodeURIComponent(db.admin.socketPath!)}`;
    const r = await runCli(
      ['run', 'agentbench-db', '--data', join(work, 'scripted.jsonl'), '--limit', '1', '--endpoint', sim.url, '--model', 'sim', '--db-url', withPass, '--db', store, '--name', 'url', '--json'],
      { cwd: work, env: cliEnv(work) },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ scores: Record<string, number> }>(r).scores.select).toBe(100);
    const show = await runCli(['show', 'url', '--db', store], { cwd: work, env: cliEnv(work) });
    expect(show.stdout).toContain('completed 1');
    for (const text of [r.stdout, r.stderr, show.stdout, readFileSync(store).toString('latin1')]) expect(text).not.toContain('s3cr3t-pass');

    const bad = await runCli(
      ['run', 'agentbench-db', '--data', join(work, 'scripted.jsonl'), '--limit', '1', '--runner', 'reference', '--db-url', withPass.replace('s3cr3t-pass', 'wrong-pass'), '--db', store, '--name', 'bad'],
      { cwd: work, env: cliEnv(work) },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('mysql://tester:***@localhost');
    expect(bad.stderr).not.toContain('wrong-pass');
  });

  it('runs the registered official files (`evalh data add agentbench`), and says how to get them when missing', async () => {
    const home = join(work, 'data-home');
    const missing = await runCli(['run', 'agentbench-db', '--runner', 'reference', '--db-url', url, '--db', join(work, 'reg.db')], { cwd: work, env: cliEnv(home) });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('evalh data pull agentbench');
    const add = await runCli(['data', 'add', 'agentbench', join(SHARED, 'data/agentbench'), '--json'], { cwd: work, env: cliEnv(home) });
    expect(add.code, add.stderr).toBe(0);
    // One asset set for the AgentBench tasks: the DB files and the OS-interaction files.
    const registered = json<{ registered: string[] }>(add).registered.sort();
    expect(registered.filter((f) => f.startsWith('dbbench/'))).toEqual(['dbbench/dev.jsonl', 'dbbench/standard.jsonl']);
    expect(registered.filter((f) => f.startsWith('os_interaction/')).length).toBeGreaterThan(0);
    const r = await runCli(['run', 'agentbench-db', '--datasets', 'dev', '--limit', '3', '--runner', 'reference', '--db-url', url, '--db', join(work, 'reg.db'), '--name', 'reg', '--json'], {
      cwd: work,
      env: cliEnv(home),
    });
    expect(r.code, r.stderr).toBe(0);
    const doc = json<{ scores: Record<string, number | null>; labels?: string[]; missingGroups?: string[] }>(r);
    // Only SELECT items in the first 3: the official overall (the mean of SELECT, INSERT and
    // UPDATE) is not computed — it was 100 (the mean of SELECT alone) before issue 12.
    expect(doc.scores).toEqual({ overall: null, select: 100, insert: null, update: null });
    expect(doc.missingGroups).toEqual(['INSERT', 'UPDATE']);
    expect((doc.labels ?? []).join(' ')).not.toContain('not an official');
    const show = await runCli(['show', 'reg', '--db', join(work, 'reg.db')], { cwd: work, env: cliEnv(home) });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^overall \(mean of SELECT, INSERT, UPDATE\)\s+not computed\s*$/m);
    expect(show.stdout).toContain('overall not computed: INSERT and UPDATE have no items in this run (the official overall is the mean of all three)');
    expect(show.stdout).not.toMatch(/long context|truncate/);
  });

  it('an environment that fails (no right to create the item database) is a task error, never a score', async () => {
    const c = await mysql.createConnection({ socketPath: db.admin.socketPath, user: 'root' });
    await c.query("CREATE USER 'weak'@'localhost' IDENTIFIED BY 'weak-pass'");
    await c.end();
    const store = join(work, 'weak.db');
    const r = await runCli(
      ['run', 'agentbench-db', '--data', join(work, 'scripted.jsonl'), '--limit', '3', '--runner', 'reference', '--db-url', `mysql://weak:weak-pass@localhost?socket=${encodeURIComponent(db.admin.socketPath!)}`, '--db', store, '--name', 'weak', '--error-budget', '1', '--json'],
      { cwd: work, env: cliEnv(work) },
    );
    expect(r.code, r.stderr).toBe(0); // within the (whole) error budget: reported, not fatal
    expect(r.stderr).toMatch(/3 item\(s\) failed permanently \(not scored\): task_error 3;/);
    const doc = json<{ status: string; items: Record<string, number>; scores: Record<string, number | null> }>(r);
    expect(doc.items).toMatchObject({ done: 0, error: 3 });
    expect(doc.scores).toEqual({ overall: null, select: null, insert: null, update: null });
    const sdb = new Database(store, { readonly: true });
    const rows = sdb.prepare('SELECT status, error_kind, error, score FROM items').all() as Array<{ status: string; error_kind: string; error: string; score: number | null }>;
    sdb.close();
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'error', error_kind: 'task_error', score: null });
      expect(row.error).toMatch(/^environment failed: Access denied for user 'weak'@'localhost' to database 'ab_/);
    }
  });
});
