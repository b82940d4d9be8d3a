import { postJson } from '../src/http.js';
import { FatalError, PermanentError, RetryableError, parseRetryAfter } from '../src/request-errors.js';
import type { Generation, Runner, RunnerCall } from './types.js';

export interface OpenAIRunnerOptions {
  endpoint: string; // base URL, …/v1
  model: string;
  apiKey?: string; // from EVALH_API_KEY / OPENAI_API_KEY; never stored, never printed
  /** Force every request through one API, whatever the suite asks ('auto' keeps the suite's choice). */
  api?: 'auto' | 'chat' | 'completions';
}

interface ChatBody {
  choices?: { message?: { content?: string | null }; text?: string; finish_reason?: string }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** An OpenAI-compatible HTTP endpoint: vLLM, SGLang, llama.cpp server, Zhipu's open API, OpenAI. */
export class OpenAIRunner implements Runner {
  readonly name = 'openai';
  readonly needsPrompt = true;
  readonly fingerprint: Record<string, unknown>;
  readonly settings: Record<string, unknown>;
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly opts: OpenAIRunnerOptions) {
    this.base = opts.endpoint.replace(/\/+$/, '');
    this.headers = { 'content-type': 'application/json' };
    if (opts.apiKey) this.headers.authorization = `Bearer ${opts.apiKey}`;
    this.fingerprint = { runner: 'openai', model: opts.model, api: opts.api ?? 'auto' };
    this.settings = { endpoint: redactUrl(this.base), model: opts.model, api: opts.api ?? 'auto' };
  }

  /** Servers sometimes echo the credentials they reject; keep them out of every message. */
  private redact(text: string): string {
    return this.opts.apiKey ? text.split(this.opts.apiKey).join('[redacted]') : text;
  }

  async generate(call: RunnerCall, signal: AbortSignal): Promise<Generation> {
    const kind = this.opts.api === 'chat' ? 'chat' : this.opts.api === 'completions' ? 'completion' : call.kind;
    const body: Record<string, unknown> = {
      model: this.opts.model,
      max_tokens: call.maxTokens,
      temperature: call.temperature,
    };
    if (call.topP !== undefined) body.top_p = call.topP;
    if (call.stop && call.stop.length > 0) body.stop = call.stop;
    let path: string;
    if (kind === 'chat') {
      path = '/chat/completions';
      body.messages = [...(call.history ?? []), { role: 'user', content: call.prompt }];
    } else {
      if (call.history?.length) throw new PermanentError('bad_request', 'a multi-turn request cannot be sent to /v1/completions; drop --api completions');
      path = '/completions';
      body.prompt = call.prompt;
    }

    let res;
    try {
      res = await postJson(this.base + path, JSON.stringify(body), this.headers, signal);
    } catch (e) {
      throw transportError(e, signal);
    }
    const text = res.text;
    const status = res.status;
    if (status < 200 || status >= 300) {
      const retryAfter = res.headers['retry-after'];
      throw statusError(status, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, this.redact(text), path);
    }

    let parsed: ChatBody;
    try {
      parsed = JSON.parse(text) as ChatBody;
    } catch {
      throw new RetryableError('bad_body', `HTTP ${status} from ${path} with a body that is not JSON (${text.length} bytes)`);
    }
    const choice = parsed.choices?.[0];
    if (!choice) throw new RetryableError('bad_body', `HTTP ${status} from ${path}: no choices in the response`);
    const content = kind === 'chat' ? choice.message?.content : choice.text;
    if (content !== null && content !== undefined && typeof content !== 'string') {
      throw new RetryableError('bad_body', `HTTP ${status} from ${path}: the completion is not a string`);
    }
    return {
      text: content ?? '',
      finishReason: choice.finish_reason,
      promptTokens: parsed.usage?.prompt_tokens,
      completionTokens: parsed.usage?.completion_tokens,
    };
  }
}

function transportError(e: unknown, signal: AbortSignal): Error {
  const err = e as Error & { code?: string };
  if (signal.aborted) {
    const reason = signal.reason as Error | undefined;
    if (reason?.name === 'TimeoutError') return new RetryableError('timeout', 'request timed out');
    return err; // a stop: the scheduler knows its own signal
  }
  const code = err.code;
  const detail = code ? `${code}: ${err.message}` : err.message;
  if (code === 'ECONNREFUSED') return new RetryableError('connection_refused', `connection refused (${detail})`);
  return new RetryableError('network', `connection failed: ${detail}`);
}

function statusError(status: number, retryAfter: string | undefined, body: string, path: string): Error {
  const snippet = errorSnippet(body);
  const msg = `HTTP ${status} from ${path}${snippet ? `: ${snippet}` : ''}`;
  if (status === 429) return new RetryableError('rate_limited', msg, parseRetryAfter(retryAfter));
  if (status === 408 || status === 409 || status >= 500) return new RetryableError(`http_${status}`, msg, parseRetryAfter(retryAfter));
  if (status === 401 || status === 403) return new FatalError(`http_${status}`, `${msg} — check EVALH_API_KEY`);
  if (status === 404) return new FatalError('http_404', `${msg} — check --endpoint (it should end in /v1) and --model`);
  if (/context|too long|maximum.*length|max_tokens/i.test(snippet)) return new PermanentError('context_limit', msg);
  return new PermanentError(`http_${status}`, msg);
}

/** The server's own error message, short, on one line, without the key or anything that looks like one. */
export function errorSnippet(body: string, apiKey?: string, max = 300): string {
  let message = body;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string; detail?: string };
    message = (typeof parsed.error === 'string' ? parsed.error : parsed.error?.message) ?? parsed.message ?? parsed.detail ?? body;
  } catch {
    /* not JSON: keep the text */
  }
  const text = apiKey ? String(message).split(apiKey).join('[redacted]') : String(message);
  return text
    .replace(/\b(sk|Bearer)[-_ ]?[A-Za-z0-9._-]{8,}/g, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

/** Endpoints may carry credentials in the URL (user:pass@host, ?key=); never store those. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
    }
    for (const k of [...u.searchParams.keys()]) u.searchParams.set(k, '[redacted]');
    return u.toString().replace(/\/+$/, '');
  } catch {
    return maskUrl(url);
  }
}

/**
 * A URL for a message: the password masked as --db-url masks it (user:***@host), a user name
 * alone masked too (it is often a token: https://TOKEN@host), query values redacted. Works on
 * text that does not parse as a URL as well, so a typo'd endpoint is still safe to print.
 */
export function maskUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)?([^/?#\s]*)@/i, (_m, scheme: string | undefined, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return `${scheme ?? ''}${colon >= 0 ? `${userinfo.slice(0, colon)}:***` : '***'}@`;
    })
    .replace(/([?&][^=&#]*=)[^&#]*/g, '$1[redacted]');
}
