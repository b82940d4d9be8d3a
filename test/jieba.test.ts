import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { buildPrefixDict, getDefaultDict } from '../src/text/jieba/dict.js';
import { cut } from '../src/text/jieba/index.js';
import { lnCorrect } from '../src/text/jieba/log.js';

const fixtures = fileURLToPath(new URL('./fixtures/jieba/', import.meta.url));
const sharedDict = fileURLToPath(new URL('../../shared/data/longbench/jieba/dict.txt', import.meta.url));

interface Segment {
  text: string;
  tokens: string[];
}

describe('jieba.cut parity with Python jieba 0.42.1', () => {
  const lines = readFileSync(`${fixtures}segments.jsonl`, 'utf8').split('\n').filter((l) => l !== '');
  const cases = lines.map((l) => JSON.parse(l) as Segment);

  it('reproduces every fixture segmentation', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5000);
    const mismatches: { text: string; expected: string[]; actual: string[] }[] = [];
    for (const c of cases) {
      const actual = cut(c.text);
      if (actual.length !== c.tokens.length || actual.some((t, i) => t !== c.tokens[i])) {
        mismatches.push({ text: c.text, expected: c.tokens, actual });
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(mismatches.length).toBe(0);
  });

  // Expected values are Python's output (python3-jieba 0.42.1).
  it.each<[string, string, string[]]>([
    ['empty string', '', []],
    ['CRLF is one token', 'a\r\nb', ['a', '\r\n', 'b']],
    ['CR before CRLF', '\r\r\n', ['\r', '\r\n']],
    ['LF CR is two tokens', '\n\r', ['\n', '\r']],
    ['ASCII whitespace', '\t\n\x0b\x0c\r \xa0', ['\t', '\n', '\x0b', '\x0c', '\r', ' ', '\xa0']],
    [
      "Python's \\s vs JS's: \\x1c-\\x1f and \\x85 are spaces, U+FEFF is not (each is one token anyway)",
      '\x1c\x1d\x1e\x1f\x85\ufeff\u3000\u200b\u180e',
      ['\x1c', '\x1d', '\x1e', '\x1f', '\x85', '\ufeff', '\u3000', '\u200b', '\u180e'],
    ],
    ['astral characters are one character each', '😀𠮷', ['😀', '𠮷']],
    ['emoji with modifier splits like Python', '👍🏽好', ['👍', '🏽', '好']],
    ['lone surrogates are one code point each', '\ud800a\udc00', ['\ud800', 'a', '\udc00']],
    ['the dictionary line @node-rs/jieba lacks', 'B超和4S店', ['B超', '和', '4S店']],
    ['numbers and symbols in a Han run', '3.14%的人用C++和C#', ['3.14%', '的', '人用', 'C++', '和', 'C#']],
    ['ASCII glued to Han', 'iPhone12手机', ['iPhone12', '手机']],
    ['HMM finds unknown words', '他来到了网易杭研大厦', ['他', '来到', '了', '网易', '杭研', '大厦']],
    ['finalseg re_skip on a buffered version string', 'v1.2.3', ['v1.2', '.', '3']],
    ['ampersand word', 'AT&T公司', ['AT&T', '公司']],
    ['underscore and hyphen split from letters', 'a-b_c', ['a', '-', 'b', '_', 'c']],
    ['edge of the Han range', '龥鿕鿖䶵', ['龥', '鿕', '鿖', '䶵']],
    ['ASCII run between Han', '中国abc123def中国', ['中国', 'abc123def', '中国']],
    ['buffered single characters with ASCII', '你a好b', ['你', 'a', '好', 'b']],
    ['numerals', '一二三四五六', ['一二三四五', '六']],
    ['full-width characters are outside the runs', '１２３ＡＢＣ，。', ['１', '２', '３', 'Ａ', 'Ｂ', 'Ｃ', '，', '。']],
    ['ambiguity', '结婚的和尚未结婚的', ['结婚', '的', '和', '尚未', '结婚', '的']],
    [
      'classic sentence',
      '工信处女干事每月经过下属科室都要亲口交代24口交换机等技术性器件的安装工作',
      ['工信处', '女干事', '每月', '经过', '下属', '科室', '都', '要', '亲口', '交代', '24', '口', '交换机', '等', '技术性', '器件', '的', '安装', '工作'],
    ],
    // Route ties decided by the last bit of log(): Math.log gets all four wrong.
    ['log-sensitive tie 1', '今是昔非昔是今', ['今是', '昔', '非昔是今']],
    ['log-sensitive tie 2', '水宿风餐风宿水', ['水宿风', '餐风宿水']],
    ['log-sensitive tie 3', '爱我所爱我所爱', ['爱', '我', '所', '爱我所爱']],
    ['log-sensitive tie 4', '讹以滋讹以滋讹', ['讹以滋讹', '以滋讹']],
  ])('%s', (_name, text, expected) => {
    expect(cut(text)).toEqual(expected);
  });

  it('tokens always concatenate back to the input', () => {
    for (const c of cases) expect(cut(c.text).join('')).toBe(c.text);
  });
});

describe('jieba prefix dictionary', () => {
  const logs = JSON.parse(readFileSync(`${fixtures}log.json`, 'utf8')) as {
    total: number;
    logTotal: number;
    entries: number;
    log: [number, number][];
  };

  it("matches Python's FREQ size and total", () => {
    const dict = getDefaultDict();
    expect(dict.entryCount).toBe(logs.entries);
    expect(dict.total).toBe(logs.total);
  });

  it("computes log() bit-identical to Python's math.log for every frequency", () => {
    const wrong = logs.log.filter(([f, l]) => lnCorrect(f) !== l);
    expect(wrong).toEqual([]);
    expect(lnCorrect(logs.total)).toBe(logs.logTotal);
    // The reason lnCorrect exists: Math.log is off by one ulp on some of them (e.g. 3).
    expect(logs.log.some(([f, l]) => Math.log(f) !== l)).toBe(true);
    const dict = getDefaultDict();
    expect(dict.weight(3)).toBe(logs.log.find(([f]) => f === 3)![1] - logs.logTotal);
  });

  it('follows gen_pfdict: later duplicates win, every line counts in the total, prefixes get 0', () => {
    const enc = new TextEncoder();
    const dict = buildPrefixDict([enc.encode('ab 5 n\r\nabcd 2\n  ab 7 x\n𠮷x 4\n'), enc.encode('a 1\n')]);
    expect(dict.total).toBe(19);
    expect([...dict.entries()].sort()).toEqual(
      [
        ['a', 1],
        ['ab', 7],
        ['abc', 0],
        ['abcd', 2],
        ['𠮷', 0],
        ['𠮷x', 4],
      ].sort(),
    );
    expect(dict.get('ab')).toBe(7);
    expect(dict.get('abc')).toBe(0);
    expect(dict.get('abx')).toBeUndefined();
    expect(dict.get('\ud842')).toBeUndefined();
  });

  it('rejects malformed lines like Python (ValueError)', () => {
    const enc = new TextEncoder();
    expect(() => buildPrefixDict([enc.encode('ok 1\nnofreq\n')])).toThrow(/Line 2: nofreq/);
    expect(() => buildPrefixDict([enc.encode('bad x\n')])).toThrow(/Line 1/);
    expect(() => buildPrefixDict([enc.encode('ok 1\n\nok 2\n')])).toThrow(/Line 2/);
  });

  const haveShared = existsSync(sharedDict);
  if (!haveShared) {
    console.warn(`jieba: ${sharedDict} is absent; skipping the comparison with Python's dict.txt`);
  }
  it.skipIf(!haveShared)("equals the word→freq map of Python jieba's own dict.txt", () => {
    // Written independently of dict.ts, straight from gen_pfdict.
    const expected = new Map<string, number>();
    let total = 0;
    for (const raw of readFileSync(sharedDict, 'utf8').split('\n')) {
      if (raw === '') continue;
      const [word, freq] = raw.trim().split(' ') as [string, string];
      const f = Number.parseInt(freq, 10);
      expected.set(word, f);
      total += f;
      const cps = Array.from(word);
      for (let i = 1; i <= cps.length; i++) {
        const prefix = cps.slice(0, i).join('');
        if (!expected.has(prefix)) expected.set(prefix, 0);
      }
    }
    const dict = getDefaultDict();
    expect(dict.total).toBe(total);
    expect(dict.entryCount).toBe(expected.size);
    const wrong: [string, number, number | undefined][] = [];
    for (const [word, f] of dict.entries()) {
      if (expected.get(word) !== f) wrong.push([word, f, expected.get(word)]);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    // Same words through the default dictionary's file too.
    const fromShared = buildPrefixDict([readFileSync(sharedDict)]);
    expect(fromShared.total).toBe(dict.total);
    expect(fromShared.entryCount).toBe(dict.entryCount);
  });
});
