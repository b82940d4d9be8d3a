// Run a sim server as its own process (for benchmarks and kill -9 tests).
//
//   node dist/test/helpers/sim-server-cli.js [--latency MS] [--port P]
//        [--respond echo | answers:<file.json>]   (file: {"<sha256 hex of the UTF-8 prompt>": "<text>"})
//        [--max-model-len N] [--tokenize vllm|llamacpp|none] [--api-key KEY]
//        [--fault-rate R --fault-seed S --fault-kinds 429,429ra,500,502,503,400,reset,hang,truncated,garbage,empty]
//        [--max-faults-per-prompt N]
//
// Prints one JSON line {"url": "http://127.0.0.1:<port>/v1", "pid": <pid>} on stdout once listening.
// On SIGTERM / SIGINT: closes every socket, writes a JSON stats line to stderr
// ({"requests", "faults", "cpuUserMs", "cpuSystemMs"}), exits 0.
// Prompts with no entry in an answers file get the default echo text.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultRespond, faultSchedule, promptSha256, startSimServer } from './sim-server.js';
import type { Fault, SimServerStartOptions } from './sim-server.js';

function fail(message: string): never {
  process.stderr.write(`sim-server-cli: ${message}\n`);
  process.exit(2);
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} must be a non-negative number, got ${JSON.stringify(v)}`);
  return n;
}

function parseFaultKind(s: string): Fault {
  switch (s) {
    case 'reset':
    case 'hang':
    case 'truncated':
    case 'garbage':
    case 'empty':
      return { kind: s };
    case '429ra':
      return { kind: 'status', status: 429, retryAfter: '1' };
    default: {
      if (/^[1-5][0-9][0-9]$/.test(s)) return { kind: 'status', status: Number(s) };
      throw new Error(`unknown fault kind ${JSON.stringify(s)}`);
    }
  }
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        latency: { type: 'string' },
        port: { type: 'string' },
        respond: { type: 'string' },
        'max-model-len': { type: 'string' },
        tokenize: { type: 'string' },
        'api-key': { type: 'string' },
        'fault-rate': { type: 'string' },
        'fault-seed': { type: 'string' },
        'fault-kinds': { type: 'string' },
        'max-faults-per-prompt': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    fail((e as Error).message);
  }

  const opts: SimServerStartOptions = {
    latencyMs: num('latency', values.latency) ?? 0,
    port: num('port', values.port) ?? 0,
    maxModelLen: num('max-model-len', values['max-model-len']),
    requireApiKey: values['api-key'],
    // A long-running benchmark server only counts requests (memory stays flat).
    record: false,
  };

  const tk = values.tokenize;
  if (tk !== undefined) {
    if (tk !== 'vllm' && tk !== 'llamacpp' && tk !== 'none') fail(`--tokenize must be vllm|llamacpp|none, got ${tk}`);
    opts.tokenize = tk;
  }

  const respond = values.respond ?? 'echo';
  if (respond.startsWith('answers:')) {
    const file = respond.slice('answers:'.length);
    let answers: Record<string, unknown>;
    try {
      answers = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      fail(`cannot read answers file ${file}: ${(e as Error).message}`);
    }
    if (!answers || typeof answers !== 'object' || Array.isArray(answers)) fail(`${file}: expected a JSON object`);
    const map = new Map<string, string>();
    for (const [k, v] of Object.entries(answers)) {
      if (typeof v !== 'string') fail(`${file}: the answer for ${k} is not a string`);
      map.set(k.toLowerCase(), v);
    }
    opts.respond = (req) => map.get(promptSha256(req.prompt)) ?? defaultRespond(req);
  } else if (respond !== 'echo') {
    fail(`--respond must be echo or answers:<file.json>, got ${JSON.stringify(respond)}`);
  }

  const rate = num('fault-rate', values['fault-rate']);
  if (rate !== undefined && rate > 0) {
    let kinds: Fault[];
    try {
      kinds = (values['fault-kinds'] ?? '429,500,reset').split(',').filter(Boolean).map(parseFaultKind);
    } catch (e) {
      fail((e as Error).message);
    }
    try {
      opts.faults = faultSchedule({
        seed: num('fault-seed', values['fault-seed']) ?? 1,
        rate,
        kinds,
        maxPerPrompt: num('max-faults-per-prompt', values['max-faults-per-prompt']),
      });
    } catch (e) {
      fail((e as Error).message);
    }
  }

  const server = await startSimServer(opts);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    const cpu = process.cpuUsage();
    process.stderr.write(
      JSON.stringify({
        requests: server.counts.total,
        faults: server.counts.faults,
        cpuUserMs: Math.round(cpu.user / 1000),
        cpuSystemMs: Math.round(cpu.system / 1000),
      }) + '\n',
    );
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdout.write(JSON.stringify({ url: server.url, pid: process.pid }) + '\n');
}

main().catch((e) => fail((e as Error).stack ?? String(e)));
