import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compare, pyInt, pySize } from '../src/agent/os-compare.js';
import { cleanTerminal, formatObservation, stripAnsi } from '../src/agent/os-terminal.js';
import type { BuiltinComparator } from '../src/agent/os-task.js';
import { parseAction } from '../benchmarks/agentbench-os/action.js';
import { loadItems, parseItem } from '../benchmarks/agentbench-os/load.js';
import { summarize } from '../benchmarks/agentbench-os/aggregate.js';
import { openingTurns } from '../benchmarks/agentbench-os/prompt.js';
import { InputError } from '../src/errors.js';
import { ROOT, SHARED } from './helpers/cli.js';

const FIX = join(ROOT, 'test/fixtures/agentbench-os');
const OS_DATA = join(SHARED, 'data/agentbench/os_interaction/data');

describe('action parsing (parity with upstream extract_action)', () => {
  const fixture = JSON.parse(readFileSync(join(FIX, 'extract-action.json'), 'utf8')) as { cases: { raw: string; action: string | null; content: string | null }[] };
  test.each(fixture.cases)('%#: $raw', ({ raw, action, content }) => {
    const got = parseAction(raw);
    expect(got.action).toBe(action);
    expect(got.action === null ? null : (got.content ?? null)).toBe(content);
  });
});

describe('comparators (parity with the upstream check scripts)', () => {
  const fixture = JSON.parse(readFileSync(join(FIX, 'comparators.json'), 'utf8')) as { cases: { comparator: BuiltinComparator; argv: string[]; pass: boolean }[] };
  test.each(fixture.cases)('$comparator $argv → $pass', ({ comparator, argv, pass }) => {
    expect(compare(comparator, argv)).toBe(pass);
  });
  test('Python int and size-match units', () => {
    expect(pyInt(' 12\n')).toBe(12n);
    expect(() => pyInt('1.5')).toThrow();
    expect(pySize('2K')).toBe(2048n);
    expect(() => pySize('2KB')).toThrow(); // "B" is tried first: int("2K") fails, as upstream
    expect(compare('integer-match', ['5'])).toBe(false);
  });
});

describe('terminal output', () => {
  test.each([
    ['\x1b[01;34mdir\x1b[0m  file', 'dir  file'],
    ['\x1b]0;root@host: /\x07root@host:/# ', 'root@host:/# '],
    ['a\x1b[2K\x1b[1Gb', 'ab'],
    ['\x1b(Bplain\x1b=', 'plain'],
    ['no escapes', 'no escapes'],
  ])('stripAnsi %j', (input, want) => expect(stripAnsi(input)).toBe(want));

  test.each([
    ['line1\r\nline2\r\n', 'line1\nline2\n'],
    ['10%\r20%\r100%\n', '10%20%100%\n'],
    ['\x1b[31mred\x1b[0m\r\n', 'red\n'],
    ['bell\x07', 'bell'],
    ['ab\x08c', 'ac'],
  ])('cleanTerminal %j', (input, want) => expect(cleanTerminal(input)).toBe(want));

  test.each([
    ['', 'The output of the OS is empty.'],
    ['hi\n', 'The output of the OS:\n\nhi\n'],
    ['x'.repeat(800), `The output of the OS:\n\n${'x'.repeat(800)}`],
    ['x'.repeat(801), `The output of the OS:\n\n${'x'.repeat(780)}\n[truncated because the output is too long]`],
    // lengths in code points, as Python counts them
    ['😀'.repeat(800), `The output of the OS:\n\n${'😀'.repeat(800)}`],
    ['😀'.repeat(801), `The output of the OS:\n\n${'😀'.repeat(780)}\n[truncated because the output is too long]`],
  ])('formatObservation %#', (input, want) => expect(formatObservation(input)).toBe(want));
});

describe('problem files', () => {
  const src = (rel: string, dataset: 'dev' | 'test', group: string) => {
    const path = join(OS_DATA, rel);
    return { rel, dataset, group, path, official: true, sha256: '', text: readFileSync(path, 'utf8') };
  };
  test('dev.json: 26 items, 3 not evaluable (scripts upstream does not publish), comparators resolved', () => {
    const items = loadItems(src('dev.json', 'dev', 'dev'));
    expect(items).toHaveLength(26);
    expect(items.map((i) => i.id).slice(0, 2)).toEqual(['dev-00000', 'dev-00001']);
    const ne = items.filter((i) => i.record.notEvaluable).map((i) => i.record.notEvaluable);
    expect(ne).toEqual(['not evaluable here: check/0.sh', 'not evaluable here: check/0.sh', 'not evaluable here: init/stock-log.sh']);
    const hidden = items[6]!.record.task!;
    expect(hidden.evaluation).toEqual({ kind: 'check', scripts: [null, { kind: 'builtin', name: 'integer-match' }], example: { kind: 'code', language: 'bash', code: 'ls -a /home | grep "^\\." | wc -l' } });
    expect(items[0]!.record.task!.evaluation).toEqual({ kind: 'match', answer: '1', strip: true });
    expect(items[0]!.record.task!.start).toContain('time.sleep(1)');
    // a "create" that is a list has no init upstream
    expect(items[10]!.record.task!.init).toEqual([]);
  });
  test('all 144 test items load', () => {
    const files = ['1/stock.json', '2/environment.json', '3/ac.json', '4/N11.json', '4/N225.json', '4/N37.json', '4/N4.json', '4/N41.json', '4/Q09.json', '4/Q19.json', '4/Q30.json', '4/Q47.json', '4/Q49.json', '5/new.json', '6/new.json', '7/bootstrap.json'];
    const items = files.flatMap((f) => loadItems(src(f, 'test', f.split('/')[0]!)));
    expect(items).toHaveLength(144);
    expect(new Set(items.map((i) => i.id)).size).toBe(144);
    expect(items[0]!.id).toBe('test-1-stock-00000');
  });
  test('bad items name file and field, exit code 2', () => {
    const bad = (item: unknown) => () => parseItem(item, 'p.json', 3);
    expect(bad({ evaluation: { match: 'x' } })).toThrow(/p\.json, field "\[3\]\.description": expected a string/);
    expect(bad({ description: 'd' })).toThrow(/field "\[3\]\.evaluation"/);
    expect(bad({ description: 'd', evaluation: { check: [null] } })).toThrow(/\[3\]\.evaluation\.example/);
    expect(bad({ description: 'd', evaluation: { check: [{ language: 'bash' }] } })).toThrow(/evaluation\.check\[0\]/);
    try {
      bad({ description: 'd', evaluation: {} })();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).exitCode).toBe(2);
    }
    expect(parseItem({ description: 'd', evaluation: { check: { language: 'c', code: 'int main(){}' } } }, 'p.json', 0)).toEqual({ notEvaluable: 'not evaluable here: c scripts' });
  });
});

test('opening conversation: instruction + one-shot, then the problem', () => {
  const turns = openingTurns('How many?');
  expect(turns).toHaveLength(7);
  expect(turns[0]!.content).toMatch(/^You are an assistant that will act like a person, I will play the role of linux\(ubuntu\) operating system\./);
  expect(turns[0]!.content).toMatch(/Now, my problem is:\n\ntell me how many files are in the directory "\/etc"\?$/);
  expect(turns[5]).toEqual({ role: 'assistant', content: 'Think: Now I get the answer, it is 220.\n\nAct: answer(220)' });
  expect(turns[6]).toEqual({ role: 'user', content: 'Now, I will start a new problem in a new OS. My problem is:\n\nHow many?' });
});

test('summary: success rate over evaluable items, per folder and file, status counts', () => {
  const t = (group: string, file: string) => ({ group, file, index: 0 });
  const s = summarize(
    [
      { dataset: 'test', target: t('1', '1/stock.json'), score: 1, scores: { status: 'completed' } },
      { dataset: 'test', target: t('1', '1/stock.json'), score: 0, scores: { status: 'turn_limit' } },
      { dataset: 'test', target: t('4', '4/N11.json'), score: 0, scores: { status: 'invalid_action' } },
      { dataset: 'dev', target: t('dev', 'dev.json'), score: 1, scores: { status: 'completed' } },
    ],
    ['dev', 'test'],
    [{ dataset: 'test', target: t('7', '7/bootstrap.json'), reason: 'not evaluable here: init/stock-log.sh' }],
  );
  expect(s.scores).toEqual({ dev: 100, test: 33.33 });
  const a = s.aggregates as Record<string, any>;
  expect(a.groups['1']).toEqual({ success_rate: 50, passed: 1, evaluated: 2, not_evaluable: 0 });
  expect(a.groups['7']).toEqual({ success_rate: null, passed: 0, evaluated: 0, not_evaluable: 1 });
  expect(a.statuses).toEqual({ completed: 2, turn_limit: 1, invalid_action: 1 });
  expect(a.overall.success_rate).toBe(50);
});
