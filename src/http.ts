import http from 'node:http';
import https from 'node:https';

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
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  const agent = agents[u.protocol as keyof typeof agents];
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const req = mod.request(
      u,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (!res.complete) return fail(new TransportError('the connection closed before the reply was complete', 'ETRUNCATED'));
          signal.removeEventListener('abort', onAbort);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('aborted', () => fail(new TransportError('the connection closed before the reply was complete', 'ETRUNCATED')));
        res.on('error', (e: NodeJS.ErrnoException) => fail(new TransportError(e.message, e.code ?? 'ETRUNCATED')));
      },
    );
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      reject(e);
    };
    const onAbort = () => {
      req.destroy();
      fail(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) => fail(new TransportError(e.message, e.code)));
    req.end(body);
  });
}
