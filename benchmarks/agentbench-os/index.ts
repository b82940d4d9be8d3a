import { runEpisode } from '../../src/agent/episode.js';
import { OsEnvironment } from '../../src/agent/os-env.js';
import { describeRoot, probeOsSandbox, type OsSandboxOptions } from '../../src/agent/os-sandbox.js';
import { SHELL_LIMITS } from '../../src/agent/os-shell.js';
import { UsageError } from '../../src/errors.js';
import type { ConversationResult, OpenOptions, PreparedRequest, Suite, SuiteItem, SuiteSource } from '../../src/suite.js';
import { parseAction } from './action.js';
import { renderSummary, summarize } from './aggregate.js';
import { loadItems, resolveSources, type LoadedItem, type OsRecord } from './load.js';
import { openingTurns, PROMPT_VERSION } from './prompt.js';

export { AGENTBENCH_OS_ASSETS } from './assets.js';

// Bumped whenever action parsing, observation format, evaluation or aggregation change.
const METRIC_VERSION = 'agentbench-os-1';
const DATASETS = ['dev', 'test'] as const;
/** AgentBench v0.2 os_interaction round_limit. */
export const MAX_TURNS = 8;
const GENERATION = { maxTokens: 512, temperature: 0 };

/** A prepared root filesystem for the sandbox's lower layer; default the host's / (reported). */
function sandboxOptions(): OsSandboxOptions {
  const rootfs = process.env.EVALH_OS_ROOTFS;
  return rootfs ? { rootfs } : {};
}

export const agentbenchOs: Suite = {
  name: 'agentbench-os',
  title: 'AgentBench OS interaction (v0.2: 26 dev / 144 test multi-turn bash episodes in a sandbox)',
  datasets: DATASETS,
  maxCalls: MAX_TURNS,

  async open(opts: OpenOptions): Promise<SuiteSource> {
    const given = opts.datasets !== undefined && opts.datasets.length > 0;
    let names = given ? opts.datasets! : [...DATASETS];
    for (const d of names) if (!(DATASETS as readonly string[]).includes(d)) throw new UsageError(`unknown agentbench-os dataset "${d}"; known: ${DATASETS.join(', ')}`);
    const { where, sources } = resolveSources({ ...opts, datasetsGiven: given }, names);
    // one problem file given: the run has its dataset only
    names = names.filter((d) => sources.some((s) => s.dataset === d));
    let loaded: LoadedItem[] = sources.flatMap((s) => loadItems(s)); // every file validated before anything runs
    if (opts.limit !== undefined) loaded = names.flatMap((d) => loaded.filter((i) => i.dataset === d).slice(0, opts.limit));
    const sandbox = sandboxOptions();
    await probeOsSandbox(sandbox);
    const labels: string[] = opts.sample ? ['sample, not the official benchmark'] : [];
    if (!sandbox.rootfs) labels.push('environment: host root read-only under a copy-on-write overlay, not the official Ubuntu image (set EVALH_OS_ROOTFS to a prepared rootfs)');
    const changed = sources.filter((s) => !s.official).map((s) => s.rel);
    if (!opts.sample && changed.length > 0) labels.push(`problem files that are not the official release: ${changed.join(', ')}`);
    const ids = loaded.map((i) => i.id);
    return {
      datasets: names,
      total: ids.length,
      labels,
      fingerprint: {
        suite: 'agentbench-os',
        metrics: METRIC_VERSION,
        prompt: PROMPT_VERSION,
        generation: GENERATION,
        maxTurns: MAX_TURNS,
        shell: SHELL_LIMITS,
        environment: sandbox.rootfs ? { rootfs: sandbox.rootfs } : { rootfs: 'host' },
        data: Object.fromEntries(sources.map((s) => [s.rel, s.sha256])),
      },
      settings: { data: where, datasets: names, limit: opts.limit ?? null, environment: describeRoot(sandbox), maxTurns: MAX_TURNS },
      async *items(): AsyncIterable<SuiteItem> {
        let seq = 0;
        for (const it of loaded) yield { id: it.id, dataset: it.dataset, seq: seq++, target: it.target, reference: '', record: it.record };
      },
      itemIds: () => ids,
    };
  },

  async prepare(item: SuiteItem): Promise<PreparedRequest> {
    const rec = item.record as OsRecord;
    const turns = openingTurns(rec.task?.description ?? '');
    const last = turns[turns.length - 1]!;
    return { request: { kind: 'chat', prompt: last.content, history: turns.slice(0, -1), ...GENERATION } };
  },

  async converse(item, _first, model): Promise<ConversationResult> {
    const rec = item.record as OsRecord;
    if (!rec.task) return { text: '', transcript: { status: 'not_evaluable', reason: rec.notEvaluable }, scored: { score: null, notEvaluable: rec.notEvaluable! } };
    const env = new OsEnvironment(rec.task, openingTurns(rec.task.description), parseAction, { sandbox: sandboxOptions() });
    const ep = await runEpisode(env, model, { maxTurns: MAX_TURNS, request: GENERATION });
    const score = ep.evaluation?.score ?? 0;
    return {
      text: ep.answer ?? '',
      transcript: { status: ep.status, turns: ep.turns, answer: ep.answer ?? null, ...(ep.reason ? { reason: ep.reason } : {}), evaluation: ep.evaluation ?? null },
      scored: { score, scores: { status: ep.status } },
      promptTokens: ep.promptTokens,
      completionTokens: ep.completionTokens,
    };
  },

  // Episodes are scored inside converse (the environment judges); a bare output cannot be.
  score() {
    return { score: null, notEvaluable: 'agentbench-os items are scored by their episode' };
  },
  summarize,
  renderSummary,
  async readPredictions() {
    throw new UsageError('agentbench-os episodes run against a live environment; there is no prediction file to import');
  },
};
