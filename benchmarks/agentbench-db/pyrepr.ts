// Python's repr() of what mysql-connector's fetchall() returns, because the official task
// shows the agent str(cursor.fetchall()): a list of tuples of str, int, float, Decimal,
// None and datetime values.

/** A value as Python holds it after fetchall(). */
export type PyValue =
  | { t: 'str'; v: string }
  | { t: 'int'; v: string }
  | { t: 'float'; v: number }
  | { t: 'decimal'; v: string }
  | { t: 'none' }
  | { t: 'bytes'; v: Uint8Array }
  | { t: 'date'; v: string }
  | { t: 'datetime'; v: string }
  | { t: 'timedelta'; v: string };

// str.isprintable() is false for these general categories (space excepted).
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** repr(str): single quotes unless the text holds ' and no ", escapes as CPython writes them. */
export function reprStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f || ch === ' ') out += ch;
    else if (NON_PRINTABLE.test(ch)) out += cp <= 0xff ? `\\x${hex(cp, 2)}` : cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    else out += ch;
  }
  return out + quote;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** repr(float): the shortest round-trip digits, fixed notation for exponents -4..15, else d.ddde±XX. */
export function reprFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip, as repr does.
  const [mant, expPart] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expPart);
  if (exp >= -4 && exp < 16) {
    let s: string;
    if (exp < 0) s = `0.${'0'.repeat(-exp - 1)}${digits}`;
    else if (digits.length <= exp + 1) s = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
    else s = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
    return sign + s;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** repr(bytes) */
export function reprBytes(b: Uint8Array): string {
  const hasSingle = b.includes(0x27);
  const hasDouble = b.includes(0x22);
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = `b${quote}`;
  for (const c of b) {
    const ch = String.fromCharCode(c);
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${hex(c, 2)}`;
    else out += ch;
  }
  return out + quote;
}

/** datetime.date / datetime.datetime repr from MySQL text ("2020-01-02", "2020-01-02 03:04:05.000006"). */
function reprDate(text: string, withTime: boolean): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/.exec(text);
  if (!m) return reprStr(text);
  const n = (s: string | undefined) => String(Number(s ?? 0));
  if (Number(m[1]) === 0 || Number(m[2]) === 0 || Number(m[3]) === 0) return 'None'; // zero dates come back as None
  const date = `${n(m[1])}, ${n(m[2])}, ${n(m[3])}`;
  if (!withTime) return `datetime.date(${date})`;
  const us = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  const sec = Number(m[6] ?? 0);
  let time = `${n(m[4])}, ${n(m[5])}`;
  if (sec || us) time += `, ${sec}`;
  if (us) time += `, ${us}`;
  return `datetime.datetime(${date}, ${time})`;
}

/** datetime.timedelta repr from MySQL TIME text ("-01:02:03.5"). */
function reprTimedelta(text: string): string {
  const m = /^(-)?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) return reprStr(text);
  const sign = m[1] ? -1 : 1;
  let micro = sign * ((Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1_000_000 + (m[5] ? Number(m[5].padEnd(6, '0')) : 0));
  const day = 86_400_000_000;
  const days = Math.floor(micro / day);
  micro -= days * day;
  const seconds = Math.floor(micro / 1_000_000);
  const us = micro - seconds * 1_000_000;
  const parts = [];
  if (days) parts.push(`days=${days}`);
  if (seconds) parts.push(`seconds=${seconds}`);
  if (us) parts.push(`microseconds=${us}`);
  return `datetime.timedelta(${parts.length ? parts.join(', ') : '0'})`;
}

export function reprValue(v: PyValue): string {
  switch (v.t) {
    case 'str':
      return reprStr(v.v);
    case 'int':
      return v.v;
    case 'float':
      return reprFloat(v.v);
    case 'decimal':
      return `Decimal(${reprStr(v.v)})`;
    case 'none':
      return 'None';
    case 'bytes':
      return reprBytes(v.v);
    case 'date':
      return reprDate(v.v, false);
    case 'datetime':
      return reprDate(v.v, true);
    case 'timedelta':
      return reprTimedelta(v.v);
  }
}

/** str(list of tuples): "[('a', 1), (None,)]" — a one-element tuple keeps its trailing comma. */
export function reprRows(rows: PyValue[][]): string {
  return `[${rows.map((r) => `(${r.map(reprValue).join(', ')}${r.length === 1 ? ',' : ''})`).join(', ')}]`;
}
