import { UsageError } from './errors.js';

export interface Shard {
  /** 1-based, as `--shard 2/4` reads. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard "${text}": expected i/n with 1 ≤ i ≤ n (e.g. --shard 2/4)`);
  }
  return { index, count };
}

/**
 * Whether an item belongs to a shard: FNV-1a of its id, so the split depends only on the
 * item, never on which datasets or machines are involved, and every item lands in exactly
 * one shard.
 */
export function inShard(itemId: string, shard: Shard): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < itemId.length; i++) {
    h ^= itemId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shard.count === shard.index - 1;
}
