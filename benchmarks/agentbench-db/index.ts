import { runEpisode } from '../../src/agent/episode.js';
import { connectExisting, startMariaDb, type DbServer } from '../../src/agent/mariadb.js';
import { UsageError } from '../../src/errors.js';
import { log } from '../../src/progress.js';
import type { ConversationResult, ItemScore, OpenOptions, PreparedRequest, Suite, SuiteItem, SuiteSource } from '../../src/suite.js';
import { renderSummary, summarize } from './aggregate.js';
import { SqlService } from './database.js';
import { DbEnvironment, MAX_ROUNDS, MAX_TURNS } from './environment.js';
import { datasetOfFile, readRecords, resolveData } from './load.js';
import { openingTurns } from './prompt.js';
import type { DbRecord, Target } from './records.js';

// AgentBench DB (dbbench, THUDM/AgentBench v0.2): an agent answers questions about, or
// changes, one table in a real MySQL-compatible server through SQL, over up to 15 rounds.
// Items are scored by the environment at the end of the episode (SELECT types by the
// official answer comparator, INSERT/UPDATE by the official table md5). Episode statuses
// (completed, invalid format, turn limit, …) are kept per item; non-completed episodes
// score 0. The server: evalh's own MariaDB (started for the run, stopped after it), or an
// existing server with --db-url / EVALH_DB_URL.

/** Bumped whenever the episode protocol, execution or scoring changes. */
const SCORER_VERSION = 'agentbench-v0.2-dbbench-1';
/** evalh's generation settings for agent turns (the official agent configs leave them to each model). */
export const MAX_TOKENS = 512;
export const TEMPERATURE = 0;

interface State {
  records: Map<string, DbRecord>;
  server: DbServer;
  sql: SqlService;
}

let state: State | undefined;

export const agentbenchDb: Suite = {
  name: 'agentbench-db',
  title: 'AgentBench DB (SQL agent over a real MariaDB/MySQL server)',
  datasets: ['standard', 'dev'],
  maxCalls: MAX_TURNS,

  async open(opts: OpenOptions): Promise<SuiteSource> {
    let dataset = opts.datasets?.[0] ?? 'standard';
    if ((opts.datasets?.length ?? 0) > 1) throw new UsageError('agentbench-db runs one dataset at a time (--datasets standard or --datasets dev)');
    if (opts.data && !opts.datasets?.length && /\.jsonl$/.test(opts.data)) dataset = datasetOfFile(opts.data);
    const file = resolveData(dataset, opts.data, opts.sample);
    let records = readRecords(file);
    if (opts.limit !== undefined) records = records.slice(0, opts.limit);
    const items: SuiteItem[] = records.map((rec, i) => ({
      id: `${dataset}/${i}`,
      dataset,
      seq: i,
      target: { type: rec.type, label: rec.label, ...(rec.answerMd5 !== undefined ? { answerMd5: rec.answerMd5 } : {}) } satisfies Target,
      reference: '',
      record: rec,
    }));

    const url = opts.dbUrl ?? process.env.EVALH_DB_URL;
    const server = url ? await connectExisting(url) : await startMariaDb();
    log(`agentbench-db: SQL server ${server.describe}`);
    const sql = new SqlService(server);
    state = { records: new Map(items.map((it) => [it.id, it.record as DbRecord])), server, sql };

    const labels: string[] = opts.sample ? ['sample, not the official benchmark'] : [];
    if (!opts.sample && !file.official) labels.push(`data ${file.path} is not an official AgentBench v0.2 dbbench file (sha256 ${file.sha256.slice(0, 12)}…)`);
    if (!server.own) labels.push(`existing SQL server ${server.version} (settings as that server has them)`);
    return {
      datasets: [dataset],
      total: items.length,
      labels,
      fingerprint: {
        suite: 'agentbench-db',
        scorer: SCORER_VERSION,
        dataset,
        data: file.sha256,
        // MariaDB vs MySQL and their versions differ in corners (collations, functions).
        backend: server.own ? `evalh MariaDB ${server.version}` : `external ${server.version}`,
        maxRounds: MAX_ROUNDS,
        maxTokens: MAX_TOKENS,
        temperature: TEMPERATURE,
      },
      settings: { dataset, data: opts.sample ? 'built-in sample' : file.path, officialData: file.official, server: server.describe, limit: opts.limit ?? null },
      async *items() {
        yield* items;
      },
      itemIds: () => items.map((it) => it.id),
      async close() {
        const s = state;
        state = undefined;
        if (!s) return;
        await s.sql.end();
        await s.server.close();
      },
    };
  },

  async prepare(item): Promise<PreparedRequest> {
    const rec = item.record as DbRecord;
    const turns = openingTurns(rec.description, rec.addDescription);
    const last = turns.pop()!;
    return { request: { kind: 'chat', prompt: last.content, history: turns, maxTokens: MAX_TOKENS, temperature: TEMPERATURE } };
  },

  async converse(item, first, model): Promise<ConversationResult> {
    if (!state) throw new Error('converse() before open()');
    const rec = item.record as DbRecord;
    const env = new DbEnvironment(state.sql, rec);
    const { kind: _k, prompt: _p, history: _h, ...request } = first.request;
    // The official task checks an INSERT/UPDATE table (and reads an empty answer) whatever the
    // status: that verdict is kept beside the score, for the official-style figure.
    const ep = await runEpisode(env, model, { maxTurns: MAX_TURNS, request, evaluateUnfinished: true });
    const setupError = env.setupError;
    const score = ep.evaluation?.score ?? 0;
    const scores = {
      status: ep.status,
      type: rec.type,
      rounds: ep.turns.filter((t) => t.role === 'assistant').length - 1, // the fixed "Ok." is not a model turn
      ...(ep.reason ? { reason: ep.reason } : {}),
      ...(setupError ? { setupError } : {}),
      ...(ep.evaluation?.detail ?? {}),
    };
    return {
      text: ep.answer ?? '',
      transcript: { status: ep.status, ...(ep.reason ? { reason: ep.reason } : {}), ...(setupError ? { setupError } : {}), turns: ep.turns },
      promptTokens: ep.promptTokens,
      completionTokens: ep.completionTokens,
      scored: { score, scores } satisfies ItemScore,
    };
  },

  score(): ItemScore {
    // Episodes are scored by their environment (converse); a lone answer text cannot be.
    throw new UsageError('agentbench-db items are scored inside their episode; import and replay of answer files are not supported');
  },

  summarize(items) {
    return summarize(items);
  },

  renderSummary,

  async readPredictions() {
    throw new UsageError('agentbench-db has no prediction file format: run it with --endpoint, --gguf or --runner reference');
  },
};
