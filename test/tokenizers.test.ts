import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EvalhError, InputError, UsageError } from '../src/errors.js';
import {
  HfTokenizer,
  ServerTokenizer,
  TiktokenTokenizer,
  TokenizerServerError,
  connectServerTokenizer,
  loadTokenizer,
  middleCut,
  O200K_PATTERN,
  serverRoot,
  truncateMiddle,
  type Tokenizer,
  type TruncationMode,
} from '../src/tokenizers/index.js';
import { bytePairEncode } from '../src/tokenizers/long-pieces.js';
import { buildTokenizers, CORPUS, type BuiltTokenizers } from './fixtures/tokenizers/build.js';

let root: string;
let built: BuiltTokenizers;
let tik: TiktokenTokenizer;
let hf: HfTokenizer;
let G: number; // [gMASK]
let S: number; // <sop>

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'evalh-tok-'));
  built = buildTokenizers(root);
  G = built.special['[gMASK]']!;
  S = built.special['<sop>']!;
  tik = (await loadTokenizer(built.rankFile)) as TiktokenTokenizer;
  hf = (await loadTokenizer(built.hfFile)) as HfTokenizer;
});

afterAll(() => {
  tik?.close();
  rmSync(root, { recursive: true, force: true });
});

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const both = (): Array<[string, Tokenizer]> => [
  ['tiktoken rank file', tik],
  ['HF tokenizer.json', hf],
];

const SAMPLES = [
  'Hello, world! The quick brown fox jumps over the lazy dog.',
  "It's THE tokenizer's job; they'LL see what we'VE done.",
  '中文测试：你好，世界！这是一个长上下文评测。',
  '😀👍🏽 👨‍👩‍👧‍👦 🇨🇳 emoji and text 🎉',
  '  leading and trailing  ',
  '\n\n\tTabs\r\nCRLF\r\n\r\n',
  '   ',
  '\u3000全角空格\u00a0nbsp\u200bzero-width',
  'numbers 1234567 and 3.14159, code: if (x) { return y; }',
  'Ünïcödé façade naïve — “quotes” ‘single’ …',
  CORPUS,
];

describe('fixture tokenizer files', () => {
  it('the rank file has all bytes, a few hundred merges and ranks 0..n-1', () => {
    const lines = readFileSync(built.rankFile, 'utf8').trim().split('\n');
    expect(lines.length).toBe(built.ranks);
    expect(built.ranks).toBeGreaterThan(256 + 200);
    lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^[A-Za-z0-9+/]+=* ${i}$`)));
    expect(built.special['<|endoftext|>']).toBe(built.ranks);
    expect(built.special['<|end_of_video|>']).toBe(built.ranks + 13);
  });
});

describe('loadTokenizer', () => {
  it('tells the formats apart by content and pins the file in the id', async () => {
    expect(tik).toBeInstanceOf(TiktokenTokenizer);
    expect(tik.id).toBe(`tiktoken-file:${sha(built.rankFile)}`);
    expect(hf).toBeInstanceOf(HfTokenizer);
    expect(hf.id.startsWith(`hf:${sha(built.hfFile)};config:`)).toBe(true);
    // A rank file under another name, and a tokenizer.json under another name.
    const odd = join(root, 'odd');
    mkdirSync(odd);
    writeFileSync(join(odd, 'ranks.bin'), readFileSync(built.rankFile));
    writeFileSync(join(odd, 'tok.txt'), readFileSync(built.hfFile));
    expect(await loadTokenizer(join(odd, 'ranks.bin'))).toBeInstanceOf(TiktokenTokenizer);
    expect(await loadTokenizer(join(odd, 'tok.txt'))).toBeInstanceOf(HfTokenizer);
  });

  it('accepts model directories', async () => {
    const g = await loadTokenizer(built.glmDir);
    expect(g).toBeInstanceOf(TiktokenTokenizer);
    expect(g.id).toBe(tik.id);
    const h = await loadTokenizer(built.hfDir);
    expect(h).toBeInstanceOf(HfTokenizer);
    expect(h.id).toBe(hf.id);
    // GLM-4 with both files: tokenizer_config.json naming ChatGLM4Tokenizer picks tokenizer.model.
    const mixed = join(root, 'mixed');
    mkdirSync(mixed);
    writeFileSync(join(mixed, 'tokenizer.model'), readFileSync(built.rankFile));
    writeFileSync(join(mixed, 'tokenizer.json'), readFileSync(built.hfFile));
    writeFileSync(join(mixed, 'tokenizer_config.json'), readFileSync(join(built.glmDir, 'tokenizer_config.json')));
    expect(await loadTokenizer(mixed)).toBeInstanceOf(TiktokenTokenizer);
  });

  it('loads tiktoken built-in encodings (o200k_base for GPT models)', async () => {
    const o = (await loadTokenizer('tiktoken:o200k_base')) as TiktokenTokenizer;
    try {
      expect(o.id).toBe('tiktoken:o200k_base');
      expect(await o.encode('hello world')).toEqual([24912, 2375]);
      const t = 'Plain <|endoftext|> stays text 你好 😀';
      const ids = await o.encode(t);
      expect(ids).not.toContain(199999);
      expect(await o.decode(ids)).toBe(t);
    } finally {
      o.close();
    }
  });
});

describe('encode/decode', () => {
  it.each(SAMPLES.map((s, i) => [i, s] as const))('round-trips sample %i with both tokenizers', async (_i, text) => {
    for (const [name, t] of both()) {
      const ids = await t.encode(text, { addSpecialTokens: false });
      expect(await t.decode(ids), name).toBe(text);
      const withPrefix = await t.encode(text);
      expect(withPrefix.slice(0, 2), name).toEqual([G, S]);
      expect(withPrefix.slice(2), name).toEqual(ids);
      expect(await t.decode(withPrefix, { skipSpecialTokens: true }), name).toBe(text);
      expect(await t.decode(withPrefix), name).toBe(`[gMASK]<sop>${text}`);
    }
  });

  it('the rank file and tokenizer.json give the same ids', async () => {
    const texts = [...SAMPLES, ...CORPUS.split('\n'), ...CORPUS.split(/(?<=[.!?])/)];
    for (const text of texts) expect(await hf.encode(text), text).toEqual(await tik.encode(text));
  });

  it('uses the BPE merges and the byte fallback as built', async () => {
    for (const [name, t] of both()) {
      expect(await t.encode('你好', { addSpecialTokens: false }), name).toEqual([built.idOf('你'), built.idOf('好')]);
      expect(await t.encode('世界', { addSpecialTokens: false }), name).toEqual([0xe4, 0xb8, 0x96, 0xe7, 0x95, 0x8c]);
      expect(await t.encode('0123', { addSpecialTokens: false }), name).toEqual([0x30, 0x31, 0x32, 0x33]);
      expect(await t.encode('', { addSpecialTokens: false }), name).toEqual([]);
      expect(await t.encode(''), name).toEqual([G, S]);
      expect(await t.decode([]), name).toBe('');
    }
  });

  it("applies GLM-4's case-insensitive contraction group (?i:'s|...)", async () => {
    const Sa = built.idOf('Sa')!;
    for (const [name, t] of both()) {
      expect(await t.encode('Sa', { addSpecialTokens: false }), name).toEqual([Sa]);
      // (?i:'s) splits "'S" off "it'Sa", so "S" and "a" are in different pieces and never merge.
      const ids = await t.encode("it'Sa", { addSpecialTokens: false });
      expect(ids, name).not.toContain(Sa);
      expect(await t.decode(ids), name).toBe("it'Sa");
    }
  });

  it('never turns special-token text in the data into special tokens', async () => {
    const text = '<|user|>hi[gMASK]<sop><|endoftext|> <|assistant|>';
    for (const [name, t] of both()) {
      const ids = await t.encode(text);
      expect(ids.slice(0, 2), name).toEqual([G, S]);
      expect(ids.slice(2).every((id) => id < built.ranks), name).toBe(true);
      expect(await t.decode(ids, { skipSpecialTokens: true }), name).toBe(text);
    }
  });

  it('parses special-token text only when asked to (transformers behaviour)', async () => {
    const text = 'a<|user|>b';
    const user = built.special['<|user|>']!;
    for (const file of [built.rankFile, built.hfFile]) {
      const t = await loadTokenizer(file, { specialTokensInText: true });
      expect(t.id).toMatch(/special-in-text|;cfg:/);
      const ids = await t.encode(text, { addSpecialTokens: false });
      expect(ids, file).toEqual([0x61, user, 0x62]);
      expect(await t.decode(ids), file).toBe(text);
      expect(await t.decode(ids, { skipSpecialTokens: true }), file).toBe('ab');
      t.close?.();
    }
  });

  it('HF: other post-processors, none, and clean_up_tokenization_spaces', async () => {
    const json = JSON.parse(readFileSync(built.hfFile, 'utf8'));
    const eot = built.special['<|endoftext|>']!;
    const variant = (name: string, change: (j: any) => void, config?: object) => {
      const d = join(root, name);
      mkdirSync(d, { recursive: true });
      const j = structuredClone(json);
      change(j);
      writeFileSync(join(d, 'tokenizer.json'), JSON.stringify(j));
      if (config) writeFileSync(join(d, 'tokenizer_config.json'), JSON.stringify(config));
      return d;
    };
    // Llama-3 style: Sequence[ByteLevel, TemplateProcessing] with a BOS and an EOS after the text.
    const seq = (await loadTokenizer(
      variant('hf-seq', (j) => {
        j.post_processor = {
          type: 'Sequence',
          processors: [
            { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
            {
              type: 'TemplateProcessing',
              single: [{ SpecialToken: { id: '<|endoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<eop>', type_id: 0 } }],
              pair: [],
              special_tokens: {
                '<|endoftext|>': { id: '<|endoftext|>', ids: [eot], tokens: ['<|endoftext|>'] },
                '<eop>': { id: '<eop>', ids: [built.special['<eop>']], tokens: ['<eop>'] },
              },
            },
          ],
        };
      }),
    )) as HfTokenizer;
    expect(seq.prefixIds).toEqual([eot]);
    expect(seq.suffixIds).toEqual([built.special['<eop>']]);
    expect(await seq.encode('0')).toEqual([eot, 0x30, built.special['<eop>']]);
    const none = (await loadTokenizer(variant('hf-none', (j) => (j.post_processor = null)))) as HfTokenizer;
    expect(await none.encode('0')).toEqual([0x30]);
    // transformers' clean-up only when the config (or the caller) asks for it.
    const text = 'Hello , world . Is it ?';
    expect(await hf.decode(await hf.encode(text), { skipSpecialTokens: true })).toBe(text);
    const clean = await loadTokenizer(variant('hf-clean', () => {}, { clean_up_tokenization_spaces: true }));
    expect(clean.id).toMatch(/;cleanup$/);
    expect(await clean.decode(await clean.encode(text), { skipSpecialTokens: true })).toBe('Hello, world. Is it?');
  });

  it('decodes byte tokens that split a character as Python decode(errors="replace") does', async () => {
    for (const [name, t] of both()) {
      expect(await t.decode([0xe4, 0xb8]), name).toBe('\uFFFD');
      expect(await t.decode([0xb8, 0x96]), name).toBe('\uFFFD\uFFFD');
      expect(await t.decode([0xe4, 0xb8, 0x96]), name).toBe('世');
      // Bytes of consecutive tokens decode together: the head of one character + the tail of another.
      expect(await t.decode([0xe4, 0xb8, 0xb8, 0x96]), name).toBe('丸\uFFFD');
      // A special token ends a byte run; skipping it joins the runs.
      expect(await t.decode([G, 0xe4, S, 0xb8, 0x96]), name).toBe('[gMASK]\uFFFD<sop>\uFFFD\uFFFD');
      expect(await t.decode([G, 0xe4, S, 0xb8, 0x96], { skipSpecialTokens: true }), name).toBe('世');
      // 4-byte emoji cut after 2 bytes.
      expect(await t.decode([0xf0, 0x9f]), name).toBe('\uFFFD');
    }
  });

  it('rejects ids outside the vocabulary and keeps working afterwards', async () => {
    for (const [name, t] of both()) {
      await expect(t.decode([1, built.ranks + 14]), name).rejects.toThrow(UsageError);
      await expect(t.decode([1.5]), name).rejects.toThrow(/not in the vocabulary/);
      await expect(t.decode([-1]), name).rejects.toThrow(UsageError);
      expect(await t.decode([0x61]), name).toBe('a');
    }
  });
});

describe('long pieces (no quadratic merge in the WASM core)', () => {
  const LONG_TEXTS = [
    '世界你好中文测试长上下文'.repeat(500), // one 18 KB letter run
    'x' + 'a'.repeat(9000) + ' end',
    'head ' + ' '.repeat(6000) + 'tail',
    '=-'.repeat(3000) + '\n\n' + '/'.repeat(100),
    'Ab'.repeat(2500) + "'S" + 'cd'.repeat(2500) + ' 12345678 ' + '\r\n'.repeat(3000),
    '字'.repeat(1400) + '😀'.repeat(1100) + '\u0301'.repeat(3000),
  ];

  it('gives the same ids as the WASM core alone, with the JS merge on every piece', async () => {
    const wasmOnly = await loadTokenizer(built.rankFile, { tiktoken: { longPieceBytes: false } });
    const jsEverywhere = await loadTokenizer(built.rankFile, { tiktoken: { longPieceBytes: 1 } });
    try {
      for (const text of [...SAMPLES, ...LONG_TEXTS, "it'Sa", '']) {
        const want = await wasmOnly.encode(text);
        expect(await jsEverywhere.encode(text), text.slice(0, 40)).toEqual(want);
        expect(await tik.encode(text), text.slice(0, 40)).toEqual(want);
      }
    } finally {
      wasmOnly.close?.();
      jsEverywhere.close?.();
    }
  });

  it('o200k_base: same ids either way, and its pattern matches the package data', async () => {
    const require = createRequire(import.meta.url);
    const data = JSON.parse(readFileSync(join(dirname(require.resolve('tiktoken')), 'encoders', 'o200k_base.json'), 'utf8'));
    expect(data.pat_str).toBe(O200K_PATTERN);
    const wasmOnly = await loadTokenizer('tiktoken:o200k_base', { tiktoken: { longPieceBytes: false } });
    const jsEverywhere = await loadTokenizer('tiktoken:o200k_base', { tiktoken: { longPieceBytes: 1 } });
    try {
      for (const text of [...SAMPLES, ...LONG_TEXTS.map((t) => t.slice(0, 3000))]) {
        expect(await jsEverywhere.encode(text), text.slice(0, 40)).toEqual(await wasmOnly.encode(text));
      }
    } finally {
      wasmOnly.close?.();
      jsEverywhere.close?.();
    }
  });

  it('encodes a 100k-character unpunctuated run in seconds, not minutes', async () => {
    const text = '世界你好中文测试长上下文'.repeat(9000);
    const t0 = performance.now();
    const r = await truncateMiddle(tik, text, 120_000, 'v2');
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(r.truncatedTokens).toBeGreaterThan(0);
    expect(bytePairEncode('aaaa', new Map([['a', 0], ['aa', 1]]))).toEqual([1, 1]);
    expect(bytePairEncode('aaa', new Map([['a', 0], ['aa', 1]]))).toEqual([1, 0]); // leftmost first
  });
});

describe('truncateMiddle', () => {
  // With the prefix: [gMASK] <sop> 你 好 E4 B8 96(世) E7 95 8C(界) — 10 tokens.
  const T = '你好世界';
  const cases: Array<[string, TruncationMode, number, boolean, string, number, number]> = [
    // text, mode, max, count special tokens, expected text, prompt tokens, cut
    [T, 'v1', 10, true, T, 10, 0], // budget == length: untouched
    [T, 'v2', 10, true, T, 10, 0],
    [T, 'v1', 6, true, '你界', 10, 4], // [gMASK]<sop>你 | 界 ; the prefix is counted, then skipped
    [T, 'v1', 7, true, '你界', 10, 4], // odd: v1 keeps 2*floor(7/2) = 6
    [T, 'v2', 6, true, '你界', 10, 4],
    [T, 'v2', 7, true, '你\uFFFD界', 10, 3], // odd: v2's tail keeps one more token (96 of 世)
    [T, 'v1', 9, true, '你好\uFFFD界', 10, 2],
    [T, 'v2', 9, true, '你好\uFFFD\uFFFD界', 10, 1],
    [T, 'v1', 2, true, '\uFFFD', 10, 8], // head = [gMASK] -> '', tail = [8C]
    [T, 'v2', 3, true, '\uFFFD\uFFFD', 10, 7],
    [T, 'v1', 4, false, '你好\uFFFD\uFFFD', 8, 4], // chatglm3 style: no prefix counted
    [T, 'v2', 8, false, T, 8, 0],
    // 世 x4 = 12 byte tokens; cut inside characters. v1 decodes each side alone; v2 decodes the
    // joined bytes, where E4 B8 + B8 96 reads as 丸 + U+FFFD.
    ['世世世世', 'v1', 4, false, '\uFFFD\uFFFD\uFFFD', 12, 8],
    ['世世世世', 'v2', 4, false, '丸\uFFFD', 12, 8],
    // Digits are one token each.
    ['0123456789', 'v2', 5, false, '01789', 10, 5],
    ['0123456789', 'v1', 5, false, '0189', 10, 6],
    ['0123456789', 'v2', 4, false, '0189', 10, 6],
    ['0123456789', 'v2', 5, true, '789', 12, 7],
    ['0123456789', 'v1', 5, true, '89', 12, 8],
    ['0123456789', 'v1', 12, true, '0123456789', 12, 0],
    ['0123456789', 'v1', 11, true, '01256789', 12, 2], // half 5: [gMASK]<sop>012 | 56789
  ];
  it.each(cases)('%s %s max=%i special=%s', async (text, mode, max, count, want, promptTokens, cut) => {
    for (const [name, t] of both()) {
      const r = await truncateMiddle(t, text, max, mode, { countSpecialTokens: count });
      expect(r, name).toEqual({ text: want, promptTokens, truncatedTokens: cut });
    }
  });

  it('middleCut follows Python slicing', () => {
    expect(middleCut(10, 5, 'v2')).toEqual({ head: 2, tailStart: 7 });
    expect(middleCut(10, 5, 'v1')).toEqual({ head: 2, tailStart: 8 });
    expect(middleCut(10, 4, 'v2')).toEqual({ head: 2, tailStart: 8 });
    expect(middleCut(120001, 120000, 'v2')).toEqual({ head: 60000, tailStart: 60001 });
    expect(middleCut(5, 5, 'v1')).toEqual({ head: 5, tailStart: 5 });
  });

  it('keeps the head and tail of long English text', async () => {
    const text = CORPUS.repeat(4);
    for (const [name, t] of both()) {
      const ids = await t.encode(text);
      const r = await truncateMiddle(t, text, 100, 'v2');
      expect(r.promptTokens, name).toBe(ids.length);
      expect(r.truncatedTokens, name).toBe(ids.length - 100);
      expect(r.text, name).toBe(await t.decode([...ids.slice(2, 50), ...ids.slice(-50)]));
      expect(text.startsWith(r.text.slice(0, 40)), name).toBe(true);
      expect(text.endsWith(r.text.slice(-40)), name).toBe(true);
    }
  });

  it('rejects budgets below 2 and unknown modes', async () => {
    await expect(truncateMiddle(tik, 'abc', 1, 'v1')).rejects.toThrow(UsageError);
    await expect(truncateMiddle(tik, 'abc', 2.5, 'v2')).rejects.toThrow(UsageError);
    await expect(truncateMiddle(tik, 'abc', 10, 'v3' as TruncationMode)).rejects.toThrow(UsageError);
  });
});

describe('bad tokenizer files', () => {
  const write = (name: string, content: string | Buffer) => {
    const f = join(root, 'bad', name);
    mkdirSync(join(root, 'bad'), { recursive: true });
    writeFileSync(f, content);
    return f;
  };
  const fails = async (spec: string, cls: abstract new (...args: never[]) => EvalhError, re: RegExp) => {
    const e = await loadTokenizer(spec).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(cls);
    expect((e as EvalhError).exitCode).toBe(2);
    expect((e as Error).message).toMatch(re);
  };

  it('a missing path', async () => {
    await fails(join(root, 'nope.json'), InputError, /nope\.json: no such file/);
  });

  it('a rank file with a bad line names the line', async () => {
    const lines = readFileSync(built.rankFile, 'utf8').split('\n');
    lines[299] = 'QUJD notanumber';
    await fails(write('bad-rank.model', lines.join('\n')), InputError, /bad-rank\.model, line 300, field "rank"/);
    lines[299] = 'QUJD 5';
    await fails(write('dup-rank.model', lines.join('\n')), InputError, /line 300, field "rank": rank 5 already used on line 6/);
  });

  it('a rank file without all single bytes', async () => {
    const lines = readFileSync(built.rankFile, 'utf8').split('\n').slice(1);
    await fails(write('no-byte0.model', lines.join('\n')), InputError, /no token for the single byte\(s\) 0x00/);
  });

  it('ranks with a gap that would collide with special ids', async () => {
    const lines = readFileSync(built.rankFile, 'utf8').trim().split('\n');
    lines[lines.length - 1] = lines[lines.length - 1]!.replace(/ \d+$/, ` ${built.ranks + 1}`);
    await fails(write('gap.model', lines.join('\n')), InputError, /not consecutive/);
  });

  it('a binary file (SentencePiece model)', async () => {
    await fails(write('tokenizer.model', Buffer.from([0x0a, 0x0e, 0x00, 0xff, 0xfe, 0x80, 0x12, 0x00, 0x01])), InputError, /binary file/);
  });

  it('text that is neither format', async () => {
    await fails(write('readme.txt', 'hello there\nthis is not a tokenizer\n'), InputError, /neither an HF tokenizer\.json/);
  });

  it('tokenizer.json with a syntax error names the line', async () => {
    await fails(write('broken.json', '{\n  "model": {\n    "type": "BPE",\n  }\n}\n'), InputError, /broken\.json, line 4: not valid JSON/);
  });

  it('tokenizer.json without a model names the field', async () => {
    await fails(write('nomodel.json', '{"added_tokens": []}'), InputError, /nomodel\.json, field "model"/);
    await fails(
      write('badadded.json', JSON.stringify({ model: {}, added_tokens: [{ id: 'x', content: 'a' }] })),
      InputError,
      /field "added_tokens\.0\.id"/,
    );
  });

  it('a directory without tokenizer files', async () => {
    const d = join(root, 'empty-dir');
    mkdirSync(d, { recursive: true });
    await fails(d, InputError, /no tokenizer\.json, tokenizer\.model or \*\.tiktoken/);
  });

  it('a rank file whose tokenizer_config.json disagrees on special-token ids', async () => {
    const d = join(root, 'mismatch');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'tokenizer.model'), readFileSync(built.rankFile));
    writeFileSync(
      join(d, 'tokenizer_config.json'),
      JSON.stringify({ added_tokens_decoder: { '7': { content: '[gMASK]', special: true } } }),
    );
    await fails(d, InputError, /tokenizer_config\.json, field "added_tokens_decoder\.7": "\[gMASK\]" has id 7 there/);
  });

  it('unknown built-in encodings and "server" without an endpoint', async () => {
    await fails('tiktoken:p99k', UsageError, /unknown tiktoken encoding/);
    await fails('server', UsageError, /needs --endpoint/);
  });
});

// ---------------------------------------------------------------------------------------------
// Server-backed tokenizer against a real HTTP server on 127.0.0.1 that tokenizes with the
// fixture rank file (so its answers can be checked against the in-process tokenizer).

const KEY = 'sk-test-SECRET-1234567890';

type Mode = 'vllm' | 'llamacpp' | 'none';
interface TestServer {
  url: string;
  state: { failWith?: number; hang?: boolean; seenAuth: string[]; bodies: Array<{ path: string; body: any }> };
  close(): Promise<void>;
}

async function startServer(mode: Mode, backing: Tokenizer): Promise<TestServer> {
  const state: TestServer['state'] = { seenAuth: [], bodies: [] };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const auth = req.headers['authorization'] ?? '';
    state.seenAuth.push(auth);
    if (state.hang) return; // never answers
    if (auth !== `Bearer ${KEY}`) return send(res, 401, { error: `invalid key in header: ${auth}` });
    if (state.failWith) return send(res, state.failWith, { error: `upstream broke while handling ${auth}` });
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const path = req.url ?? '/';
    state.bodies.push({ path, body });
    if (mode === 'vllm' && req.method === 'POST' && path === '/tokenize') {
      if (typeof body.prompt !== 'string') return send(res, 400, { detail: 'prompt: field required' });
      const tokens = await backing.encode(body.prompt, { addSpecialTokens: body.add_special_tokens ?? true });
      return send(res, 200, { count: tokens.length, max_model_len: 8192, tokens, token_strs: null });
    }
    if (mode === 'vllm' && req.method === 'POST' && path === '/detokenize') {
      return send(res, 200, { prompt: await backing.decode(body.tokens) }); // vLLM does not skip special tokens
    }
    if (mode === 'llamacpp' && req.method === 'POST' && path === '/tokenize') {
      // llama.cpp answers a body without "content" with an empty token list.
      const tokens = typeof body.content === 'string' ? await backing.encode(body.content, { addSpecialTokens: !!body.add_special }) : [];
      return send(res, 200, { tokens });
    }
    if (mode === 'llamacpp' && req.method === 'POST' && path === '/detokenize') {
      return send(res, 200, { content: await backing.decode(body.tokens) });
    }
    if (mode === 'llamacpp' && req.method === 'GET' && path === '/props') {
      return send(res, 200, { default_generation_settings: { n_ctx: 4096 }, total_slots: 1 });
    }
    return send(res, 404, { detail: 'Not Found' });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => send(res, 500, { error: e.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('server tokenizer', () => {
  const servers: TestServer[] = [];
  const start = async (mode: Mode) => {
    const s = await startServer(mode, tik);
    servers.push(s);
    return s;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  const errorOf = async (p: Promise<unknown>): Promise<Error> =>
    p.then(
      () => {
        throw new Error('expected a rejection');
      },
      (e: unknown) => e as Error,
    );

  it('serverRoot strips a trailing /v1 and refuses credentials in the URL', () => {
    expect(serverRoot('http://127.0.0.1:8000/v1')).toBe('http://127.0.0.1:8000');
    expect(serverRoot('http://127.0.0.1:8000/v1/')).toBe('http://127.0.0.1:8000');
    expect(serverRoot('https://example.org/proxy/v1')).toBe('https://example.org/proxy');
    expect(serverRoot('http://host:1')).toBe('http://host:1');
    expect(() => serverRoot('http://u:p@host/v1')).toThrow(UsageError);
    expect(() => serverRoot('not a url')).toThrow(UsageError);
  });

  for (const mode of ['vllm', 'llamacpp'] as const) {
    it(`${mode}: probes, reports the context length, and matches the local tokenizer`, async () => {
      const s = await start(mode);
      const t = await connectServerTokenizer({ endpoint: s.url, model: 'glm-4-test', apiKey: KEY, timeoutMs: 5000 });
      expect(t).toBeInstanceOf(ServerTokenizer);
      expect(t.flavor).toBe(mode);
      expect(t.maxModelLen).toBe(mode === 'vllm' ? 8192 : 4096);
      expect([...t.specialIds]).toEqual([G, S]);
      expect(t.id).toBe(`server:${mode}:glm-4-test`); // no address: another replica resumes the same run
      expect(s.state.seenAuth.every((a) => a === `Bearer ${KEY}`)).toBe(true);
      if (mode === 'vllm') expect(s.state.bodies.find((b) => b.path === '/tokenize')!.body.model).toBe('glm-4-test');

      for (const text of SAMPLES.slice(0, 6)) {
        expect(await t.encode(text)).toEqual(await tik.encode(text));
        expect(await t.encode(text, { addSpecialTokens: false })).toEqual(await tik.encode(text, { addSpecialTokens: false }));
        const ids = await t.encode(text);
        expect(await t.decode(ids, { skipSpecialTokens: true })).toBe(text);
      }
      expect(await t.decode([])).toBe('');
      expect(await t.decode([G, S], { skipSpecialTokens: true })).toBe('');

      for (const [text, mode2, max, count, want] of [
        ['你好世界', 'v1', 7, true, '你界'],
        ['你好世界', 'v2', 7, true, '你\uFFFD界'],
        ['世世世世', 'v2', 4, false, '丸\uFFFD'],
        ['世世世世', 'v1', 4, false, '\uFFFD\uFFFD\uFFFD'],
        ['0123456789', 'v2', 5, false, '01789'],
      ] as const) {
        const r = await truncateMiddle(t, text, max, mode2, { countSpecialTokens: count });
        expect(r.text).toBe(want);
        expect(r).toEqual(await truncateMiddle(tik, text, max, mode2, { countSpecialTokens: count }));
      }
    });
  }

  it('loadTokenizer("server") connects through the same probe', async () => {
    const s = await start('vllm');
    const t = await loadTokenizer('server', { server: { endpoint: s.url, model: 'm', apiKey: KEY } });
    expect(t).toBeInstanceOf(ServerTokenizer);
    expect(await t.encode('a', { addSpecialTokens: false })).toEqual([0x61]);
  });

  it('a server without tokenize endpoints: a clear error listing what was tried', async () => {
    const s = await start('none');
    const e = await errorOf(connectServerTokenizer({ endpoint: s.url, model: 'm', apiKey: KEY }));
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    const rootUrl = s.url.replace(/\/v1$/, '');
    expect(e.message).toContain(`POST ${rootUrl}/tokenize (vLLM style): HTTP 404`);
    expect(e.message).toContain(`POST ${rootUrl}/tokenize (llama.cpp style): HTTP 404`);
    expect(e.message).toMatch(/tokenizer\.json or tokenizer\.model/);
    expect(e.message).not.toContain(KEY);
  });

  it('a refused API key: says so, never shows the key', async () => {
    const s = await start('vllm');
    const wrong = 'sk-wrong-KEY-abcdef';
    const e = await errorOf(connectServerTokenizer({ endpoint: s.url, apiKey: wrong }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/HTTP 401/);
    expect(e.message).toMatch(/EVALH_API_KEY/);
    expect(e.message).not.toContain(wrong);
    expect(e.message).not.toContain('sk-wrong');
  });

  it('failures after connecting: typed, retryable where it makes sense, key redacted from echoed bodies', async () => {
    const s = await start('vllm');
    const t = await connectServerTokenizer({ endpoint: s.url, apiKey: KEY, timeoutMs: 300 });
    s.state.failWith = 503;
    const e1 = await errorOf(t.encode('hello'));
    expect(e1).toBeInstanceOf(TokenizerServerError);
    expect((e1 as TokenizerServerError).status).toBe(503);
    expect((e1 as TokenizerServerError).retryable).toBe(true);
    expect(e1.message).toMatch(/HTTP 503/);
    expect(e1.message).toContain('upstream broke');
    expect(e1.message).not.toContain(KEY);
    s.state.failWith = 400;
    const e2 = await errorOf(t.decode([1, 2, 3]));
    expect((e2 as TokenizerServerError).retryable).toBe(false);
    expect(e2.message).not.toContain(KEY);
    s.state.failWith = undefined;
    s.state.hang = true;
    const e3 = await errorOf(t.encode('hello'));
    expect(e3).toBeInstanceOf(TokenizerServerError);
    expect(e3.message).toMatch(/no reply within 300 ms/);
    expect((e3 as TokenizerServerError).retryable).toBe(true);
    expect(e3.message).not.toContain(KEY);
  });

  it('a server that is not there', async () => {
    const s = await start('vllm');
    const url = s.url;
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const e = await errorOf(connectServerTokenizer({ endpoint: url, apiKey: KEY, timeoutMs: 2000 }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/connection failed \(ECONNREFUSED\)/);
    expect(e.message).not.toContain(KEY);
  });
});
