// Seeded randomness for the bootstrap and the permutation test, so that the same runs and
// the same --seed give byte-identical output.

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32 (Tommy Ettinger, public domain): 32 bits of state, one multiply-xorshift per
 * draw. Chosen because it is tiny, fast in JS (Math.imul) and easy to port bit for bit (the
 * tests check it against an independent Python port). Its period, 2^32, is far more than a
 * bootstrap draws (B·n ≈ 10^7). Not for cryptography.
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A generator for one labelled computation (e.g. "runA\0runB\0trec"): its own stream, so a
 * dataset's interval does not change when other datasets or runs are added to the command.
 * The label is mixed in with 32-bit FNV-1a over its UTF-16 code units.
 */
export function rngFor(seed: number, label: string): Rng {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mulberry32(h >>> 0);
}

/** An index in [0, n); the modulo bias of a 32-bit draw is below n / 2^32, negligible here. */
export function randomIndex(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
