import { UsageError } from '../../src/errors.js';
import type { PreparedRequest, SuiteItem } from '../../src/suite.js';
import { pyStrip } from './clean.js';
import type { Problem } from './records.js';

// CodeGeeX2's sampling settings (README / scripts/run_humanevalx.sh): greedy for pass@1,
// n=20 at T=0.2 and n=200 at T=0.8 (top_p 0.95) for pass@10 and pass@100.

export interface Preset {
  name: string;
  n: number;
  temperature: number;
  topP?: number;
}

export const PRESETS: readonly Preset[] = [
  { name: 'greedy', n: 1, temperature: 0 },
  { name: 'n20', n: 20, temperature: 0.2, topP: 0.95 },
  { name: 'n200', n: 200, temperature: 0.8, topP: 0.95 },
];

export const DEFAULT_PRESET = 'greedy';
export const MAX_TOKENS = 1024;

export function presetOf(name: string | undefined): Preset {
  const p = PRESETS.find((x) => x.name === (name ?? DEFAULT_PRESET));
  if (!p) throw new UsageError(`unknown humaneval-x preset "${name}"; known: ${PRESETS.map((x) => `${x.name} (n=${x.n}, T=${x.temperature})`).join(', ')}`);
  return p;
}

/**
 * The request: the problem's prompt, stripped as CodeGeeX2's process_extra_prompt does
 * (the program is assembled from the unstripped prompt, as the official evaluation does),
 * sent for completion. `--api chat` turns the same text into a chat message; the scorer
 * then finds the answer's first fenced code block.
 */
export function buildRequest(item: SuiteItem, preset: Preset): PreparedRequest {
  const problem = item.record as Problem;
  return {
    request: {
      kind: 'completion',
      prompt: pyStrip(problem.prompt),
      maxTokens: MAX_TOKENS,
      temperature: preset.temperature,
      ...(preset.topP !== undefined ? { topP: preset.topP } : {}),
    },
  };
}
