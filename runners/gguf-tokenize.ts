import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { log } from '../src/progress.js';

// llama.cpp tokenizes synchronously, at about a megabyte of text per second: a LongBench prompt
// would hold the event loop for a second or more (every other sequence's generation, the progress
// line and the timeouts with it). So long texts are tokenized in a worker thread holding the same
// model file's vocabulary (loaded with vocabOnly: no weights). Both sides run the same llama.cpp
// code on the same vocabulary, so the tokens are the same; short texts stay on the main thread.

export type TokenizeOptions = 'trimLeadingSpace' | undefined;

export interface TokenizeCall {
  text: string;
  special: boolean;
  options?: TokenizeOptions;
}

/** Texts shorter than this are tokenized in place (well under a millisecond). */
export const WORKER_MIN_CHARS = 4096;

// The worker, as CommonJS source run with `eval: true`: no file of its own to locate next to the
// compiled code (tests run the TypeScript sources), and node-llama-cpp is imported by absolute URL.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const nlc = await import(workerData.moduleUrl);
  const llama = await nlc.getLlama({ gpu: workerData.gpu, build: 'never', skipDownload: true, progressLogs: false,
    logLevel: 'error', logger: () => {}, maxThreads: 1 });
  const model = await llama.loadModel({ modelPath: workerData.file, vocabOnly: true, gpuLayers: 0 });
  parentPort.on('message', (m) => {
    try {
      const out = m.calls.map((c) => Uint32Array.from(model.tokenize(c.text, c.special, c.options)));
      parentPort.postMessage({ id: m.id, out }, out.map((a) => a.buffer));
    } catch (e) {
      parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
    }
  });
  parentPort.postMessage({ ready: true });
})().catch((e) => parentPort.postMessage({ fatal: String((e && e.stack) || e) }));
`;

interface Pending {
  resolve(out: Uint32Array[]): void;
  reject(e: Error): void;
}

export class TokenizerWorker {
  private nextId = 1;
  private active = 0;
  private readonly pending = new Map<number, Pending>();
  private failed: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly ready: Promise<void>,
  ) {}

  /**
   * Starts the worker (it loads in the background; calls wait for it). `gpu` is the main
   * thread's resolved llama.cpp back end, so both threads load the very same binary.
   */
  static start(file: string, gpu: string | false, moduleName: string): TokenizerWorker {
    const moduleUrl = pathToFileURL(createRequire(import.meta.url).resolve(moduleName)).href;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, gpu, moduleUrl } });
    worker.unref();
    let onReady!: () => void;
    let onFail!: (e: Error) => void;
    const ready = new Promise<void>((res, rej) => {
      onReady = res;
      onFail = rej;
    });
    ready.catch(() => undefined);
    const self = new TokenizerWorker(worker, ready);
    worker.on('message', (m: { ready?: true; fatal?: string; id?: number; out?: Uint32Array[]; error?: string }) => {
      if (m.ready) return onReady();
      if (m.fatal) return self.fail(new Error(m.fatal), onFail);
      const p = self.pending.get(m.id!);
      if (!p) return;
      self.pending.delete(m.id!);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.out!);
    });
    worker.on('error', (e) => self.fail(e, onFail));
    worker.on('exit', (code) => self.fail(new Error(`tokenizer worker exited (${code})`), onFail));
    return self;
  }

  private fail(e: Error, onFail: (e: Error) => void): void {
    if (!this.failed) {
      this.failed = e;
      log(`gguf: the tokenizer worker stopped (${e.message.split('\n')[0]}); tokenizing on the main thread`);
    }
    onFail(e);
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Whether calls can go to the worker (it may still be loading). */
  get usable(): boolean {
    return this.failed === undefined;
  }

  async tokenizeMany(calls: TokenizeCall[]): Promise<Uint32Array[]> {
    // While a call waits on the worker, the worker keeps the process alive; idle, it does not.
    if (this.active++ === 0) this.worker.ref();
    try {
      await this.ready;
      if (this.failed) throw this.failed;
      const id = this.nextId++;
      return await new Promise<Uint32Array[]>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        this.worker.postMessage({ id, calls });
      });
    } finally {
      if (--this.active === 0) this.worker.unref();
    }
  }

  async close(): Promise<void> {
    this.failed ??= new Error('closed');
    for (const p of this.pending.values()) p.reject(this.failed);
    this.pending.clear();
    await this.worker.terminate();
  }
}
