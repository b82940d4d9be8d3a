import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The tests drive the built CLI (dist/), exactly as a user's script would.
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = resolve(ROOT, 'dist/src/cli.js');
export const SHARED = resolve(ROOT, '../shared');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'evalh-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Environment for a CLI child: its own data directory, no inherited API keys. */
export function cliEnv(dataHome: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, EVALH_DATA: dataHome, ...extra };
  if (!('EVALH_API_KEY' in extra)) delete env.EVALH_API_KEY;
  if (!('OPENAI_API_KEY' in extra)) delete env.OPENAI_API_KEY;
  return env;
}

export function startCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function runCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  return finished(startCli(args, opts));
}

export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((res, rej) => {
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
}

export function json<T = Record<string, unknown>>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
}

/** The one JSON error document a failing `--json` command prints on stdout. */
export function jsonError(r: CliResult): { code: number; message: string } {
  const doc = json<{ error?: { code: number; message: string } }>(r);
  if (!doc.error) throw new Error(`stdout is not an error document:\n${r.stdout}`);
  return doc.error;
}
