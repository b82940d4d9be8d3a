// The official comparator reads the agent's final answer with Python's eval(). evalh never
// evaluates model output as code: it parses the literal subset of Python that an answer
// holds — strings (with prefixes, escapes and implicit concatenation), numbers, None/True/
// False, unary signs, lists, tuples, sets and dicts. Anything else (names, operators, calls)
// is treated as eval() failing, which is what the official code does with most such text
// too: its fallback is the whole answer as one string.

export type PyObj =
  | { t: 'str'; v: string }
  | { t: 'bytes'; v: string }
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'list'; items: PyObj[] }
  | { t: 'tuple'; items: PyObj[] }
  | { t: 'set'; items: PyObj[] }
  | { t: 'dict'; keys: PyObj[] };

class NotLiteral extends Error {}

/** The value of a Python literal expression, or undefined where eval() would fail or the text is not a plain literal. */
export function parsePyLiteral(src: string): PyObj | undefined {
  try {
    const p = new Parser(src);
    const v = p.expression(true);
    p.skipSpace();
    if (p.pos < src.length) throw new NotLiteral('trailing text');
    return v;
  } catch (e) {
    if (e instanceof NotLiteral) return undefined;
    throw e;
  }
}

const INT = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?\d)*|0(?:_?0)*)/;
const DIGITS = String.raw`\d(?:_?\d)*`;
const FLOAT = new RegExp(String.raw`^(?:(?:${DIGITS})?\.${DIGITS}(?:[eE][+-]?${DIGITS})?|${DIGITS}\.(?:[eE][+-]?${DIGITS})?|${DIGITS}[eE][+-]?${DIGITS})`);

class Parser {
  pos = 0;
  constructor(readonly src: string) {}

  skipSpace(): void {
    while (this.pos < this.src.length && ' \t\f\r\n'.includes(this.src[this.pos]!)) this.pos++;
  }

  peek(): string {
    this.skipSpace();
    return this.src[this.pos] ?? '';
  }

  expect(ch: string): void {
    if (this.peek() !== ch) throw new NotLiteral(`expected ${ch}`);
    this.pos++;
  }

  /** A comma-separated expression list; at top level (or in parentheses) a comma makes a tuple. */
  expression(top: boolean): PyObj {
    const first = this.unary();
    if (!top || this.peek() !== ',') return first;
    const items = [first];
    while (this.peek() === ',') {
      this.pos++;
      const c = this.peek();
      if (c === '' || c === ')') break;
      items.push(this.unary());
    }
    return { t: 'tuple', items };
  }

  unary(): PyObj {
    const c = this.peek();
    if (c === '-' || c === '+') {
      this.pos++;
      const v = this.unary();
      const n = v.t === 'num' ? v.v : v.t === 'bool' ? Number(v.v) : undefined;
      if (n === undefined) throw new NotLiteral('bad operand for unary sign');
      return { t: 'num', v: c === '-' ? -n : n };
    }
    return this.atom();
  }

  atom(): PyObj {
    const c = this.peek();
    if (c === '[') {
      this.pos++;
      return { t: 'list', items: this.items(']') };
    }
    if (c === '(') {
      this.pos++;
      if (this.peek() === ')') {
        this.pos++;
        return { t: 'tuple', items: [] };
      }
      const v = this.expression(true);
      this.expect(')');
      return v;
    }
    if (c === '{') {
      this.pos++;
      if (this.peek() === '}') {
        this.pos++;
        return { t: 'dict', keys: [] };
      }
      const first = this.unary();
      if (this.peek() === ':') {
        const keys = [first];
        this.pos++;
        this.unary();
        while (this.peek() === ',') {
          this.pos++;
          if (this.peek() === '}') break;
          keys.push(this.unary());
          this.expect(':');
          this.unary();
        }
        this.expect('}');
        return { t: 'dict', keys };
      }
      const items = [first];
      while (this.peek() === ',') {
        this.pos++;
        if (this.peek() === '}') break;
        items.push(this.unary());
      }
      this.expect('}');
      return { t: 'set', items };
    }
    const rest = this.src.slice(this.pos);
    const str = /^([rRuUbB]|[bB][rR]|[rR][bB])?(['"])/.exec(rest);
    if (str) return this.strings();
    const fl = FLOAT.exec(rest);
    if (fl) {
      this.pos += fl[0].length;
      if (/^[jJ\w]/.test(this.src.slice(this.pos))) throw new NotLiteral('complex or malformed number');
      return { t: 'num', v: Number(fl[0].replace(/_/g, '')) };
    }
    const int = INT.exec(rest);
    if (int && /^\d/.test(rest)) {
      this.pos += int[0].length;
      if (/^[jJ\w.]/.test(this.src.slice(this.pos))) throw new NotLiteral('complex or malformed number');
      const t = int[0].replace(/_/g, '');
      const v = /^0[oO]/.test(t) ? parseInt(t.slice(2), 8) : /^0[bB]/.test(t) ? parseInt(t.slice(2), 2) : Number(t);
      return { t: 'num', v };
    }
    const name = /^[A-Za-z_]\w*/.exec(rest);
    if (name) {
      this.pos += name[0].length;
      if (name[0] === 'None') return { t: 'none' };
      if (name[0] === 'True') return { t: 'bool', v: true };
      if (name[0] === 'False') return { t: 'bool', v: false };
    }
    throw new NotLiteral('not a literal');
  }

  items(close: string): PyObj[] {
    const items: PyObj[] = [];
    while (this.peek() !== close) {
      items.push(this.unary());
      if (this.peek() === ',') this.pos++;
      else break;
    }
    this.expect(close);
    return items;
  }

  /** Adjacent string literals concatenate ("a" 'b' == "ab"); str and bytes do not mix. */
  strings(): PyObj {
    let kind: 'str' | 'bytes' | undefined;
    let text = '';
    for (;;) {
      this.skipSpace();
      const m = /^([rRuUbB]|[bB][rR]|[rR][bB])?('''|"""|'|")/.exec(this.src.slice(this.pos));
      if (!m) break;
      const prefix = (m[1] ?? '').toLowerCase();
      const k = prefix.includes('b') ? 'bytes' : 'str';
      if (kind && kind !== k) throw new NotLiteral('cannot mix bytes and str');
      kind = k;
      this.pos += m[0].length;
      text += this.stringBody(m[2]!, prefix.includes('r'), k === 'bytes');
    }
    return { t: kind!, v: text };
  }

  stringBody(quote: string, raw: boolean, bytes: boolean): string {
    let out = '';
    const triple = quote.length === 3;
    for (;;) {
      if (this.pos >= this.src.length) throw new NotLiteral('unterminated string');
      if (this.src.startsWith(quote, this.pos)) {
        this.pos += quote.length;
        return out;
      }
      const ch = this.src[this.pos]!;
      if (!triple && (ch === '\n' || ch === '\r')) throw new NotLiteral('newline in string');
      if (ch !== '\\') {
        out += ch;
        this.pos++;
        continue;
      }
      const next = this.src[this.pos + 1];
      if (next === undefined) throw new NotLiteral('unterminated string');
      if (raw) {
        out += ch + next;
        this.pos += 2;
        continue;
      }
      this.pos += 2;
      const simple: Record<string, string> = { '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
      if (next in simple) {
        out += simple[next];
        continue;
      }
      if (/[0-7]/.test(next)) {
        const m = /^[0-7]{1,3}/.exec(this.src.slice(this.pos - 1))!;
        out += String.fromCodePoint(parseInt(m[0], 8));
        this.pos += m[0].length - 1;
        continue;
      }
      const widths: Record<string, number> = bytes ? { x: 2 } : { x: 2, u: 4, U: 8 };
      const w = widths[next];
      if (w !== undefined) {
        const h = this.src.slice(this.pos, this.pos + w);
        if (!new RegExp(`^[0-9a-fA-F]{${w}}$`).test(h)) throw new NotLiteral('truncated escape');
        const cp = parseInt(h, 16);
        if (cp > 0x10ffff) throw new NotLiteral('escape out of range');
        out += String.fromCodePoint(cp);
        this.pos += w;
        continue;
      }
      if (next === 'N' && !bytes) throw new NotLiteral('named escapes are not supported');
      out += `\\${next}`; // unknown escapes stay as written
    }
  }
}
