/**
 * Python 3 rounding, bit-for-bit.
 *
 * - `pyRound(x, n)`   = Python `round(x, n)` for a float: the decimal nearest to the EXACT
 *   binary value of x with n digits after the point, ties (exact only) to even, read back
 *   as the nearest double. round(2.675, 2) == 2.67 (2.675 is 2.67499999...), round(0.125, 2)
 *   == 0.12, round(12.125, 2) == 12.12. NaN and ±Infinity come back unchanged, as does the
 *   sign of zero (round(-0.001, 2) == -0.0).
 * - `pyRoundInt(x)`   = Python `round(x)` (half-even to an integer).
 * - `numpyRound(x, n)` = numpy's `round(np.float64(x), n)` (`np.round`): rint(x * 10**n) / 10**n
 *   in float arithmetic — NOT correctly rounded (numpy gives 2.68 for 2.675), which is what
 *   LongBench's scorer_e uses for its length buckets.
 */

const POW10: number[] = [];
for (let i = 0, p = 1; i <= 22; i++, p *= 10) POW10.push(p);

/** Python's NDIGITS_MAX / NDIGITS_MIN for doubles (Objects/floatobject.c). */
const NDIGITS_MAX = 323;
const NDIGITS_MIN = -308;
const TWO52 = 4503599627370496;

/** Round half to even to an integer value (exact for every double). */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= TWO52) return x;
  const f = Math.floor(x);
  const d = x - f; // exact: x and f are within 1 of each other and |x| < 2^52
  let r: number;
  if (d > 0.5) r = f + 1;
  else if (d < 0.5) r = f;
  else r = f % 2 === 0 ? f : f + 1;
  // keep the sign of zero like C rint / Python round
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

/** Python `round(x)` with no ndigits (returns an int in Python; a number here). */
export function pyRoundInt(x: number): number {
  if (Number.isNaN(x)) throw new RangeError('cannot convert float NaN to integer');
  if (!Number.isFinite(x)) throw new RangeError('cannot convert float infinity to integer');
  const r = roundHalfEven(x);
  return r === 0 ? 0 : r; // Python ints have no -0
}

/** numpy `np.round(x, n)` for float64 (n >= 0): rint(x * 10**n) / 10**n. */
export function numpyRound(x: number, ndigits: number): number {
  if (!Number.isInteger(ndigits) || ndigits < 0 || ndigits > 22) {
    throw new RangeError(`numpyRound: unsupported ndigits ${ndigits}`);
  }
  const p = POW10[ndigits]!;
  return roundHalfEven(x * p) / p;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** |x| = mant * 2^exp exactly (x finite, non-zero). */
function decompose(ax: number): [bigint, number] {
  f64[0] = ax;
  const hi = u32[LITTLE ? 1 : 0]!;
  const lo = u32[LITTLE ? 0 : 1]!;
  const e = (hi >>> 20) & 0x7ff;
  const mhi = hi & 0xfffff;
  let mant = (BigInt(mhi) << 32n) | BigInt(lo);
  if (e === 0) return [mant, -1074];
  mant |= 1n << 52n;
  return [mant, e - 1075];
}

function exactRound(x: number, n: number): number {
  const neg = x < 0;
  const [mant, exp] = decompose(Math.abs(x));
  let num: bigint;
  let den: bigint;
  if (n >= 0) {
    num = mant * 10n ** BigInt(n);
    den = 1n;
  } else {
    num = mant;
    den = 10n ** BigInt(-n);
  }
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  let q = num / den;
  const r2 = (num - q * den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  const res = Number(n >= 0 ? `${q}e-${n}` : `${q}e${-n}`);
  if (!Number.isFinite(res)) throw new RangeError('rounded value too large to represent');
  return neg ? -res : res;
}

/** Python 3 `round(x, ndigits)` for a float x. */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isInteger(ndigits)) throw new TypeError('ndigits must be an integer');
  if (!Number.isFinite(x) || x === 0) return x;
  if (ndigits > NDIGITS_MAX) return x;
  if (ndigits < NDIGITS_MIN) return 0 * x;
  if (ndigits >= 0 && ndigits <= 22) {
    const p = POW10[ndigits]!;
    const ax = Math.abs(x);
    const t = ax * p; // = exact |x|*10^n within half an ulp of t
    if (t < TWO52) {
      const f = Math.floor(t);
      const d = t - f;
      // The nearest integer to the exact product is the one nearest to t unless t is
      // within rounding error of a half-way point; only then do the exact arithmetic.
      if (Math.abs(d - 0.5) > t * 4.5e-16 + 1e-300) {
        const q = d > 0.5 ? f + 1 : f;
        const res = q / p; // q < 2^53 and p exact: correctly rounded quotient
        return x < 0 ? -res : res;
      }
    }
  }
  return exactRound(x, ndigits);
}
