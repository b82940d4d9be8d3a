// Sandboxed execution of untrusted generated code (bubblewrap). See ./README.md.

import { Sandbox } from './sandbox.js';
import { which } from './which.js';
import type { SandboxDescription, SandboxOptions } from './types.js';

export { Sandbox, DEFAULT_LIMITS, DEFAULT_CGROUP_MEMORY_MB, SANDBOX_PATH } from './sandbox.js';
export { SandboxError, SandboxUnavailableError } from './errors.js';
export type { Bind, ExecResult, ExecSpec, KilledReason, Limits, SandboxDescription, SandboxOptions, Step, StepResult } from './types.js';

/** For `evalh doctor`: whether a sandbox can be made here, and what it enforces. */
export async function describeSandbox(opts: Pick<SandboxOptions, 'bwrap' | 'searchPath'> = {}): Promise<SandboxDescription> {
  const bwrap = which(opts.bwrap ?? 'bwrap', opts.searchPath ?? process.env.PATH);
  if (!bwrap) {
    return { bwrap: null, cgroups: false, notes: ['bubblewrap (bwrap) not found: install it (Debian/Ubuntu: apt-get install bubblewrap) or pass --unsafe-no-sandbox to run generated code unsandboxed'] };
  }
  try {
    const sb = await Sandbox.create({ ...opts, workers: 1 });
    const d = { bwrap, cgroups: sb.memoryCgroup, notes: [...sb.notes] };
    await sb.close();
    return d;
  } catch (err) {
    return { bwrap, cgroups: false, notes: [(err as Error).message] };
  }
}
