// The local inference core: a GGUF model run in-process through node-llama-cpp (llama.cpp's
// Node.js bindings). node-llama-cpp is an optional dependency and is imported dynamically,
// so evalh builds and runs without it; --gguf then explains how to install it.
//
// What a request becomes:
//   kind 'completion': the prompt tokenized as the model's tokenizer does it (special-token
//     text parsed, BOS added when the GGUF says add_bos_token) — the same tokens the
//     truncation counted;
//   kind 'chat': one user message through the model's own chat template (the GGUF's
//     tokenizer.chat_template, resolved by node-llama-cpp's resolveChatWrapper: a built-in
//     wrapper only where it renders exactly like the template, else the Jinja template
//     itself), cut where the assistant's answer starts; a BOS is added when the template
//     does not start with one and the model asks for it (as llama.cpp's server does).
// Generation: greedy at temperature 0, else temperature/top-p sampling (no top-k, no min-p,
// no repetition penalty — what OpenAI-compatible servers do by default); stops at an
// end-of-generation token, at one of the template's own stop triggers (chat), at a request
// stop string (cut before it), or at maxTokens. A prompt that does not fit the context with
// its generation budget is refused (context_limit), never silently shortened or shifted.
//
// Offline: node-llama-cpp is asked only for a binary it already has — a prebuilt one from its
// npm platform packages (build 'never', skipDownload), never a source download or a build.

import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, UsageError } from '../src/errors.js';
import { log } from '../src/progress.js';
import { ioProblem } from '../src/input.js';
import { FatalError, PermanentError, RetryableError } from '../src/request-errors.js';
import type { DecodeOptions, EncodeOptions, Tokenizer } from '../src/tokenizers/types.js';
import { fileSha256 } from './gguf-hash.js';
import { TokenizerWorker, WORKER_MIN_CHARS, type TokenizeCall, type TokenizeOptions } from './gguf-tokenize.js';
import type { Generation, Runner, RunnerCall } from './types.js';

/** The version evalh is tested with; `npm install` of evalh brings it as an optional dependency. */
export const NODE_LLAMA_CPP_VERSION = '3.21.1';
/** Default context size when the model was trained on more (memory grows with context x sequences). */
export const DEFAULT_CONTEXT_SIZE = 8192;
/** Most sequences (parallel requests) in one context. */
export const MAX_SEQUENCES = 4;

export interface GgufRunnerOptions {
  file: string;
  /** Tokens per sequence; default min(model's training context, 8192). */
  contextSize?: number;
  /** Tokens evaluated per batch; default node-llama-cpp's (min(context x sequences, 512)). */
  batchSize?: number;
  /** CPU threads; default node-llama-cpp's (the CPU's math cores). */
  threads?: number;
  /** Layers offloaded to a GPU; default node-llama-cpp's "auto"; 0 = CPU only (no GPU back end is loaded). */
  gpuLayers?: number;
  /** Parallel sequences wanted (--concurrency); capped at MAX_SEQUENCES and by memory. */
  sequences?: number;
  /** Force every request through one API, whatever the suite asks ('auto' keeps the suite's choice). */
  api?: 'auto' | 'chat' | 'completions';
}

// ---- the parts of node-llama-cpp used here (structural: evalh compiles without the package) ----

type Token = number;
type TokenizeFn = (text: string, special?: boolean | 'builtin', options?: TokenizeOptions) => Token[];
interface NlcLlamaText {
  tokenize(tokenizer: TokenizeFn): Token[];
}
interface NlcChatWrapper {
  readonly wrapperName: string;
  generateContextState(opts: { chatHistory: unknown[] }): { contextText: NlcLlamaText; stopGenerationTriggers: NlcLlamaText[] };
}
interface NlcSequence {
  readonly nextTokenIndex: number;
  readonly contextTokens: Token[];
}
interface NlcCompletion {
  generateCompletionWithMeta(
    input: Token[],
    opts: Record<string, unknown>,
  ): Promise<{ response: string; metadata: { stopReason: string } }>;
  dispose(): void;
}
interface NlcContext {
  readonly contextSize: number;
  readonly batchSize: number;
  readonly currentThreads: number;
  readonly flashAttention: 'auto' | boolean;
  getSequence(): NlcSequence;
  dispose(): Promise<void>;
}
interface NlcModel {
  readonly tokenizer: TokenizeFn;
  readonly tokens: { bos: Token | null; eos: Token | null; shouldPrependBosToken: boolean; shouldAppendEosToken: boolean };
  readonly trainContextSize: number;
  readonly vocabularyType: string;
  readonly gpuLayers: number;
  readonly size: number;
  readonly typeDescription: string;
  tokenize(text: string, specialTokens?: boolean | 'builtin', options?: TokenizeOptions): Token[];
  detokenize(tokens: readonly Token[], specialTokens?: boolean): string;
  createContext(opts: Record<string, unknown>): Promise<NlcContext>;
  dispose(): Promise<void>;
}
interface NlcLlama {
  readonly gpu: string | false;
  readonly buildType: string;
  readonly cpuMathCores: number;
  loadModel(opts: Record<string, unknown>): Promise<NlcModel>;
  dispose(): Promise<void>;
}
interface NlcModule {
  getLlama(opts: Record<string, unknown>): Promise<NlcLlama>;
  LlamaCompletion: new (opts: { contextSequence: NlcSequence }) => NlcCompletion;
  resolveChatWrapper(model: NlcModel, opts?: Record<string, unknown>): NlcChatWrapper;
  getModuleVersion?: () => Promise<string>;
}

/** The module specifier; EVALH_NODE_LLAMA_CPP overrides it (tests use it to simulate a missing package). */
function moduleName(): string {
  return process.env.EVALH_NODE_LLAMA_CPP || 'node-llama-cpp';
}

const INSTALL_HINT =
  `--gguf runs the model in-process through the optional package node-llama-cpp, which is not installed. ` +
  `Install it with \`npm install node-llama-cpp@${NODE_LLAMA_CPP_VERSION}\` in evalh's folder (it is part of \`npm ci\` unless ` +
  `optional dependencies are omitted; its prebuilt llama.cpp binaries come from npm, nothing is compiled), ` +
  `or serve the model with llama.cpp's server and use --endpoint`;

// One llama.cpp instance per set of options for the whole process: getLlama() loads and tests
// the native binary (in a child process) each time, and instances are cheap to keep.
const llamas = new Map<string, Promise<NlcLlama>>();

function getLlamaOnce(nlc: NlcModule, opts: { gpu: false | 'auto'; maxThreads?: number } & Record<string, unknown>): Promise<NlcLlama> {
  const key = JSON.stringify([opts.gpu, opts.maxThreads]);
  let llama = llamas.get(key);
  if (!llama) {
    llama = nlc.getLlama(opts);
    llamas.set(key, llama);
    llama.catch(() => llamas.delete(key));
  }
  return llama;
}

export async function loadNodeLlamaCpp(): Promise<NlcModule> {
  // node-llama-cpp never downloads or builds llama.cpp for evalh: prebuilt binaries or nothing.
  process.env.NODE_LLAMA_CPP_SKIP_DOWNLOAD ??= 'true';
  const name = moduleName();
  try {
    return (await import(name)) as NlcModule;
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ERR_MODULE_NOT_FOUND' && err.message.includes(name)) throw new UsageError(INSTALL_HINT);
    throw new UsageError(`--gguf: node-llama-cpp could not be loaded (${err.message}). ${INSTALL_HINT}`);
  }
}

/** Cheap checks before anything heavy: the file exists and is a GGUF file. Exit 2 otherwise. */
export async function checkGgufFile(file: string): Promise<void> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`--gguf ${file}: ${code === 'ENOENT' ? 'no such file' : ioProblem(e)}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new UsageError(`--gguf ${file}: ${st.isDirectory() ? 'is a folder, where a GGUF model file was expected' : 'not a regular file'}`);
    const head = Buffer.alloc(8);
    const { bytesRead } = await fh.read(head, 0, 8, 0);
    if (bytesRead < 8 || head.toString('latin1', 0, 4) !== 'GGUF') {
      throw new InputError(file, undefined, undefined, 'not a GGUF model file (it does not start with the GGUF magic)');
    }
    const version = head.readUInt32LE(4);
    if (version < 2 || version > 3) throw new InputError(file, undefined, undefined, `GGUF version ${version}; llama.cpp reads versions 2 and 3`);
  } finally {
    await fh.close();
  }
}

/**
 * Tokenizing with the model's vocabulary without holding the event loop: long texts go to the
 * tokenizer worker (gguf-tokenize.ts), short ones and anything the worker cannot take stay here.
 */
export class GgufVocab {
  constructor(
    readonly model: NlcModel,
    private readonly worker: TokenizerWorker | undefined,
  ) {}

  async tokenize(text: string, special: boolean, options?: TokenizeOptions): Promise<Token[]> {
    if (text.length < WORKER_MIN_CHARS || !this.worker?.usable) return this.model.tokenize(text, special, options);
    try {
      const [ids] = await this.worker.tokenizeMany([{ text, special, ...(options ? { options } : {}) }]);
      return Array.from(ids!);
    } catch {
      return this.model.tokenize(text, special, options);
    }
  }

  /**
   * LlamaText.tokenize() with the text pieces tokenized in the worker: a first pass records the
   * calls it makes (special tokens are resolved in place), the worker answers them, and a second
   * pass replays the answers. A call that differs from the recorded one (possible only when a
   * placeholder's length changed an option) is tokenized in place, so the result is always what
   * LlamaText.tokenize(model.tokenizer) gives.
   */
  async tokenizeText(text: NlcLlamaText): Promise<Token[]> {
    const model = this.model;
    const calls: TokenizeCall[] = [];
    let chars = 0;
    text.tokenize((t, special, options) => {
      if (special === 'builtin') return model.tokenize(t, 'builtin');
      calls.push({ text: t, special: special ?? false, ...(options ? { options } : {}) });
      chars += t.length;
      return t === '' ? [] : [0];
    });
    if (chars < WORKER_MIN_CHARS || !this.worker?.usable) return text.tokenize(model.tokenizer);
    let answers: Uint32Array[];
    try {
      answers = await this.worker.tokenizeMany(calls);
    } catch {
      return text.tokenize(model.tokenizer);
    }
    let i = 0;
    return text.tokenize((t, special, options) => {
      if (special === 'builtin') return model.tokenize(t, 'builtin');
      const c = calls[i];
      if (c && c.text === t && c.special === (special ?? false) && c.options === options) return Array.from(answers[i++]!);
      return model.tokenize(t, special, options);
    });
  }

  async close(): Promise<void> {
    await this.worker?.close();
  }
}

/** The model's own tokenizer, as LongBench's truncation needs it (transformers' encode/decode semantics). */
export class GgufTokenizer implements Tokenizer {
  private readonly model: NlcModel;

  constructor(
    readonly id: string,
    private readonly vocab: GgufVocab,
  ) {
    this.model = vocab.model;
  }

  async encode(text: string, opts: EncodeOptions = {}): Promise<number[]> {
    // Special-token text in the input becomes the special token, as transformers' encode does.
    const ids = await this.vocab.tokenize(text, true);
    if (opts.addSpecialTokens ?? true) {
      const { bos, eos, shouldPrependBosToken, shouldAppendEosToken } = this.model.tokens;
      if (shouldPrependBosToken && bos !== null) ids.unshift(bos);
      if (shouldAppendEosToken && eos !== null) ids.push(eos);
    }
    return ids;
  }

  async decode(ids: number[], opts: DecodeOptions = {}): Promise<string> {
    return this.model.detokenize(ids, !(opts.skipSpecialTokens ?? false));
  }
}

/** What the model is fed for a request, and what stops it. */
export interface RenderedPrompt {
  /** Every token the model sees, BOS included. */
  tokens: Token[];
  /** The tokens as text, special tokens rendered. */
  text: string;
  /** The chat template's own stop triggers (chat only). */
  stopTriggers: NlcLlamaText[];
}

interface Slot {
  sequence: NlcSequence;
  completion: NlcCompletion;
  busy: boolean;
}

export class GgufRunner implements Runner {
  readonly name = 'gguf';
  readonly needsPrompt = true;
  readonly fingerprint: Record<string, unknown>;
  readonly settings: Record<string, unknown>;

  private readonly slots: Slot[];
  private readonly waiting: (() => void)[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Whether LlamaCompletion puts a BOS in front of whatever it is given. */
  private readonly completionAddsBos: boolean;
  private closed = false;
  // Throughput accounting.
  private requests = 0;
  private promptTokens = 0;
  private generatedTokens = 0;
  private busyMs = 0;
  private busySince: number | undefined;
  private active = 0;

  private constructor(
    nlc: NlcModule,
    llama: NlcLlama,
    readonly model: NlcModel,
    private readonly context: NlcContext,
    readonly chatWrapper: NlcChatWrapper,
    private readonly vocab: GgufVocab,
    readonly tokenizer: GgufTokenizer,
    readonly sequences: number,
    private readonly api: 'auto' | 'chat' | 'completions',
    meta: { file: string; sha256: string; version: string; requestedSequences: number; trainContextSize: number },
  ) {
    this.slots = Array.from({ length: sequences }, () => {
      const sequence = context.getSequence();
      return { sequence, completion: new nlc.LlamaCompletion({ contextSequence: sequence }), busy: false };
    });
    const vt = model.vocabularyType;
    this.completionAddsBos = vt !== 'rwkv' && vt !== 'ugm' && (vt === 'wpm' || model.tokens.shouldPrependBosToken) && model.tokens.bos !== null;
    this.fingerprint = {
      runner: 'gguf',
      sha256: meta.sha256,
      contextSize: context.contextSize,
      // Which wrapper renders the chat template decides the prompts (and may change with node-llama-cpp).
      chatWrapper: chatWrapper.wrapperName,
    };
    this.settings = {
      runner: 'gguf',
      file: meta.file,
      sha256: meta.sha256,
      model: model.typeDescription,
      modelBytes: model.size,
      trainContextSize: meta.trainContextSize,
      contextSize: context.contextSize,
      batchSize: context.batchSize,
      sequences,
      ...(meta.requestedSequences !== sequences ? { sequencesRequested: meta.requestedSequences } : {}),
      threads: context.currentThreads,
      gpu: llama.gpu,
      gpuLayers: model.gpuLayers,
      flashAttention: context.flashAttention,
      chatWrapper: chatWrapper.wrapperName,
      api,
      nodeLlamaCpp: meta.version,
      binary: llama.buildType,
    };
  }

  static async create(opts: GgufRunnerOptions): Promise<GgufRunner> {
    const file = resolve(opts.file);
    await checkGgufFile(file);
    const nlc = await loadNodeLlamaCpp();
    const sha256 = fileSha256(file); // reads the file while llama.cpp loads it
    sha256.catch(() => undefined);
    let llama: NlcLlama;
    try {
      llama = await getLlamaOnce(nlc, {
        gpu: opts.gpuLayers === 0 ? false : 'auto',
        build: 'never',
        skipDownload: true,
        usePrebuiltBinaries: true,
        progressLogs: false,
        logLevel: 'warn',
        logger: (level: string, message: string) => {
          const text = message.trim();
          if (text) log(`llama.cpp ${level}: ${text}`);
        },
        ...(opts.threads !== undefined ? { maxThreads: opts.threads } : {}),
      });
    } catch (e) {
      throw new UsageError(
        `--gguf: node-llama-cpp has no usable prebuilt llama.cpp binary for this machine (${(e as Error).message}). ` +
          `evalh never builds llama.cpp from source; serve the model with llama.cpp's server and use --endpoint`,
      );
    }
    let worker: TokenizerWorker | undefined;
    try {
      worker = TokenizerWorker.start(file, llama.gpu, moduleName());
    } catch (e) {
      log(`gguf: no tokenizer worker (${(e as Error).message}); tokenizing on the main thread`);
    }
    let model: NlcModel;
    try {
      model = await llama.loadModel({ modelPath: file, ...(opts.gpuLayers !== undefined ? { gpuLayers: opts.gpuLayers } : {}) });
    } catch (e) {
      await worker?.close();
      throw new InputError(file, undefined, undefined, `llama.cpp could not load the model: ${(e as Error).message}`);
    }
    const vocab = new GgufVocab(model, worker);
    try {
      const trainContextSize = model.trainContextSize;
      const contextSize = opts.contextSize ?? Math.min(trainContextSize, DEFAULT_CONTEXT_SIZE);
      if (opts.contextSize !== undefined && opts.contextSize > trainContextSize) {
        log(`warning: --gguf-context-size ${opts.contextSize} is larger than the ${trainContextSize} tokens the model was trained on`);
      }
      const requestedSequences = Math.max(1, Math.floor(opts.sequences ?? 1));
      let sequences = Math.min(requestedSequences, MAX_SEQUENCES);
      let context: NlcContext | undefined;
      for (;;) {
        try {
          context = await model.createContext({
            contextSize,
            sequences,
            ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
            ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
            failedCreationRemedy: false,
          });
          break;
        } catch (e) {
          const err = e as Error;
          const memory = err.name === 'InsufficientMemoryError' || /memory|allocate/i.test(err.message);
          if (!memory || sequences === 1) {
            throw new UsageError(
              `--gguf: could not create a context of ${contextSize} tokens x ${sequences} sequence(s): ${err.message}. ` +
                `Lower --gguf-context-size or --concurrency`,
            );
          }
          sequences = Math.max(1, Math.floor(sequences / 2));
          log(`gguf: not enough memory for the context; trying ${sequences} sequence(s)`);
        }
      }
      const chatWrapper = nlc.resolveChatWrapper(model);
      const hash = await sha256;
      const version = (await nlc.getModuleVersion?.().catch(() => undefined)) ?? 'unknown';
      const tokenizer = new GgufTokenizer(`gguf:${hash.slice(0, 16)}`, vocab);
      const runner = new GgufRunner(nlc, llama, model, context, chatWrapper, vocab, tokenizer, sequences, opts.api ?? 'auto', {
        file,
        sha256: hash,
        version,
        requestedSequences,
        trainContextSize,
      });
      return runner;
    } catch (e) {
      await vocab.close();
      await model.dispose().catch(() => undefined);
      throw e;
    }
  }

  /** The context size actually created (llama.cpp may round it up). */
  get contextSize(): number {
    return this.context.contextSize;
  }

  /** What the model is fed for this request: exact tokens, and the text they spell. */
  async render(call: Pick<RunnerCall, 'kind' | 'prompt' | 'history'>): Promise<RenderedPrompt> {
    const { tokens, stopTriggers } = await this.renderTokens(call);
    return { tokens, text: this.model.detokenize(tokens, true), stopTriggers };
  }

  private async renderTokens(call: Pick<RunnerCall, 'kind' | 'prompt' | 'history'>): Promise<Omit<RenderedPrompt, 'text'>> {
    const kind = this.api === 'chat' ? 'chat' : this.api === 'completions' ? 'completion' : call.kind;
    let tokens: Token[];
    let stopTriggers: NlcLlamaText[] = [];
    if (kind === 'chat') {
      const state = this.chatWrapper.generateContextState({
        chatHistory: [
          ...(call.history ?? []).map((t) => (t.role === 'user' ? { type: 'user' as const, text: t.content } : { type: 'model' as const, response: [t.content] })),
          { type: 'user', text: call.prompt },
          { type: 'model', response: [] },
        ],
      });
      tokens = await this.vocab.tokenizeText(state.contextText);
      stopTriggers = state.stopGenerationTriggers;
      const bos = this.model.tokens.bos;
      if (this.completionAddsBos && bos !== null && tokens[0] !== bos) tokens.unshift(bos);
    } else {
      if (call.history?.length) throw new PermanentError('bad_request', 'a multi-turn request needs the chat template; drop --api completions');
      tokens = await this.tokenizer.encode(call.prompt, { addSpecialTokens: true });
    }
    return { tokens, stopTriggers };
  }

  async generate(call: RunnerCall, signal: AbortSignal): Promise<Generation> {
    if (this.closed) throw new FatalError('closed', 'the GGUF runner is closed');
    const rendered = await this.renderTokens(call);
    const fed = rendered.tokens;
    const room = this.context.contextSize - fed.length;
    if (call.maxTokens > room) {
      throw new PermanentError(
        'context_limit',
        `prompt of ${fed.length} tokens + max_tokens ${call.maxTokens} exceeds the context of ${this.context.contextSize} tokens ` +
          `(lower --max-length or raise --gguf-context-size)`,
      );
    }
    const slot = await this.acquire(signal);
    const task = this.run(slot, call, rendered, signal);
    this.inFlight.add(task);
    try {
      return await task;
    } finally {
      this.inFlight.delete(task);
      this.release(slot);
    }
  }

  private async run(slot: Slot, call: RunnerCall, rendered: Omit<RenderedPrompt, 'text'>, signal: AbortSignal): Promise<Generation> {
    const fed = rendered.tokens;
    // LlamaCompletion adds the BOS itself; hand it the rest so the model sees `fed` exactly.
    const input = this.completionAddsBos && fed[0] === this.model.tokens.bos ? fed.slice(1) : fed;
    const greedy = !(call.temperature > 0);
    const stops: unknown[] = [...(call.stop ?? []).filter((s) => s.length > 0), ...rendered.stopTriggers];
    this.startBusy();
    let result;
    try {
      result = await slot.completion.generateCompletionWithMeta(input, {
        signal,
        maxTokens: call.maxTokens,
        temperature: greedy ? 0 : call.temperature,
        ...(greedy ? {} : { topP: call.topP ?? 1, topK: 0, minP: 0 }),
        repeatPenalty: false,
        ...(stops.length > 0 ? { customStopTriggers: stops } : {}),
        disableContextShift: true,
        contextShiftSize: 0,
      });
    } catch (e) {
      throw this.failure(e, signal);
    } finally {
      this.endBusy();
    }
    // The last sampled token is never evaluated, so the sequence holds the prompt and all but one generated token.
    const state = slot.sequence.contextTokens;
    const completionTokens = Math.max(0, Math.min(call.maxTokens, slot.sequence.nextTokenIndex - fed.length + 1));
    if (!startsWith(state, fed)) {
      throw new FatalError('gguf_internal', 'internal error: the model was not fed the rendered prompt (node-llama-cpp behaved unexpectedly)');
    }
    this.requests++;
    this.promptTokens += fed.length;
    this.generatedTokens += completionTokens;
    const reason = result.metadata.stopReason;
    return {
      text: result.response,
      finishReason: reason === 'maxTokens' ? 'length' : reason === 'abort' ? 'abort' : 'stop',
      promptTokens: fed.length,
      completionTokens,
    };
  }

  private failure(e: unknown, signal: AbortSignal): Error {
    if (signal.aborted) {
      const reason = signal.reason as Error | undefined;
      if (reason?.name === 'TimeoutError') return new RetryableError('timeout', 'request timed out');
      return (reason as Error) ?? (e as Error);
    }
    const err = e as Error;
    if (err.name === 'DisposedError') return new FatalError('gguf_disposed', 'the model was unloaded while generating');
    return new PermanentError('gguf_error', `llama.cpp: ${err.message}`);
  }

  private acquire(signal: AbortSignal): Promise<Slot> {
    return new Promise((res, rej) => {
      const tryTake = (): boolean => {
        const free = this.slots.find((s) => !s.busy);
        if (!free) return false;
        free.busy = true;
        res(free);
        return true;
      };
      if (tryTake()) return;
      if (signal.aborted) return rej(this.failure(signal.reason, signal));
      const wake = () => {
        if (tryTake()) {
          signal.removeEventListener('abort', onAbort);
          return;
        }
        this.waiting.push(wake);
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(wake);
        if (i >= 0) this.waiting.splice(i, 1);
        rej(this.failure(signal.reason, signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
  }

  private release(slot: Slot): void {
    slot.busy = false;
    this.waiting.shift()?.();
  }

  private startBusy(): void {
    if (this.active++ === 0) this.busySince = performance.now();
  }

  private endBusy(): void {
    if (--this.active === 0 && this.busySince !== undefined) {
      this.busyMs += performance.now() - this.busySince;
      this.busySince = undefined;
    }
  }

  private busySeconds(): number {
    const open = this.busySince !== undefined ? performance.now() - this.busySince : 0;
    return (this.busyMs + open) / 1000;
  }

  /** Generated tokens per second of wall-clock time while at least one request was generating. */
  tokensPerSecond(): number {
    const s = this.busySeconds();
    return s > 0 ? this.generatedTokens / s : 0;
  }

  describeLoad(): string {
    const tps = this.tokensPerSecond();
    return `gguf ${this.active}/${this.sequences} seq${tps > 0 ? `, ${tps.toFixed(tps < 10 ? 1 : 0)} tok/s` : ''}`;
  }

  record(): Record<string, unknown> {
    const s = this.busySeconds();
    return {
      gguf: {
        requests: this.requests,
        promptTokens: this.promptTokens,
        generatedTokens: this.generatedTokens,
        busySeconds: Math.round(s * 1000) / 1000,
        tokensPerSecond: round2(this.tokensPerSecond()),
        promptAndGeneratedPerSecond: round2(s > 0 ? (this.promptTokens + this.generatedTokens) / s : 0),
        sequences: this.sequences,
        threads: this.context.currentThreads,
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Requests in flight were aborted by the scheduler; they end at their next token.
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 10_000).unref())]);
    for (const s of this.slots) s.completion.dispose();
    await this.context.dispose().catch(() => undefined);
    await this.model.dispose().catch(() => undefined);
    await this.vocab.close();
    // The llama.cpp instance is shared (getLlamaOnce) and ends with the process.
  }
}

function startsWith(a: readonly Token[], prefix: readonly Token[]): boolean {
  if (a.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (a[i] !== prefix[i]) return false;
  return true;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
