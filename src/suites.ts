import { agentbenchOs } from '../benchmarks/agentbench-os/index.js';
import { alignbench } from '../benchmarks/alignbench/index.js';
import { humanevalX } from '../benchmarks/humaneval-x/index.js';
import { longbench, longbenchE } from '../benchmarks/longbench/index.js';
import { longbenchV2 } from '../benchmarks/longbench-v2/index.js';
import { ncb } from '../benchmarks/ncb/index.js';
import { needle } from '../benchmarks/needle/index.js';
import { agentbenchDb } from '../benchmarks/agentbench-db/index.js';
import { UsageError } from './errors.js';
import type { Suite } from './suite.js';

const SUITES: readonly Suite[] = [longbench, longbenchE, longbenchV2, alignbench, humanevalX, ncb, needle, agentbenchDb, agentbenchOs];

export function allSuites(): readonly Suite[] {
  return SUITES;
}

export function getSuite(name: string): Suite {
  const suite = SUITES.find((s) => s.name === name);
  if (suite) return suite;
  throw new UsageError(`unknown suite "${name}"; available: ${SUITES.map((s) => s.name).join(', ')}`);
}

/** Where a suite's official assets live (LongBench-E shares LongBench's). */
export function assetSuiteOf(name: string): string {
  if (name === 'longbench' || name === 'longbench-e') return 'longbench';
  // The AgentBench tasks share one set of official files (data/dbbench, data/os_interaction).
  if (name === 'agentbench' || name.startsWith('agentbench-')) return 'agentbench';
  getSuite(name);
  return name;
}
