// A tokenizer backed by the model server's own tokenize/detokenize endpoints.
//
//   vLLM (and servers copying its API):
//     POST <root>/tokenize   {model, prompt, add_special_tokens} -> {tokens, count, max_model_len}
//     POST <root>/detokenize {model, tokens}                     -> {prompt}
//   llama.cpp server:
//     POST <root>/tokenize   {content, add_special, parse_special} -> {tokens}
//     POST <root>/detokenize {tokens}                              -> {content}
//     GET  <root>/props      -> {default_generation_settings: {n_ctx}} (context size, best effort)
//
// <root> is the endpoint URL without a trailing /v1. Which API the server speaks is probed
// once, at connect. Neither detokenize endpoint skips special tokens, so skipSpecialTokens is
// done here by dropping the ids the server itself adds with add_special_tokens (GLM-4's
// [gMASK]<sop>, Llama's BOS) before asking it to detokenize.
//
// The API key goes only into the Authorization header. Error messages carry the URL, the
// status and a short, key-redacted excerpt of the reply — never the key.

import { postJson } from '../http.js';
import { attemptSignal } from '../scheduler.js';
import { EvalhError, UsageError } from '../errors.js';
import type { DecodeOptions, EncodeOptions, Tokenizer } from './types.js';
import { isPlainObject } from './util.js';

export type ServerFlavor = 'vllm' | 'llamacpp';

export interface ServerTokenizerOptions {
  /** The OpenAI-compatible base URL (…/v1) or the server root. */
  endpoint: string;
  /** Model name sent to vLLM (optional on recent vLLM; llama.cpp ignores it). */
  model?: string;
  /** Bearer token (the caller reads it from EVALH_API_KEY). */
  apiKey?: string;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Skip probing and use this API. */
  flavor?: ServerFlavor;
  /**
   * llama.cpp: parse special-token text in the input (`parse_special`). Default false. vLLM has
   * no such switch: it always parses them, as transformers does.
   */
  specialTokensInText?: boolean;
}

/** A tokenize/detokenize request that failed after the server was found (exit code 1). */
export class TokenizerServerError extends EvalhError {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | undefined,
    /** Worth another try: timeout, connection error, 408, 429, 5xx, a malformed reply. */
    readonly retryable: boolean,
  ) {
    super(message, 1);
  }
}

interface Reply {
  status: number;
  body: unknown;
  text: string;
}

class Transport {
  constructor(
    readonly root: string,
    private readonly apiKey: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  url(path: string): string {
    return this.root + path;
  }

  redact(text: string): string {
    let t = text;
    if (this.apiKey) t = t.split(this.apiKey).join('[redacted]');
    return t.replace(/(Bearer\s+)\S+/gi, '$1[redacted]');
  }

  excerpt(text: string): string {
    const t = this.redact(text).replace(/\s+/g, ' ').trim();
    return t.length > 200 ? `${t.slice(0, 200)}…` : t;
  }

  /** Sends a request. Network failures and timeouts come back as `{ failure }`, never thrown. */
  async send(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<Reply | { failure: string; timeout: boolean }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (this.apiKey) headers['authorization'] = `Bearer ${this.apiKey}`;
    let status: number;
    let text: string;
    // A plain timer-driven controller (see attemptSignal in src/scheduler.ts for why).
    const deadline = attemptSignal(new AbortController().signal, this.timeoutMs);
    try {
      const signal = deadline.signal;
      if (method === 'POST') {
        // The same keep-alive transport as model requests: one tokenize call per item.
        const reply = await postJson(this.url(path), JSON.stringify(payload ?? {}), headers, signal);
        status = reply.status;
        text = reply.text;
      } else {
        const res = await fetch(this.url(path), { method, headers, signal });
        status = res.status;
        text = await res.text();
      }
    } catch (e) {
      const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') {
        return { failure: `no reply within ${this.timeoutMs} ms`, timeout: true };
      }
      const code = err.code ?? err.cause?.code;
      return { failure: this.redact(code ? `connection failed (${code})` : `request failed (${err.message})`), timeout: false };
    } finally {
      deadline.dispose();
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status, body, text };
  }
}

function isIdList(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isInteger(x) && (x as number) >= 0);
}

function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export class ServerTokenizer implements Tokenizer {
  readonly id: string;
  /** Context length the server reports (vLLM max_model_len, llama.cpp n_ctx), if it does. */
  readonly maxModelLen: number | undefined;
  /** The ids the server adds with add_special_tokens; dropped by decode with skipSpecialTokens. */
  readonly specialIds: ReadonlySet<number>;

  constructor(
    private readonly t: Transport,
    readonly flavor: ServerFlavor,
    private readonly model: string | undefined,
    specialIds: number[],
    maxModelLen: number | undefined,
    private readonly specialTokensInText: boolean,
  ) {
    // No address in the id: it goes into run fingerprints, and the same model served from another
    // replica or port must resume the same run.
    this.id = `server:${flavor}${model ? `:${model}` : ''}`;
    this.specialIds = new Set(specialIds);
    this.maxModelLen = maxModelLen;
  }

  get root(): string {
    return this.t.root;
  }

  async encode(text: string, opts: EncodeOptions = {}): Promise<number[]> {
    if (typeof text !== 'string') throw new UsageError('encode: text must be a string');
    const add = opts.addSpecialTokens ?? true;
    const body = await this.call('/tokenize', tokenizePayload(this.flavor, this.model, text, add, this.specialTokensInText));
    const tokens = isPlainObject(body) ? body['tokens'] : undefined;
    if (!isIdList(tokens)) throw this.malformed('/tokenize', 'a "tokens" array of token ids');
    return tokens;
  }

  async decode(ids: number[], opts: DecodeOptions = {}): Promise<string> {
    if (!isIdList(ids)) throw new UsageError('decode: expected an array of non-negative integer token ids');
    const list = opts.skipSpecialTokens ? ids.filter((id) => !this.specialIds.has(id)) : ids;
    if (list.length === 0) return '';
    const body = await this.call('/detokenize', detokenizePayload(this.flavor, this.model, list));
    const key = this.flavor === 'vllm' ? 'prompt' : 'content';
    const text = isPlainObject(body) ? body[key] : undefined;
    if (typeof text !== 'string') throw this.malformed('/detokenize', `a "${key}" string`);
    return text;
  }

  private malformed(path: string, wanted: string): TokenizerServerError {
    return new TokenizerServerError(
      `tokenizer server: POST ${this.t.url(path)} replied without ${wanted}`,
      this.t.url(path),
      200,
      true,
    );
  }

  private async call(path: string, payload: unknown): Promise<unknown> {
    const url = this.t.url(path);
    const r = await this.t.send('POST', path, payload);
    if ('failure' in r) throw new TokenizerServerError(`tokenizer server: POST ${url}: ${r.failure}`, url, undefined, true);
    if (r.status !== 200) {
      const hint = r.status === 401 || r.status === 403 ? ' (is EVALH_API_KEY set to a key this server accepts?)' : '';
      const ex = r.text ? `: ${this.t.excerpt(r.text)}` : '';
      throw new TokenizerServerError(`tokenizer server: POST ${url}: HTTP ${r.status}${hint}${ex}`, url, r.status, retryableStatus(r.status));
    }
    return r.body;
  }
}

function tokenizePayload(flavor: ServerFlavor, model: string | undefined, text: string, add: boolean, parseSpecial: boolean): unknown {
  return flavor === 'vllm'
    ? { ...(model ? { model } : {}), prompt: text, add_special_tokens: add }
    : { content: text, add_special: add, parse_special: parseSpecial };
}

function detokenizePayload(flavor: ServerFlavor, model: string | undefined, ids: number[]): unknown {
  return flavor === 'vllm' ? { ...(model ? { model } : {}), tokens: ids } : { tokens: ids };
}

/** The server root for an endpoint URL: no trailing slash, no trailing /v1. */
export function serverRoot(endpoint: string): string {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint: not a URL: ${JSON.stringify(endpoint)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--endpoint: expected an http(s) URL, got ${u.protocol}`);
  if (u.username || u.password) {
    throw new UsageError('--endpoint: the URL must not contain credentials; the API key comes from EVALH_API_KEY');
  }
  const path = u.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${u.origin}${path}`;
}

/**
 * Finds out which tokenize API the server speaks (vLLM first, then llama.cpp), learns the ids
 * it adds as special tokens and its context length, and checks that detokenize works.
 * Throws a UsageError listing every endpoint tried and what it answered if neither works.
 */
export async function connectServerTokenizer(opts: ServerTokenizerOptions): Promise<ServerTokenizer> {
  const root = serverRoot(opts.endpoint);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError('tokenizer server: timeoutMs must be a positive number');
  const t = new Transport(root, opts.apiKey, timeoutMs);
  const parseSpecial = opts.specialTokensInText ?? false;
  const tried: string[] = [];
  let authFailed = false;

  const describe = (r: Awaited<ReturnType<Transport['send']>>, flavor: ServerFlavor, want: string): string => {
    if ('failure' in r) return r.failure;
    if (r.status === 401 || r.status === 403) authFailed = true;
    const ex = r.text ? ` (${t.excerpt(r.text)})` : '';
    if (r.status !== 200) {
      const hint = flavor === 'vllm' && (r.status === 400 || r.status === 422) && !opts.model ? ' [no model name was sent]' : '';
      return `HTTP ${r.status}${hint}${ex}`;
    }
    return `HTTP 200 but not ${want}${ex}`;
  };

  const flavors: ServerFlavor[] = opts.flavor ? [opts.flavor] : ['vllm', 'llamacpp'];
  for (const flavor of flavors) {
    const label = flavor === 'vllm' ? 'vLLM style' : 'llama.cpp style';
    const want = flavor === 'vllm' ? '{"tokens": [...], "count": n}' : '{"tokens": [...]}';
    const r = await t.send('POST', '/tokenize', tokenizePayload(flavor, opts.model, '', true, parseSpecial));
    const ok =
      !('failure' in r) &&
      r.status === 200 &&
      isPlainObject(r.body) &&
      isIdList(r.body['tokens']) &&
      (flavor === 'llamacpp' || typeof r.body['count'] === 'number');
    if (!ok) {
      tried.push(`POST ${t.url('/tokenize')} (${label}): ${describe(r, flavor, want)}`);
      continue;
    }
    const body = (r as Reply).body as Record<string, unknown>;
    const specialIds = body['tokens'] as number[];
    let maxModelLen = positiveInt(body['max_model_len']);
    if (flavor === 'llamacpp') maxModelLen = await llamaContextSize(t);

    // Detokenize must work too, or truncation cannot produce text.
    const tok = new ServerTokenizer(t, flavor, opts.model, specialIds, maxModelLen, parseSpecial);
    try {
      const ids = await tok.encode('evalh', { addSpecialTokens: false });
      await tok.decode(ids.length ? ids : specialIds);
    } catch (e) {
      throw new UsageError(
        `tokenizer server at ${root} answers POST /tokenize (${label}) but its tokenize/detokenize round trip failed: ` +
          `${(e as Error).message}. Give a tokenizer file instead.`,
      );
    }
    return tok;
  }
  throw new UsageError(
    `tokenizer server at ${root} has no usable tokenize endpoint. Tried:\n  ${tried.join('\n  ')}\n` +
      (authFailed
        ? 'The server refused the request: check EVALH_API_KEY.'
        : 'Give the model\'s tokenizer file (tokenizer.json or tokenizer.model) instead, or a server with tokenize/detokenize (vLLM, llama.cpp server).'),
  );
}

function positiveInt(v: unknown): number | undefined {
  return Number.isInteger(v) && (v as number) > 0 ? (v as number) : undefined;
}

async function llamaContextSize(t: Transport): Promise<number | undefined> {
  const r = await t.send('GET', '/props');
  if ('failure' in r || r.status !== 200 || !isPlainObject(r.body)) return undefined;
  const dgs = r.body['default_generation_settings'];
  return positiveInt(isPlainObject(dgs) ? dgs['n_ctx'] : undefined) ?? positiveInt(r.body['n_ctx']);
}

/** Shorthand: `connectServerTokenizer({ endpoint, model, apiKey, ...opts })`. */
export function serverTokenizer(
  endpoint: string,
  model?: string,
  apiKey?: string,
  opts: Omit<ServerTokenizerOptions, 'endpoint' | 'model' | 'apiKey'> = {},
): Promise<ServerTokenizer> {
  return connectServerTokenizer({ ...opts, endpoint, model, apiKey });
}
