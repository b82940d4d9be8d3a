import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAction } from '../benchmarks/agentbench-db/action.js';
import { summarize } from '../benchmarks/agentbench-db/aggregate.js';
import { compareSelect } from '../benchmarks/agentbench-db/compare.js';
import { md5Query, truncateObservation } from '../benchmarks/agentbench-db/environment.js';
import { readRecords, resolveData } from '../benchmarks/agentbench-db/load.js';
import { INSTRUCTION, openingTurns } from '../benchmarks/agentbench-db/prompt.js';
import { parsePyLiteral } from '../benchmarks/agentbench-db/pyliteral.js';
import { reprRows, reprValue, type PyValue } from '../benchmarks/agentbench-db/pyrepr.js';
import { InputError } from '../src/errors.js';
import { SHARED } from './helpers/cli.js';

// Made by Python itself: python3 test/fixtures/agentbench-db/make_fixtures.py > test/fixtures/agentbench-db/fixtures.json
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/agentbench-db/fixtures.json', import.meta.url), 'utf8')) as {
  comparator: Array<{ answer: string; label: string[]; correct: boolean }>;
  repr: Array<{ kind: string; input: unknown; repr: string }>;
  rows: Array<{ rows: string }>;
};

describe('SELECT comparator (official rule, outcomes from Python eval/float/set)', () => {
  it.each(fixtures.comparator.map((c) => [JSON.stringify(c.answer), JSON.stringify(c.label), c] as const))('%s vs %s', (_a, _l, c) => {
    expect(compareSelect(c.answer, c.label).correct).toBe(c.correct);
  });

  it('reads literals without evaluating code', () => {
    expect(parsePyLiteral(' ["a", \'b\']')).toEqual({ t: 'list', items: [{ t: 'str', v: 'a' }, { t: 'str', v: 'b' }] });
    expect(parsePyLiteral(' __import__("os")')).toBeUndefined();
    expect(parsePyLiteral(' (1)')).toEqual({ t: 'num', v: 1 });
    expect(parsePyLiteral(' ()')).toEqual({ t: 'tuple', items: [] });
    expect(parsePyLiteral(' [01]')).toBeUndefined(); // a SyntaxError in Python 3
  });
});

describe('Python repr of fetchall() values (outputs from Python repr)', () => {
  const toValue = (kind: string, input: unknown): PyValue => {
    switch (kind) {
      case 'float':
        return { t: 'float', v: Number(input === 'inf' ? Infinity : input === '-inf' ? -Infinity : input) };
      case 'bytes':
        return { t: 'bytes', v: Uint8Array.from(input as number[]) };
      case 'none':
        return { t: 'none' };
      default:
        return { t: kind, v: input } as PyValue;
    }
  };
  it.each(fixtures.repr.map((c) => [c.repr, c] as const))('%s', (_r, c) => {
    expect(reprValue(toValue(c.kind, c.input))).toBe(c.repr);
  });

  it('prints rows as str(list of tuples)', () => {
    const rows: PyValue[][][] = [
      [[{ t: 'str', v: 'a' }, { t: 'int', v: '1' }]],
      [[{ t: 'none' }]],
      [],
      [[{ t: 'decimal', v: '2.5' }, { t: 'float', v: 2.5 }, { t: 'str', v: "x'y" }]],
      [[{ t: 'str', v: 'only' }], [{ t: 'str', v: 'two' }]],
    ];
    expect(rows.map(reprRows)).toEqual(fixtures.rows.map((r) => r.rows));
  });

  it('truncates observations at 800 code points, as Python slices', () => {
    expect(truncateObservation('x'.repeat(800))).toBe('x'.repeat(800));
    expect(truncateObservation('x'.repeat(801))).toBe(`${'x'.repeat(800)}[TRUNCATED]`);
    const emoji = '😀'.repeat(801);
    expect(truncateObservation(emoji)).toBe(`${'😀'.repeat(800)}[TRUNCATED]`);
  });
});

describe('agent turns (official regexes)', () => {
  const cases: Array<[string, ReturnType<typeof parseAction>]> = [
    ['Action: Operation\n```sql\nSELECT 1;\n```', { kind: 'operation', sql: 'SELECT 1;' }],
    ['think first\nAction: Operation\n```sql\n  SELECT a\nFROM t;  \n```\nmore', { kind: 'operation', sql: 'SELECT a FROM t;' }],
    ['Action: Operation\n```sql\nSELECT 1;\n```\n```sql\nSELECT 2;\n```', { kind: 'operation', sql: 'SELECT 1;' }],
    ['Action: Operation\nSELECT 1;', { kind: 'invalid', reason: 'Action: Operation without a ```sql block' }],
    ['Action: Operation\n```SQL\nSELECT 1;\n```', { kind: 'invalid', reason: 'Action: Operation without a ```sql block' }],
    ['Action: Answer\nFinal Answer: ["x"]', { kind: 'answer', answer: ' ["x"]' }],
    ['I know it.\nFinal Answer: ["x"]\nbye', { kind: 'answer', answer: ' ["x"]' }],
    ['Final Answer: ["x"]', { kind: 'invalid', reason: 'neither "Action: Operation" nor "Final Answer:"' }],
    ['Action: Answer\nFinal answer: ["x"]', { kind: 'invalid', reason: 'no "Final Answer:" line after "Action: Answer"' }],
    // "Action: Operation" with nothing after it on the line is not matched (the regex needs \n).
    ['Action: Operation', { kind: 'invalid', reason: 'neither "Action: Operation" nor "Final Answer:"' }],
    ['Action: Operation \n```sql\nSELECT 1;\n```\nFinal Answer: [1]', { kind: 'answer', answer: ' [1]' }],
  ];
  it.each(cases)('%j', (text, want) => {
    expect(parseAction(text)).toEqual(want);
  });

  it('opens the conversation as the official task does', () => {
    const turns = openingTurns('How many?', 'The name of this table is t.');
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    expect(turns[0]!.content).toBe(INSTRUCTION);
    expect(INSTRUCTION.startsWith('\nI will ask you a question, then you should help me operate a MySQL database with SQL')).toBe(true);
    expect(turns[1]!.content).toBe('Ok.');
    expect(turns[2]!.content).toBe('How many?\nThe name of this table is t.');
  });

  it('builds the official table md5 query', () => {
    expect(md5Query('Some Table', ['a', 'b c'])).toBe(
      "select md5(group_concat(rowhash order by rowhash)) as hash from( SELECT substring(MD5(CONCAT_WS(',', `a`,`b c`)), 1, 5) AS rowhash FROM `Some Table`) as sub;",
    );
  });
});

describe('data loading', () => {
  it('reads the 300 standard items, numbers kept as written', () => {
    const recs = readRecords(resolveData('standard', join(SHARED, 'data/agentbench/dbbench')));
    expect(recs).toHaveLength(300);
    const groups = summarize(recs.map((r) => ({ dataset: 'standard', target: { type: r.type, label: r.label }, score: 1 })));
    expect(groups.scores).toEqual({ overall: 100, select: 100, insert: 100, update: 100 });
    const types = (groups.aggregates as { types: Record<string, { items: number }> }).types;
    expect(types.INSERT!.items).toBe(100);
    expect(types.UPDATE!.items).toBe(100);
    // JSON 2.0 stays "2.0" (Python's json keeps the float, and the table holds its str()).
    const nums = recs.flatMap((r) => r.rows.flat()).filter((c): c is { num: string } => typeof c === 'object' && c !== null);
    expect(nums.length).toBe(100);
    expect(nums.some((n) => n.num.includes('.'))).toBe(true);
  });

  it('names file, line and field of bad input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evalh-abdb-'));
    const good = readFileSync(join(SHARED, 'data/agentbench/dbbench/dev.jsonl'), 'utf8').split('\n')[0]!;
    const bad = JSON.parse(good) as Record<string, unknown>;
    delete (bad.table as { table_info: { columns?: unknown } }).table_info.columns;
    const file = join(dir, 'standard.jsonl');
    writeFileSync(file, `${good}\n${JSON.stringify(bad)}\n`);
    let err: unknown;
    try {
      readRecords(resolveData('standard', file));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${file}, line 2, field "table.table_info.columns": expected a non-empty list of {name, type}`);
    writeFileSync(file, `${good}\n{not json\n`);
    expect(() => readRecords(resolveData('standard', file))).toThrow(/line 2: not valid JSON/);
  });
});
