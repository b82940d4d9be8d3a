import { UsageError } from '../../src/errors.js';

// The test grid: context lengths (the suite's "datasets") × depths × repeats, and the seed.
// Lengths are named like 4k or 128k (k = 1,000 tokens, m = 1,000,000: a "128k" cell fits a
// 131,072-token model with room to answer) or given as plain token counts.
// Depths, repeats and the seed come from --preset: a named grid ("standard", "quick") and/or
// settings, comma-separated: "depths=0,25,50,75,100,repeats=2,seed=7".

export const DEFAULT_LENGTHS = ['1k', '2k', '4k', '8k', '16k', '32k', '64k', '128k'] as const;
export const SAMPLE_LENGTHS = ['1k', '2k', '4k'];
const STANDARD_DEPTHS = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
const PRESETS: Record<string, Partial<Grid>> = {
  standard: { depths: STANDARD_DEPTHS, repeats: 1 },
  quick: { depths: [0, 25, 50, 75, 100], repeats: 1 },
};
export const SAMPLE_DEPTHS = [0, 50, 100];
export const MIN_LENGTH = 200;
export const MAX_LENGTH = 2_000_000;

export interface Grid {
  depths: number[];
  repeats: number;
  seed: number;
}

/** "4k" → 4000, "1m" → 1000000, "3000" → 3000. */
export function parseLength(name: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(name.trim());
  if (!m) throw new UsageError(`needle: context length "${name}" is not a token count (e.g. 4k, 128k, 1m, 3000)`);
  const n = Math.round(Number(m[1]) * (m[2]!.toLowerCase() === 'k' ? 1000 : m[2]!.toLowerCase() === 'm' ? 1_000_000 : 1));
  if (n < MIN_LENGTH || n > MAX_LENGTH) throw new UsageError(`needle: context length "${name}" must be between ${MIN_LENGTH} and ${MAX_LENGTH} tokens`);
  return n;
}

/** The canonical name of a length (its dataset name): 4000 → "4k", 1000000 → "1m", 3500 → "3500". */
export function lengthName(tokens: number): string {
  if (tokens % 1_000_000 === 0) return `${tokens / 1_000_000}m`;
  if (tokens % 1000 === 0) return `${tokens / 1000}k`;
  return String(tokens);
}

/** The lengths asked for, canonical, in increasing order, without duplicates. */
export function parseLengths(names: string[]): { name: string; tokens: number }[] {
  const byTokens = new Map<number, string>();
  for (const n of names) {
    const t = parseLength(n);
    byTokens.set(t, lengthName(t));
  }
  return [...byTokens].sort((a, b) => a[0] - b[0]).map(([tokens, name]) => ({ name, tokens }));
}

export function parseGrid(preset: string | undefined, sample: boolean): Grid {
  const grid: Grid = { depths: sample ? SAMPLE_DEPTHS : STANDARD_DEPTHS, repeats: 1, seed: 0 };
  if (!preset) return grid;
  let key: string | undefined;
  let depths: number[] | undefined;
  for (const raw of preset.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = raw.indexOf('=');
    if (eq < 0 && key === 'depths') {
      depths!.push(depthOf(raw));
      continue;
    }
    if (eq < 0) {
      const named = PRESETS[raw];
      if (!named) throw new UsageError(`needle: unknown --preset "${raw}"; named grids: ${Object.keys(PRESETS).join(', ')}; settings: depths=0,50,100 repeats=N seed=N`);
      Object.assign(grid, named);
      key = undefined;
      continue;
    }
    key = raw.slice(0, eq);
    const value = raw.slice(eq + 1);
    if (key === 'depths') depths = [depthOf(value)];
    else if (key === 'repeats') grid.repeats = intOf(key, value, 1, 1000);
    else if (key === 'seed') grid.seed = intOf(key, value, 0, 2 ** 32 - 1);
    else throw new UsageError(`needle: unknown --preset setting "${key}"; settings: depths=0,50,100 repeats=N seed=N`);
  }
  if (depths) grid.depths = [...new Set(depths)].sort((a, b) => a - b);
  return grid;
}

function depthOf(s: string): number {
  const v = Number(s);
  if (s === '' || !Number.isFinite(v) || v < 0 || v > 100) throw new UsageError(`needle: depth "${s}" must be a percentage between 0 and 100`);
  return v;
}

function intOf(key: string, s: string, min: number, max: number): number {
  const v = Number(s);
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(`needle: --preset ${key}=${s} must be an integer from ${min} to ${max}`);
  return v;
}
