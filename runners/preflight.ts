// The start-up check of every model and judge endpoint, before the first item.
//
// A run against a server that cannot work (nothing listening, a TLS failure, a key it refuses,
// a wrong base URL, a model id it does not serve) would otherwise retry each item for tens of
// seconds and end with "N items failed" — after creating a run in the store. One request per
// endpoint, in parallel, with a short timeout, finds these at once. A server that is merely
// busy or slow (429, 5xx, no answer in time) is NOT refused: the run's retries handle that.
//
// How each endpoint is checked:
//   GET {base}/models
//     - nothing listening, DNS failure, TLS failure      -> refused
//     - 401/403                                           -> refused (names the key variable)
//     - 408/429/5xx, timeout, reset                       -> a note; the run goes on
//     - 200 listing the model id, or listing nothing      -> fine (an empty list tells nothing)
//     - 200 listing other ids only, 404 or another 4xx    -> one minimal generation (max_tokens 1)
//   The generation decides, because "not listed" and "no /models" are not "cannot serve":
//   llama.cpp's server lists its file name yet answers to any model id, and some
//   OpenAI-compatible APIs have no /models at all. Only a 404 to the generation itself (or a
//   400 that names the model as unknown) refuses: then the base URL or the model id is wrong.

import { UsageError } from '../src/errors.js';
import { sendHttp, type HttpReply } from '../src/http.js';
import { attemptSignal } from '../src/scheduler.js';
import { errorSnippet, maskUrl } from './openai.js';

export interface EndpointToCheck {
  /** The flags that name it, for the message: '--endpoint' / '--model' or '--judge-endpoint' / '--judge-model'. */
  urlFlag: string;
  modelFlag: string;
  /** 'the judge' for the judge: said in every message about it. */
  role?: string;
  url: string;
  model: string;
  apiKey?: string;
  /** The variable the key came from (undefined when none was set) and the one to set to fix a refusal. */
  keyFrom?: string;
  keyVar: string;
  api: 'chat' | 'completions';
}

const CHECK_TIMEOUT_MS = 5000;
const TLS_CODES = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|HOSTNAME_MISMATCH|EPROTO$)/;
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

type Verdict = { refuse: string } | { note: string } | { ok: true };

/**
 * Checks every endpoint at once. Throws a UsageError (exit 2, one line) for the first one that
 * cannot work, in the order given; returns the notes about busy ones.
 */
export async function checkEndpoints(list: EndpointToCheck[], timeoutMs = CHECK_TIMEOUT_MS): Promise<string[]> {
  const verdicts = await Promise.all(list.map((e) => checkOne(e, timeoutMs)));
  for (const v of verdicts) if ('refuse' in v) throw new UsageError(v.refuse);
  return verdicts.flatMap((v) => ('note' in v ? [v.note] : []));
}

type Answer = HttpReply | { code: string; message: string };

async function checkOne(e: EndpointToCheck, timeoutMs: number): Promise<Verdict> {
  const base = e.url.replace(/\/+$/, '');
  const who = `${e.urlFlag} ${maskUrl(base)}${e.role ? ` (${e.role})` : ''}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (e.apiKey) headers.authorization = `Bearer ${e.apiKey}`;

  const listed = await ask((signal) => sendHttp('GET', `${base}/models`, undefined, headers, signal), timeoutMs);
  const early = common(listed, who, e, 'GET /models');
  if (early) return early;
  const reply = listed as HttpReply;
  // A list that parses but is empty tells nothing; a 200 that is not a model list (a web page) is no /models.
  const ids = reply.status === 200 ? modelIds(reply.text) : undefined;
  if (ids && (ids.length === 0 || ids.includes(e.model))) return { ok: true };

  // Not listed, or no usable /models: one minimal generation decides.
  const path = e.api === 'chat' ? '/chat/completions' : '/completions';
  const body = { model: e.model, max_tokens: 1, temperature: 0, ...(e.api === 'chat' ? { messages: [{ role: 'user', content: 'Hi' }] } : { prompt: 'Hi' }) };
  const probe = await ask(
    (signal) => sendHttp('POST', base + path, JSON.stringify(body), { ...headers, 'content-type': 'application/json' }, signal),
    timeoutMs,
  );
  const late = common(probe, who, e, `POST ${path}`);
  if (late) return late;
  const gen = probe as HttpReply;
  const served = ids ? `; GET /models lists ${ids.slice(0, 8).join(', ')}${ids.length > 8 ? ', …' : ''}` : '';
  const said = errorSnippet(gen.text, e.apiKey, 160);
  const namesModel = said.includes(e.model) || /\bmodel\b/i.test(said);
  if (gen.status === 404) {
    if (ids || namesModel) {
      return { refuse: `${who} does not serve model "${e.model}" (POST ${path}: HTTP 404${said ? ` ${said}` : ''})${served}; pass an id it serves to ${e.modelFlag}` };
    }
    return {
      refuse: `${who}: no OpenAI-compatible API there (GET /models and POST ${path} answered HTTP 404); ${e.urlFlag} must be the API's base URL, usually ending in /v1 (e.g. http://host:8000/v1)`,
    };
  }
  if ((gen.status === 400 || gen.status === 422) && said.includes(e.model) && /not exist|not found|unknown|invalid|no such|不存在/i.test(said)) {
    return { refuse: `${who} does not serve model "${e.model}" (POST ${path}: HTTP ${gen.status} ${said})${served}; pass an id it serves to ${e.modelFlag}` };
  }
  if (gen.status >= 200 && gen.status < 300 && ids) {
    return { note: `note: ${e.modelFlag} "${e.model}" is not among the models ${who} lists (${ids.slice(0, 8).join(', ')}), but it answers to that id` };
  }
  // Anything else (a 400 about the probe's own body, …) is left to the run: nothing here is sure.
  return { ok: true };
}

/** The answers every request of the check reads the same way: refusals and busy notes; undefined = look further. */
function common(a: Answer, who: string, e: EndpointToCheck, what: string): Verdict | undefined {
  if ('code' in a) {
    if (a.code === 'ECONNREFUSED') return { refuse: `${who}: nothing is listening there (connection refused); start the server or correct the URL` };
    if (UNREACHABLE.has(a.code)) return { refuse: `${who}: cannot reach the host (${a.code}); correct the URL` };
    if (TLS_CODES.test(a.code)) return { refuse: `${who}: the TLS connection failed (${a.code}); check the server's certificate, or use http:// for a plain-HTTP server` };
    if (a.code === 'TIMEOUT') return { note: `note: ${who} did not answer the start-up check (${what}) within ${a.message}; going on — requests are retried with backoff` };
    return { note: `note: ${who}: the start-up check (${what}) failed (${a.code}); going on — requests are retried with backoff` };
  }
  if (a.status === 401 || a.status === 403) {
    const refusal = e.keyFrom ? `refused the API key from ${e.keyFrom} (${what}: HTTP ${a.status})` : `wants an API key (${what}: HTTP ${a.status})`;
    return { refuse: `${who} ${refusal}; set ${e.keyVar} to a key this server accepts` };
  }
  if (a.status === 408 || a.status === 429 || a.status >= 500) {
    return { note: `note: ${who} is busy (${what}: HTTP ${a.status} at the start-up check); going on — requests are retried with backoff` };
  }
  return undefined;
}

/** Sends one request of the check; transport failures and the timeout come back as `{ code }`. */
async function ask(send: (signal: AbortSignal) => Promise<HttpReply>, timeoutMs: number): Promise<Answer> {
  // A timer-only signal, disposed on every path (a live timer would hold the process open after a refusal).
  const deadline = attemptSignal(new AbortController().signal, timeoutMs);
  try {
    return await send(deadline.signal);
  } catch (err) {
    const x = err as Error & { code?: string };
    if (x.name === 'TimeoutError') return { code: 'TIMEOUT', message: `${timeoutMs / 1000} s` };
    return { code: x.code ?? 'ERROR', message: x.message };
  } finally {
    deadline.dispose();
  }
}

/** The ids of an OpenAI model list ({data: [{id}]}); undefined when the reply is not one. */
function modelIds(text: string): string[] | undefined {
  try {
    const parsed = JSON.parse(text) as { data?: { id?: unknown }[] };
    if (!Array.isArray(parsed.data)) return undefined;
    return parsed.data.map((m) => m?.id).filter((id): id is string => typeof id === 'string');
  } catch {
    return undefined;
  }
}

/**
 * An endpoint URL as typed: http(s), and nothing secret in it. Credentials in the URL are
 * refused (the key comes from the environment; a URL ends up in logs, shell history and the
 * resume command evalh prints), and so is a query string: evalh appends /chat/completions to
 * the URL, so a query there would never reach the server as meant. The message masks both.
 */
export function checkEndpointUrl(flag: string, url: string, keyVar: string): void {
  let u: URL;
  try {
    u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new UsageError(`${flag} "${maskUrl(url)}" is not an http(s) URL`);
  }
  if (u.username || u.password) {
    throw new UsageError(`${flag} "${maskUrl(url)}" carries credentials; give the URL without them and the API key in ${keyVar}`);
  }
  if (u.search || u.hash) {
    throw new UsageError(`${flag} "${maskUrl(url)}" has a ${u.search ? 'query string' : 'fragment'}; give the API's base URL alone (…/v1)${u.search ? ` and the API key in ${keyVar}` : ''}`);
  }
}
