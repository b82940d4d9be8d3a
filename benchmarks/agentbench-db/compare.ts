import { parsePyLiteral, type PyObj } from './pyliteral.js';

// The official SELECT comparator (AgentBench v0.2 dbbench metrics):
//   try: ans = list(eval(ans))  except: ans = [ans]
//   if len(ans) == 1 and len(cor) == 1:
//       try: correct = float(ans[0]) == float(cor[0])
//       except (ValueError, TypeError): correct = ans[0] == cor[0]
//   else:
//       try: correct = set(ans) == set(cor)  except: not correct
// `ans` is the text after "Final Answer:" on its line, leading space included.

export interface Comparison {
  correct: boolean;
  /** How the answer was read: the parsed list, or the raw text when eval() would fail. */
  parsed: 'literal' | 'text';
  rule: 'float' | 'equal' | 'set';
}

export function compareSelect(answer: string, label: readonly string[]): Comparison {
  const lit = parsePyLiteral(answer);
  const asList = lit ? pyList(lit) : undefined;
  const ans: PyObj[] = asList ?? [{ t: 'str', v: answer }];
  const parsed = asList ? 'literal' : 'text';
  const cor: PyObj[] = label.map((v) => ({ t: 'str', v }));
  if (ans.length === 1 && cor.length === 1) {
    const a = pyFloat(ans[0]!);
    const c = pyFloat(cor[0]!);
    if (a !== undefined && c !== undefined) return { correct: a === c, parsed, rule: 'float' };
    return { correct: pyEqual(ans[0]!, cor[0]!), parsed, rule: 'equal' };
  }
  if (!ans.every(hashable)) return { correct: false, parsed, rule: 'set' };
  const within = (xs: PyObj[], ys: PyObj[]) => xs.every((x) => ys.some((y) => pyEqual(x, y)));
  return { correct: within(ans, cor) && within(cor, ans), parsed, rule: 'set' };
}

/** list(x), or undefined where Python raises TypeError (numbers, None, bools). */
export function pyList(o: PyObj): PyObj[] | undefined {
  switch (o.t) {
    case 'str':
      return [...o.v].map((v) => ({ t: 'str', v }));
    case 'bytes':
      return [...o.v].map((c) => ({ t: 'num', v: c.charCodeAt(0) }));
    case 'list':
    case 'tuple':
    case 'set':
      return o.items;
    case 'dict':
      return o.keys;
    default:
      return undefined;
  }
}

const FLOAT_TEXT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/** float(x), or undefined where Python raises ValueError/TypeError. */
export function pyFloat(o: PyObj): number | undefined {
  if (o.t === 'num') return o.v;
  if (o.t === 'bool') return o.v ? 1 : 0;
  if (o.t !== 'str' && o.t !== 'bytes') return undefined;
  const s = o.v.trim();
  if (SPECIAL.test(s)) {
    const neg = s.startsWith('-');
    return /nan/i.test(s) ? NaN : neg ? -Infinity : Infinity;
  }
  if (!FLOAT_TEXT.test(s)) return undefined;
  return Number(s.replace(/_/g, ''));
}

function hashable(o: PyObj): boolean {
  if (o.t === 'list' || o.t === 'set' || o.t === 'dict') return false;
  if (o.t === 'tuple') return o.items.every(hashable);
  return true;
}

/** Python ==: numbers and bools compare by value, containers elementwise, different kinds are unequal. */
export function pyEqual(a: PyObj, b: PyObj): boolean {
  const num = (o: PyObj) => (o.t === 'num' ? o.v : o.t === 'bool' ? Number(o.v) : undefined);
  const na = num(a);
  const nb = num(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && na === nb;
  if (a.t !== b.t) return false;
  switch (a.t) {
    case 'str':
    case 'bytes':
      return a.v === (b as typeof a).v;
    case 'none':
      return true;
    case 'list':
    case 'tuple': {
      const bi = (b as typeof a).items;
      return a.items.length === bi.length && a.items.every((x, i) => pyEqual(x, bi[i]!));
    }
    case 'set': {
      const bi = (b as typeof a).items;
      return a.items.every((x) => bi.some((y) => pyEqual(x, y))) && bi.every((y) => a.items.some((x) => pyEqual(x, y)));
    }
    case 'dict': {
      const bk = (b as typeof a).keys;
      return a.keys.length === bk.length && a.keys.every((x) => bk.some((y) => pyEqual(x, y)));
    }
    default:
      return false;
  }
}
