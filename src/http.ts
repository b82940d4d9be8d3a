import http from 'node:http';
import https from 'node:https';
import { onAbort } from './abort.js';

// Model requests go through node:http with keep-alive agents rather than global fetch:
// at 64 requests in flight fetch spends ~3× the CPU per request, enough to make the
// harness, not the server, the bottleneck on a 2-core machine.

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256, scheduling: 'lifo' }),
};

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A transport failure: no complete reply (refused, reset, cut off mid-body, aborted). */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export function postJson(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<HttpReply> {
  return sendHttp('POST', url, body, headers, signal);
}

/** One request and its whole reply; the signal's listener is gone once the promise settles, whichever way. */
export function sendHttp(method: 'GET' | 'POST', url: string, body: string | undefined, headers: Record<string, string>, signal: AbortSignal): Promise<HttpReply> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  const agent = agents[u.protocol as keyof typeof agents];
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const sized = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = mod.request(u, { method, agent, headers: sized }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (!res.complete) return fail(new TransportError('the connection closed before the reply was complete', 'ETRUNCATED'));
        if (settle()) resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('aborted', () => fail(new TransportError('the connection closed before the reply was complete', 'ETRUNCATED')));
      res.on('error', (e: NodeJS.ErrnoException) => fail(new TransportError(e.message, e.code ?? 'ETRUNCATED')));
    });
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      forget();
      return true;
    };
    const fail = (e: Error) => {
      if (settle()) reject(e);
    };
    const forget = onAbort(signal, () => {
      req.destroy();
      fail(signal.reason as Error);
    });
    req.on('error', (e: NodeJS.ErrnoException) => fail(new TransportError(e.message, e.code)));
    req.end(body);
  });
}
