// A simulated OpenAI-compatible model server for tests and benchmarks.
//
// - Listens on 127.0.0.1 only (port 0 = ephemeral unless `port` is given).
// - Generation endpoints: POST /v1/chat/completions, POST /v1/completions.
// - GET /v1/models (lists `modelId` when given, else nothing), GET /health, and vLLM- or
//   llama.cpp-style POST /tokenize + /detokenize.
// - The sim tokenizer: one Unicode code point = one token, id = the code point.
// - Latency is a plain setTimeout (no busy work) and applies to the generation endpoints only;
//   faults are injected on the generation endpoints only, after the latency (except `hang`).
// - Keep-alive is on; close() destroys every socket, including hanging requests.

import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createHash } from 'node:crypto';

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string } // e.g. 429 with/without Retry-After, 500/502/503, 400
  | { kind: 'reset' } // destroy the socket without a response (TCP RST)
  | { kind: 'hang' } // never answer (until the client gives up / server closes)
  | { kind: 'truncated' } // 200, headers say JSON, body cut half-way then socket destroyed
  | { kind: 'garbage' } // 200 with a non-JSON body (content-type still claims JSON)
  | { kind: 'empty' }; // 200, valid JSON, the completion text is ""

export interface SimRequest {
  /** URL pathname, without the query string. */
  path: string;
  /** Parsed JSON body; undefined for GET / empty body / unparsable body. */
  body: any;
  /** chat: the message contents concatenated with no separator; completions: the prompt; tokenize: the text; else ''. */
  prompt: string;
  /** body.model, or '' when absent. */
  model: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface SimServerOptions {
  latencyMs?: number | ((req: SimRequest) => number); // default 0
  respond?: (req: SimRequest) => string; // the completion text; default: defaultRespond
  faults?: (req: SimRequest, attempt: number) => Fault | undefined; // attempt = times this path+prompt was seen before, 0-based
  tokenize?: 'vllm' | 'llamacpp' | 'none'; // default 'vllm'
  maxModelLen?: number; // default DEFAULT_MAX_MODEL_LEN (enforced)
  requireApiKey?: string; // if set, 401 unless Authorization: Bearer <key> (every path except /health)
}

export interface SimServerStartOptions extends SimServerOptions {
  /** Record every request in `requests` (default true). false = only count. */
  record?: boolean;
  /** Port on 127.0.0.1; default 0 (ephemeral). */
  port?: number;
  /**
   * The model id GET /v1/models lists. Without it the list is empty: the server does not say
   * what it serves (evalh's start-up check then cannot check --model) and answers to any id.
   */
  modelId?: string;
  /** With `modelId`: a generation naming another model gets vLLM's 404 "The model `x` does not exist." */
  strictModel?: boolean;
  /** Inject `faults` on GET /v1/models too (a server busy from its first request). Default: generation paths only. */
  faultModels?: boolean;
}

export interface SimServer {
  url: string; // 'http://127.0.0.1:<port>/v1'
  port: number;
  requests: SimRequest[];
  counts: { total: number; byPath: Record<string, number>; faults: number };
  close(): Promise<void>;
}

export const DEFAULT_MAX_MODEL_LEN = 1_048_576;
export const DEFAULT_MODEL_ID = 'sim-model';
const MAX_BODY_BYTES = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Sim tokenizer and small helpers

/** Number of Unicode code points (= sim tokens) in `s`. */
export function countTokens(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Sim tokenizer: code points. */
export function encode(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

/** Inverse of encode (exact). Throws on an id that is not a code point. */
export function decode(tokens: readonly unknown[]): string {
  let s = '';
  for (const t of tokens) {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t > 0x10ffff) {
      throw new RangeError(`invalid token id ${JSON.stringify(t)}`);
    }
    s += String.fromCodePoint(t);
  }
  return s;
}

/** The first `n` code points of `s`. */
function takeTokens(s: string, n: number): string {
  if (n <= 0) return '';
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    if (count === n) return s.slice(0, i);
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    count++;
  }
  return s;
}

/** sha256 hex of the UTF-8 prompt: the key of a CLI `answers:` file. */
export function promptSha256(prompt: string): string {
  return createHash('sha256').update(prompt, 'utf8').digest('hex');
}

/** The default completion text: "echo: " + the first 64 code points of the prompt. */
export function defaultRespond(req: SimRequest): string {
  return 'echo: ' + takeTokens(req.prompt, 64);
}

/**
 * vLLM semantics for the generated `text` under `stop` and `maxTokens`: generation stops at the
 * first token where a stop string is complete (that string and what follows are dropped,
 * finish_reason 'stop'), or after maxTokens tokens (finish_reason 'length').
 */
export function applyLimits(
  text: string,
  stop: readonly string[],
  maxTokens: number | undefined,
): { text: string; finishReason: 'stop' | 'length' } {
  let bestEnd = Infinity; // in code points: where the stop string completes
  let bestCut = -1; // UTF-16 index where the text is cut
  for (const s of stop) {
    if (s.length === 0) continue;
    const idx = text.indexOf(s);
    if (idx < 0) continue;
    const end = countTokens(text.slice(0, idx + s.length));
    if (end < bestEnd) {
      bestEnd = end;
      bestCut = idx;
    }
  }
  if (bestCut >= 0 && (maxTokens === undefined || bestEnd <= maxTokens)) {
    return { text: text.slice(0, bestCut), finishReason: 'stop' };
  }
  if (maxTokens !== undefined && countTokens(text) > maxTokens) {
    return { text: takeTokens(text, maxTokens), finishReason: 'length' };
  }
  return { text, finishReason: 'stop' };
}

// ---------------------------------------------------------------------------------------------
// Seeded fault schedule

function hashUnit(...parts: (string | number)[]): number {
  const h = createHash('sha256');
  for (const p of parts) h.update(String(p) + '\u0000');
  return h.digest().readUInt32BE(0) / 0x1_0000_0000;
}

/**
 * Deterministic faults that depend only on (seed, path, prompt, attempt), never on arrival order:
 * a fraction ~`rate` of prompts get 1..maxPerPrompt (default 2) faults on their first attempts,
 * each drawn from `kinds`; every later attempt succeeds, so a client that retries finishes.
 */
export function faultSchedule(spec: {
  seed: number;
  rate: number;
  kinds: Fault[];
  maxPerPrompt?: number;
}): NonNullable<SimServerOptions['faults']> {
  const { seed, rate, kinds } = spec;
  const maxPerPrompt = spec.maxPerPrompt ?? 2;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`faultSchedule: rate must be in [0, 1], got ${rate}`);
  if (!Number.isInteger(maxPerPrompt) || maxPerPrompt < 0) {
    throw new RangeError(`faultSchedule: maxPerPrompt must be a non-negative integer, got ${maxPerPrompt}`);
  }
  if (rate > 0 && maxPerPrompt > 0 && kinds.length === 0) throw new RangeError('faultSchedule: kinds is empty');
  return (req, attempt) => {
    if (rate === 0 || maxPerPrompt === 0 || attempt >= maxPerPrompt) return undefined;
    if (hashUnit(seed, 'hit', req.path, req.prompt) >= rate) return undefined;
    const n = 1 + Math.floor(hashUnit(seed, 'n', req.path, req.prompt) * maxPerPrompt);
    if (attempt >= n) return undefined;
    return kinds[Math.floor(hashUnit(seed, 'kind', req.path, req.prompt, attempt) * kinds.length)];
  };
}

// ---------------------------------------------------------------------------------------------
// Request parsing

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
  ) {
    super(message);
  }
}

function contentToText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content == null) return '';
  if (Array.isArray(content)) {
    let s = '';
    for (const part of content) {
      if (typeof part === 'string') s += part;
      else if (part && typeof part === 'object' && typeof (part as any).text === 'string') s += (part as any).text;
    }
    return s;
  }
  throw new HttpError(400, 'message content must be a string, an array of parts or null');
}

function messagesToPrompt(messages: unknown): string {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new HttpError(400, '"messages" must be a non-empty array');
  }
  let s = '';
  for (const m of messages) {
    if (!m || typeof m !== 'object') throw new HttpError(400, 'each message must be an object');
    s += contentToText((m as any).content);
  }
  return s;
}

function completionPrompt(prompt: unknown): string {
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt)) {
    if (prompt.length > 0 && prompt.every((t) => typeof t === 'number')) {
      try {
        return decode(prompt);
      } catch (e) {
        throw new HttpError(400, `"prompt": ${(e as Error).message}`);
      }
    }
    if (prompt.length === 1 && typeof prompt[0] === 'string') return prompt[0];
    throw new HttpError(400, 'the sim server takes one prompt per request (a string or a token-id list)');
  }
  throw new HttpError(400, '"prompt" must be a string');
}

function stopList(stop: unknown): string[] {
  if (stop == null) return [];
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) return stop as string[];
  throw new HttpError(400, '"stop" must be a string or a list of strings');
}

function maxTokensOf(body: any): number | undefined {
  const v = body.max_tokens ?? body.max_completion_tokens;
  if (v == null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new HttpError(400, `max_tokens must be an integer >= 1, got ${JSON.stringify(v)}`);
  }
  return v;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// Responses

function sendJson(
  res: ServerResponse,
  status: number,
  payload: unknown,
  extraHeaders?: Record<string, string>,
): void {
  if (res.destroyed || res.headersSent) return;
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...extraHeaders,
  });
  res.end(body);
}

function errorPayload(status: number, message: string, type = 'invalid_request_error') {
  return { error: { message, type, param: null, code: status } };
}

const GENERATION_PATHS = new Set(['/v1/chat/completions', '/v1/completions']);

// ---------------------------------------------------------------------------------------------

export function startSimServer(opts: SimServerStartOptions = {}): Promise<SimServer> {
  const record = opts.record ?? true;
  const tokenizeMode = opts.tokenize ?? 'vllm';
  const maxModelLen = opts.maxModelLen ?? DEFAULT_MAX_MODEL_LEN;
  const modelId = opts.modelId ?? DEFAULT_MODEL_ID;
  const respond = opts.respond ?? defaultRespond;
  const latencyOpt = opts.latencyMs ?? 0;
  const expectedAuth = opts.requireApiKey !== undefined ? `Bearer ${opts.requireApiKey}` : undefined;

  const requests: SimRequest[] = [];
  const counts = { total: 0, byPath: {} as Record<string, number>, faults: 0 };
  const attempts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;
  let closing = false;

  function latencyOf(req: SimRequest): number {
    const v = typeof latencyOpt === 'function' ? latencyOpt(req) : latencyOpt;
    return Number.isFinite(v) && v > 0 ? v : 0;
  }

  function later(res: ServerResponse, ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      res.off('close', onClose);
      if (!res.destroyed) fn();
    }, ms);
    timers.add(t);
    const onClose = () => {
      clearTimeout(t);
      timers.delete(t);
    };
    res.once('close', onClose);
  }

  function buildCompletion(sreq: SimRequest, body: any, chat: boolean, text: string, finishReason: string) {
    const promptTokens = countTokens(sreq.prompt);
    const completionTokens = countTokens(text);
    const id = `${chat ? 'chatcmpl' : 'cmpl'}-sim-${++seq}`;
    const created = Math.floor(Date.now() / 1000);
    const model = typeof body.model === 'string' ? body.model : modelId;
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
    return chat
      ? {
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finishReason }],
          usage,
        }
      : {
          id,
          object: 'text_completion',
          created,
          model,
          choices: [{ index: 0, text, finish_reason: finishReason, logprobs: null }],
          usage,
        };
  }

  function applyFault(fault: Fault, res: ServerResponse, okPayload: () => object): void {
    switch (fault.kind) {
      case 'status': {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        const body = fault.body ?? JSON.stringify(errorPayload(fault.status, `simulated fault: HTTP ${fault.status}`, 'sim_fault'));
        sendJson(res, fault.status, body, headers);
        return;
      }
      case 'reset': {
        const s = res.socket;
        if (s && typeof (s as any).resetAndDestroy === 'function') (s as any).resetAndDestroy();
        else s?.destroy();
        return;
      }
      case 'hang':
        return; // the socket stays open until the client aborts or close() runs
      case 'truncated': {
        const full = Buffer.from(JSON.stringify(okPayload()));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': full.length });
        res.write(full.subarray(0, Math.floor(full.length / 2)), () => res.socket?.destroy());
        return;
      }
      case 'garbage':
        sendJson(res, 200, '<html><body>502 Bad Gateway (simulated garbage)</body></html>\n');
        return;
      case 'empty':
        sendJson(res, 200, okPayload());
        return;
      default: {
        const never: never = fault;
        throw new Error(`unknown fault ${JSON.stringify(never)}`);
      }
    }
  }

  function handleGeneration(sreq: SimRequest, body: any, res: ServerResponse): void {
    const chat = sreq.path === '/v1/chat/completions';
    if (body.stream === true) throw new HttpError(400, 'the sim server does not support "stream": true');
    if (typeof body.n === 'number' && body.n !== 1) throw new HttpError(400, 'the sim server supports n = 1 only');
    const stop = stopList(body.stop);
    let maxTokens = maxTokensOf(body);
    const promptTokens = countTokens(sreq.prompt);
    if (promptTokens + (maxTokens ?? 0) > maxModelLen || promptTokens >= maxModelLen) {
      const m = maxTokens ?? 0;
      throw new HttpError(
        400,
        `This model's maximum context length is ${maxModelLen} tokens. However, you requested ` +
          `${promptTokens + m} tokens (${promptTokens} in the ${chat ? 'messages' : 'prompt'}, ${m} in the completion). ` +
          `Please reduce the length of the ${chat ? 'messages' : 'prompt'} or completion.`,
        'BadRequestError',
      );
    }
    if (maxTokens === undefined) maxTokens = maxModelLen - promptTokens;

    let fault: Fault | undefined;
    if (opts.faults) {
      // Attempts are only tracked when a fault function needs them (keeps the plain path cheap).
      const key = promptSha256(sreq.path + '\u0000' + sreq.prompt);
      const attempt = attempts.get(key) ?? 0;
      attempts.set(key, attempt + 1);
      fault = opts.faults(sreq, attempt);
      if (fault) counts.faults++;
    }
    if (fault?.kind === 'hang') return;
    if (!fault && opts.strictModel && opts.modelId !== undefined && sreq.model !== opts.modelId) {
      throw new HttpError(404, `The model \`${sreq.model}\` does not exist.`, 'NotFoundError');
    }

    later(res, latencyOf(sreq), () => {
      try {
        const okPayload = () => {
          const raw = fault?.kind === 'empty' ? '' : respond(sreq);
          if (typeof raw !== 'string') throw new Error('respond() must return a string');
          const { text, finishReason } = applyLimits(raw, stop, maxTokens);
          return buildCompletion(sreq, body, chat, text, finishReason);
        };
        if (fault) applyFault(fault, res, okPayload);
        else sendJson(res, 200, okPayload());
      } catch (e) {
        sendJson(res, 500, errorPayload(500, `sim server: ${(e as Error).message}`, 'internal_error'));
      }
    });
  }

  function handleTokenize(sreq: SimRequest, body: any, res: ServerResponse): void {
    if (tokenizeMode === 'vllm') {
      const tokens = encode(sreq.prompt);
      const out: Record<string, unknown> = { count: tokens.length, max_model_len: maxModelLen, tokens };
      out.token_strs = body.return_token_strs ? Array.from(sreq.prompt) : null;
      sendJson(res, 200, out);
    } else {
      const tokens = encode(sreq.prompt);
      sendJson(res, 200, {
        tokens: body.with_pieces ? tokens.map((id) => ({ id, piece: String.fromCodePoint(id) })) : tokens,
      });
    }
  }

  function handleDetokenize(body: any, res: ServerResponse): void {
    if (!Array.isArray(body.tokens)) throw new HttpError(400, '"tokens" must be an array of token ids');
    let text: string;
    try {
      text = decode(body.tokens);
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
    sendJson(res, 200, tokenizeMode === 'vllm' ? { prompt: text } : { content: text });
  }

  /** The prompt of a request, for SimRequest (throws HttpError on a malformed generation body). */
  function promptOf(path: string, body: any): string {
    if (path === '/v1/chat/completions') return messagesToPrompt(body.messages);
    if (path === '/v1/completions') return completionPrompt(body.prompt);
    if (path === '/tokenize' && tokenizeMode !== 'none') {
      if (tokenizeMode === 'vllm') {
        if (body.messages !== undefined) return messagesToPrompt(body.messages);
        if (typeof body.prompt !== 'string') throw new HttpError(400, '"prompt" must be a string');
        return body.prompt;
      }
      if (typeof body.content !== 'string') throw new HttpError(400, '"content" must be a string');
      return body.content;
    }
    return '';
  }

  const routes: Record<string, string> = {
    '/v1/chat/completions': 'POST',
    '/v1/completions': 'POST',
    '/v1/models': 'GET',
    '/health': 'GET',
  };
  if (tokenizeMode !== 'none') {
    routes['/tokenize'] = 'POST';
    routes['/detokenize'] = 'POST';
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    counts.total++;
    counts.byPath[path] = (counts.byPath[path] ?? 0) + 1;

    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 400;
      sendJson(res, status, errorPayload(status, (e as Error).message));
      return;
    }
    let body: any;
    let badJson: string | undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (e) {
        badJson = (e as Error).message;
      }
    }
    const sreq: SimRequest = {
      path,
      body,
      prompt: '',
      model: body && typeof body === 'object' && typeof body.model === 'string' ? body.model : '',
      headers: req.headers,
    };
    if (record) requests.push(sreq);

    try {
      if (expectedAuth !== undefined && path !== '/health' && req.headers.authorization !== expectedAuth) {
        throw new HttpError(401, 'invalid or missing API key (expected Authorization: Bearer <key>)', 'authentication_error');
      }
      const allowed = routes[path];
      if (allowed === undefined) throw new HttpError(404, `not found: ${method} ${path}`, 'not_found_error');
      if (method !== allowed) throw new HttpError(405, `method ${method} not allowed on ${path}`);
      if (method === 'GET') {
        if (path === '/v1/models') {
          if (opts.faultModels && opts.faults) {
            const attempt = attempts.get(path) ?? 0;
            attempts.set(path, attempt + 1);
            const fault = opts.faults(sreq, attempt);
            if (fault) {
              counts.faults++;
              if (fault.kind !== 'hang') applyFault(fault, res, () => ({ object: 'list', data: [] }));
              return;
            }
          }
          sendJson(res, 200, {
            object: 'list',
            data: opts.modelId === undefined ? [] : [{ id: modelId, object: 'model', created: 0, owned_by: 'evalh-sim', max_model_len: maxModelLen }],
          });
        } else {
          sendJson(res, 200, {});
        }
        return;
      }
      if (badJson !== undefined) throw new HttpError(400, `request body is not valid JSON: ${badJson}`);
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new HttpError(400, 'request body must be a JSON object');
      }
      sreq.prompt = promptOf(path, body);
      if (GENERATION_PATHS.has(path)) handleGeneration(sreq, body, res);
      else if (path === '/tokenize') handleTokenize(sreq, body, res);
      else handleDetokenize(body, res);
    } catch (e) {
      if (e instanceof HttpError) sendJson(res, e.status, errorPayload(e.status, e.message, e.type));
      else sendJson(res, 500, errorPayload(500, `sim server: ${(e as Error).message}`, 'internal_error'));
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  server.requestTimeout = 0;
  server.on('connection', (s: Socket) => {
    if (closing) {
      s.destroy();
      return;
    }
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  let closePromise: Promise<void> | undefined;
  return new Promise<SimServer>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}/v1`,
        port,
        requests,
        counts,
        close() {
          if (closePromise) return closePromise;
          closing = true;
          for (const t of timers) clearTimeout(t);
          timers.clear();
          closePromise = new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
            for (const s of sockets) s.destroy();
          });
          return closePromise;
        },
      });
    });
  });
}
