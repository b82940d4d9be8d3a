import { basename, resolve } from 'node:path';
import { maskUrl, OpenAIRunner } from '../../runners/openai.js';
import { EndpointPool } from '../../runners/pool.js';
import { checkEndpoints, checkEndpointUrl, type EndpointToCheck } from '../../runners/preflight.js';
import { ReferenceRunner } from '../../runners/reference.js';
import { ReplayRunner } from '../../runners/replay.js';
import type { GgufRunner } from '../../runners/gguf.js';
import type { Runner } from '../../runners/types.js';
import { typed } from '../argv.js';
import { UsageError } from '../errors.js';
import { canonicalJson, sha256 } from '../hash.js';
import { log } from '../progress.js';
import { executeRun, InterruptedError } from '../run.js';
import { parseShard } from '../shard.js';
import { Store } from '../store.js';
import { allSuites, getSuite } from '../suites.js';
import { Judge } from '../judge.js';
import { APPROX_LABEL } from '../long-context/approx.js';
import { accountingOf } from '../long-context/accounting.js';
import { parseTruncatePolicy, type TruncatePolicy } from '../long-context/policy.js';
import type { OpenOptions, RequestContext, Suite } from '../suite.js';
import { printResult } from './output.js';

export interface RunArgs {
  suite: string;
  datasets?: string;
  data?: string;
  sample: boolean;
  limit?: number;
  shard?: string;
  preset?: string;
  endpoint?: string | string[];
  model?: string;
  api: 'auto' | 'chat' | 'completions';
  gguf?: string;
  ggufContextSize?: number;
  ggufBatchSize?: number;
  ggufThreads?: number;
  ggufGpuLayers?: number;
  runner?: 'reference' | 'replay';
  predictions?: string;
  tokenizer?: string;
  maxLength?: number;
  truncate?: string;
  concurrency: number;
  timeout: number;
  retries: number;
  errorBudget: number;
  db: string;
  dbUrl?: string;
  name?: string;
  tag?: string[];
  judgeEndpoint?: string;
  judgeModel?: string;
  judgeConcurrency: number;
  judgeCache: boolean;
  json: boolean;
}

export async function runCommand(args: RunArgs): Promise<void> {
  const suite = getSuite(args.suite);
  checkFlags(args, suite);
  const truncate = parseTruncatePolicy(args.truncate);
  const tags = parseTags(args.tag);
  const shard = args.shard === undefined ? undefined : parseShard(args.shard);
  const open: OpenOptions = {
    datasets: args.datasets?.split(',').map((s) => s.trim()).filter(Boolean),
    ...(args.data !== undefined ? { data: resolve(args.data) } : {}),
    sample: args.sample,
    ...(args.limit !== undefined ? { limit: args.limit } : {}),
    ...(args.preset ? { preset: args.preset } : {}),
  };
  // The server URL may hold a password: it goes to the suite, never into the stored `open`.
  const source = await suite.open({ ...open, ...(args.dbUrl !== undefined ? { dbUrl: args.dbUrl } : {}) });
  try {
    await runOpened(args, suite, source, open, tags, shard, truncate);
  } finally {
    await source.close?.();
  }
}

async function runOpened(
  args: RunArgs,
  suite: Suite,
  source: Awaited<ReturnType<Suite['open']>>,
  open: OpenOptions,
  tags: Record<string, string>,
  shard: ReturnType<typeof parseShard> | undefined,
  truncate: ReturnType<typeof parseTruncatePolicy>,
): Promise<void> {
  const runner = await makeRunner(args, suite);
  // Before the server is first asked anything (its tokenizer, then items) and before the store
  // is opened: a server that cannot work ends the run there, with nothing written and its
  // cause as the only line. Local inputs (a --tokenizer file) are checked before it.
  let checked: Promise<void> | undefined;
  const serversChecked = () =>
    (checked ??= checkServers(
      [...endpoints(args).map((url) => modelEndpointCheck(args, url)), ...(suite.needsJudge && !referenceJudged(args) ? [judgeEndpointCheck(args)] : [])],
      args.timeout,
    ));
  if (suite.needsJudge && referenceJudged(args)) source.labels.push(REFERENCE_JUDGE_LABEL);
  const { ctx, fingerprintExtra, settingsExtra } = await requestContext(args, suite, runner, truncate, serversChecked);
  await serversChecked();
  if (source.labels.length > 0) log(`note: ${source.labels.join('; ')}`);
  if (settingsExtra.lengthsApproximate === true) {
    source.labels.push(APPROX_LABEL);
    log(`note: ${APPROX_LABEL}`);
  }
  const name = args.name ?? defaultName(args, runner.name);

  const stopper = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) process.exit(130); // a second Ctrl-C: leave now; finished items are already on disk
    signalled = sig;
    log(`\n${sig}: stopping — finished items are kept; waiting for requests in flight to be dropped…`);
    stopper.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const store = Store.open(resolve(args.db));
  const judge = !suite.needsJudge ? undefined : referenceJudged(args) ? referenceJudge(args, stopper.signal) : makeJudge(args, store, stopper.signal);
  try {
    const outcome = await executeRun(
      store,
      {
        suite,
        source,
        runner,
        ctx,
        name,
        tags,
        // Per endpoint: the pool splits the slots and adapts each replica's share.
        concurrency: args.concurrency * Math.max(1, endpoints(args).length),
        timeoutMs: args.timeout * 1000,
        retries: args.retries,
        errorBudget: args.errorBudget,
        quiet: args.json,
        fingerprintExtra,
        settingsExtra: { ...settingsExtra, open, ...(judge ? { judge: judge.runner.settings } : {}) },
        ...(shard ? { shard } : {}),
        ...(judge ? { judge } : {}),
      },
      stopper.signal,
    );
    if (outcome.ending === 'interrupted') {
      const resume = resumeCommand(name, args.name === undefined);
      throw new InterruptedError(
        `interrupted: ${outcome.counts.done} of ${outcome.counts.total} items done and kept in ${args.db}. Resume with:\n  ${resume}`,
      );
    }
    printResult(suite, outcome.run, outcome.summary, outcome.counts, args.json, source.labels, accountingOf(outcome.run, store.items(outcome.run.id)));
    if (outcome.message) log(outcome.message);
    if (outcome.run.status === 'failed') process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await runner.close?.();
    ctx.tokenizer?.close?.();
    store.close();
  }
}

const REFERENCE_JUDGE_LABEL = 'reference judge: full marks for the gold answer, written by evalh in the judge\'s official format — checks the pipeline, says nothing of a model';

/**
 * `--runner reference` with no judge: the gold answers are judged by the reference judge,
 * which gives the judgment the suite says a perfect answer gets (in the official output
 * format, so the real parser and aggregation read it). The pipeline runs end to end offline;
 * no judge model is asked, and nothing goes into the judge cache.
 */
function referenceJudged(args: Pick<RunArgs, 'runner' | 'judgeEndpoint' | 'judgeModel'>): boolean {
  return args.runner === 'reference' && args.judgeEndpoint === undefined && args.judgeModel === undefined;
}

function referenceJudge(args: JudgeArgs, stop: AbortSignal): Judge {
  return new Judge(new ReferenceRunner(), undefined, { concurrency: args.judgeConcurrency, timeoutMs: args.timeout * 1000, retries: args.retries, stop });
}

type JudgeArgs = { judgeEndpoint?: string; judgeModel?: string; judgeConcurrency: number; judgeCache: boolean; timeout: number; retries: number };

/** The judge of judged suites: its own endpoint, key (EVALH_JUDGE_API_KEY, else the model's) and concurrency. */
export function makeJudge(args: JudgeArgs, store: Store, stop: AbortSignal): Judge {
  const runner = new OpenAIRunner({
    endpoint: args.judgeEndpoint!,
    model: args.judgeModel!,
    apiKey: judgeKey().key,
    api: 'chat',
  });
  return new Judge(runner, store.judgeCache(), {
    readCache: args.judgeCache,
    concurrency: args.judgeConcurrency,
    timeoutMs: args.timeout * 1000,
    retries: args.retries,
    stop,
    ...(process.env.EVALH_BACKOFF_BASE_MS ? { backoffBaseMs: Number(process.env.EVALH_BACKOFF_BASE_MS) } : {}),
  });
}

function checkFlags(args: RunArgs, suite: Suite): void {
  const chosen = [args.endpoint && '--endpoint', args.gguf && '--gguf', args.runner && '--runner'].filter(Boolean);
  if (chosen.length === 0) throw new UsageError('choose a model: --endpoint URL --model ID, --gguf FILE, or --runner reference|replay');
  if (chosen.length > 1) throw new UsageError(`choose one model source, not ${chosen.join(' and ')}`);
  if (args.endpoint && !args.model) throw new UsageError('--endpoint needs --model (the model id the server expects)');
  checkGgufFlags(args);
  if (args.runner === 'replay' && !args.predictions) throw new UsageError('--runner replay needs --predictions PATH');
  if (args.predictions && args.runner !== 'replay') throw new UsageError('--predictions goes with --runner replay');
  if (suite.needsJudge) {
    if (referenceJudged(args)) {
      if (args.judgeCache === false) throw new UsageError('--no-judge-cache goes with a judge model (--judge-endpoint/--judge-model); the reference judge keeps no cache');
    } else if (!args.judgeEndpoint || !args.judgeModel) {
      throw new UsageError(
        `${suite.name} is scored by a judge model: pass --judge-endpoint URL --judge-model ID${args.runner === 'reference' ? '' : ' (or --runner reference with neither, to check the pipeline offline)'}`,
      );
    }
  } else if (args.judgeEndpoint || args.judgeModel || args.judgeCache === false) {
    throw new UsageError(`--judge-endpoint/--judge-model/--no-judge-cache apply to judged suites (alignbench), not ${args.suite}`);
  }
  if (args.sample && args.data) throw new UsageError('--sample and --data exclude each other');
  if (args.preset !== undefined) checkPreset(args.preset, suite);
  if (args.dbUrl !== undefined && suite.name !== 'agentbench-db') throw new UsageError(`--db-url applies to agentbench-db, not ${suite.name}`);
  for (const [flag, v, min] of [
    ['--concurrency', args.concurrency, 1],
    ['--timeout', args.timeout, 0.001],
    ['--retries', args.retries, 0],
    ['--limit', args.limit, 1],
    ['--max-length', args.maxLength, 2],
    ['--judge-concurrency', args.judgeConcurrency, 1],
  ] as const) {
    if (v !== undefined && (!Number.isFinite(v) || v < min)) throw new UsageError(`${flag} must be a number ≥ ${min} (got ${typed(flag, v)})`);
  }
  if (!(args.errorBudget >= 0 && args.errorBudget <= 1)) throw new UsageError(`--error-budget must be between 0 and 1 (got ${typed('--error-budget', args.errorBudget)})`);
  for (const e of endpoints(args)) checkEndpointUrl('--endpoint', e, modelKey().keyVar);
  if (args.judgeEndpoint !== undefined) checkEndpointUrl('--judge-endpoint', args.judgeEndpoint, 'EVALH_JUDGE_API_KEY');
}

/**
 * The start-up check of the endpoints (runners/preflight.ts): exit 2 for one that cannot
 * work, a note for a busy one. Only endpoints are checked: reference, replay and --gguf have none.
 */
export async function checkServers(list: EndpointToCheck[], timeoutS: number): Promise<void> {
  if (list.length === 0) return;
  for (const note of await checkEndpoints(list, Math.min(5000, timeoutS * 1000))) log(note);
}

function modelEndpointCheck(args: RunArgs, url: string): EndpointToCheck {
  const { key, keyFrom, keyVar } = modelKey();
  return { urlFlag: '--endpoint', modelFlag: '--model', url, model: args.model!, apiKey: key, keyFrom, keyVar, api: args.api === 'completions' ? 'completions' : 'chat' };
}

export function judgeEndpointCheck(args: { judgeEndpoint?: string; judgeModel?: string }): EndpointToCheck {
  const { key, keyFrom } = judgeKey();
  return {
    urlFlag: '--judge-endpoint',
    modelFlag: '--judge-model',
    role: 'the judge',
    url: args.judgeEndpoint!,
    model: args.judgeModel!,
    apiKey: key,
    keyFrom,
    keyVar: 'EVALH_JUDGE_API_KEY',
    api: 'chat',
  };
}

/** Suites without presets would ignore one silently; the suites with presets check the name themselves. */
function checkPreset(preset: string, suite: Suite): void {
  if (preset.trim() === '') throw new UsageError(`--preset needs a name${suite.presets ? `; ${suite.name} presets: ${suite.presets}` : ''}`);
  if (suite.presets) return;
  const withPresets = allSuites().filter((s) => s.presets).map((s) => `${s.name}: ${s.presets}`);
  throw new UsageError(`${suite.name} has no presets (got --preset "${preset}"); drop --preset. Suites with presets: ${withPresets.join('; ')}`);
}

/** The --gguf-* settings: positive integers (GPU layers may be 0), and only together with --gguf. */
function checkGgufFlags(args: RunArgs): void {
  const flags = [
    ['--gguf-context-size', args.ggufContextSize, 16],
    ['--gguf-batch-size', args.ggufBatchSize, 1],
    ['--gguf-threads', args.ggufThreads, 1],
    ['--gguf-gpu-layers', args.ggufGpuLayers, 0],
  ] as const;
  for (const [flag, v, min] of flags) {
    if (v === undefined) continue;
    if (!args.gguf) throw new UsageError(`${flag} goes with --gguf FILE`);
    if (!Number.isSafeInteger(v) || v < min) throw new UsageError(`${flag} must be an integer ≥ ${min} (got ${typed(flag, v)})`);
  }
}

/** --endpoint may be given several times (replicas of one model). */
function endpoints(args: RunArgs): string[] {
  return args.endpoint === undefined ? [] : Array.isArray(args.endpoint) ? args.endpoint : [args.endpoint];
}

function parseTags(tags: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) {
    const i = t.indexOf('=');
    if (i <= 0) throw new UsageError(`--tag "${t}": expected K=V`);
    out[t.slice(0, i)] = t.slice(i + 1);
  }
  return out;
}

function apiKey(): string | undefined {
  return modelKey().key;
}

/** The model's API key and the variable it came from (EVALH_API_KEY, else OPENAI_API_KEY). */
function modelKey(): { key?: string; keyFrom?: string; keyVar: string } {
  for (const v of ['EVALH_API_KEY', 'OPENAI_API_KEY']) {
    const key = process.env[v];
    if (key) return { key, keyFrom: v, keyVar: v };
  }
  return { keyVar: 'EVALH_API_KEY' };
}

/** The judge's key: EVALH_JUDGE_API_KEY, else the model's. */
function judgeKey(): { key?: string; keyFrom?: string } {
  const own = process.env.EVALH_JUDGE_API_KEY;
  if (own) return { key: own, keyFrom: 'EVALH_JUDGE_API_KEY' };
  const { key, keyFrom } = modelKey();
  return { key, keyFrom };
}

async function makeRunner(args: RunArgs, suite: Suite): Promise<Runner> {
  if (args.runner === 'reference') return new ReferenceRunner();
  if (args.runner === 'replay') {
    const { predictions, files } = await suite.readPredictions(args.predictions!);
    const map = new Map(predictions.map((p) => [p.item.id, p.output]));
    return new ReplayRunner(map, resolve(args.predictions!), sha256(canonicalJson(files)).slice(0, 16));
  }
  if (args.gguf) return makeGgufRunner(args);
  return new EndpointPool({ endpoints: endpoints(args), concurrency: args.concurrency, model: args.model!, apiKey: apiKey(), api: args.api });
}

/** --gguf FILE: the model in-process; --concurrency becomes its parallel sequences (capped). */
async function makeGgufRunner(args: RunArgs): Promise<Runner> {
  const { GgufRunner, checkGgufFile } = await import('../../runners/gguf.js');
  await checkGgufFile(args.gguf!); // exit 2 on a missing or non-GGUF file before anything loads
  log(`gguf: loading ${args.gguf}…`);
  const runner = await GgufRunner.create({
    file: args.gguf!,
    sequences: args.concurrency,
    api: args.api,
    ...(args.ggufContextSize !== undefined ? { contextSize: args.ggufContextSize } : {}),
    ...(args.ggufBatchSize !== undefined ? { batchSize: args.ggufBatchSize } : {}),
    ...(args.ggufThreads !== undefined ? { threads: args.ggufThreads } : {}),
    ...(args.ggufGpuLayers !== undefined ? { gpuLayers: args.ggufGpuLayers } : {}),
  });
  const s = runner.settings;
  log(
    `gguf: ${s.model} (${s.chatWrapper} chat template), context ${s.contextSize} tokens x ${runner.sequences} sequence(s), ` +
      `batch ${s.batchSize}, ${s.threads} thread(s), gpu ${s.gpu === false ? 'off' : `${s.gpu} (${s.gpuLayers} layers)`}`,
  );
  if (runner.sequences < args.concurrency) {
    // More requests in flight than sequences would only queue inside the runner (and run into --timeout).
    log(`gguf: --concurrency ${args.concurrency} -> ${runner.sequences} (parallel sequences in one context)`);
    args.concurrency = runner.sequences;
  }
  return runner;
}

type Context = { ctx: RequestContext; fingerprintExtra: Record<string, unknown>; settingsExtra: Record<string, unknown> };

/** The tokenizer and budget of the run, with the --truncate policy (in the fingerprint unless it is the default, so older runs resume). */
async function requestContext(args: RunArgs, suite: Suite, runner: Runner, truncate: TruncatePolicy, serversChecked: () => Promise<void>): Promise<Context> {
  const c = suite.measuresPrompts ? await measuredContext(args, runner, serversChecked) : await budgetContext(args, suite, runner, serversChecked);
  c.ctx.truncate = truncate;
  c.settingsExtra.truncate = truncate;
  if (truncate !== 'middle') c.fingerprintExtra.truncate = truncate;
  return c;
}

/**
 * Suites that size their prompts in tokens (needle): the run's tokenizer when there is one
 * (--tokenizer, the GGUF model's, the server's), else an approximation (labelled); the
 * budget from --max-length, the GGUF context or the server's max_model_len, when known.
 */
async function measuredContext(args: RunArgs, runner: Runner, serversChecked: () => Promise<void>): Promise<Context> {
  const approx: Context = {
    ctx: { needsPrompt: runner.needsPrompt },
    fingerprintExtra: { tokenizer: null },
    settingsExtra: { tokenizer: null, lengthsApproximate: true },
  };
  if (!runner.needsPrompt) {
    if (args.tokenizer || args.maxLength) log(`note: --tokenizer/--max-length ignored: the ${runner.name} runner sends no prompts`);
    return approx;
  }
  const { loadTokenizer, serverTokenizer } = await import('../tokenizers/index.js');
  let tokenizer;
  let limit: number | undefined;
  let limitSource = '';
  if (args.gguf) {
    const gguf = runner as GgufRunner;
    tokenizer = args.tokenizer && args.tokenizer !== 'server' ? await loadTokenizer(args.tokenizer) : gguf.tokenizer;
    limit = gguf.contextSize;
    limitSource = `gguf context ${limit}`;
  } else if (args.tokenizer && args.tokenizer !== 'server') {
    tokenizer = await loadTokenizer(args.tokenizer);
  } else {
    await serversChecked();
    try {
      const t = await serverTokenizer(endpoints(args)[0]!, args.model!, apiKey());
      tokenizer = t;
      limit = t.maxModelLen;
      limitSource = `server max_model_len ${limit}`;
    } catch (e) {
      if (args.tokenizer === 'server') throw e;
      log(`note: ${maskUrl(endpoints(args)[0]!)} offers no tokenize endpoint (${(e as Error).message}); pass --tokenizer FILE for exact lengths`);
    }
  }
  let maxLength = args.maxLength;
  let maxSource = '--max-length';
  if (maxLength === undefined && limit !== undefined && limit - 1024 >= 2) {
    maxLength = limit - 1024;
    maxSource = `${limitSource} - 1024`;
  }
  if (!tokenizer) {
    if (maxLength !== undefined) log(`note: no tokenizer, so nothing is cut to --max-length; prompts over the model's limit fail as context_limit`);
    return approx;
  }
  log(`lengths: tokenizer ${tokenizer.id}${maxLength !== undefined ? `; input budget ${maxLength} tokens (${maxSource})` : '; no input budget'}`);
  return {
    ctx: { needsPrompt: true, tokenizer, ...(maxLength !== undefined ? { maxLength } : {}) },
    fingerprintExtra: { tokenizer: tokenizer.id, ...(maxLength !== undefined ? { maxLength } : {}) },
    settingsExtra: { tokenizer: args.tokenizer ?? (args.gguf ? 'gguf' : 'server'), ...(maxLength !== undefined ? { maxLength, maxLengthSource: maxSource } : {}) },
  };
}

async function budgetContext(args: RunArgs, suite: Suite, runner: Runner, serversChecked: () => Promise<void>): Promise<Context> {
  if (!runner.needsPrompt) {
    if (args.tokenizer || args.maxLength) log(`note: --tokenizer/--max-length ignored: the ${runner.name} runner sends no prompts`);
    return { ctx: { needsPrompt: false }, fingerprintExtra: {}, settingsExtra: {} };
  }
  if (!suite.truncates) {
    if (args.tokenizer || args.maxLength) log(`note: --tokenizer/--max-length ignored: ${suite.name} sends its prompts whole`);
    return { ctx: { needsPrompt: true }, fingerprintExtra: {}, settingsExtra: {} };
  }
  if (args.gguf) return ggufRequestContext(args, runner);
  const { loadTokenizer, serverTokenizer } = await import('../tokenizers/index.js');
  let tokenizer;
  let serverMax: number | undefined;
  if (!args.tokenizer || args.tokenizer === 'server') {
    await serversChecked();
    try {
      const t = await serverTokenizer(endpoints(args)[0]!, args.model!, apiKey());
      tokenizer = t;
      serverMax = t.maxModelLen;
      log(`truncation: using the server's own tokenizer (${t.id})`);
    } catch (e) {
      if (args.tokenizer === 'server') throw e;
      throw new UsageError(
        `LongBench middle-truncates prompts with the model's tokenizer, and ${maskUrl(endpoints(args)[0]!)} offers no tokenize endpoint ` +
          `(${(e as Error).message}). Pass --tokenizer <tokenizer.json | tiktoken rank file such as GLM-4's tokenizer.model>`,
      );
    }
  } else {
    tokenizer = await loadTokenizer(args.tokenizer);
    log(`truncation: tokenizer ${args.tokenizer} (${tokenizer.id})`);
  }
  let maxLength = args.maxLength;
  let maxSource = '--max-length';
  if (maxLength === undefined) {
    const official = suite.officialMaxLength?.(args.model!);
    if (official !== undefined) {
      maxLength = official;
      maxSource = 'model2maxlen.json';
    } else if (serverMax !== undefined) {
      // Leave room for the longest generation (512) and the chat template's own tokens.
      maxLength = serverMax - 1024;
      maxSource = `server max_model_len ${serverMax} - 1024`;
    } else {
      throw new UsageError(`no input budget known for model "${args.model}": pass --max-length N (LongBench's budgets are in model2maxlen.json, e.g. 31500 for a 32k model)`);
    }
  }
  log(`truncation: middle, input budget ${maxLength} tokens (${maxSource})`);
  return {
    ctx: { needsPrompt: true, tokenizer, maxLength },
    fingerprintExtra: { tokenizer: tokenizer.id, maxLength },
    settingsExtra: { tokenizer: args.tokenizer ?? 'server', maxLength, maxLengthSource: maxSource },
  };
}

/** Room kept in the context beyond the prompt: LongBench's longest generation (512) plus 512 for the chat template's tokens. */
const GGUF_GENERATION_RESERVE = 1024;

/** --gguf: truncation with the model's own tokenizer (unless --tokenizer names another); the budget follows the context. */
async function ggufRequestContext(
  args: RunArgs,
  runner: Runner,
): Promise<{ ctx: RequestContext; fingerprintExtra: Record<string, unknown>; settingsExtra: Record<string, unknown> }> {
  const gguf = runner as GgufRunner;
  let tokenizer;
  if (args.tokenizer && args.tokenizer !== 'server') {
    const { loadTokenizer } = await import('../tokenizers/index.js');
    tokenizer = await loadTokenizer(args.tokenizer);
    log(`truncation: tokenizer ${args.tokenizer} (${tokenizer.id})`);
  } else {
    tokenizer = gguf.tokenizer;
    log(`truncation: using the model's own tokenizer (${tokenizer.id})`);
  }
  const contextSize = gguf.contextSize;
  let maxLength = args.maxLength;
  let maxSource = '--max-length';
  if (maxLength === undefined) {
    maxLength = contextSize - GGUF_GENERATION_RESERVE;
    maxSource = `gguf context ${contextSize} - ${GGUF_GENERATION_RESERVE} (512 for the longest generation, 512 for the chat template)`;
    if (maxLength < 2) throw new UsageError(`--gguf: a context of ${contextSize} tokens leaves no input budget; raise --gguf-context-size or pass --max-length`);
  } else if (maxLength + 512 > contextSize) {
    log(`warning: --max-length ${maxLength} leaves less than 512 tokens of the ${contextSize}-token context for the answer; long prompts will fail with context_limit`);
  }
  log(`truncation: middle, input budget ${maxLength} tokens (${maxSource})`);
  return {
    ctx: { needsPrompt: true, tokenizer, maxLength },
    fingerprintExtra: { tokenizer: tokenizer.id, maxLength },
    settingsExtra: { tokenizer: args.tokenizer ?? 'gguf', maxLength, maxLengthSource: maxSource },
  };
}

/**
 * suite-model[-sample][-selection]-date. The selection (--datasets, --limit, --preset) is in
 * the name because another selection is another run: without it, a second command on other
 * datasets would be refused as "different settings". --shard is not: the shards of one run
 * share its name on purpose, so that `evalh merge` joins them into that run.
 */
export function defaultName(args: Pick<RunArgs, 'suite' | 'model' | 'gguf' | 'sample' | 'datasets' | 'limit' | 'preset'>, runnerName: string, day = new Date().toISOString().slice(0, 10)): string {
  const who = args.model ?? (args.gguf ? basename(args.gguf).replace(/\.gguf$/i, '') : runnerName);
  const datasets = args.datasets?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  const parts = [
    args.suite,
    who,
    ...(args.sample ? ['sample'] : []),
    // Long selections would make unreadable names: a count or a label and a short hash tell them apart.
    ...(args.preset ? [args.preset.length <= 24 ? args.preset : `preset-${sha256(args.preset).slice(0, 6)}`] : []),
    ...(datasets.length > 0 ? [datasets.join('+').length <= 40 ? datasets.join('+') : `${datasets.length}datasets-${sha256([...datasets].sort().join(',')).slice(0, 6)}`] : []),
    ...(args.limit !== undefined ? [`limit${args.limit}`] : []),
    day,
  ];
  return parts.map((p) => p.replace(/[^A-Za-z0-9.+_=-]+/g, '_')).join('-');
}

function resumeCommand(name: string, addName: boolean): string {
  // Never echo a password typed on the command line (--db-url mysql://user:pass@…): masked, to be typed again.
  const argv = process.argv.slice(2).map((a) => a.replace(/[a-z][a-z0-9+.-]*:\/\/\S*/gi, (url) => maskUrl(url)));
  if (addName) argv.push('--name', name);
  return ['evalh', ...argv].map(shellQuote).join(' ');
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
