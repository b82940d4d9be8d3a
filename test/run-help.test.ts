import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESETS as ALIGNBENCH_PRESETS } from '../benchmarks/alignbench/load.js';
import { PRESETS as HUMANEVAL_X_PRESETS } from '../benchmarks/humaneval-x/prompt.js';
import { cliEnv, runCli, tempDir } from './helpers/cli.js';

// `evalh run --help` is where users look for preset names: it must list every suite's, and a
// suite without presets must refuse one rather than run something other than what was asked.

describe('run --preset', () => {
  it('the help lists every preset of every suite that has them', async () => {
    const cwd = tempDir();
    const r = await runCli(['run', '--help'], { cwd, env: cliEnv(cwd) });
    expect(r.code, r.stderr).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    const described = /--preset (.*?)\[string\]/.exec(help)![1]!;
    const wanted: Record<string, readonly string[]> = {
      'humaneval-x': HUMANEVAL_X_PRESETS.map((p) => p.name),
      ncb: ['greedy'],
      'longbench-v2': ['plain', 'cot'],
      alignbench: ALIGNBENCH_PRESETS,
      needle: ['standard', 'quick', 'depths=', 'repeats=', 'seed='],
    };
    for (const [suite, names] of Object.entries(wanted)) {
      const part = new RegExp(`${suite}: ([^;)]*(?:\\([^)]*\\)[^;)]*)*)`).exec(described)?.[1];
      expect(part, `${suite} in: ${described}`).toBeDefined();
      for (const n of names) expect(part, suite).toContain(n);
    }
  });

  it.each(['agentbench-db', 'agentbench-os'])('%s has no presets: --preset is exit 2, nothing written', async (suite) => {
    const cwd = tempDir();
    const r = await runCli(['run', suite, '--sample', '--runner', 'reference', '--preset', 'cot', '--db', 'r.db'], { cwd, env: cliEnv(cwd) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^evalh: ${suite} has no presets \\(got --preset "cot"\\); drop --preset\\. Suites with presets: [^\\n]*\\n$`));
    expect(existsSync(join(cwd, 'r.db'))).toBe(false);
  });
});
