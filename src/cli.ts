#!/usr/bin/env node
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EvalhError, UsageError } from './errors.js';
import { evalhVersion } from './version.js';

// Command modules are imported inside their handlers so that `evalh --help` does not
// load SQLite, tokenizers or jieba.

const dbOption = { type: 'string', nargs: 1, default: 'results.db', describe: 'the results store (SQLite file)' } as const;
const jsonOption = { type: 'boolean', default: false, describe: 'print one JSON document on stdout, nothing else' } as const;
const judgeCacheOption = {
  type: 'boolean',
  default: true,
  describe: 'reuse judgments stored by earlier runs for the same judge and question; --no-judge-cache asks the judge again (its fresh judgments are still stored)',
} as const;

function cli(argv: string[]): Argv {
  return yargs(argv)
    .scriptName('evalh')
    .usage('$0 <command> [options]\n\nEvaluation harness for the GLM benchmark suites.')
    .command(
      'run <suite>',
      'run a suite against a model and store the scores',
      (y) =>
        y
          .positional('suite', { type: 'string', demandOption: true, describe: 'a suite (evalh list suites)' })
          .option('datasets', { type: 'string', nargs: 1, describe: 'comma-separated subset of the suite\'s datasets (needle: context lengths, e.g. 4k,128k,1m)' })
          .option('data', { type: 'string', nargs: 1, describe: 'data folder or archive in the official layout' })
          .option('sample', { type: 'boolean', default: false, describe: 'the built-in sample (not the official benchmark)' })
          .option('limit', { type: 'number', nargs: 1, describe: 'first N items of each dataset' })
          .option('preset', { type: 'string', nargs: 1, describe: 'a suite\'s preset, first = default (humaneval-x: greedy, n20, n200; ncb: greedy; longbench-v2: plain, cot; alignbench: v1.1, v1.0 (data release); needle: standard, quick and/or depths=0,50,100,repeats=N,seed=N; other suites have none)' })
          .option('shard', { type: 'string', nargs: 1, describe: 'i/n: run only shard i of n (a deterministic split of the items; merge the stores with evalh merge)' })
          .option('endpoint', { type: 'string', nargs: 1, describe: 'OpenAI-compatible base URL (…/v1); key from EVALH_API_KEY; repeat for replicas of one model' })
          .option('model', { type: 'string', nargs: 1, describe: 'model id to send to the endpoint' })
          .option('api', { choices: ['auto', 'chat', 'completions'] as const, default: 'auto' as const, describe: 'force chat or completions for every request (auto: as the suite says)' })
          .option('gguf', { type: 'string', nargs: 1, describe: 'a GGUF model file run in-process (node-llama-cpp; --concurrency = parallel sequences, at most 4)' })
          .option('gguf-context-size', { type: 'number', nargs: 1, describe: 'with --gguf: context tokens per sequence (default: the model\'s training context, at most 8192)' })
          .option('gguf-batch-size', { type: 'number', nargs: 1, describe: 'with --gguf: tokens evaluated per batch (default: min(context x sequences, 512))' })
          .option('gguf-threads', { type: 'number', nargs: 1, describe: 'with --gguf: CPU threads (default: the CPU\'s math cores; fewer on a busy machine, as llama.cpp\'s threads spin-wait)' })
          .option('gguf-gpu-layers', { type: 'number', nargs: 1, describe: 'with --gguf: layers offloaded to a GPU (default: as many as fit; 0 = CPU only)' })
          .option('runner', { choices: ['reference', 'replay'] as const, describe: 'reference: gold answers; replay: --predictions' })
          .option('predictions', { type: 'string', nargs: 1, describe: 'predictions to replay (the suite\'s official output layout)' })
          .option('tokenizer', { type: 'string', nargs: 1, describe: 'tokenizer for truncation: tokenizer.json, a tiktoken rank file, or "server"' })
          .option('max-length', { type: 'number', nargs: 1, describe: 'input budget in tokens (LongBench max_length)' })
          .option('truncate', { choices: ['middle', 'error', 'skip'] as const, describe: 'a prompt over the input budget: middle = cut its middle (default), error = fail it as too_long, skip = skip it (neither is sent or scored)' })
          .option('concurrency', { type: 'number', nargs: 1, default: 8, describe: 'most requests in flight per endpoint (lowered on 429s, raised again while the server keeps up)' })
          .option('timeout', { type: 'number', nargs: 1, default: 600, describe: 'seconds per request attempt' })
          .option('retries', { type: 'number', nargs: 1, default: 5, describe: 'retries of a failed request (429, 5xx, resets, timeouts)' })
          .option('error-budget', { type: 'number', nargs: 1, default: 0.05, describe: 'stop when more than this share of items fail permanently' })
          .option('db', dbOption)
          .option('name', { type: 'string', nargs: 1, describe: 'run name (default: suite-model[-sample][-preset][-datasets][-limitN]-date); same name = resume' })
          .option('tag', { type: 'string', array: true, describe: 'K=V tags for the run (e.g. step=1000)' })
          .option('judge-endpoint', { type: 'string', nargs: 1, describe: 'judge model endpoint (judged suites)' })
          .option('judge-model', { type: 'string', nargs: 1, describe: 'judge model id (judged suites)' })
          .option('judge-concurrency', { type: 'number', nargs: 1, default: 4, describe: 'judge requests in flight (key: EVALH_JUDGE_API_KEY, else EVALH_API_KEY)' })
          .option('judge-cache', judgeCacheOption)
          .option('db-url', { type: 'string', nargs: 1, describe: 'agentbench-db: an existing MySQL-compatible server, mysql://user:pass@host:port (or EVALH_DB_URL; the password is never stored); default: evalh starts its own MariaDB' })
          .option('unsafe-no-sandbox', { type: 'boolean', default: false, describe: 'execute generated code WITHOUT a sandbox (only where bubblewrap cannot run)' })
          .option('json', jsonOption),
      async (args) => {
        if (args.unsafeNoSandbox) process.env.EVALH_UNSAFE_NO_SANDBOX = '1';
        return (await import('./commands/run.js')).runCommand(args as never);
      },
    )
    .command(
      'import <suite> <path>',
      'score predictions in the suite\'s official output layout and store them as a run',
      (y) =>
        y
          .positional('suite', { type: 'string', demandOption: true })
          .positional('path', { type: 'string', demandOption: true })
          .option('name', { type: 'string', nargs: 1, describe: 'run name (default: suite-import-<folder>)' })
          .option('unsafe-no-sandbox', { type: 'boolean', default: false, describe: 'execute generated code WITHOUT a sandbox (only where bubblewrap cannot run)' })
          .option('db', dbOption)
          .option('json', jsonOption),
      async (args) => {
        if (args.unsafeNoSandbox) process.env.EVALH_UNSAFE_NO_SANDBOX = '1';
        return (await import('./commands/import.js')).importCommand(args as never);
      },
    )
    .command(
      'list [what]',
      'list suites or runs',
      (y) =>
        y
          .positional('what', { choices: ['suites', 'runs'] as const, default: 'runs' as const })
          .option('db', dbOption)
          .option('json', jsonOption),
      async (args) => (await import('./commands/list.js')).listCommand(args as never),
    )
    .command(
      'show <run>',
      'a run\'s settings, counts and scores in the official layout',
      (y) =>
        y
          .positional('run', { type: 'string', demandOption: true })
          .option('item', { type: 'string', nargs: 1, describe: 'show one item whole (output, error, scores, transcript), e.g. one a report cut short' })
          .option('db', dbOption)
          .option('json', jsonOption),
      async (args) => (await import('./commands/show.js')).showCommand(args as never),
    )
    .command(
      'report <runs..>',
      'one self-contained HTML report of one or several runs',
      (y) =>
        y
          .positional('runs', { type: 'string', array: true, demandOption: true })
          .option('o', { alias: 'output', type: 'string', nargs: 1, describe: 'the HTML file to write (default: report.html)' })
          .option('db', dbOption)
          .option('json', jsonOption),
      async (args) => (await import('./commands/report.js')).reportCommand(args as never),
    )
    .command(
      'compare <runs..>',
      'differences between runs per dataset and overall, with paired-bootstrap 95% intervals',
      (y) =>
        y
          .positional('runs', { type: 'string', array: true, demandOption: true })
          .option('seed', { type: 'number', nargs: 1, default: 1, describe: 'bootstrap seed (the output is reproducible)' })
          .option('db', dbOption)
          .option('json', jsonOption),
      async (args) => (await import('./commands/compare.js')).compareCommand(args as never),
    )
    .command(
      'gate',
      'CI regression gate: exit 1 for a drop both larger than allowed and significant, or a candidate that did not finish every baseline item',
      (y) =>
        y
          .option('baseline', { type: 'string', nargs: 1, demandOption: true, describe: 'run name or tag (K=V, or K: latest run with that tag)' })
          .option('candidate', { type: 'string', nargs: 1, demandOption: true, describe: 'run name' })
          .option('max-drop', { type: 'number', nargs: 1, default: 1, describe: 'allowed drop in points' })
          .option('alpha', { type: 'number', nargs: 1, default: 0.05, describe: 'significance level of the paired test' })
          .option('config', { type: 'string', nargs: 1, describe: 'JSON file with per-suite/dataset thresholds' })
          .option('junit', { type: 'string', nargs: 1, describe: 'write JUnit XML here' })
          .option('seed', { type: 'number', nargs: 1, default: 1, describe: 'bootstrap seed' })
          .option('allow-partial', {
            type: 'boolean',
            default: false,
            describe: 'judge an interrupted or partial candidate on the items it shares with the baseline instead of failing',
          })
          .option('db', dbOption)
          .option('json', jsonOption),
      async (args) => (await import('./commands/gate.js')).gateCommand(args as never),
    )
    .command(
      'merge <dbs..>',
      'merge stores made on several machines (shards) into one',
      (y) =>
        y
          .positional('dbs', { type: 'string', array: true, demandOption: true })
          .option('into', { type: 'string', nargs: 1, demandOption: true, describe: 'the store to merge into (created if missing)' })
          .option('json', jsonOption),
      async (args) => (await import('./commands/merge.js')).mergeCommand(args as never),
    )
    .command(
      'rejudge <run>',
      'judge an existing run\'s answers with another judge, as a new run (judged suites)',
      (y) =>
        y
          .positional('run', { type: 'string', demandOption: true })
          .option('judge-endpoint', { type: 'string', nargs: 1, demandOption: true, describe: 'judge endpoint (…/v1)' })
          .option('judge-model', { type: 'string', nargs: 1, demandOption: true, describe: 'judge model id' })
          .option('judge-concurrency', { type: 'number', nargs: 1, default: 4 })
          .option('judge-cache', judgeCacheOption)
          .option('name', { type: 'string', nargs: 1, describe: 'the new run (default: <run>-judged-by-<judge>)' })
          .option('timeout', { type: 'number', nargs: 1, default: 600 })
          .option('retries', { type: 'number', nargs: 1, default: 5 })
          .option('db', dbOption)
          .option('json', jsonOption),
      async (args) => (await import('./commands/rejudge.js')).rejudgeCommand(args as never),
    )
    .command(
      'doctor [suite]',
      'which toolchains and libraries each suite needs, which are present, and how to install the rest',
      (y) => y.positional('suite', { type: 'string' }).option('json', jsonOption),
      async (args) => (await import('./commands/doctor.js')).doctorCommand(args as never),
    )
    .command(
      'data <action> [suite] [path]',
      'official assets: pull (download and pin), add (register a local copy), status',
      (y) =>
        y
          .positional('action', { choices: ['pull', 'add', 'status'] as const, demandOption: true })
          .positional('suite', { type: 'string' })
          .positional('path', { type: 'string' })
          .option('json', jsonOption),
      async (args) => (await import('./commands/data.js')).dataCommand(args as never),
    )
    .middleware(checkValues)
    .demandCommand(1, 'name a command')
    .strict()
    .help()
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      // A YError is yargs' own parse error (e.g. an option given no value): bad usage too.
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(`${msg}\nRun \`evalh ${commandOf(hideBin(process.argv))}--help\` for usage.`);
    });
}

// yargs turns a repeated flag into an array and a flag with nothing after it into "" or
// the default (every value option has nargs 1 so that it fails instead): a command would
// take either for one value (`--db a --db b` as a path). Only these repeat.
const REPEATABLE = new Set(['endpoint', 'tag']);
const POSITIONALS = new Set(['suite', 'path', 'what', 'run', 'runs', 'dbs', 'action']);

function checkValues(argv: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(argv)) {
    // camelCase keys are yargs' copies of the dashed ones, checked under their own name.
    if (key === '_' || key === '$0' || /[A-Z]/.test(key) || POSITIONALS.has(key)) continue;
    const flag = key.length === 1 ? `-${key}` : `--${key}`;
    if (Array.isArray(value) && !REPEATABLE.has(key)) throw new UsageError(`${flag} is given ${value.length} times (${value.join(', ')}); give it once`);
    if (value === '' || (Array.isArray(value) && value.includes(''))) throw new UsageError(`${flag} needs a value`);
  }
}

const COMMANDS = ['run', 'import', 'list', 'show', 'report', 'compare', 'gate', 'merge', 'rejudge', 'doctor', 'data'];

/** The command a parser error belongs to ("run "), so its help is the one pointed at. */
function commandOf(argv: string[]): string {
  const first = argv.find((a) => !a.startsWith('-'));
  return first !== undefined && COMMANDS.includes(first) ? `${first} ` : '';
}

/** Node errors about a path that escaped a command's own checks: still bad input, said plainly. */
function pathProblem(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.path !== 'string') return undefined;
  const why: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EISDIR: 'is a folder, where a file was expected',
    ENOTDIR: 'is not a folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ELOOP: 'too many symbolic links',
    ENAMETOOLONG: 'name too long',
  };
  return err.code !== undefined && why[err.code] ? `${err.path}: ${why[err.code]}` : undefined;
}

async function main(): Promise<void> {
  const argv = hideBin(process.argv);
  const json = argv.includes('--json');
  // A reader that stops early (`evalh show run --item id | head`) closes the pipe: not an
  // error of ours, and never a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  // Track whether the command already printed its document (a failed gate prints its
  // verdict, then exits 1): --json promises exactly one document on stdout.
  let printed = false;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    printed = true;
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  const fail = (code: number, message: string, detail?: string) => {
    process.stderr.write(`evalh: ${message}\n${detail ? `${detail}\n` : ''}`);
    if (json && !printed) write(`${JSON.stringify({ error: { code, message } })}\n`);
    process.exitCode = code;
  };
  try {
    await cli(argv).parseAsync();
  } catch (e) {
    if (e instanceof EvalhError) return fail(e.exitCode, e.message);
    const path = pathProblem(e);
    if (path) return fail(2, path);
    fail(
      1,
      `internal error: ${(e as Error)?.message ?? String(e)}`,
      `This is a bug in evalh ${evalhVersion}, not in your input: please report it to the evalh maintainers with the command line and this trace:\n${(e as Error)?.stack ?? String(e)}`,
    );
  }
}

void main();
