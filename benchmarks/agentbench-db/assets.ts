import type { AssetSpec } from '../../src/assets.js';

// The official dbbench files, pinned to THUDM/AgentBench branch v0.2 (the paper's numbers).
// They are registered under the shared asset name "agentbench" (`evalh data pull|add
// agentbench`), beside the OS-interaction files.
export const ASSET_SUITE = 'agentbench';
const COMMIT = '41e6807349f741e06428fae3e9e4d334e7002362';

const file = (dataset: string, sha256: string, size: number): AssetSpec => ({
  name: `dbbench/${dataset}.jsonl`,
  url: `https://raw.githubusercontent.com/THUDM/AgentBench/${COMMIT}/data/dbbench/${dataset}.jsonl`,
  sha256,
  size,
  // An AgentBench checkout, its data folder, the dbbench folder itself, or evalh's shared layout.
  paths: [`data/dbbench/${dataset}.jsonl`, `dbbench/${dataset}.jsonl`, `${dataset}.jsonl`],
});

export const DB_ASSETS: Record<string, AssetSpec> = {
  standard: file('standard', 'd1ac4d67ec39fad083c38944972e392ff100257c755361ee63eaef608ddafcb3', 911219),
  dev: file('dev', 'eb941c58a7a5651357b19e46aa05070f6cd5a7d83ce70cefd24aa3581e1e1130', 188018),
};

export const AGENTBENCH_DB_ASSETS: readonly AssetSpec[] = Object.values(DB_ASSETS);
