// Natural logarithm rounded correctly to float64.
//
// jieba scores routes with Python's math.log, i.e. glibc's log(), and V8's Math.log (an
// fdlibm port) returns a different last bit for 77 of the 5,089 distinct frequencies in
// jieba's dictionary (e.g. log(3)). One ulp is enough to flip a tie between two routes, so
// Math.log cannot be used. glibc's log is correctly rounded on every one of those
// frequencies (checked against 60-digit Decimal.ln; test/fixtures/jieba/log.json pins the
// values), so computing ln in double-double arithmetic (~104 bits) and rounding once gives
// the same float64s.

type DD = [hi: number, lo: number];

const SPLITTER = 134217729; // 2^27 + 1, Dekker's split
// ln 2 = LN2_HI + LN2_LO to ~160 bits (from Python's Decimal(2).ln() at 80 digits).
const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function add(a: DD, b: DD): DD {
  let [s1, s2] = twoSum(a[0], b[0]);
  const [t1, t2] = twoSum(a[1], b[1]);
  s2 += t1;
  [s1, s2] = quickTwoSum(s1, s2);
  s2 += t2;
  return quickTwoSum(s1, s2);
}

function mul(a: DD, b: DD): DD {
  const [p1, p2] = twoProd(a[0], b[0]);
  return quickTwoSum(p1, p2 + (a[0] * b[1] + a[1] * b[0]));
}

function mulNum(a: DD, b: number): DD {
  const [p1, p2] = twoProd(a[0], b);
  return quickTwoSum(p1, p2 + a[1] * b);
}

function div(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  let r = add(a, mulNum(b, -q1));
  const q2 = r[0] / b[0];
  r = add(r, mulNum(b, -q2));
  const q3 = r[0] / b[0];
  return add(quickTwoSum(q1, q2), [q3, 0]);
}

function divNum(a: DD, b: number): DD {
  return div(a, [b, 0]);
}

/** ln(x) for finite x > 0, correctly rounded (barring a true value within ~2^-100 of a tie). */
export function lnCorrect(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`lnCorrect: ${x}`);
  if (x === 1) return 0;
  // x = m * 2^k with m near 1 so the atanh series converges fast; dividing by a power of
  // two is exact for the normal range the dictionary frequencies live in.
  const k = Math.round(Math.log2(x));
  const m = x / 2 ** k;
  // ln m = 2 atanh(s), s = (m - 1) / (m + 1); m - 1 is exact (Sterbenz), m + 1 is kept exact.
  const s = div([m - 1, 0], twoSum(m, 1));
  const s2 = mul(s, s);
  let term = s;
  let sum = s;
  for (let i = 3; i < 200; i += 2) {
    term = mul(term, s2);
    const t = divNum(term, i);
    sum = add(sum, t);
    if (Math.abs(t[0]) <= Math.abs(sum[0]) * 2 ** -110) break;
  }
  const lnM: DD = [2 * sum[0], 2 * sum[1]];
  const kLn2 = add(twoProd(k, LN2_HI), [k * LN2_LO, 0]);
  const r = add(kLn2, lnM);
  return r[0] + r[1];
}
