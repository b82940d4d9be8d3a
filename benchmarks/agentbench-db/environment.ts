import type { ChatTurn } from '../../runners/types.js';
import type { Environment, Evaluation, StepResult } from '../../src/agent/episode.js';
import { parseAction } from './action.js';
import { compareSelect } from './compare.js';
import type { ItemDatabase, SqlService } from './database.js';
import { openingTurns } from './prompt.js';
import { isWrite, type DbRecord } from './records.js';

/** Operations the agent may run (the official max_round); the turn after the last may still answer. */
export const MAX_ROUNDS = 15;
/** Model turns at most: one per operation, plus the final answer. */
export const MAX_TURNS = MAX_ROUNDS + 1;
const OBSERVATION_LIMIT = 800;

/** Python's `result[:800] + "[TRUNCATED]"` when len(result) > 800, counting code points as Python does. */
export function truncateObservation(text: string): string {
  const cps = Array.from(text);
  return cps.length > OBSERVATION_LIMIT ? `${cps.slice(0, OBSERVATION_LIMIT).join('')}[TRUNCATED]` : text;
}

/** The table md5 of the official INSERT/UPDATE check: column names as written, rows hashed, sorted, joined, hashed. */
export function md5Query(table: string, columns: string[]): string {
  const cols = columns.map((c) => `\`${c}\``).join(',');
  return (
    `select md5(group_concat(rowhash order by rowhash)) as hash ` +
    `from( SELECT substring(MD5(CONCAT_WS(',', ${cols})), 1, 5) AS rowhash FROM \`${table}\`) as sub;`
  );
}

/** One dbbench item: its own database on the shared server, the agent's statements, the official checks. */
export class DbEnvironment implements Environment {
  private db?: ItemDatabase;
  private turn = 0;

  constructor(
    private readonly sql: SqlService,
    private readonly rec: DbRecord,
  ) {}

  async reset(): Promise<ChatTurn[]> {
    this.db = await this.sql.createItemDatabase(this.rec.tableName, this.rec.columns, this.rec.rows);
    return openingTurns(this.rec.description, this.rec.addDescription);
  }

  /** The table could not be built as the data describes it (the official task goes on regardless). */
  get setupError(): string | undefined {
    return this.db?.setupError;
  }

  async step(text: string): Promise<StepResult> {
    const round = this.turn++;
    const action = parseAction(text);
    if (action.kind === 'answer') return { kind: 'finished', answer: action.answer };
    // After the last operation the official loop only looks for a final answer.
    if (round >= MAX_ROUNDS) return { kind: 'limit', reason: `no final answer after ${MAX_ROUNDS} operations` };
    if (action.kind === 'invalid') return { kind: 'invalid', status: 'invalid_format', reason: action.reason };
    const out = await this.db!.run(action.sql);
    return { kind: 'observation', content: truncateObservation(out.text) };
  }

  async evaluate(answer: string | undefined): Promise<Evaluation> {
    if (isWrite(this.rec.type)) {
      const out = await this.db!.runAsAdmin(md5Query(this.rec.tableName, this.rec.columns));
      const correct = out.text === this.rec.answerMd5;
      return { score: correct ? 1 : 0, detail: { tableMd5: out.text, expected: this.rec.answerMd5 } };
    }
    const c = compareSelect(answer ?? '', this.rec.label);
    return { score: c.correct ? 1 : 0, detail: { read: c.parsed, rule: c.rule, label: this.rec.label } };
  }

  async close(): Promise<void> {
    await this.db?.drop();
  }

  /** The gold episode: INSERT/UPDATE run the gold SQL, then answer; SELECT types answer the label at once. */
  goldTurn(turn: number): string | undefined {
    if (!isWrite(this.rec.type)) return turn === 0 ? `Action: Answer\nFinal Answer: ${JSON.stringify(this.rec.label)}` : undefined;
    const statements = this.rec.label;
    if (turn < statements.length) return `Action: Operation\n\`\`\`sql\n${statements[turn]}\n\`\`\``;
    return turn === statements.length ? 'Action: Answer\nFinal Answer: ["none"]' : undefined;
  }
}
