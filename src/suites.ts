import { agentbenchOs } from '../benchmarks/agentbench-os/index.js';
import { alignbench } from '../benchmarks/alignbench/index.js';
import { humanevalX } from '../benchmarks/humaneval-x/index.js';
import { longbench, longbenchE } from '../benchmarks/longbench/index.js';
import { ncb } from '../benchmarks/ncb/index.js';
import { UsageError } from './errors.js';
import type { Suite } from './suite.js';

const SUITES: readonly Suite[] = [longbench, longbenchE, alignbench, humanevalX, ncb, agentbenchOs];

// Suites of the command contract that this version does not carry yet: named so that
// `evalh run alignbench` says so plainly instead of "unknown suite".
const PLANNED = ['longbench-v2', 'agentbench-db'];

export function allSuites(): readonly Suite[] {
  return SUITES;
}

export function getSuite(name: string): Suite {
  const suite = SUITES.find((s) => s.name === name);
  if (suite) return suite;
  if (PLANNED.includes(name)) throw new UsageError(`suite "${name}" is not available in this version of evalh yet; available: ${SUITES.map((s) => s.name).join(', ')}`);
  throw new UsageError(`unknown suite "${name}"; available: ${SUITES.map((s) => s.name).join(', ')}`);
}

/** Where a suite's official assets live (LongBench-E shares LongBench's). */
export function assetSuiteOf(name: string): string {
  if (name === 'longbench' || name === 'longbench-e') return 'longbench';
  // the AgentBench tasks share one set of official files
  if (name === 'agentbench' || name.startsWith('agentbench-')) return 'agentbench';
  getSuite(name);
  return name;
}
