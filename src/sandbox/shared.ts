import type { Sandbox } from './sandbox.js';

// One sandbox per process for every suite that runs generated code: one worker pool sized to
// the cores (a pool per suite would oversubscribe them). Made on first use, loaded lazily, so
// that listing suites or reading data never touches it; closed when the event loop drains.
let shared: Promise<Sandbox> | undefined;

export function processSandbox(): Promise<Sandbox> {
  if (!shared) {
    const made = import('./sandbox.js').then(({ Sandbox }) => Sandbox.create({ unsafe: process.env.EVALH_UNSAFE_NO_SANDBOX === '1' }));
    shared = made;
    made.then(
      (sb) => process.once('beforeExit', () => void sb.close()),
      () => undefined,
    );
  }
  return shared;
}

/** Closes the process's sandbox (tests; the CLI closes it when the event loop drains). */
export async function closeProcessSandbox(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (s) await (await s.catch(() => undefined))?.close();
}

/** The first `bytes` bytes of a program's log (never half a character), saying how much was left out. */
export function capBytes(s: string, bytes: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= bytes) return s;
  return b.subarray(0, bytes).toString('utf8').replace(/\uFFFD$/, '') + `\n… (${b.length - bytes} more bytes)`;
}
